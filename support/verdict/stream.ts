// Judges of RFC 3920 section 4 (and 11) that steps/stream.steps.ts holds: the response stream
// header and its attributes (4.4), stream ids (4.4), stream features (4.6), stream errors and
// closing (4.7), provocations whose reaction the text leaves open (4.7, 11). Each takes the world
// and the step's parameters, records the outcome and fails with violated().
import type { XmppWorld } from '../world.ts';
import { conditionOf, NS, type XmlElement } from '../wire/element.ts';
import { ATTACH, notApplicable } from '../hooks.ts';
import { nextId } from '../peer/client.ts';
import { settle } from '../peer/stream.ts';
import { counterPattern, estimatedBits, versionReading } from './stream-header.ts';
import { definedCondition, LATER_NAMES, STREAM_CONDITIONS, streamError } from './stream-error.ts';
import { nothingArrives } from './silence.ts';
import { violated } from './judge.ts';
import { Undecided } from '../errors.ts';

const conds = (cs: string[]) => cs.map((c) => `<${c}/>`).join(' or ');

/** The value of an attribute as the report names it: `name='v'`, or `no 'name'`. */
const attrText = (name: string, v: string | undefined) => (v === undefined ? `no '${name}'` : `${name}='${v}'`);

/** A stream header as it arrived on the wire: an opening tag (the parsed element prints self-closed). */
const tagOf = (h: XmlElement) => h.toString().replace(/\/>$/, '>');

/** Where, for a verdict over every connection of the scenario: their transcripts. */
const everyWhere = (world: XmppWorld) => `the transcripts ${world.streams.map((s) => `${s.label}.xmpp.txt`).join(', ')}`;

/** The response header that has arrived on `role`'s stream; fails when none has. */
function header(world: XmppWorld, role = 'client'): XmlElement {
  const s = world.client(role).stream;
  const h = s.header;
  if (!h) violated({ summary: 'the target sent no response stream header', accepted: ['a response stream header'], actual: s.unreadText(), where: s.where() });
  return h;
}

/** The response header, awaited if it has not arrived yet. */
async function awaitHeader(world: XmppWorld, role = 'client'): Promise<XmlElement> {
  const s = world.client(role).stream;
  return s.header ?? (await s.expectHeader());
}

// ---------------------------------------------------------------------------------------------
// 4.4: the response stream header and its attributes.

/** RFC 3920 4.4: the receiving entity answers with a response stream header, <stream> in the streams namespace. */
export async function responseHeader(world: XmppWorld): Promise<void> {
  const s = world.client().stream;
  const h = await s.expectHeader();
  const tag = tagOf(h);
  if (!h.is('stream', NS.stream)) violated({ summary: `the response stream header is <${h.name}> in namespace '${h.ns}', not <stream> in ${NS.stream} (RFC 3920 4.4)`, accepted: [`a <stream> header qualified by ${NS.stream}`], actual: tag, where: s.where() });
  world.outcome(`response header: ${tag}`);
}

/** RFC 3920 4.4: the response stream header carries the attribute `name`, not empty. */
export function headerCarries(world: XmppWorld, name: string): void {
  const v = header(world).attr(name);
  if (v === undefined || v === '') violated({ summary: `the response stream header has no '${name}' attribute (or an empty one)`, accepted: [`a non-empty '${name}' attribute on the response stream header`], actual: tagOf(header(world)), where: world.client().stream.where() });
  world.outcome(`${name}='${v}'`);
}

/** RFC 3920 4.4: the response stream header's `name` is the target's domain (compared case-insensitively). */
export function headerNamesDomain(world: XmppWorld, name: string): void {
  const h = header(world);
  const v = h.attr(name);
  if (v?.toLowerCase() !== world.cfg.domain.toLowerCase()) violated({ summary: `the response stream header has ${attrText(name, v)}, not ${name}='${world.cfg.domain}'`, accepted: [`${name}='${world.cfg.domain}' on the response stream header`], actual: tagOf(h), where: world.client().stream.where() });
  world.outcome(`${name}='${v}'`);
}

/** RFC 3920 4.4.1: the response stream header carries version `version`. */
export function headerVersion(world: XmppWorld, version: string): void {
  const h = header(world);
  const v = h.attr('version');
  if (v !== version) violated({ summary: `the response stream header has ${v === undefined ? 'no version' : `version='${v}'`}, not version='${version}'`, accepted: [`version='${version}' on the response stream header`], actual: tagOf(h), where: world.client().stream.where() });
  world.outcome(`version='${v}'`);
}

/** RFC 3920 4.4: the response stream header SHOULD NOT carry the attribute `name`. */
export function headerLacks(world: XmppWorld, name: string): void {
  const h = header(world);
  const v = h.attr(name);
  if (v !== undefined) violated({ summary: `the response stream header carries ${name}='${v}', which the text says it SHOULD NOT`, accepted: [`no '${name}' attribute`], actual: tagOf(h), where: world.client().stream.where() });
  world.outcome(`no '${name}' attribute`);
}

/** RFC 3920 4.4 / 11.2: the response stream header declares a prefix for the streams namespace and the default namespace `ns`. */
export function headerNamespaces(world: XmppWorld, ns: string): void {
  const h = header(world);
  const streamsDecl = Object.entries(h.attrs).find(([k, v]) => k.startsWith('xmlns:') && v === NS.stream);
  const defaultDecl = h.attr('xmlns');
  const accepted = [`a prefix declared for ${NS.stream} and xmlns='${ns}' on the response stream header`];
  const where = world.client().stream.where();
  if (!streamsDecl) violated({ summary: `the response stream header declares no prefix for ${NS.stream}`, accepted, actual: tagOf(h), where });
  if (defaultDecl !== ns) violated({ summary: `the response stream header's default namespace is ${defaultDecl === undefined ? 'not declared' : `'${defaultDecl}'`}, expected '${ns}'`, accepted, actual: tagOf(h), where });
  world.outcome(`${streamsDecl[0]}='${NS.stream}', xmlns='${defaultDecl}'`);
}

/** RFC 3920 4.1 (4.7.1): the target closes the stream and the TCP connection. */
export async function streamAndTcpClosed(world: XmppWorld): Promise<void> {
  const s = world.client().stream;
  const r = await s.expectClosed();
  if (!r.streamClosed) violated({ summary: 'the TCP connection was closed without </stream:stream>', accepted: ["'</stream:stream>', then the TCP connection closed"], actual: `TCP ${r.tcp}, no '</stream:stream>'; unread: ${s.unreadText()}`, where: s.where() });
  world.outcome(`</stream:stream>, TCP ${r.tcp}`);
}

/** Nothing arrives on `role`'s stream; the outcome names how the silence was proved. */
export async function receivesNothing(world: XmppWorld, role: string): Promise<void> {
  const c = world.client(role);
  const proof = await nothingArrives(c.stream, c.canRoundTrip, world.cfg.domain);
  world.attach(`silence proved by ${proof}`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  world.outcome(`nothing received (${proof})`);
}

/** RFC 3920 4.7.1: a server that refuses a stream MUST still send the opening <stream> tag first. */
export function headerBeforeError(world: XmppWorld): void {
  const s = world.client().stream;
  const h = s.header;
  if (!h) violated({ summary: 'the target sent a stream error without first opening its response stream (RFC 3920 4.7.1: it MUST still send the opening <stream> tag)', accepted: ['the response stream header, then the stream error'], actual: `no response stream header; the target wrote: ${s.transcript.received().slice(0, 600) || 'nothing'}`, where: s.where() });
  world.outcome('response header sent before the error');
}

/** RFC 3920 4.7.1: the 'from' of the response stream header is the server's authoritative hostname. */
export function headerFromIsAuthoritative(world: XmppWorld): void {
  const s = world.client().stream;
  const from = s.header?.attr('from');
  const accepted = [`from='${world.cfg.domain}', the server's authoritative hostname, on the response stream header`];
  const actual = s.header ? tagOf(s.header) : 'no response stream header';
  if (from === undefined || from === '') violated({ summary: `the response stream header carries no 'from'; the server's authoritative hostname is '${world.cfg.domain}'`, accepted, actual, where: s.where() });
  if (from.toLowerCase() !== world.cfg.domain.toLowerCase()) violated({ summary: `the response stream header carries from='${from}', not the server's authoritative hostname '${world.cfg.domain}'`, accepted, actual, where: s.where() });
  world.outcome(`from='${from}'`);
}

/** RFC 3920 4.4.1: leading zeros MUST NOT be sent in the version of any response stream header. */
export function versionsWithoutLeadingZero(world: XmppWorld): void {
  for (const s of world.streams) {
    for (const m of s.transcript.received().matchAll(/<([A-Za-z_][\w.-]*:)?stream\s[^>]*\bversion=['"]([^'"]*)['"]/g)) {
      if (/(^|\.)0\d/.test(m[2]!)) violated({ summary: `a response stream header carries version='${m[2]}': leading zeros MUST NOT be sent (RFC 3920 4.4.1)`, accepted: ['no version with a leading zero on any response header'], actual: m[0], where: s.where() });
    }
  }
  world.outcome('no version with a leading zero on any response header');
}

/** RFC 3920 4.4: every response stream header of the scenario (every stream, restarts included) carries `name` = the target's domain. */
export function everyHeaderNamesDomain(world: XmppWorld, name: string): void {
  const all = world.streams.flatMap((s) => s.markup.elements.filter((e) => e.depth === 0).map((h) => ({ s, h })));
  const accepted = [`${name}='${world.cfg.domain}' on every response stream header`];
  if (!all.length) violated({ summary: 'the target sent no response stream header', accepted, actual: 'no response stream header', where: everyWhere(world) });
  for (const { s, h } of all) {
    const v = h.attrs[name];
    if (v?.toLowerCase() !== world.cfg.domain.toLowerCase()) violated({ summary: `a response stream header carries ${attrText(name, v)}; expected '${world.cfg.domain}' on every header (RFC 3920 4.4)`, accepted, actual: `<${h.name}${Object.entries(h.attrs).map(([k, a]) => ` ${k}='${a}'`).join('')}>`, where: s.where() });
  }
  world.outcome(`${all.length} response headers, each ${name}='${world.cfg.domain}'`);
}

/** RFC 3920 4.4 / 4.6: the client's value of `name` SHOULD be ignored: the response header does not echo `value`. */
export async function headerIgnoresClientValue(world: XmppWorld, name: string, value: string): Promise<void> {
  const h = await awaitHeader(world);
  const v = h.attr(name);
  if (v === value) violated({ summary: `the response stream header carries ${name}='${v}', the value the client sent; it SHOULD have been ignored`, accepted: [`no '${name}'`, `a '${name}' other than '${value}'`], actual: tagOf(h), where: world.client().stream.where() });
  world.outcome(v === undefined ? `no '${name}'` : `${name}='${v}'`);
}

/** RFC 3920 4.4 (xml:lang: SHOULD remember the client's): the response header's `name` is `value` or absent. */
export async function headerIsValueOrAbsent(world: XmppWorld, name: string, value: string): Promise<void> {
  const h = await awaitHeader(world);
  const v = h.attr(name);
  if (v !== undefined && v !== value) {
    const later = name === 'xml:lang' ? ' (RFC 6120 4.7.4 later lets a server answer its own language when it does not support the client\'s; this draft says SHOULD remember the client\'s)' : '';
    violated({ summary: `the response stream header carries ${name}='${v}'${later}`, accepted: [`no '${name}' on the response header`, `${name}='${value}'`], actual: tagOf(h), where: world.client().stream.where() });
  }
  world.outcome(v === undefined ? `no '${name}' on the response header` : `${name}='${v}'`);
}

/**
 * 4.4.1 lets the server answer the lower version; 4.7.3 lets it refuse the version. Both pass.
 */
export async function versionOrRefusal(world: XmppWorld, version: string, conditions: string[]): Promise<void> {
  const s = world.client().stream;
  const h = await s.expectHeader();
  const next = await s.expect(
    (e) => (e.kind === 'element' && (e.element.is('features', NS.stream) || e.element.is('error', NS.stream))) || e.kind.startsWith('tcp'),
    'stream features or a stream error after the response header',
  );
  const accepted = [`answered with version='${version}' (4.4.1, the lower version)`, ...conditions.map((c) => `refused with <${c}/> (4.7.3)`)];
  if (next.kind === 'element' && next.element.is('error', NS.stream)) {
    s.drain();
    const cond = conditionOf(next.element, NS.streams);
    if (!cond || !conditions.includes(cond)) violated({ summary: `the target sent the stream error ${cond ? `<${cond}/>` : 'with no defined condition'}`, accepted, actual: next.element.toString(), where: s.where() });
    world.outcome(`refused with <${cond}/> (4.7.3)`);
    return;
  }
  const v = h.attr('version');
  if (v !== version) violated({ summary: `the response stream header carries ${v === undefined ? 'no version' : `version='${v}'`}, not version='${version}' (the lower of the two versions), and no stream error ${conds(conditions)}`, accepted, actual: tagOf(h), where: s.where() });
  world.outcome(`answered with version='${v}' (4.4.1, the lower version)`);
}

/**
 * As versionOrRefusal, for a version below 1.0: features are not required (4.6 asks for them
 * from version 1.0 on), so none are awaited.
 */
export async function versionWithOrWithoutFeaturesOrRefusal(world: XmppWorld, version: string, conditions: string[]): Promise<void> {
  const s = world.client().stream;
  const h = await s.expectHeader();
  const r = await settle(s, undefined, world.cfg.timeouts.quietMs);
  if (r.kind === 'error') {
    const cond = judgeCondition(r.element, conditions, `a response with version '${version}'`, s.where());
    await s.awaitCloseAfterError();
    world.outcome(`refused with <${cond}/> (4.7.3)`);
    return;
  }
  const v = h.attr('version');
  if (v !== version) violated({ summary: `the response stream header carries ${v === undefined ? 'no version' : `version='${v}'`}, not version='${version}' (the lower of the two versions, major and minor compared as integers), and no stream error ${conds(conditions)}`, accepted: [`answered with version='${version}' (4.4.1, the lower version), with or without stream features`, ...conditions.map((c) => `refused with <${c}/> (4.7.3)`)], actual: tagOf(h), where: s.where() });
  world.outcome(`answered with version='${v}' (4.4.1, the lower version)${r.kind === 'features' ? ', with stream features' : ''}`);
}

/**
 * RFC 3920 4.4.1-1 alone: "The major and minor numbers MUST be treated as separate integers";
 * what the answer shows about how the minor number of `sent` was read. An answer that cannot show
 * it is not applicable.
 */
export async function minorReadAsInteger(world: XmppWorld, sent: string): Promise<'skipped' | undefined> {
  const s = world.client().stream;
  const h = await awaitHeader(world);
  const r = await settle(s, undefined, world.cfg.timeouts.quietMs);
  if (r.kind === 'error') {
    await s.awaitCloseAfterError();
    return notApplicable(world, `the target refused version '${sent}' with <${conditionOf(r.element, NS.streams) ?? 'no defined condition'}/>: a refusal does not show how the minor number was read (whether it may refuse is core-4.4.1-5's verdict)`);
  }
  const v = versionReading(sent, h.attr('version'));
  if (v.reading === 'decimal') violated({ summary: `the target read version '${sent}' as a decimal number, not as separate integers: ${v.why}`, accepted: [`the minor number of '${sent}' read as an integer`], actual: tagOf(h), where: s.where() });
  if (v.reading === 'cannot-tell') return notApplicable(world, `${v.why}; a decimal and an integer reading of '${sent}' both lie below the target's own 1.0, so only an echo of the version sent could tell them apart (whether the lower version was chosen is core-4.4.1-5's verdict)`);
  world.outcome(`read as separate integers: ${v.why}`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// 4.4: stream ids.

/** RFC 3920 4.4: the 'id' of every response stream header opened at the same time is different. */
export function distinctStreamIds(world: XmppWorld): void {
  const headers = world.need('headers');
  const ids = headers.map((h) => h.attr('id'));
  const accepted = ['an id on every response stream header, each different'];
  const actual = ids.map((i) => i ?? '(no id)').join(', ');
  const missing = ids.filter((i) => !i).length;
  if (missing) violated({ summary: `${missing} of ${ids.length} response stream headers carry no id`, accepted, actual, where: everyWhere(world) });
  const distinct = new Set(ids);
  if (distinct.size !== ids.length) violated({ summary: 'the ids are not unique', accepted, actual, where: everyWhere(world) });
  world.outcome(`${ids.length} distinct ids: ${ids.join(', ')}`);
}

/** The ids of the streams opened one after another and at the same time; fails (4.4) when a header carries none. */
function collectedIds(world: XmppWorld, accepted: string[]): string[] {
  const seq = world.state.sequentialIds ?? [];
  const par = (world.state.headers ?? []).map((h) => h.attr('id'));
  const all = [...seq, ...par];
  const missing = all.filter((i) => !i).length;
  if (missing) violated({ summary: `${missing} of ${all.length} response stream headers carry no id (RFC 3920 4.4)`, accepted, actual: all.map((i) => i ?? '(no id)').join(', '), where: everyWhere(world) });
  return all as string[];
}

/** RFC 3920 4.4: conclusive evidence of predictability only: a repeated id, or a counter/clock. */
export function idsUnrepeatedWithoutCounter(world: XmppWorld): void {
  const accepted = ['no repeated id and no counter or clock among the stream ids (unpredictability itself cannot be proved from outside)'];
  const ids = collectedIds(world, accepted);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) violated({ summary: `the stream id '${id}' was issued twice among ${ids.length} streams: ids MUST be nonrepeating (RFC 3920 4.4)`, accepted, actual: ids.join(', '), where: everyWhere(world) });
    seen.add(id);
  }
  // every one of them carries an id: collectedIds failed the scenario otherwise
  const seq = (world.state.sequentialIds ?? []) as string[];
  const c = counterPattern(seq);
  if (c) violated({ summary: `the stream ids of streams opened one after another follow a counter or clock (${c}): the next id is predictable (RFC 3920 4.4)`, accepted, actual: seq.join(', '), where: everyWhere(world) });
  world.outcome(`no repetition or counter among ${ids.length} ids (unpredictability itself cannot be proved from outside)`);
}

/** RFC 3920 4.4, heuristic: varying positions times log2 of the alphabet the ids draw from. Not proof either way. */
export function idsEntropyAtLeast(world: XmppWorld, floor: number): void {
  const accepted = [`at least ${floor} bits of estimated entropy per stream id (heuristic: varying positions x log2 of the alphabet)`];
  const ids = collectedIds(world, accepted);
  const bits = estimatedBits(ids);
  if (bits < floor) violated({ summary: `the stream ids carry an estimated ${bits.toFixed(1)} bits (varying positions x alphabet size), below the heuristic floor of ${floor}: a guessable space for a security-critical id (RFC 3920 4.4)`, accepted, actual: `${bits.toFixed(1)} bits; ids: ${ids.slice(0, 8).join(', ')}`, where: everyWhere(world) });
  world.outcome(`estimated ${bits.toFixed(1)} bits per id over ${ids.length} ids (heuristic: varying positions x log2 of the alphabet; floor ${floor})`);
}

// ---------------------------------------------------------------------------------------------
// 4.6: stream features.

/** The features of the scenario's client stream ('the server sends stream features' keeps them); fails when none arrived. */
function features(world: XmppWorld, accepted: string[]): XmlElement {
  const f = world.state.features ?? world.client().features;
  if (!f) violated({ summary: 'no stream features were received', accepted, actual: 'no stream features', where: world.clients.get('client')?.stream.where() });
  return f;
}

/** Resource binding (RFC 3920 7) is not offered before SASL authentication. */
export function noBindBeforeSasl(world: XmppWorld): void {
  const accepted = [`stream features without <bind xmlns='${NS.bind}'/>`];
  const f = features(world, accepted);
  if (f.child('bind', NS.bind)) violated({ summary: 'resource binding is offered before authentication', accepted, actual: f.toString(), where: world.clients.get('client')?.stream.where() });
  world.outcome('no <bind/> before SASL');
}

/** Session establishment (RFC 3921 3) is not offered before SASL authentication. */
export function noSessionBeforeSasl(world: XmppWorld): void {
  const accepted = [`stream features without <session xmlns='${NS.session}'/>`];
  const f = features(world, accepted);
  if (f.child('session', NS.session)) violated({ summary: 'session establishment (RFC 3921 3) is offered before authentication', accepted, actual: f.toString(), where: world.clients.get('client')?.stream.where() });
  world.outcome('no <session/> before SASL');
}

/** Not served: any stream error, a close or silence passes and is named; features fail. */
export async function notServed(world: XmppWorld): Promise<void> {
  const s = world.client().stream;
  const r = await settle(s);
  const accepted = ['not served: a stream error (any condition), then the end of the stream', 'not served: the connection was closed', `not served: nothing within ${world.cfg.timeouts.responseMs} ms`];
  if (r.kind === 'features') violated({ summary: 'the target served the stream: it sent stream features', accepted, actual: `${r.element} under the header ${s.header ? tagOf(s.header) : '(none)'}`, where: s.where() });
  if (r.kind === 'error') {
    const after = await s.awaitCloseAfterError();
    world.outcome(`not served: stream error <${conditionOf(r.element, NS.streams) ?? 'no defined condition'}/>${after.streamClosed ? ', </stream:stream>' : ''}, TCP ${after.tcp}`);
    return;
  }
  if (r.kind === 'tainted') violated({ summary: `the target answered with ${r.what}, which no XMPP stream may carry (11.1)`, accepted, actual: r.what, where: s.where() });
  world.outcome(r.kind === 'closed' ? 'not served: the connection was closed' : `not served: nothing within ${world.cfg.timeouts.responseMs} ms`);
}

// ---------------------------------------------------------------------------------------------
// 4.7 and 11: provocations whose reaction the text leaves open; stream errors and their parts.

/**
 * A stream error's defined condition, checked against what the text allows (`why` names the
 * other outcome it accepts), with the RFC 6120 note.
 */
function judgeCondition(error: XmlElement, allowed: string[], why: string, where?: string): string {
  const cond = conditionOf(error, NS.streams);
  if (cond && allowed.includes(cond)) return cond;
  const accepted = [why, ...allowed.map((c) => `a stream error <${c}/>`)];
  const later = cond && LATER_NAMES[cond];
  if (later && allowed.includes(later)) {
    violated({ summary: `the target sent <${cond}/>, the name RFC 6120 gave this condition later (under this draft <${later}/>)`, accepted, actual: error.toString(), where });
  }
  const wf = cond === 'not-well-formed' || cond === 'xml-not-well-formed';
  const note = !wf
    ? ''
    : allowed.includes('restricted-xml')
      ? ' (these bytes are well-formed XML holding restricted XML: the draft lets a server ignore them (11.1) or refuse them with <restricted-xml/> (4.7.3); RFC 6120 11.1 later allowed any stream error here)'
      : allowed.includes('unsupported-encoding')
        ? ' (the bytes are well-formed ASCII; what the server refused is the declared encoding, for which the draft defines <unsupported-encoding/>)'
        : ' (these bytes are well-formed XML)';
  violated({ summary: `the target sent ${cond ? `<${cond}/>` : 'no defined condition'}${note}`, accepted, actual: error.toString(), where });
}

/**
 * 4.7-2: an entity that perceives a stream-level error sends one; where the text lets the server
 * ignore the input (nothing perceived), ignoring passes. "Ignored" is proved by the answer to a
 * round-trip ping on an authenticated stream, or, before authentication, by the stream features.
 * `judge` decides the error's condition; `refusal` names the refusals it accepts.
 */
async function ignoredOrRefused(world: XmppWorld, refusal: string, judge: (error: XmlElement, where: string) => string): Promise<void> {
  const c = world.client();
  const s = c.stream;
  let rt: string | undefined;
  if (c.canRoundTrip) {
    rt = nextId('rt-ign');
    s.sendRaw(`<iq type='get' id='${rt}' to='${world.cfg.domain}'><ping xmlns='${NS.ping}'/></iq>`);
  }
  const r = await settle(s, rt);
  const accepted = [
    ...(rt ? [`ignored: the round-trip ping ${rt} was answered; no stream error`] : []),
    'ignored: the stream was served (features arrived); no stream error',
    `refused with ${refusal}, </stream:stream>, TCP closed (RFC 3920 4.7.1)`,
  ];
  switch (r.kind) {
    case 'answer':
    case 'features':
      world.outcome(`ignored: ${r.kind === 'answer' ? `the round-trip ping ${rt} was answered` : 'the stream was served (features arrived)'}; no stream error`);
      s.drain();
      return;
    case 'error': {
      const cond = judge(r.element, s.where());
      const after = await s.awaitCloseAfterError();
      if (!after.streamClosed || after.tcp === 'open') violated({ summary: `the target sent ${cond} but did not close the stream and the TCP connection (RFC 3920 4.7.1)`, accepted, actual: `${r.element}, ${after.streamClosed ? '</stream:stream>' : "no '</stream:stream>'"}, TCP ${after.tcp}`, where: s.where() });
      world.outcome(`refused with ${cond}, </stream:stream>, TCP ${after.tcp}`);
      return;
    }
    case 'closed':
      violated({ summary: 'the target closed the connection without a stream error; if it perceived a stream-level error it MUST send one (RFC 3920 4.7), otherwise it must go on', accepted, actual: `the connection closed, no stream error; unread: ${s.unreadText()}`, where: s.where() });
    case 'tainted':
      violated({ summary: `the target answered with ${r.what}, which no XMPP stream may carry (11.1)`, accepted, actual: r.what, where: s.where() });
    case 'silence':
      violated({ summary: `within ${world.cfg.timeouts.responseMs} ms the target neither ${rt ? `answered the round-trip ping ${rt}` : 'sent stream features'} nor sent a stream error`, accepted, actual: `nothing of those within ${world.cfg.timeouts.responseMs} ms; unread: ${s.unreadText()}`, where: s.where() });
  }
}

/** RFC 3920 4.7-2 (see ignoredOrRefused): ignoring passes, and so does a stream error with one of `allowed`. */
export function ignoredOrRefusedWith(world: XmppWorld, allowed: string[]): Promise<void> {
  return ignoredOrRefused(world, `a stream error ${conds(allowed)}`, (e, where) => `<${judgeCondition(e, allowed, 'the input ignored', where)}/>`);
}

/** RFC 3920 4.7.2-3 alone: any defined condition passes; the outcome says whether it is the one whose definition fits. */
export function ignoredOrRefusedDefined(world: XmppWorld, fitting: string[]): Promise<void> {
  return ignoredOrRefused(world, `a stream error with any condition RFC 3920 4.7.3 defines (${conds(fitting)} would fit)`, (e, where) => definedCondition(e, fitting, where));
}

/** RFC 3920 4.7.1 and 4.7.2-3: a stream error with a condition the draft defines, then the stream and the TCP connection closed. */
export async function closedWithDefinedCondition(world: XmppWorld, fitting: string[]): Promise<void> {
  const s = world.client().stream;
  const r = await streamError(s, null);
  const how = definedCondition(r.element, fitting, s.where());
  if (!r.streamClosed || r.tcp === 'open') violated({ summary: `the target sent ${how} but did not close the stream and the TCP connection (RFC 3920 4.7.1)`, accepted: [`a stream error with a condition RFC 3920 4.7.3 defines (${conds(fitting)} would fit), then '</stream:stream>', then the TCP connection closed`], actual: `${r.element}, ${r.streamClosed ? '</stream:stream>' : "no '</stream:stream>'"}, TCP ${r.tcp}`, where: s.where() });
  world.outcome(`stream error ${how}, </stream:stream>, TCP ${r.tcp}`);
}

/** The stream ends (any stream error or none, named) and the TCP connection closes: the input was not accepted. */
export async function streamEnds(world: XmppWorld): Promise<void> {
  const s = world.client().stream;
  const r = await settle(s);
  const accepted = ['a stream error (any condition), then the TCP connection closed', 'the TCP connection closed (with or without </stream:stream>), no stream error'];
  if (r.kind === 'error') {
    const after = await s.awaitCloseAfterError();
    if (after.tcp === 'open') violated({ summary: `the target sent a stream error but left the TCP connection open for ${world.cfg.timeouts.responseMs} ms`, accepted, actual: `${r.element}, ${after.streamClosed ? '</stream:stream>' : "no '</stream:stream>'"}, TCP open`, where: s.where() });
    world.outcome(`stream error <${conditionOf(r.element, NS.streams) ?? 'no defined condition'}/>${after.streamClosed ? ', </stream:stream>' : ''}, TCP ${after.tcp}`);
    return;
  }
  if (r.kind === 'closed') {
    const c = await s.expectClosed();
    world.outcome(`${c.streamClosed ? '</stream:stream>, ' : ''}TCP ${c.tcp}, no stream error`);
    return;
  }
  if (r.kind === 'tainted') violated({ summary: `the target answered with ${r.what}`, accepted, actual: r.what, where: s.where() });
  violated({ summary: `the target went on with the stream (${r.kind === 'silence' ? `nothing for ${world.cfg.timeouts.responseMs} ms` : r.kind}): it accepted the input`, accepted, actual: r.kind === 'silence' ? `no stream error and no close within ${world.cfg.timeouts.responseMs} ms; unread: ${s.unreadText()}` : r.element.toString(), where: s.where() });
}

/** RFC 3920 11.2.2: the response stream's default namespace equals the initial stream's, or the stream is refused. */
export async function defaultNamespaceOrRefusal(world: XmppWorld, ns: string): Promise<void> {
  const s = world.client().stream;
  const r = await settle(s);
  const h = s.header;
  const accepted = [`served in '${ns}'`, 'refused with a stream error', 'refused: the connection was closed', 'refused: no features within the response timeout'];
  if (r.kind === 'features') {
    if (h?.attr('xmlns') !== ns) violated({ summary: `the initial stream is qualified by '${ns}'; the target served it with a response stream whose default namespace is '${h?.attr('xmlns') ?? ''}' (RFC 3920 11.2.2: the same for both streams)`, accepted, actual: h ? tagOf(h) : 'no response stream header', where: s.where() });
    world.outcome(`served in '${ns}'`);
    return;
  }
  if (r.kind === 'error') {
    await s.awaitCloseAfterError();
    world.outcome(`refused with <${conditionOf(r.element, NS.streams) ?? 'no defined condition'}/>`);
    return;
  }
  if (r.kind === 'tainted') violated({ summary: `the target answered with ${r.what}`, accepted, actual: r.what, where: s.where() });
  world.outcome(r.kind === 'closed' ? 'refused: the connection was closed' : 'refused: no features within the response timeout');
}

/** RFC 3920 4.7.1: skipped when the server serves a header without 'to' (no set-up error occurred). */
export async function refusalHeaderFromIsAuthoritative(world: XmppWorld): Promise<'skipped' | undefined> {
  const s = world.client().stream;
  const r = await settle(s);
  if (r.kind === 'features') return notApplicable(world, "the target served the stream without 'to' (no set-up error occurred)");
  // neither served nor refused within the bound: no termination happened whose header could be judged
  if (r.kind === 'silence') throw new Undecided(`the target neither served nor refused the stream within ${s.opts.responseMs} ms, so no refusal's header can be judged`);
  const h = s.header;
  const cond = r.kind === 'error' ? conditionOf(r.element, NS.streams) : undefined;
  if (r.kind === 'error') await s.awaitCloseAfterError();
  const from = h?.attr('from');
  const refused = cond ? `<${cond}/>` : r.kind;
  const accepted = [`refused under a response header with from='${world.cfg.domain}', the server's authoritative hostname`];
  if (!h) violated({ summary: `the target refused the stream (${refused}) without sending a response header`, accepted, actual: `no response stream header; ${r.kind === 'error' ? r.element.toString() : r.kind}`, where: s.where() });
  if (from?.toLowerCase() !== world.cfg.domain.toLowerCase()) violated({ summary: `the target refused the stream (${refused}) under a header ${from === undefined ? "without 'from'" : `with from='${from}'`}; the server's authoritative hostname is '${world.cfg.domain}' (RFC 3920 4.7.1)`, accepted, actual: tagOf(h), where: s.where() });
  world.outcome(`refused (${refused}) under a header with from='${from}'`);
  return undefined;
}

/** RFC 3920 4.7.2: rules on the parts of a stream error; not applicable when no stream error (or no such part) arrived. */
export const ERROR_RULES = [
  'text is qualified by the streams namespace',
  'text carries xml:lang',
  'application-specific children are in an application namespace',
  'undefined-condition comes with an application-specific condition',
  'an application-specific condition comes with a defined condition',
] as const;

/** What each rule of ERROR_RULES accepts, as the failure names it. */
const RULE_ACCEPTS: Record<(typeof ERROR_RULES)[number], string> = {
  'text is qualified by the streams namespace': `every <text/> of the stream error qualified by ${NS.streams}`,
  'text carries xml:lang': "every <text/> of the stream error possessing an 'xml:lang' attribute",
  'application-specific children are in an application namespace': 'every child besides the condition and <text/> qualified by an application-defined namespace',
  'undefined-condition comes with an application-specific condition': '<undefined-condition/> together with an application-specific condition',
  'an application-specific condition comes with a defined condition': 'an application-specific condition together with a defined condition',
};

/** One rule of ERROR_RULES (RFC 3920 4.7.2, 4.7.3, 4.7.4) on any stream error the server sends here. */
export async function streamErrorMeetsRule(world: XmppWorld, rule: string): Promise<'skipped' | undefined> {
  if (!(ERROR_RULES as readonly string[]).includes(rule)) throw new Error(`unknown rule '${rule}': ${ERROR_RULES.join('; ')}`);
  const s = world.client().stream;
  const r = await settle(s);
  if (r.kind !== 'error') return notApplicable(world, `the target sent no stream error here (${r.kind}); the rule "${rule}" has nothing to judge`);
  const e = r.element;
  await s.awaitCloseAfterError();
  const text = e.elements().filter((c) => c.local === 'text');
  const defined = e.elements().filter((c) => c.ns === NS.streams && c.local !== 'text' && (STREAM_CONDITIONS as readonly string[]).includes(c.local));
  const app = e.elements().filter((c) => c.local !== 'text' && !(c.ns === NS.streams && ((STREAM_CONDITIONS as readonly string[]).includes(c.local) || c.local in LATER_NAMES)));
  const appNsOk = (c: XmlElement) => c.ns !== '' && c.ns !== NS.client && c.ns !== NS.server && c.ns !== NS.stream && c.ns !== NS.streams;
  const fail = (summary: string): never => violated({ summary, accepted: [RULE_ACCEPTS[rule as (typeof ERROR_RULES)[number]]], actual: e.toString(), where: s.where() });
  world.outcome(`stream error: ${e.toString().slice(0, 300)}`);
  switch (rule) {
    case 'text is qualified by the streams namespace':
      if (!text.length) return notApplicable(world, `the stream error has no <text/>: ${e}`);
      for (const t of text) if (t.ns !== NS.streams) fail(`the stream error's <text/> is qualified by '${t.ns}', not ${NS.streams} (RFC 3920 4.7.2)`);
      return undefined;
    case 'text carries xml:lang':
      if (!text.length) return notApplicable(world, `the stream error has no <text/>: ${e}`);
      for (const t of text) if (t.attr('xml:lang') === undefined) fail(`the stream error's <text/> has no 'xml:lang' attribute (RFC 3920 4.7.2: SHOULD possess one)${s.header?.attr('xml:lang') ? `; it inherits xml:lang='${s.header.attr('xml:lang')}' from the stream header, but does not possess the attribute` : ''}`);
      return undefined;
    case 'application-specific children are in an application namespace':
      if (!app.length) return notApplicable(world, `the stream error has no child besides its condition and <text/>: ${e}`);
      for (const a of app) if (!appNsOk(a)) fail(`the child <${a.name}> of the stream error is qualified by '${a.ns}', not by an application-defined namespace (RFC 3920 4.7.2)`);
      return undefined;
    case 'undefined-condition comes with an application-specific condition':
      if (!defined.some((d) => d.local === 'undefined-condition')) return notApplicable(world, `the stream error's condition is not <undefined-condition/>: ${e}`);
      if (!app.filter(appNsOk).length) fail('<undefined-condition/> came without an application-specific condition (RFC 3920 4.7.3)');
      return undefined;
    case 'an application-specific condition comes with a defined condition':
      if (!app.length) return notApplicable(world, `the stream error has no application-specific condition: ${e}`);
      if (!defined.length) fail(`the stream error's application-specific condition ${app.map((a) => `<${a.name} xmlns='${a.ns}'>`).join(', ')} stands without a defined condition to supplement (RFC 3920 4.7.4)`);
      return undefined;
  }
  return undefined;
}

