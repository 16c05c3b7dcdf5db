// STARTTLS vocabulary (RFC 3920 5): the offer, the request, the answer, the handshake, the
// restart. Each step parses its phrase and calls the peer (support/peer/starttls.ts).
import { When, Then } from '@cucumber/cucumber';
import type { XmppWorld } from '../support/world.ts';
import { NS, type XmlElement } from '../support/wire/element.ts';
import { ExpectationFailed, failed } from '../support/errors.ts';
import { notApplicable } from '../support/hooks.ts';
import { describe as describeEvent } from '../support/peer/stream.ts';
import {
  awaitStarttlsAnswer, sendStarttls, handshake, receivedSince, plaintextAfterProceed,
  whitespaceBetweenElements, sendBytes, TLS_FATAL_ALERT, awaitTcpEnd,
} from '../support/peer/starttls.ts';

function features(world: XmppWorld): XmlElement {
  const f = world.client().features;
  if (!f) failed('the target sent no stream features');
  return f;
}

Then('the stream features offer STARTTLS', function (this: XmppWorld) {
  const st = features(this).child('starttls', NS.tls);
  if (!st) failed(`the stream features hold no <starttls xmlns='${NS.tls}'/> (RFC 3920 5.1 rule 3).\nFeatures: ${features(this)}`);
  this.outcome(`offered: ${st}`);
});

Then('the STARTTLS feature carries <required\\/>', function (this: XmppWorld) {
  const st = features(this).child('starttls', NS.tls);
  if (!st) failed(`the target requires TLS but offers no <starttls/>.\nFeatures: ${features(this)}`);
  if (!st.child('required')) failed(`the target requires TLS, but its <starttls/> carries no <required/> child (RFC 3920 5.2 step 3).\nOffered: ${st}`);
  this.outcome(`offered: ${st}`);
});

Then('the stream features do not offer STARTTLS', function (this: XmppWorld) {
  const st = features(this).child('starttls', NS.tls);
  if (st) failed(`STARTTLS is offered again on the stream that was restarted after TLS: ${st}.\nFeatures: ${features(this)}`);
  this.outcome(`features after the restart: ${features(this).elements().map((e) => `<${e.local}>`).join(' ') || '(empty)'}; no <starttls/>`);
});

/** Where the target offers no STARTTLS, 5.1 rule 3 decides that; the scenarios that use STARTTLS do not apply. */
function notOffered(world: XmppWorld): string | undefined {
  const f = world.client().features;
  if (f?.child('starttls', NS.tls)) return undefined;
  return `the target offers no STARTTLS on this stream (features: ${f?.elements().map((e) => `<${e.local}>`).join(' ') || 'none'}); the offer itself is decided by the 5.1 rule 3 scenario`;
}

When('the client requests STARTTLS', function (this: XmppWorld) {
  const why = notOffered(this);
  if (why) return notApplicable(this, why);
  sendStarttls(this.client());
  return undefined;
});

When('the client requests STARTTLS again on the TLS stream', function (this: XmppWorld) {
  if (!this.client().stream.tls) return notApplicable(this, 'the stream does not run over TLS (the target offered no STARTTLS, or tls.policy is none)');
  sendStarttls(this.client());
  return undefined;
});

When('the client requests STARTTLS with:', function (this: XmppWorld, bytes: string) {
  const why = notOffered(this);
  if (why) return notApplicable(this, why);
  this.client().stream.sendRaw(this.render(bytes));
  return undefined;
});

Then('the server answers with <proceed\\/> or <failure\\/>', async function (this: XmppWorld) {
  const a = await awaitStarttlsAnswer(this.client());
  this.memo.set('tls-answer', a);
  if (a.kind === 'proceed' || a.kind === 'failure') {
    this.outcome(`answered <${a.kind}/> in the TLS namespace: ${a.element}`);
    return;
  }
  if (a.kind === 'closed') failed('the target ended the connection instead of answering <starttls/> with <proceed/> or <failure/> (RFC 3920 5.2 step 5)');
  failed(`expected <proceed/> or <failure/> qualified by ${NS.tls} (RFC 3920 5.2 step 5); the target sent ${a.element}`);
});

Then('the server answers with <proceed\\/>', async function (this: XmppWorld) {
  const a = await awaitStarttlsAnswer(this.client());
  if (a.kind !== 'proceed') failed(`expected <proceed/> to the offered STARTTLS; the target sent ${a.element ?? 'nothing (the connection ended)'}`);
  this.outcome(`<proceed/>`);
});

Then('the server sent no white space between elements since the stream header', function (this: XmppWorld) {
  const s = this.client().stream;
  const text = receivedSince(s, 0);
  const header = /<([\w-]+:)?stream\b[^>]*>/.exec(text);
  const after = header ? text.slice(header.index + header[0].length) : text;
  const upTo = /<([\w-]+:)?proceed\b[^>]*>/.exec(after);
  const window = upTo ? after.slice(0, upTo.index + upTo[0].length) : after;
  const ws = whitespaceBetweenElements(window);
  if (ws.length) failed(`the target sent white space between elements during TLS negotiation (RFC 3920 5.1 rule 5): ${ws.join('; ')}`);
  this.outcome(`no white space between elements in ${window.length} characters from the header through <proceed/>`);
});

When('the client starts the TLS handshake', async function (this: XmppWorld) {
  try {
    const info = await handshake(this.client(), this.cfg);
    this.memo.set('tls-info', info);
  } catch (e) {
    this.memo.set('tls-error', (e as Error).message);
  }
});

Then('the TLS handshake completes', function (this: XmppWorld) {
  const err = this.memo.get('tls-error') as string | undefined;
  if (err) failed(`after <proceed/> the TLS handshake did not complete (RFC 3920 5.2 step 5): ${err}`);
  const info = this.memo.get('tls-info') as { protocol: string | null; cipher: string };
  this.outcome(`TLS established: ${info.protocol} ${info.cipher}`);
});

Then('no plaintext byte followed <proceed\\/>', function (this: XmppWorld) {
  const rest = plaintextAfterProceed(this.client().stream);
  if (rest === undefined) failed('no <proceed/> was received');
  if (rest !== '') failed(`after the closing '>' of <proceed/> the target sent ${JSON.stringify(rest.slice(0, 200))} in plaintext; TLS negotiation begins right after that character (RFC 3920 5.1 rule 6)`);
  this.outcome("nothing followed the '>' of <proceed/> before the TLS handshake");
});

Then('the server sent no XML between <proceed\\/> and the end of the handshake', function (this: XmppWorld) {
  const rest = plaintextAfterProceed(this.client().stream);
  if (rest === undefined) failed('no <proceed/> was received');
  const s = this.client().stream;
  const events = s.unread().filter((e) => e.kind !== 'tcp-end' && e.kind !== 'tcp-closed');
  if (/</.test(rest) || events.length) {
    failed(`the target sent XML after <proceed/> before the TLS handshake was complete (RFC 3920 5.2 step 5): ${JSON.stringify(rest.slice(0, 200))}${events.length ? `; events: ${events.map(describeEvent).join(', ')}` : ''}`);
  }
  this.outcome('no XML between <proceed/> and the completed handshake');
});

When('the client sends bytes that are not TLS instead of the handshake', function (this: XmppWorld) {
  sendBytes(this.client().stream, Buffer.from('this is not a TLS ClientHello\r\n\r\n'.repeat(4)), 'plaintext that is not a TLS record');
});

When('the client sends a fatal TLS alert instead of the handshake', function (this: XmppWorld) {
  sendBytes(this.client().stream, TLS_FATAL_ALERT, 'a TLS record holding a fatal handshake_failure alert');
});

/**
 * RFC 3920 5.2 step 7 / 6.2 step 3: the new stream header is sent without '</stream:stream>'
 * first. The old stream is considered closed by both sides: the target must answer the new
 * header, and must not close the old stream itself.
 */
When('the client opens a new stream without closing the old one', function (this: XmppWorld) {
  const c = this.client();
  c.stream.restart();
  c.stream.openStream({ to: this.cfg.domain });
});

Then('the server answers with a new stream header and stream features', async function (this: XmppWorld) {
  const c = this.client();
  const s = c.stream;
  const first = await s.expect(
    (e) => e.kind === 'header' || e.kind === 'close' || e.kind === 'xml-error' || e.kind.startsWith('tcp') || (e.kind === 'element' && e.element.is('error', NS.stream)),
    'a new response stream header',
  );
  if (first.kind !== 'header') failed(`instead of a new response stream header the target sent ${describeEvent(first)}: it did not consider the old stream closed (RFC 3920 5.2 step 7, 6.2 step 3).\n${s.inboxSummary()}`);
  c.streamIds.push(first.element.attr('id'));
  const f = await s.expect(
    (e) => e.kind === 'element' || e.kind === 'close' || e.kind === 'xml-error' || e.kind.startsWith('tcp'),
    '<stream:features/> after the new response header',
  );
  if (f.kind !== 'element' || !f.element.is('features', NS.stream)) failed(`after the new response header the target sent ${describeEvent(f)}, not <stream:features/>`);
  c.features = f.element;
  this.outcome(`new header id='${first.element.attr('id')}', features: ${f.element.elements().map((e) => `<${e.local}>`).join(' ') || '(empty)'}`);
});

Then('the new stream carries an id different from the previous stream', function (this: XmppWorld) {
  const ids = this.client().streamIds;
  const now = ids[ids.length - 1];
  const before = ids[ids.length - 2];
  if (!now) failed(`the new response stream header carries no id (previous: '${before}')`);
  if (now === before) failed(`the new stream carries the same id '${now}' as the stream before it; a new stream needs a new, unique id (RFC 3920 4.4)`);
  this.outcome(`stream ids: ${ids.map((i) => `'${i}'`).join(' -> ')}`);
});

Then('a <failure\\/> to STARTTLS is followed by <\\/stream:stream> and the TCP connection closing', async function (this: XmppWorld) {
  const s = this.client().stream;
  const a = await awaitStarttlsAnswer(this.client()).catch((err: unknown) => {
    if (!(err instanceof ExpectationFailed)) throw err;
    return { kind: 'silent' as const, element: undefined };
  });
  if (a.kind === 'silent') {
    this.outcome(`the target sent nothing within ${this.cfg.timeouts.responseMs} ms; the failure case did not occur`);
    return notApplicable(this, `the target did not answer the second <starttls/> within ${this.cfg.timeouts.responseMs} ms: the failure case of RFC 3920 5.2 step 5 could not be provoked this way`);
  }
  if (a.kind !== 'failure') {
    const what = a.kind === 'closed' ? 'ended the connection' : `answered ${a.element}`;
    this.outcome(`the target ${what}; the failure case did not occur`);
    return notApplicable(this, `the target ${what} instead of <failure/>: the failure case of RFC 3920 5.2 step 5 could not be provoked this way`);
  }
  const r = await s.awaitClose();
  if (r.tcp === 'open') failed(`after <failure/> the target left the TCP connection open for ${this.cfg.timeouts.responseMs} ms (RFC 3920 5.2 step 5: it MUST terminate the XML stream and the TCP connection).\n${s.inboxSummary()}`);
  if (!r.streamClosed) failed(`after <failure/> the target closed the TCP connection without closing the XML stream (no </stream:stream>) (RFC 3920 5.2 step 5)`);
  this.outcome(`<failure/>, </stream:stream>, TCP ${r.tcp}`);
  return undefined;
});

Then('the server closes the TCP connection without completing TLS', async function (this: XmppWorld) {
  const s = this.client().stream;
  const r = await awaitTcpEnd(s, this.cfg.timeouts.responseMs);
  if (r === 'open') failed(`the TLS negotiation failed, but the target left the TCP connection open for ${this.cfg.timeouts.responseMs} ms (RFC 3920 5.1 rule 13, 5.2 step 7: it MUST terminate the TCP connection)`);
  this.outcome(`TCP ${r} after the failed handshake (what the target sent in TLS records is not read as XML)`);
});
