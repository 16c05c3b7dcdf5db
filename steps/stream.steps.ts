// Stream vocabulary: open, send raw bytes, stream headers, features, stream errors, closing.
// Each step parses its phrase and calls the peer; none touches a socket or a parser.
import { Given, When, Then } from '@cucumber/cucumber';
import type { XmppWorld } from '../support/world.ts';
import type { Stage } from '../support/peer/client.ts';
import { NS, type XmlElement } from '../support/wire/element.ts';
import { failed } from '../support/errors.ts';
import { ATTACH } from '../support/hooks.ts';

Given('a client connected to the target', async function (this: XmppWorld) {
  await this.newClient('client');
});

Given('a client that negotiated up to {stage}', async function (this: XmppWorld, stage: Stage) {
  const c = await this.newClient('client');
  await c.negotiate(stage);
});

Given('a recipient bound to the target', async function (this: XmppWorld) {
  const c = await this.newClient('recipient');
  // no initial presence: its reflection would be an unrelated arrival; full-JID delivery needs none
  await c.negotiate('session');
});

When('{role} opens a stream with:', function (this: XmppWorld, role: string, bytes: string) {
  this.client(role).stream.sendRaw(this.render(bytes));
});

When('{role} opens a stream', function (this: XmppWorld, role: string) {
  this.client(role).stream.openStream({ to: this.cfg.domain });
});

When('{role} sends:', function (this: XmppWorld, role: string, bytes: string) {
  this.client(role).stream.sendRaw(this.render(bytes));
});

When('{role} closes the stream', function (this: XmppWorld, role: string) {
  this.client(role).stream.sendRaw('</stream:stream>');
});

When('{int} clients open streams at the same time', async function (this: XmppWorld, n: number) {
  const clients = await Promise.all(Array.from({ length: n }, (_, i) => this.newClient(`parallel-${i + 1}`)));
  const headers = await Promise.all(
    clients.map(async (c) => {
      c.stream.openStream({ to: this.cfg.domain });
      return c.stream.expectHeader();
    }),
  );
  this.memo.set('headers', headers);
});

function header(world: XmppWorld, role = 'client'): XmlElement {
  const h = world.client(role).stream.header;
  if (!h) failed('the target sent no response stream header');
  return h;
}

Then('the server answers with a response stream header', async function (this: XmppWorld) {
  const h = await this.client().stream.expectHeader();
  if (!h.is('stream', NS.stream)) failed(`the response stream header is <${h.name}> in namespace '${h.ns}', not <stream> in ${NS.stream} (RFC 3920 4.4)`);
  this.outcome(`response header: ${h.toString().replace(/\/>$/, '>')}`);
});

Then('the response stream header carries an {string} attribute', function (this: XmppWorld, name: string) {
  const v = header(this).attr(name);
  if (v === undefined || v === '') failed(`the response stream header has no '${name}' attribute (or an empty one): ${header(this)}`);
  this.outcome(`${name}='${v}'`);
});

Then("the response stream header's {string} is the target's domain", function (this: XmppWorld, name: string) {
  const v = header(this).attr(name);
  if (v?.toLowerCase() !== this.cfg.domain.toLowerCase()) failed(`expected ${name}='${this.cfg.domain}' on the response stream header; it has ${v === undefined ? `no '${name}'` : `${name}='${v}'`}`);
  this.outcome(`${name}='${v}'`);
});

Then("the response stream header's version is {string}", function (this: XmppWorld, version: string) {
  const v = header(this).attr('version');
  if (v !== version) failed(`expected version='${version}' on the response stream header; it has ${v === undefined ? 'no version' : `version='${v}'`}`);
  this.outcome(`version='${v}'`);
});

Then('the response stream header has no {string} attribute', function (this: XmppWorld, name: string) {
  const v = header(this).attr(name);
  if (v !== undefined) failed(`the response stream header carries ${name}='${v}', which the text says it SHOULD NOT`);
  this.outcome(`no '${name}' attribute`);
});

Then('the response stream header declares the streams namespace and the default namespace {string}', function (this: XmppWorld, ns: string) {
  const h = header(this);
  const streamsDecl = Object.entries(h.attrs).find(([k, v]) => k.startsWith('xmlns:') && v === NS.stream);
  const defaultDecl = h.attr('xmlns');
  if (!streamsDecl) failed(`the response stream header declares no prefix for ${NS.stream}: ${h}`);
  if (defaultDecl !== ns) failed(`the response stream header's default namespace is ${defaultDecl === undefined ? 'not declared' : `'${defaultDecl}'`}, expected '${ns}': ${h}`);
  this.outcome(`${streamsDecl[0]}='${NS.stream}', xmlns='${defaultDecl}'`);
});

Then('every response stream header carries a different id', function (this: XmppWorld) {
  const headers = this.memo.get('headers') as XmlElement[];
  const ids = headers.map((h) => h.attr('id'));
  const missing = ids.filter((i) => !i).length;
  if (missing) failed(`${missing} of ${ids.length} response stream headers carry no id`);
  const distinct = new Set(ids);
  if (distinct.size !== ids.length) failed(`the ids are not unique: ${ids.join(', ')}`);
  this.outcome(`${ids.length} distinct ids: ${ids.join(', ')}`);
});

Then('the server sends stream features', async function (this: XmppWorld) {
  const f = await this.client().stream.expectFeatures();
  this.memo.set('features', f);
  this.outcome(`features: ${f.elements().map((e) => `<${e.local} xmlns='${e.ns}'>`).join(' ') || '(empty)'}`);
});

Then('the stream features do not offer resource binding', function (this: XmppWorld) {
  const f = (this.memo.get('features') as XmlElement | undefined) ?? this.client().features;
  if (!f) failed('no stream features were received');
  if (f.child('bind', NS.bind)) failed(`resource binding is offered before authentication: ${f}`);
  this.outcome('no <bind/> before SASL');
});

/**
 * RFC 3920 4.7.1: a stream error, then '</stream:stream>', then the TCP connection closed. Every
 * condition named is accepted; the outcome names the one that arrived and how the stream ended.
 */
Then('the server closes the stream with {conditions}', async function (this: XmppWorld, conditions: string[]) {
  const s = this.client().stream;
  const r = await s.expectStreamError(conditions);
  const how = `<${r.condition}/>${r.text ? ` (text: ${JSON.stringify(r.text.slice(0, 120))})` : ''}`;
  if (!r.streamClosed) failed(`the target sent the stream error ${how} but did not close the stream with </stream:stream> (RFC 3920 4.7.1)`);
  if (r.tcp === 'open') failed(`the target sent ${how} and </stream:stream> but left the TCP connection open for ${this.cfg.timeouts.responseMs} ms (RFC 3920 4.7.1)`);
  this.outcome(`stream error ${how}, </stream:stream>, TCP ${r.tcp === 'reset' ? 'reset' : 'closed'}`);
});

Then('the server closes the stream with any stream error', async function (this: XmppWorld) {
  const s = this.client().stream;
  const r = await s.expectStreamError(null);
  if (!r.streamClosed) failed(`the target sent the stream error <${r.condition}/> but did not close the stream with </stream:stream>`);
  if (r.tcp === 'open') failed(`the target sent <${r.condition}/> and </stream:stream> but left the TCP connection open for ${this.cfg.timeouts.responseMs} ms`);
  this.outcome(`stream error <${r.condition}/>, </stream:stream>, TCP ${r.tcp}`);
});

Then('the server sent its response stream header before the error', function (this: XmppWorld) {
  const h = this.client().stream.header;
  if (!h) failed('the target sent a stream error without first opening its response stream (RFC 3920 4.7.1: it MUST still send the opening <stream> tag)');
  this.outcome('response header sent before the error');
});

Then("the response stream header's 'from' names the server's authoritative host", function (this: XmppWorld) {
  const from = this.client().stream.header?.attr('from');
  if (from === undefined || from === '') failed(`the response stream header carries no 'from'; the server's authoritative hostname is '${this.cfg.domain}'`);
  if (from.toLowerCase() !== this.cfg.domain.toLowerCase()) failed(`the response stream header carries from='${from}', not the server's authoritative hostname '${this.cfg.domain}'`);
  this.outcome(`from='${from}'`);
});

Then('the server closes the stream and the TCP connection', async function (this: XmppWorld) {
  const r = await this.client().stream.expectClosed();
  if (!r.streamClosed) failed('the TCP connection was closed without </stream:stream>');
  this.outcome(`</stream:stream>, TCP ${r.tcp}`);
});

Then('the server closes the TCP connection', async function (this: XmppWorld) {
  const r = await this.client().stream.expectClosed();
  this.outcome(`${r.streamClosed ? '</stream:stream>, ' : ''}TCP ${r.tcp}`);
});

Then('{role} receives nothing', async function (this: XmppWorld, role: string) {
  const c = this.client(role);
  const proof = await c.stream.expectNothing(c.canRoundTrip, this.cfg.domain);
  this.attach(`silence proved by ${proof}`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  this.outcome(`nothing received (${proof})`);
});

/** 4.4.1 lets the server answer the lower version; 4.7.3 lets it refuse the version. Both pass. */
Then('the server answers with version {string} or closes the stream with {conditions}', async function (this: XmppWorld, version: string, conditions: string[]) {
  const s = this.client().stream;
  const h = await s.expectHeader();
  const next = await s.expect(
    (e) => (e.kind === 'element' && (e.element.is('features', NS.stream) || e.element.is('error', NS.stream))) || e.kind.startsWith('tcp'),
    'stream features or a stream error after the response header',
  );
  if (next.kind === 'element' && next.element.is('error', NS.stream)) {
    s.drain();
    const cond = next.element.elements().find((c) => c.ns === NS.streams && c.local !== 'text')?.local;
    if (!cond || !conditions.includes(cond)) failed(`expected ${conditions.map((c) => `<${c}/>`).join(' or ')} or a response with version '${version}'; the target sent the stream error ${next.element}`);
    this.outcome(`refused with <${cond}/> (4.7.3)`);
    return;
  }
  const v = h.attr('version');
  if (v !== version) failed(`expected the response stream header to carry version='${version}' (the lower of the two versions) or a stream error ${conditions.map((c) => `<${c}/>`).join(' or ')}; it carries ${v === undefined ? 'no version' : `version='${v}'`}`);
  this.outcome(`answered with version='${v}' (4.4.1, the lower version)`);
});
