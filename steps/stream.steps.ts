// Stream vocabulary: open, send raw bytes, stream headers, features, stream errors, closing.
// Each step parses its phrase and calls the peer; none touches a socket or a parser.
import { When, Then } from '@cucumber/cucumber';
import { Given } from '../support/given.ts';
import { sendInitialPresence } from '../support/peer/stanza.ts';
import type { XmppWorld } from '../support/world.ts';
import type { Stage } from '../support/peer/client.ts';
import { NS, type XmlElement } from '../support/wire/element.ts';
import { failed } from '../support/errors.ts';
import { ATTACH } from '../support/hooks.ts';
import { nextId, sendHeadersAs } from '../support/peer/client.ts';
import { conditionOf, definedCondition, LATER_NAMES, STREAM_CONDITIONS, streamError, streamErrorThenClose } from '../support/verdict/stream-error.ts';
import { nothingArrives } from '../support/verdict/silence.ts';
import { counterPattern, estimatedBits, parseStreams, received, settle, versionReading } from '../support/peer/observe.ts';
import { notApplicable } from '../support/hooks.ts';

Given('a client connected to the target', async function (this: XmppWorld) {
  await this.newClient('client');
});

Given('a client that negotiated up to {stage}', async function (this: XmppWorld, stage: Stage) {
  await this.negotiatedClient('client', stage);
});

/**
 * The recipient behaves as an ordinary client does: bound, session, initial presence sent (what
 * the server sends back because of it is consumed by a round-trip), so that no delivery verdict
 * rests on a server's policy for resources that never became available.
 */
Given('a recipient bound to the target', async function (this: XmppWorld) {
  await this.negotiatedClient('recipient', 'session', undefined, async (c) => {
    const n = await sendInitialPresence(c, this.cfg.domain);
    this.outcome(`recipient sent initial presence (${n} presence stanza(s) it brought back were consumed)`);
  });
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
  this.outcome(await streamErrorThenClose(this.client().stream, conditions));
});

Then('the server closes the stream with any stream error', async function (this: XmppWorld) {
  this.outcome(await streamErrorThenClose(this.client().stream, null));
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
  const proof = await nothingArrives(c.stream, c.canRoundTrip, this.cfg.domain);
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

// ---------------------------------------------------------------------------------------------
// Sections 4 and 11: provocations whose reaction the text leaves open, stream ids, headers.

/** The response header, awaited if it has not arrived yet. */
async function awaitHeader(world: XmppWorld, role = 'client'): Promise<XmlElement> {
  const s = world.client(role).stream;
  return s.header ?? (await s.expectHeader());
}

const conds = (cs: string[]) => cs.map((c) => `<${c}/>`).join(' or ');

/** A stream error's defined condition, checked against what the text allows, with the RFC 6120 note. */
function judgeCondition(error: XmlElement, allowed: string[], why: string): string {
  const cond = conditionOf(error);
  if (cond && allowed.includes(cond)) return cond;
  const later = cond && LATER_NAMES[cond];
  if (later && allowed.includes(later)) {
    failed(`expected ${why} or ${conds(allowed)}; the target sent <${cond}/>, the name RFC 6120 gave this condition later (under this draft <${later}/>).\nReceived: ${error}`);
  }
  const wf = cond === 'not-well-formed' || cond === 'xml-not-well-formed';
  const note = !wf
    ? ''
    : allowed.includes('restricted-xml')
      ? ' (these bytes are well-formed XML holding restricted XML: the draft lets a server ignore them (11.1) or refuse them with <restricted-xml/> (4.7.3); RFC 6120 11.1 later allowed any stream error here)'
      : allowed.includes('unsupported-encoding')
        ? ' (the bytes are well-formed ASCII; what the server refused is the declared encoding, for which the draft defines <unsupported-encoding/>)'
        : ' (these bytes are well-formed XML)';
  failed(`expected ${why} or ${conds(allowed)}; the target sent ${cond ? `<${cond}/>` : 'no defined condition'}${note}.\nReceived: ${error}`);
}

Given('a client connected to the target as {role}', async function (this: XmppWorld, role: string) {
  await this.newClient(role);
});

/** The negotiation itself is under test (the headers and features the server sends on the way): a When, so that what goes wrong is a verdict. */
When('{role} negotiates up to {stage}', async function (this: XmppWorld, role: string, stage: Stage) {
  const c = this.clients.get(role) ?? (await this.newClient(role));
  await c.negotiate(stage);
  this.outcome(`negotiated up to "${stage}"; stream ids ${c.streamIds.join(', ')}`);
});

When('{role} negotiates up to {stage}, sending every stream header as:', async function (this: XmppWorld, role: string, stage: Stage, bytes: string) {
  const c = this.clients.get(role) ?? (await this.newClient(role));
  sendHeadersAs(c, this.render(bytes));
  await c.negotiate(stage);
  this.outcome(`negotiated up to "${stage}" with every header sent as given; stream ids ${c.streamIds.join(', ')}`);
});

/**
 * 4.7-2: an entity that perceives a stream-level error sends one; where the text lets the server
 * ignore the input (nothing perceived), ignoring passes. "Ignored" is proved by the answer to a
 * round-trip ping on an authenticated stream, or, before authentication, by the stream features.
 */
Then('the server ignores it or closes the stream with {conditions}', async function (this: XmppWorld, allowed: string[]) {
  await ignoredOrRefused(this, (e) => `<${judgeCondition(e, allowed, 'the input ignored')}/>`);
});

/** 4.7.2-3 alone: any defined condition passes; the outcome says whether it is the one whose definition fits. */
Then('the server ignores it or closes the stream with a condition the draft defines, ideally {conditions}', async function (this: XmppWorld, fitting: string[]) {
  await ignoredOrRefused(this, (e) => definedCondition(e, fitting));
});

Then('the server closes the stream with a condition the draft defines, ideally {conditions}', async function (this: XmppWorld, fitting: string[]) {
  const r = await streamError(this.client().stream, null);
  const how = definedCondition(r.element, fitting);
  if (!r.streamClosed || r.tcp === 'open') failed(`the target sent ${how} but did not close the stream and the TCP connection (RFC 3920 4.7.1)`);
  this.outcome(`stream error ${how}, </stream:stream>, TCP ${r.tcp}`);
});

async function ignoredOrRefused(world: XmppWorld, judge: (error: XmlElement) => string): Promise<void> {
  const c = world.client();
  const s = c.stream;
  let rt: string | undefined;
  if (c.canRoundTrip) {
    rt = nextId('rt-ign');
    s.sendRaw(`<iq type='get' id='${rt}' to='${world.cfg.domain}'><ping xmlns='${NS.ping}'/></iq>`);
  }
  const r = await settle(s, rt);
  switch (r.kind) {
    case 'answer':
    case 'features':
      world.outcome(`ignored: ${r.kind === 'answer' ? `the round-trip ping ${rt} was answered` : 'the stream was served (features arrived)'}; no stream error`);
      s.drain();
      return;
    case 'error': {
      const cond = judge(r.element);
      const after = await s.awaitCloseAfterError();
      if (!after.streamClosed || after.tcp === 'open') failed(`the target sent ${cond} but did not close the stream and the TCP connection (RFC 3920 4.7.1)`);
      world.outcome(`refused with ${cond}, </stream:stream>, TCP ${after.tcp}`);
      return;
    }
    case 'closed':
      failed(`the target closed the connection without a stream error; if it perceived a stream-level error it MUST send one (RFC 3920 4.7), otherwise it must go on.\n${s.inboxSummary()}`);
    case 'tainted':
      failed(`the target answered with ${r.what}, which no XMPP stream may carry (11.1)`);
    case 'silence':
      failed(`within ${world.cfg.timeouts.responseMs} ms the target neither ${rt ? `answered the round-trip ping ${rt}` : 'sent stream features'} nor sent a stream error.\n${s.inboxSummary()}`);
  }
}

/** Not served: any stream error, a close or silence passes and is named; features fail. */
Then('the server sends no stream features', async function (this: XmppWorld) {
  const s = this.client().stream;
  const r = await settle(s);
  if (r.kind === 'features') failed(`the target served the stream: it sent ${r.element.toString().slice(0, 300)} under the header ${s.header ?? '(none)'}`);
  if (r.kind === 'error') {
    const after = await s.awaitCloseAfterError();
    this.outcome(`not served: stream error <${conditionOf(r.element) ?? 'no defined condition'}/>${after.streamClosed ? ', </stream:stream>' : ''}, TCP ${after.tcp}`);
    return;
  }
  if (r.kind === 'tainted') failed(`the target answered with ${r.what}, which no XMPP stream may carry (11.1)`);
  this.outcome(r.kind === 'closed' ? 'not served: the connection was closed' : `not served: nothing within ${this.cfg.timeouts.responseMs} ms`);
});

Then("the response stream header's {string} is not {string}", async function (this: XmppWorld, name: string, value: string) {
  const h = await awaitHeader(this);
  const v = h.attr(name);
  if (v === value) failed(`the response stream header carries ${name}='${v}', the value the client sent; it SHOULD have been ignored.\nHeader: ${h}`);
  this.outcome(v === undefined ? `no '${name}'` : `${name}='${v}'`);
});

Then("the response stream header's {string} is {string} or absent", async function (this: XmppWorld, name: string, value: string) {
  const h = await awaitHeader(this);
  const v = h.attr(name);
  if (v !== undefined && v !== value) {
    const later = name === 'xml:lang' ? ' (RFC 6120 4.7.4 later lets a server answer its own language when it does not support the client\'s; this draft says SHOULD remember the client\'s)' : '';
    failed(`expected ${name}='${value}' (or none) on the response stream header; it carries ${name}='${v}'${later}.\nHeader: ${h}`);
  }
  this.outcome(v === undefined ? `no '${name}' on the response header` : `${name}='${v}'`);
});

Then("the response stream header's version, if any, has no leading zero", async function (this: XmppWorld) {
  for (const s of this.streams) {
    for (const m of received(s).matchAll(/<([A-Za-z_][\w.-]*:)?stream\s[^>]*\bversion=['"]([^'"]*)['"]/g)) {
      if (/(^|\.)0\d/.test(m[2]!)) failed(`a response stream header carries version='${m[2]}': leading zeros MUST NOT be sent (RFC 3920 4.4.1)`);
    }
  }
  this.outcome('no version with a leading zero on any response header');
});

Then("every response stream header's {string} is the target's domain", function (this: XmppWorld, name: string) {
  const all = this.streams.flatMap((s) => parseStreams(received(s)).elements.filter((e) => e.depth === 0));
  if (!all.length) failed('the target sent no response stream header');
  for (const h of all) {
    const v = h.attrs[name];
    if (v?.toLowerCase() !== this.cfg.domain.toLowerCase()) failed(`a response stream header carries ${v === undefined ? `no '${name}'` : `${name}='${v}'`}; expected '${this.cfg.domain}' on every header (RFC 3920 4.4)`);
  }
  this.outcome(`${all.length} response headers, each ${name}='${this.cfg.domain}'`);
});

When('{int} clients open streams one after another', async function (this: XmppWorld, n: number) {
  const ids: Array<string | undefined> = [];
  for (let i = 0; i < n; i++) {
    const c = await this.newClient(`sequential-${i + 1}`);
    c.stream.openStream({ to: this.cfg.domain });
    ids.push((await c.stream.expectHeader()).attr('id'));
    c.stream.close();
  }
  this.memo.set('sequential-ids', ids);
});

function collectedIds(world: XmppWorld): string[] {
  const seq = (world.memo.get('sequential-ids') as Array<string | undefined> | undefined) ?? [];
  const par = ((world.memo.get('headers') as XmlElement[] | undefined) ?? []).map((h) => h.attr('id'));
  const all = [...seq, ...par];
  const missing = all.filter((i) => !i).length;
  if (missing) failed(`${missing} of ${all.length} response stream headers carry no id (RFC 3920 4.4)`);
  return all as string[];
}

/** 4.4: conclusive evidence of predictability only: a repeated id, or a counter/clock. */
Then('the stream ids show no repetition and no counter pattern', function (this: XmppWorld) {
  const ids = collectedIds(this);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) failed(`the stream id '${id}' was issued twice among ${ids.length} streams: ids MUST be nonrepeating (RFC 3920 4.4)`);
    seen.add(id);
  }
  const seq = (this.memo.get('sequential-ids') as string[] | undefined) ?? [];
  const c = counterPattern(seq);
  if (c) failed(`the stream ids of streams opened one after another follow a counter or clock (${c}): the next id is predictable (RFC 3920 4.4).\nIds: ${seq.join(', ')}`);
  this.outcome(`no repetition or counter among ${ids.length} ids (unpredictability itself cannot be proved from outside)`);
});

/** Heuristic: varying positions times log2 of the alphabet the ids draw from. Not proof either way. */
Then('the stream ids carry at least {int} bits of estimated entropy', function (this: XmppWorld, floor: number) {
  const ids = collectedIds(this);
  const bits = estimatedBits(ids);
  if (bits < floor) failed(`the stream ids carry an estimated ${bits.toFixed(1)} bits (varying positions x alphabet size), below the heuristic floor of ${floor}: a guessable space for a security-critical id (RFC 3920 4.4).\nIds: ${ids.slice(0, 8).join(', ')}`);
  this.outcome(`estimated ${bits.toFixed(1)} bits per id over ${ids.length} ids (heuristic: varying positions x log2 of the alphabet; floor ${floor})`);
});

/** 4.7.2: rules on the parts of a stream error; not applicable when no stream error (or no such part) arrived. */
const ERROR_RULES = [
  'text is qualified by the streams namespace',
  'text carries xml:lang',
  'application-specific children are in an application namespace',
  'undefined-condition comes with an application-specific condition',
  'an application-specific condition comes with a defined condition',
] as const;

Then('any stream error the server sends meets the rule {string}', async function (this: XmppWorld, rule: string) {
  if (!(ERROR_RULES as readonly string[]).includes(rule)) throw new Error(`unknown rule '${rule}': ${ERROR_RULES.join('; ')}`);
  const s = this.client().stream;
  const r = await settle(s);
  if (r.kind !== 'error') return notApplicable(this, `the target sent no stream error here (${r.kind}); the rule "${rule}" has nothing to judge`);
  const e = r.element;
  await s.awaitCloseAfterError();
  const text = e.elements().filter((c) => c.local === 'text');
  const defined = e.elements().filter((c) => c.ns === NS.streams && c.local !== 'text' && (STREAM_CONDITIONS as readonly string[]).includes(c.local));
  const app = e.elements().filter((c) => c.local !== 'text' && !(c.ns === NS.streams && ((STREAM_CONDITIONS as readonly string[]).includes(c.local) || c.local in LATER_NAMES)));
  const appNsOk = (c: XmlElement) => c.ns !== '' && c.ns !== NS.client && c.ns !== NS.server && c.ns !== NS.stream && c.ns !== NS.streams;
  this.outcome(`stream error: ${e.toString().slice(0, 300)}`);
  switch (rule) {
    case 'text is qualified by the streams namespace':
      if (!text.length) return notApplicable(this, `the stream error has no <text/>: ${e}`);
      for (const t of text) if (t.ns !== NS.streams) failed(`the stream error's <text/> is qualified by '${t.ns}', not ${NS.streams} (RFC 3920 4.7.2).\nReceived: ${e}`);
      return undefined;
    case 'text carries xml:lang':
      if (!text.length) return notApplicable(this, `the stream error has no <text/>: ${e}`);
      for (const t of text) if (t.attr('xml:lang') === undefined) failed(`the stream error's <text/> has no 'xml:lang' attribute (RFC 3920 4.7.2: SHOULD possess one)${s.header?.attr('xml:lang') ? `; it inherits xml:lang='${s.header.attr('xml:lang')}' from the stream header, but does not possess the attribute` : ''}.\nReceived: ${e}`);
      return undefined;
    case 'application-specific children are in an application namespace':
      if (!app.length) return notApplicable(this, `the stream error has no child besides its condition and <text/>: ${e}`);
      for (const a of app) if (!appNsOk(a)) failed(`the child <${a.name}> of the stream error is qualified by '${a.ns}', not by an application-defined namespace (RFC 3920 4.7.2).\nReceived: ${e}`);
      return undefined;
    case 'undefined-condition comes with an application-specific condition':
      if (!defined.some((d) => d.local === 'undefined-condition')) return notApplicable(this, `the stream error's condition is not <undefined-condition/>: ${e}`);
      if (!app.filter(appNsOk).length) failed(`<undefined-condition/> came without an application-specific condition (RFC 3920 4.7.3).\nReceived: ${e}`);
      return undefined;
    case 'an application-specific condition comes with a defined condition':
      if (!app.length) return notApplicable(this, `the stream error has no application-specific condition: ${e}`);
      if (!defined.length) failed(`the stream error's application-specific condition ${app.map((a) => `<${a.name} xmlns='${a.ns}'>`).join(', ')} stands without a defined condition to supplement (RFC 3920 4.7.4).\nReceived: ${e}`);
      return undefined;
  }
  return undefined;
});

/** 4.7.1: skipped when the server serves a header without 'to' (no set-up error occurred). */
Then("if the server refuses the stream, its header's 'from' names the server's authoritative host", async function (this: XmppWorld) {
  const s = this.client().stream;
  const r = await settle(s);
  if (r.kind === 'features') return notApplicable(this, "the target served the stream without 'to' (no set-up error occurred)");
  const h = s.header;
  const cond = r.kind === 'error' ? conditionOf(r.element) : undefined;
  if (r.kind === 'error') await s.awaitCloseAfterError();
  const from = h?.attr('from');
  if (!h) failed(`the target refused the stream (${cond ? `<${cond}/>` : r.kind}) without sending a response header`);
  if (from?.toLowerCase() !== this.cfg.domain.toLowerCase()) failed(`the target refused the stream (${cond ? `<${cond}/>` : r.kind}) under a header ${from === undefined ? "without 'from'" : `with from='${from}'`}; the server's authoritative hostname is '${this.cfg.domain}' (RFC 3920 4.7.1).\nHeader: ${h}`);
  this.outcome(`refused (${cond ? `<${cond}/>` : r.kind}) under a header with from='${from}'`);
  return undefined;
});

/** 11.2.2: the response stream's default namespace equals the initial stream's, or the stream is refused. */
Then('the server answers in the default namespace {string} or refuses the stream', async function (this: XmppWorld, ns: string) {
  const s = this.client().stream;
  const r = await settle(s);
  const h = s.header;
  if (r.kind === 'features') {
    if (h?.attr('xmlns') !== ns) failed(`the initial stream is qualified by '${ns}'; the target served it with a response stream whose default namespace is '${h?.attr('xmlns') ?? ''}' (RFC 3920 11.2.2: the same for both streams).\nHeader: ${h}`);
    this.outcome(`served in '${ns}'`);
    return;
  }
  if (r.kind === 'error') {
    await s.awaitCloseAfterError();
    this.outcome(`refused with <${conditionOf(r.element) ?? 'no defined condition'}/>`);
    return;
  }
  if (r.kind === 'tainted') failed(`the target answered with ${r.what}`);
  this.outcome(r.kind === 'closed' ? 'refused: the connection was closed' : 'refused: no features within the response timeout');
});

/** The stream ends (any stream error or none, named) and the TCP connection closes: the input was not accepted. */
Then('the server ends the stream, with or without a stream error', async function (this: XmppWorld) {
  const s = this.client().stream;
  const r = await settle(s);
  if (r.kind === 'error') {
    const after = await s.awaitCloseAfterError();
    if (after.tcp === 'open') failed(`the target sent ${r.element} but left the TCP connection open for ${this.cfg.timeouts.responseMs} ms`);
    this.outcome(`stream error <${conditionOf(r.element) ?? 'no defined condition'}/>${after.streamClosed ? ', </stream:stream>' : ''}, TCP ${after.tcp}`);
    return;
  }
  if (r.kind === 'closed') {
    const c = await s.expectClosed();
    this.outcome(`${c.streamClosed ? '</stream:stream>, ' : ''}TCP ${c.tcp}, no stream error`);
    return;
  }
  if (r.kind === 'tainted') failed(`the target answered with ${r.what}`);
  failed(`the target went on with the stream (${r.kind === 'silence' ? `nothing for ${this.cfg.timeouts.responseMs} ms` : r.kind}): it accepted the input.\n${s.inboxSummary()}`);
});

/** As above, for a version below 1.0: features are not required (4.6 asks for them from version 1.0 on), so none are awaited. */
Then('the server answers with version {string}, with or without stream features, or closes the stream with {conditions}', async function (this: XmppWorld, version: string, conditions: string[]) {
  const s = this.client().stream;
  const h = await s.expectHeader();
  const r = await settle(s, undefined, this.cfg.timeouts.quietMs);
  if (r.kind === 'error') {
    const cond = judgeCondition(r.element, conditions, `a response with version '${version}'`);
    await s.awaitCloseAfterError();
    this.outcome(`refused with <${cond}/> (4.7.3)`);
    return;
  }
  const v = h.attr('version');
  if (v !== version) failed(`expected the response stream header to carry version='${version}' (the lower of the two versions, major and minor compared as integers) or a stream error ${conds(conditions)}; it carries ${v === undefined ? 'no version' : `version='${v}'`}`);
  this.outcome(`answered with version='${v}' (4.4.1, the lower version)${r.kind === 'features' ? ', with stream features' : ''}`);
});

Then('the stream features do not offer session establishment', function (this: XmppWorld) {
  const f = (this.memo.get('features') as XmlElement | undefined) ?? this.client().features;
  if (!f) failed('no stream features were received');
  if (f.child('session', NS.session)) failed(`session establishment (RFC 3921 3) is offered before authentication: ${f}`);
  this.outcome('no <session/> before SASL');
});

/** 4.4.1-1 alone: what the answer shows about how the minor number was read; an answer that cannot show it is not applicable. */
Then('the response version reads the minor number of {string} as an integer, where the answer can tell', async function (this: XmppWorld, sent: string) {
  const s = this.client().stream;
  const h = await awaitHeader(this);
  const r = await settle(s, undefined, this.cfg.timeouts.quietMs);
  if (r.kind === 'error') {
    await s.awaitCloseAfterError();
    return notApplicable(this, `the target refused version '${sent}' with <${conditionOf(r.element) ?? 'no defined condition'}/>: a refusal does not show how the minor number was read (whether it may refuse is core-4.4.1-5's verdict)`);
  }
  const v = versionReading(sent, h.attr('version'));
  if (v.reading === 'decimal') failed(`the target read version '${sent}' as a decimal number, not as separate integers: ${v.why}`);
  if (v.reading === 'cannot-tell') return notApplicable(this, `${v.why}; a decimal and an integer reading of '${sent}' both lie below the target's own 1.0, so only an echo of the version sent could tell them apart (whether the lower version was chosen is core-4.4.1-5's verdict)`);
  this.outcome(`read as separate integers: ${v.why}`);
  return undefined;
});
