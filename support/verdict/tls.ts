// Judges of RFC 3920 5 (STARTTLS): the offer, the answer to <starttls/>, what the target sends
// around <proceed/>, the handshake, the restarted stream, and the close after a failure.
import type { XmppWorld } from '../world.ts';
import { NS, type XmlElement } from '../wire/element.ts';
import { notApplicable } from '../hooks.ts';
import { ExpectationFailed } from '../errors.ts';
import { describe as describeEvent } from '../peer/stream.ts';
import { awaitStarttlsAnswer, receivedSince, plaintextAfterProceed, whitespaceBetweenElements, awaitTcpEnd } from '../peer/starttls.ts';
import { violated } from './judge.ts';
import { dialbackBound } from '../peer/server.ts';

/** The client's stream features; a target that sent none fails the step that reads them. */
function features(world: XmppWorld, accepted: string[]): XmlElement {
  const s = world.client().stream;
  const f = world.client().features;
  if (!f) violated({ summary: 'the target sent no stream features', accepted, actual: `no <stream:features/>; received and not consumed: ${s.unreadText()}`, where: s.where() });
  return f;
}

const where = (world: XmppWorld): string => world.client().stream.where();

/** RFC 3920 5.1 rule 3: the stream features hold <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>. */
export function starttlsOffered(world: XmppWorld): void {
  const accepted = [`<starttls xmlns='${NS.tls}'/> among the stream features (RFC 3920 5.1 rule 3)`];
  const st = features(world, accepted).child('starttls', NS.tls);
  if (!st) violated({ summary: `the stream features hold no <starttls xmlns='${NS.tls}'/> (RFC 3920 5.1 rule 3)`, accepted, actual: `${features(world, accepted)}`, where: where(world) });
  world.outcome(`offered: ${st}`);
}

/** RFC 3920 5.2 step 3: a target that requires TLS puts a <required/> child in its <starttls/>. */
export function starttlsRequired(world: XmppWorld): void {
  const accepted = [`<starttls xmlns='${NS.tls}'/> holding <required/> (RFC 3920 5.2 step 3)`];
  const st = features(world, accepted).child('starttls', NS.tls);
  if (!st) violated({ summary: 'the target requires TLS but offers no <starttls/>', accepted, actual: `${features(world, accepted)}`, where: where(world) });
  if (!st.child('required')) violated({ summary: 'the target requires TLS, but its <starttls/> carries no <required/> child (RFC 3920 5.2 step 3)', accepted, actual: `${st}`, where: where(world) });
  world.outcome(`offered: ${st}`);
}

/** The stream restarted after TLS does not offer STARTTLS again. */
export function starttlsNotOfferedAgain(world: XmppWorld): void {
  const accepted = ['stream features without <starttls/> on the stream restarted after TLS'];
  noStarttlsIn(world, features(world, accepted), where(world), accepted);
}

function noStarttlsIn(world: XmppWorld, f: XmlElement, at: string, accepted: string[]): void {
  if (f.child('starttls', NS.tls)) violated({ summary: 'STARTTLS is offered again on the stream that was restarted after TLS (RFC 3920 5.1 rule 11)', accepted, actual: `${f}`, where: at });
  world.outcome(`features after the restart: ${f.elements().map((e) => `<${e.local}>`).join(' ') || '(empty)'}; no <starttls/>`);
}

/** The same rule between servers: the features of the peer's s2s stream restarted after TLS. */
export function starttlsNotOfferedAgainToPeer(world: XmppWorld): 'skipped' | undefined {
  const s = world.peerStream();
  if (!s.tls) return notApplicable(world, 'the target offered the peer no STARTTLS (or the peer uses none: peer.starttls), so no stream was restarted after TLS');
  const accepted = ["stream features without <starttls/> on the peer's stream restarted after TLS"];
  const f = world.state.s2sFeatures;
  if (!f) violated({ summary: 'the target sent no stream features on the stream restarted after TLS', accepted, actual: s.unreadText(), where: s.where() });
  noStarttlsIn(world, f, s.where(), accepted);
  return undefined;
}

/** RFC 3920 5.2 step 5: the target answers <starttls/> with <proceed/> or <failure/> qualified by the TLS namespace. */
export async function proceedOrFailure(world: XmppWorld): Promise<void> {
  const a = await awaitStarttlsAnswer(world.client());
  if (a.kind === 'proceed' || a.kind === 'failure') {
    world.outcome(`answered <${a.kind}/> in the TLS namespace: ${a.element}`);
    return;
  }
  const accepted = [`<proceed/> qualified by ${NS.tls}`, `<failure/> qualified by ${NS.tls}`];
  if (a.kind === 'closed') violated({ summary: 'the target ended the connection instead of answering <starttls/> with <proceed/> or <failure/> (RFC 3920 5.2 step 5)', accepted, actual: 'the connection ended', where: where(world) });
  violated({ summary: `the target answered <starttls/> with neither <proceed/> nor <failure/> qualified by ${NS.tls} (RFC 3920 5.2 step 5)`, accepted, actual: `${a.element}`, where: where(world) });
}

/** RFC 3920 5.2 step 5: the offered STARTTLS is answered with <proceed/>. */
export async function proceeds(world: XmppWorld): Promise<void> {
  const a = await awaitStarttlsAnswer(world.client());
  if (a.kind !== 'proceed') violated({ summary: 'the target did not answer the offered STARTTLS with <proceed/>', accepted: ['<proceed/> to the offered STARTTLS'], actual: `${a.element ?? 'nothing (the connection ended)'}`, where: where(world) });
  world.outcome(`<proceed/>`);
}

/** RFC 3920 5.1 rule 5: no white space between elements during TLS negotiation (from the response header through <proceed/>). */
export function noWhitespaceDuringTls(world: XmppWorld): void {
  const s = world.client().stream;
  const text = receivedSince(s, 0);
  const header = /<([\w-]+:)?stream\b[^>]*>/.exec(text);
  const after = header ? text.slice(header.index + header[0].length) : text;
  const upTo = /<([\w-]+:)?proceed\b[^>]*>/.exec(after);
  const window = upTo ? after.slice(0, upTo.index + upTo[0].length) : after;
  const ws = whitespaceBetweenElements(window);
  if (ws.length) violated({ summary: 'the target sent white space between elements during TLS negotiation (RFC 3920 5.1 rule 5)', accepted: ['no white space between elements from the response stream header through <proceed/> (RFC 3920 5.1 rule 5)'], actual: ws.join('; '), where: s.where() });
  world.outcome(`no white space between elements in ${window.length} characters from the header through <proceed/>`);
}

/** RFC 3920 5.2 step 5: after <proceed/> the TLS handshake completes. */
export function handshakeCompletes(world: XmppWorld): void {
  const err = world.state.tlsError;
  if (err) violated({ summary: 'after <proceed/> the TLS handshake did not complete (RFC 3920 5.2 step 5)', accepted: ['the TLS handshake completes after <proceed/>'], actual: err, where: where(world) });
  const info = world.need('tlsInfo');
  world.outcome(`TLS established: ${info.protocol} ${info.cipher}`);
}

/** RFC 3920 5.1 rule 6: TLS negotiation begins right after the closing '>' of <proceed/>; no plaintext byte follows it. */
export function noPlaintextAfterProceed(world: XmppWorld): void {
  const s = world.client().stream;
  const accepted = ["nothing after the closing '>' of <proceed/> before the TLS handshake (RFC 3920 5.1 rule 6)"];
  const rest = plaintextAfterProceed(s);
  if (rest === undefined) violated({ summary: 'no <proceed/> was received', accepted, actual: `no <proceed/> in the transcript; received and not consumed: ${s.unreadText()}`, where: s.where() });
  if (rest !== '') violated({ summary: "after the closing '>' of <proceed/> the target sent plaintext; TLS negotiation begins right after that character (RFC 3920 5.1 rule 6)", accepted, actual: JSON.stringify(rest.slice(0, 200)), where: s.where() });
  world.outcome("nothing followed the '>' of <proceed/> before the TLS handshake");
}

/** RFC 3920 5.2 step 5: the target sends no XML between <proceed/> and the completed TLS handshake. */
export function noXmlBeforeHandshakeEnd(world: XmppWorld): void {
  const accepted = ['no XML between <proceed/> and the completed TLS handshake (RFC 3920 5.2 step 5)'];
  const rest = plaintextAfterProceed(world.client().stream);
  if (rest === undefined) violated({ summary: 'no <proceed/> was received', accepted, actual: `no <proceed/> in the transcript; received and not consumed: ${world.client().stream.unreadText()}`, where: where(world) });
  const s = world.client().stream;
  const events = s.unread().filter((e) => e.kind !== 'tcp-end' && e.kind !== 'tcp-closed');
  if (/</.test(rest) || events.length) {
    violated({ summary: 'the target sent XML after <proceed/> before the TLS handshake was complete (RFC 3920 5.2 step 5)', accepted, actual: `${JSON.stringify(rest.slice(0, 200))}${events.length ? `; events: ${events.map(describeEvent).join(', ')}` : ''}`, where: s.where() });
  }
  world.outcome('no XML between <proceed/> and the completed handshake');
}

/**
 * RFC 3920 5.2 step 7, 6.2 step 3: the old stream is considered closed by both sides, so the
 * target answers the new stream header with a new response header and stream features.
 */
export async function newHeaderAndFeatures(world: XmppWorld): Promise<void> {
  const c = world.client();
  const s = c.stream;
  const accepted = ['a new response stream header, then <stream:features/> (RFC 3920 5.2 step 7, 6.2 step 3)'];
  const first = await s.expect(
    (e) => e.kind === 'header' || e.kind === 'close' || e.kind === 'xml-error' || e.kind.startsWith('tcp') || (e.kind === 'element' && e.element.is('error', NS.stream)),
    'a new response stream header',
  );
  if (first.kind !== 'header') violated({ summary: `instead of a new response stream header the target sent ${describeEvent(first)}: it did not consider the old stream closed (RFC 3920 5.2 step 7, 6.2 step 3)`, accepted, actual: `${describeEvent(first)}; received and not consumed after it: ${s.unreadText()}`, where: s.where() });
  c.streamIds.push(first.element.attr('id'));
  const f = await s.expect(
    (e) => e.kind === 'element' || e.kind === 'close' || e.kind === 'xml-error' || e.kind.startsWith('tcp'),
    '<stream:features/> after the new response header',
  );
  if (f.kind !== 'element' || !f.element.is('features', NS.stream)) violated({ summary: `after the new response header the target sent ${describeEvent(f)}, not <stream:features/>`, accepted, actual: describeEvent(f), where: s.where() });
  c.features = f.element;
  world.outcome(`new header id='${first.element.attr('id')}', features: ${f.element.elements().map((e) => `<${e.local}>`).join(' ') || '(empty)'}`);
}

/** RFC 3920 4.4: a new stream needs a new, unique id, different from the stream before it. */
export function differentStreamId(world: XmppWorld): void {
  const ids = world.client().streamIds;
  const now = ids[ids.length - 1];
  const before = ids[ids.length - 2];
  const accepted = ['a new response stream header whose id differs from the previous stream (RFC 3920 4.4)'];
  const actual = `stream ids: ${ids.map((i) => `'${i}'`).join(' -> ')}`;
  if (!now) violated({ summary: `the new response stream header carries no id (previous: '${before}')`, accepted, actual, where: where(world) });
  if (now === before) violated({ summary: `the new stream carries the same id '${now}' as the stream before it; a new stream needs a new, unique id (RFC 3920 4.4)`, accepted, actual, where: where(world) });
  world.outcome(`stream ids: ${ids.map((i) => `'${i}'`).join(' -> ')}`);
}

/**
 * RFC 3920 5.2 step 5: after <failure/> the target MUST terminate the XML stream and the TCP
 * connection. Not applicable where a second <starttls/> does not provoke a <failure/>.
 */
export async function failureThenClose(world: XmppWorld): Promise<'skipped' | undefined> {
  const s = world.client().stream;
  const a = await awaitStarttlsAnswer(world.client()).catch((err: unknown) => {
    if (!(err instanceof ExpectationFailed)) throw err;
    return { kind: 'silent' as const, element: undefined };
  });
  if (a.kind === 'silent') {
    world.outcome(`the target sent nothing within ${world.cfg.timeouts.responseMs} ms; the failure case did not occur`);
    return notApplicable(world, `the target did not answer the second <starttls/> within ${world.cfg.timeouts.responseMs} ms: the failure case of RFC 3920 5.2 step 5 could not be provoked this way`);
  }
  if (a.kind !== 'failure') {
    const what = a.kind === 'closed' ? 'ended the connection' : `answered ${a.element}`;
    world.outcome(`the target ${what}; the failure case did not occur`);
    return notApplicable(world, `the target ${what} instead of <failure/>: the failure case of RFC 3920 5.2 step 5 could not be provoked this way`);
  }
  const accepted = ["<failure/>, then '</stream:stream>', then the TCP connection closed (RFC 3920 5.2 step 5)"];
  const r = await s.awaitClose();
  if (r.tcp === 'open') violated({ summary: `after <failure/> the target left the TCP connection open for ${world.cfg.timeouts.responseMs} ms (RFC 3920 5.2 step 5: it MUST terminate the XML stream and the TCP connection)`, accepted, actual: `TCP still open${r.streamClosed ? " after '</stream:stream>'" : ", no '</stream:stream>'"}; received and not consumed: ${s.unreadText()}`, where: s.where() });
  if (!r.streamClosed) violated({ summary: 'after <failure/> the target closed the TCP connection without closing the XML stream (no </stream:stream>) (RFC 3920 5.2 step 5)', accepted, actual: `TCP ${r.tcp}, no '</stream:stream>'`, where: s.where() });
  world.outcome(`<failure/>, </stream:stream>, TCP ${r.tcp}`);
  return undefined;
}

/** RFC 3920 5.1 rule 13, 5.2 step 7: when TLS negotiation fails the target MUST terminate the TCP connection. */
export async function closesWithoutTls(world: XmppWorld): Promise<void> {
  const s = world.client().stream;
  const r = await awaitTcpEnd(s, world.cfg.timeouts.responseMs);
  if (r === 'open') violated({ summary: `the TLS negotiation failed, but the target left the TCP connection open for ${world.cfg.timeouts.responseMs} ms (RFC 3920 5.1 rule 13, 5.2 step 7: it MUST terminate the TCP connection)`, accepted: ['the TCP connection closed by the target', 'the TCP connection reset by the target'], actual: `TCP still open after ${world.cfg.timeouts.responseMs} ms`, where: s.where() });
  world.outcome(`TCP ${r} after the failed handshake (what the target sent in TLS records is not read as XML)`);
}

/**
 * RFC 3920 5.1: "servers SHOULD use TLS between two domains for the purpose of securing
 * server-to-server communications". The target's half, as initiating server: on the connection it
 * opened to the peer, which offered STARTTLS, it negotiated TLS, and dialback ran only on the new
 * stream after it. Not applicable when the peer offered no STARTTLS (peer.starttls is false).
 */
export function securedOwnConnection(world: XmppWorld): 'skipped' | undefined {
  if (!world.cfg.peer.starttls) return notApplicable(world, "the peer offered no STARTTLS on the target's connections (peer.starttls is false in the config)");
  const accepted = ["<starttls/> on the target's own connection to the peer, the TLS handshake, then dialback on the new stream"];
  const s = world.listener?.accepted[0];
  if (!s) return violated({ summary: "the target opened no connection to the peer's listener", accepted, actual: 'no connection' });
  const received = s.received.map((r) => r.element);
  const sent = received.map((e) => `<${e.name}>`).join(' ') || 'nothing';
  if (!s.tls) violated({ summary: 'the target did not use the STARTTLS the peer offered on the connection it opened to the peer (RFC 3920 5.1)', accepted, actual: `TLS not negotiated; the target sent: ${sent}`, where: s.where() });
  const secondHeader = s.received.findIndex((r, i) => r.kind === 'header' && i > 0);
  const firstDialback = received.findIndex((e) => e.ns === NS.dialback);
  if (firstDialback >= 0 && firstDialback < secondHeader) violated({ summary: 'the target sent dialback on its connection to the peer before TLS was negotiated', accepted, actual: `the target sent, in order: ${sent}`, where: s.where() });
  world.outcome(`TLS on the target's own connection to the peer (${s.label}: ${s.tls!.protocol} ${s.tls!.cipher}), dialback after it`);
  return undefined;
}

/**
 * RFC 3920 5.1 rule 6: "The initiating entity MUST consider the TLS negotiation to have begun
 * immediately after receiving the closing '>' character of the <proceed/> element". The target
 * as initiating server, on the connection it opened to the peer: its first bytes after the
 * listener's <proceed/> must begin the TLS handshake, which the listener (a TLS server) then
 * completes; a plaintext byte in between breaks the handshake. Waits, bounded, for the handshake.
 */
export async function handshakeRightAfterProceed(world: XmppWorld): Promise<'skipped' | undefined> {
  if (!world.cfg.peer.starttls) return notApplicable(world, "the peer offered no STARTTLS on the target's connections (peer.starttls is false in the config)");
  const l = await world.startListener();
  await l.awaitConnections(1);
  const s = l.accepted[0]!;
  const ms = dialbackBound(world.cfg);
  const askedTls = () => s.received.some((r) => r.element.is('starttls', NS.tls));
  await world.ledger.until(() => (s.tls || s.tlsFailure || s.isEnded || s.transport.isEnded || s.received.some((r) => r.element.ns === NS.dialback) ? true : undefined), ms);
  await world.ledger.settle(world.need('messageId'), ms);
  const sent = s.received.map((r) => `<${r.element.name}>`).join(' ') || 'nothing';
  if (!askedTls()) return notApplicable(world, `the target did not ask for TLS on ${s.label} (it sent ${sent}), so no <proceed/> was sent to it (core-5.1-2 decides whether it should have)`);
  const accepted = ["the TLS handshake from the first byte after the listener's <proceed/>, completing"];
  if (s.tlsFailure) violated({ summary: `the target's bytes after the listener's <proceed/> on ${s.label} did not begin a TLS handshake the listener could complete (RFC 3920 5.1 rule 6)`, accepted, actual: `the handshake failed: ${s.tlsFailure}`, where: s.where() });
  if (!s.tls) violated({ summary: `after the listener's <proceed/> on ${s.label} the target did not complete a TLS handshake within ${ms} ms`, accepted, actual: `the target sent ${sent}${s.isEnded || s.transport.isEnded ? ', then the connection ended' : ''}`, where: s.where() });
  world.outcome(`the target's first bytes after <proceed/> on ${s.label} began the TLS handshake, which completed (${s.tls.protocol} ${s.tls.cipher})`);
  return undefined;
}
