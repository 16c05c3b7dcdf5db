// Judges of RFC 3920 sections 9 and 10 (and the 4.2 / 4.3 stanza checks): delivery, the common
// attributes of stanzas, IQ semantics, error stanzas, routing. Each takes the world and the step's
// parameters, names the outcome with world.outcome(...), and fails with violated(...): what the
// target did against the sentence, every outcome the step accepts, what arrived, and where.
import type { XmppWorld } from '../world.ts';
import { el, isStanza, NS, type XmlElement } from '../wire/element.ts';
import { ExpectationFailed, Undecided, withoutLevel } from '../errors.ts';
import type { InboxEvent, XmppStream } from '../peer/stream.ts';
import { nextId } from '../peer/client.ts';
import { ATTACH, notApplicable } from '../hooks.ts';
import { stanzaError, STANZA_CONDITIONS, LANGTAG, type StanzaErrorOutcome } from './stanza-error.ts';
import { nothingArrives, settleByRoundTrip } from './silence.ts';
import { violated } from './judge.ts';

type Verdict = 'skipped' | undefined;


const tags = (names: string[]): string => names.map((n) => `<${n}/>`).join(' or ');

/** Where each stanza under judgement was read (its stream's where() then): the Where of a later failure about it. */
const arrivedAt = new WeakMap<XmlElement, string>();
function readOn(stream: XmppStream, s: XmlElement): XmlElement {
  arrivedAt.set(s, stream.where());
  return s;
}

// ---------------------------------------------------------------------------------------------
// 4.2 / 4.3: one TCP connection both ways; nothing accepted before authentication.

/** RFC 3920 4.2: the server allows a client one TCP connection for stanzas both ways: a message to its own full JID comes back on it. */
export async function messageCameBack(world: XmppWorld): Promise<void> {
  const id = world.state.messageId;
  const m = await world.client().stream.expectElement((e) => e.is('message') && e.attr('id') === id, `the message ${id} back`);
  world.outcome(`message ${id} came back on ${world.client().stream.transport.local}: ${m}`);
}

/** RFC 3920 4.2: the client's IQ is answered (type 'result' or 'error') on the same TCP connection. */
export async function iqAnsweredOnSameConnection(world: XmppWorld): Promise<void> {
  const id = world.need('iqId');
  const stream = world.client().stream;
  const iq = await stream.answerTo(id, `the answer to IQ ${id}`);
  if (iq.attr('type') !== 'result' && iq.attr('type') !== 'error') {
    violated({ summary: `the answer to IQ ${id} has type='${iq.attr('type')}'`, accepted: [`IQ ${id} answered with type='result'`, `IQ ${id} answered with type='error'`], actual: iq.toString(), where: stream.where() });
  }
  world.outcome(`IQ ${id} answered with type='${iq.attr('type')}'`);
}

/**
 * "MUST NOT accept": the stanza under test is never delivered. First the sender's connection
 * settles (closed by the target, or quiet for the window), then a round-trip on the recipient's
 * own stream proves the recipient was sent nothing.
 */
export async function messageNotDelivered(world: XmppWorld, id: string): Promise<void> {
  const sender = world.client().stream;
  const settled = await sender.awaitClose(world.cfg.timeouts.quietMs);
  const r = world.client('recipient');
  const proof = await nothingArrives(r.stream, true, world.cfg.domain, `no delivery of message '${id}'`);
  world.attach(`silence proved by ${proof}`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  world.outcome(`message '${id}' not delivered (sender's connection ${settled.tcp === 'open' ? 'still open' : 'closed'}; recipient silence proved by ${proof})`);
}

/**
 * 4.3 "MUST NOT accept", for the rest of the stream's life: a server that kept the early stanza
 * and delivered it once the stream was authenticated accepted it too. The sender authenticates
 * and binds on the same stream and sends a marker message; the early stanza must reach the
 * recipient neither before the marker nor up to a round-trip after it.
 */
export async function earlyMessageNeverSurfaces(world: XmppWorld, id: string): Promise<Verdict> {
  const sender = world.client();
  const r = world.client('recipient');
  const early = (e: InboxEvent) => e.kind === 'element' && e.element.is('message') && e.element.attr('id') === id;
  try {
    await sender.negotiate('session');
  } catch (e) {
    if (!(e instanceof ExpectationFailed)) throw e;
    return notApplicable(world, `the target did not authenticate the stream that carried the early message (${withoutLevel(e).split('\n')[0]}), so nothing sent on it can surface later`);
  }
  const marker = nextId('after-auth-');
  sender.stream.send(el('message', { to: r.jid, id: marker, type: 'chat' }, el('body', {}, 'sent after authentication')));
  const accepted = [`message '${id}' never reaches the recipient: the recipient receives '${marker}', sent after authentication, and a round-trip after that, without it`];
  const surfaced = (when: string) => {
    const got = r.stream.unread().find(early);
    if (got?.kind === 'element') violated({ summary: `the message '${id}' sent before authentication reached the recipient ${when} (RFC 3920 4.3: the other entity MUST NOT accept such stanzas)`, accepted, actual: got.element.toString(), where: r.stream.where() });
  };
  try {
    await r.stream.expectElement((e) => e.is('message') && e.attr('id') === marker, `the message '${marker}' sent after authentication`);
  } catch (e) {
    surfaced('once the stream was authenticated');
    if (e instanceof ExpectationFailed) throw new Undecided(`the message sent after authentication did not reach the recipient, so the proof cannot be made: ${withoutLevel(e).split('\n')[0]}`);
    throw e;
  }
  surfaced(`once the stream was authenticated, before the message '${marker}' sent after it`);
  await r.stream.roundTrip(world.cfg.domain);
  surfaced(`once the stream was authenticated, within a round-trip after the message '${marker}' sent after it`);
  world.attach(`proved by a message sent after authentication ('${marker}') and a round-trip on the recipient's stream after it`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  world.outcome(`message '${id}' did not surface after authentication: the recipient received '${marker}', sent after it, and a round-trip after that, without it`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// 9.1 / 9.2 / 10: stanzas delivered, their 'from', IQ semantics, in-order processing.

/** The stanza `id` (not an error) delivered to `role` (9.2, 10.5): remembered as the stanza under test. */
export async function receivesStanza(world: XmppWorld, role: string, id: string): Promise<void> {
  const stream = world.client(role).stream;
  const s = readOn(stream, await stream.expectElement((e) => isStanza(e) && e.attr('id') === id && e.attr('type') !== 'error', `the stanza '${id}' delivered to ${role}`));
  world.state.stanza = s;
  world.outcome(`${role} received: ${s.toString().slice(0, 300)}`);
}

/** RFC 3920 10: "Compliant server implementations MUST ensure in-order processing of XML stanzas between any two entities." */
export async function receivesInOrder(world: XmppWorld, role: string, list: string): Promise<void> {
  const ids = list.split(/,\s*/);
  const stream = world.client(role).stream;
  const got: string[] = [];
  for (const _ of ids) {
    const s = await stream.expectElement((e) => e.is('message') && ids.includes(e.attr('id') ?? ''), `the messages ${ids.join(', ')}`);
    got.push(s.attr('id') ?? '');
  }
  if (got.join() !== ids.join()) violated({ summary: `the messages arrived as ${got.join(', ')}; they were sent as ${ids.join(', ')} (10: in-order processing)`, accepted: [`arrived in order: ${ids.join(', ')}`], actual: `arrived as ${got.join(', ')}`, where: stream.where() });
  world.outcome(`arrived in order: ${got.join(', ')}`);
}

function stanzaUnderTest(world: XmppWorld): XmlElement {
  const s = world.state.stanza;
  if (!s) throw new Error('no stanza was received yet: a Then step must receive it first');
  return s;
}

/** RFC 3920 9.1.2: the server stamps the sender's JID on a stanza it routes: 'from' is the sender's full JID or bare JID. */
export function fromIsSendersJid(world: XmppWorld): void {
  const s = stanzaUnderTest(world);
  const c = world.client();
  const from = s.attr('from');
  const accepted = [`'from' stamped as the sender's full JID ${c.jid}`, `'from' stamped as the sender's bare JID ${c.bareJid}`];
  if (from === undefined) violated({ summary: `the stanza arrived without a 'from' (9.1.2: the server stamps the sender's JID)`, accepted, actual: s.toString(), where: arrivedAt.get(s) });
  if (from === c.jid) world.outcome(`'from' stamped as the sender's full JID ${from}`);
  else if (from.toLowerCase() === c.bareJid.toLowerCase()) world.outcome(`'from' stamped as the sender's bare JID ${from}`);
  else violated({ summary: `the stanza arrived with from='${from}'; the sender is ${c.jid} (full JID) / ${c.bareJid} (bare JID) (9.1.2)`, accepted, actual: s.toString(), where: arrivedAt.get(s) });
}

/** RFC 3920 9.1.2: a stanza the server generates on the account's behalf has no 'from', or the account's bare JID or full JID. */
export function fromAbsentOrAccountJid(world: XmppWorld): void {
  const s = stanzaUnderTest(world);
  const c = world.client();
  const from = s.attr('from');
  if (from === undefined) return world.outcome('no \'from\'');
  if (from === c.jid || from.toLowerCase() === c.bareJid.toLowerCase()) return world.outcome(`from='${from}' (${from === c.jid ? 'full' : 'bare'} JID)`);
  violated({ summary: `the server-generated stanza carries from='${from}', neither absent nor ${c.bareJid} nor ${c.jid} (9.1.2)`, accepted: ["no 'from'", `from='${c.jid}' (full JID)`, `from='${c.bareJid}' (bare JID)`], actual: s.toString(), where: arrivedAt.get(s) });
}

/** RFC 3920 9.3.1: "An <error/> child MUST NOT be included if the 'type' attribute has a value other than "error"". */
export function carriesNoErrorChild(world: XmppWorld): void {
  const s = stanzaUnderTest(world);
  if (s.elements().some((e) => e.local === 'error')) violated({ summary: `a stanza of type '${s.attr('type') ?? '(none)'}' holds an <error/> child (9.3.1)`, accepted: ['no <error/> child'], actual: s.toString(), where: arrivedAt.get(s) });
  world.outcome('no <error/> child');
}

/** RFC 3920 9.1.2: a 'from' forged by the client never survives: the stanza arrives stamped, or the stream is closed with <invalid-from/>. */
export async function forgedFromDoesNotReach(world: XmppWorld, id: string): Promise<void> {
  const c = world.client();
  const r = world.client('recipient');
  const ev = await Promise.race([
    r.stream.expectElement((e) => isStanza(e) && e.attr('id') === id, `the stanza '${id}'`).then((s) => ({ s })),
    c.stream.expect((e) => (e.kind === 'element' && e.element.is('error', NS.stream)) || e.kind.startsWith('tcp'), 'a stream error').then(() => ({ s: undefined })),
  ]).catch(() => ({ s: undefined }));
  if (ev.s) {
    const from = ev.s.attr('from');
    if (from !== c.jid && from?.toLowerCase() !== c.bareJid.toLowerCase()) {
      violated({
        summary: `the stanza was delivered with from='${from}', the value the client forged; the sender is ${c.jid} (9.1.2)`,
        accepted: [`delivered with the forged 'from' replaced by the sender's full JID ${c.jid} or bare JID ${c.bareJid}`, `not delivered (recipient silence proved); the sender's stream was ended`],
        actual: ev.s.toString(),
        where: r.stream.where(),
      });
    }
    world.outcome(`delivered with the forged 'from' replaced by ${from}`);
    return;
  }
  const proof = await nothingArrives(r.stream, true, world.cfg.domain, `no delivery of '${id}'`);
  const err = c.stream.unread().find((e) => e.kind === 'element' && e.element.is('error', NS.stream));
  const sender = err?.kind === 'element' ? `the sender's stream was ended with ${err.element.toString().slice(0, 200)}` : c.stream.isEnded || c.stream.transport.isEnded ? "the sender's connection was closed" : "the sender's stream stays open (the stanza was dropped)";
  world.outcome(`not delivered (recipient silence proved by ${proof}); ${sender}`);
}

/** RFC 3920 9.1.2: an <invalid-from/> stream error, if generated, MUST result in closure of the stream and termination of the TCP connection. */
export async function invalidFromClosesStream(world: XmppWorld): Promise<Verdict> {
  const s = world.client().stream;
  // the sender's own round-trip: an error caused by the forged stanza arrives before its answer
  await settleByRoundTrip(s, world.cfg.domain);
  const err = s.unread().find((e) => e.kind === 'element' && e.element.is('error', NS.stream));
  if (!err) return notApplicable(world, 'the server did not generate an <invalid-from/> stream error (it stamped the sender\'s JID instead), so the closure it would demand cannot be checked');
  const r = await s.awaitCloseAfterError();
  if (!r.streamClosed || r.tcp === 'open') {
    violated({
      summary: `after the stream error the server ${r.streamClosed ? 'sent </stream:stream>' : 'did not send </stream:stream>'} and left TCP ${r.tcp} (9.1.2: closure of the stream and termination of TCP)`,
      accepted: ["stream error, </stream:stream>, TCP closed", "stream error, </stream:stream>, TCP reset"],
      actual: `stream error, ${r.streamClosed ? '</stream:stream>' : "no '</stream:stream>'"}, TCP ${r.tcp}`,
      where: s.where(),
    });
  }
  world.outcome(`stream error, </stream:stream>, TCP ${r.tcp}`);
  return undefined;
}

/** RFC 3920 9.2.3: the IQ request is answered with type 'result' or 'error' (an error judged as a stanza error of 9.3); remembered as the stanza under test. */
export async function receivesAnswer(world: XmppWorld, role: string, id: string): Promise<void> {
  const stream = world.client(role).stream;
  const s = readOn(stream, await stream.answerTo(id, `the answer to IQ '${id}'`));
  const type = s.attr('type');
  if (type === 'error') stanzaError(s, 'iq', null, stream.where());
  else if (type !== 'result') violated({ summary: `IQ '${id}' was answered with type='${type ?? ''}', not 'result' or 'error' (9.2.3)`, accepted: [`IQ '${id}' answered with type='result'`, `IQ '${id}' answered with type='error' (an error stanza of 9.3)`], actual: s.toString(), where: stream.where() });
  world.state.stanza = s;
  world.outcome(`IQ '${id}' answered with type='${type}'${type === 'error' ? ` (${s.toString().slice(0, 300)})` : ''}`);
}

/** RFC 3920 9.2.3: "An IQ stanza of type "result" MUST include zero or one child elements." */
export function resultWithAtMostOneChild(world: XmppWorld, id: string): void {
  const s = stanzaUnderTest(world);
  if (s.attr('id') !== id) throw new Error(`the stanza under test is '${s.attr('id')}', not '${id}'`);
  const accepted = [`IQ '${id}' answered with a result with 0 or 1 child element`];
  if (s.attr('type') !== 'result') violated({ summary: `IQ '${id}' was answered with type='${s.attr('type')}', not a result`, accepted, actual: s.toString(), where: arrivedAt.get(s) });
  const n = s.elements().length;
  if (n > 1) violated({ summary: `the IQ result holds ${n} child elements (9.2.3: zero or one)`, accepted, actual: s.toString(), where: arrivedAt.get(s) });
  world.outcome(`result with ${n} child element(s)`);
}

/** RFC 3920 9.2.3: an IQ request the server sends carries an 'id' and a 'type' (both REQUIRED), a type of the four, and exactly one child. */
export async function serverIqRequest(world: XmppWorld, role: string): Promise<void> {
  const stream = world.client(role).stream;
  const s = await stream.expectElement((e) => e.is('iq') && (e.attr('type') === 'set' || e.attr('type') === 'get' || !['result', 'error'].includes(e.attr('type') ?? '')), 'an IQ request (a roster push) from the server');
  world.state.stanza = readOn(stream, s);
  const fail = (summary: string): never => violated({ summary, accepted: ["an IQ request (type 'get' or 'set') with an 'id' and exactly one child"], actual: s.toString(), where: stream.where() });
  if (!s.attr('id')) fail(`the server's IQ request carries no 'id' (9.2.3: REQUIRED)`);
  const type = s.attr('type');
  if (!type) return fail(`the server's IQ request carries no 'type' (9.2.3: REQUIRED)`);
  if (!['get', 'set', 'result', 'error'].includes(type)) fail(`the server's IQ carries type='${type}', not get, set, result or error (9.2.3)`);
  const n = s.elements().length;
  if (n !== 1) fail(`the server's IQ ${type} holds ${n} child elements (9.2.3: exactly one)`);
  world.outcome(`IQ ${type} id='${s.attr('id')}' with one child <${s.elements()[0]!.name}>`);
}

/** 9.1.5-4 looks at every xml:lang the server sends: whatever answers `id` (or nothing) is collected, and remembered as the stanza under test. */
export async function collectAnswer(world: XmppWorld, role: string, id: string): Promise<void> {
  const c = world.client(role);
  const s = await c.stream.expectElement((e) => isStanza(e) && e.attr('id') === id, `an answer to '${id}'`).catch((err: unknown) => {
    if (err instanceof ExpectationFailed) return undefined;
    throw err;
  });
  if (s) world.state.stanza = readOn(c.stream, s);
  world.outcome(s ? `answered with ${s.toString().slice(0, 300)}` : `no answer to '${id}' within ${world.cfg.timeouts.responseMs} ms`);
}

/** RFC 3920 9.1.5: "The value of the 'xml:lang' attribute MUST be an NMTOKEN and MUST conform to the format defined in RFC 3066", on the response header and the answer collected. */
export function langTagsValid(world: XmppWorld): Verdict {
  const seen: string[] = [];
  const walk = (x: XmlElement): void => {
    const v = x.attr('xml:lang');
    if (v !== undefined) seen.push(v);
    x.elements().forEach(walk);
  };
  const stream = world.client().stream;
  const h = stream.header;
  if (h) walk(h);
  // the answer collected for this scenario (an error stanza, or whatever else came back)
  const answer = world.state.error?.stanza ?? world.state.stanza;
  if (answer) walk(answer);
  const bad = seen.filter((v) => !LANGTAG.test(v));
  if (bad.length) violated({ summary: `xml:lang value(s) ${bad.map((b) => `'${b}'`).join(', ')} are not RFC 3066 language tags (9.1.5)`, accepted: ['every xml:lang value an RFC 3066 language tag'], actual: `xml:lang values seen: ${seen.join(', ')}`, where: stream.where() });
  if (!seen.length) return notApplicable(world, 'the target sent no xml:lang in the response header or in its answer to the stanza');
  world.outcome(`xml:lang values seen: ${seen.join(', ')}`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// 9.3: error stanzas.

async function expectError(world: XmppWorld, role: string, id: string, allowed: string[] | null, ms?: number): Promise<StanzaErrorOutcome> {
  const stream = world.client(role).stream;
  const s = readOn(stream, await stream.expectElement((e) => isStanza(e) && e.attr('id') === id, `an answer to '${id}'`, ms));
  const kind = world.state.kinds.get(id);
  const out = stanzaError(s, kind, allowed, stream.where());
  world.state.error = out;
  world.state.stanza = s;
  return out;
}

/**
 * RFC 3920 9.3.1 / 9.3.2: the answer to `id` is an error stanza of the kind sent, with one of
 * `allowed` (any defined condition when null), within `ms` (the response time when absent);
 * remembered as the error under test.
 */
export async function receivesStanzaError(world: XmppWorld, role: string, id: string, allowed: string[] | null, ms?: number): Promise<void> {
  const e = await expectError(world, role, id, allowed, ms);
  world.outcome(`<${e.stanza.local} type='error'> with <${e.condition}/> (type '${e.type}')`);
}

/**
 * For scenarios about what an error holds: they judge an error only if one arrives. No answer
 * within the response time, or an answer that is not type='error', makes them not applicable
 * (whether the target had to answer with an error is decided by core-9.3.1-1 and its kin).
 */
async function errorIfAny(world: XmppWorld, role: string, id: string): Promise<XmlElement | string> {
  const stream = world.client(role).stream;
  let s: XmlElement;
  try {
    s = readOn(stream, await stream.expectElement((e) => isStanza(e) && e.attr('id') === id, `an answer to '${id}'`));
  } catch (err) {
    if (!(err instanceof ExpectationFailed)) throw err;
    return `the target sent no stanza error for '${id}' (${withoutLevel(err).split('\n')[0]}), so there is no error to judge; whether it had to send one is decided by another requirement`;
  }
  world.state.stanza = s;
  if (s.attr('type') !== 'error') return `the target answered '${id}' with <${s.local} type='${s.attr('type') ?? ''}'>, not with an error, so there is no error to judge; whether it had to send one is decided by another requirement.\nReceived: ${s.toString().slice(0, 600)}`;
  return s;
}

/** The error's content is judged by the steps that follow; an error too malformed to read is another requirement's failure. */
export async function errorUnderTestIfAny(world: XmppWorld, role: string, id: string): Promise<Verdict> {
  const s = await errorIfAny(world, role, id);
  if (typeof s === 'string') return notApplicable(world, s);
  try {
    const e = stanzaError(s, world.state.kinds.get(id), null, arrivedAt.get(s));
    world.state.error = e;
    world.outcome(`<${s.local} type='error'> with <${e.condition}/> (type '${e.type}')`);
    return undefined;
  } catch (err) {
    if (!(err instanceof ExpectationFailed)) throw err;
    return notApplicable(world, `the target's error for '${id}' cannot be read as a stanza error (core-9.3.1-3 and core-9.3.2-4/5 decide that): ${withoutLevel(err).split('\n')[0]}`);
  }
}

/** 9.3.1 / 9.3.2 syntax: an <error/> child, an allowed type, a defined condition in the stanzas namespace. */
export async function errorSyntaxIfAny(world: XmppWorld, role: string, id: string): Promise<Verdict> {
  const s = await errorIfAny(world, role, id);
  if (typeof s === 'string') return notApplicable(world, s);
  const e = stanzaError(s, world.state.kinds.get(id), null, arrivedAt.get(s));
  world.state.error = e;
  world.outcome(`<${s.local} type='error'> holding <error type='${e.type}'> with <${e.condition} xmlns='${NS.stanzas}'/>`);
  return undefined;
}

/**
 * 9.3.1: once the target detects an error condition about a stanza, its answer is a stanza of the
 * same kind with type 'error', to the sender; what it holds is decided by the syntax scenarios.
 * Settled by a round-trip behind the stanza, not a timer. Whether a condition had to be detected
 * at all is the business of the requirement for that condition (core-9.1.1-3 for a 'to' that is
 * not a JID): with no error answer, not applicable.
 */
export async function errorOfSameKind(world: XmppWorld, role: string, id: string): Promise<Verdict> {
  const c = world.client(role);
  const kind = world.state.kinds.get(id);
  await c.stream.roundTrip(world.cfg.domain);
  const all = c.stream.drain().flatMap((e) => (e.kind === 'element' && isStanza(e.element) && e.element.attr('id') === id ? [e.element] : []));
  // the client's own stanza handed back to it (a 'to' taken for absent, or its own JID) is a delivery, not an answer
  const own = (x: XmlElement) => [c.jid, c.bareJid].includes(x.attr('from') ?? '') && !x.child('error');
  const answers = all.filter((x) => !own(x));
  const answer = answers.find((x) => x.attr('type') === 'error' || x.child('error'));
  if (!answer) {
    const what = all.length ? `it handled '${id}' otherwise: ${all.map((x) => x.toString().slice(0, 200)).join('; ')}` : `no answer to '${id}' arrived before the answer to a round-trip sent behind it`;
    return notApplicable(world, `the target detected no error condition about '${id}' (${what}); whether it had to is decided by the requirement for that condition (core-9.1.1-3 for a 'to' that is not a JID, core-9.2.3-4 for an IQ request)`);
  }
  const accepted = [`${kind ? `a <${kind}/>` : 'a stanza of the same kind'} of type 'error' (RFC 3920 9.3.1: a stanza of the same kind)`];
  if (kind && answer.local !== kind) violated({ summary: `'${id}' was a <${kind}/>; the target answered with a <${answer.local}/> (RFC 3920 9.3.1: a stanza of the same kind)`, accepted, actual: answer.toString(), where: c.stream.where() });
  if (answer.attr('type') !== 'error') violated({ summary: `the target answered '${id}' with an <error/> in a stanza of type='${answer.attr('type') ?? ''}' (RFC 3920 9.3.1)`, accepted, actual: answer.toString(), where: c.stream.where() });
  world.state.stanza = readOn(c.stream, answer);
  world.outcome(`<${answer.local} type='error'> (settled by round-trip): ${answer.toString().slice(0, 300)}`);
  return undefined;
}

/**
 * 9.3.1: an error stanza draws no further error. A stanza that comes back from the client's own
 * JID with the very <error/> the client sent is its own stanza delivered to it, not an answer.
 */
export async function noErrorForErrors(world: XmppWorld, role: string): Promise<void> {
  const c = world.client(role);
  // the round-trip: the target handles the client's stanzas in order, so any answer to the errors precedes the pong
  const rt = await c.stream.roundTrip(world.cfg.domain);
  const arrived = c.stream.drain().flatMap((e) => (e.kind === 'element' && isStanza(e.element) ? [e.element] : []));
  const own = (s: XmlElement) => {
    const from = s.attr('from') ?? '';
    const sentError = s.elements().find((x) => x.local === 'error');
    return s.attr('type') === 'error' && (from === c.jid || from === c.bareJid) && sentError?.child('item-not-found', NS.stanzas) !== undefined && sentError.elements().length === 1;
  };
  const answers = arrived.filter((s) => !own(s));
  if (answers.length) {
    violated({
      summary: `the target answered the client's error stanza(s) (9.3.1: an error stanza MUST NOT be answered with a further error)`,
      accepted: ['nothing received before the answer to a round-trip', "no error in answer; the client's own error stanza came back to it unchanged (from its own JID)"],
      actual: answers.map((a) => a.toString().slice(0, 300)).join('\n  '),
      where: c.stream.where(),
    });
  }
  world.attach(`silence proved by round-trip ${rt}`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  world.outcome(arrived.length ? `no error in answer; the client's own error stanza came back to it unchanged (from its own JID): ${arrived.map((a) => a.toString().slice(0, 200)).join('; ')}` : 'nothing received (round-trip)');
}

/**
 * RFC 3920 9.3.3 <recipient-unavailable/>: an application MUST NOT return it if doing so would
 * tell an unauthorized entity about the intended recipient's network availability; no answer to
 * `id` carries one of `banned`.
 */
export async function noBannedCondition(world: XmppWorld, role: string, banned: string[], id: string): Promise<void> {
  const c = world.client(role);
  await settleByRoundTrip(c.stream, world.cfg.domain);
  const answers = c.stream.drain().filter((e) => e.kind === 'element' && e.element.attr('id') === id).map((e) => (e as { element: XmlElement }).element);
  for (const a of answers) {
    const cond = a.elements().find((x) => x.local === 'error')?.elements().find((x) => x.ns === NS.stanzas)?.local;
    if (cond && banned.includes(cond)) violated({ summary: `the target answered '${id}' with <${cond}/>, which tells the sender about the recipient's network availability (9.3.3)`, accepted: [`no answer to '${id}'`, `an answer to '${id}' with no condition of ${tags(banned)}`], actual: a.toString(), where: c.stream.where() });
  }
  world.outcome(answers.length ? `answered with ${answers.map((a) => a.toString().slice(0, 200)).join('; ')}` : `no answer to '${id}'`);
}

function errorUnderTest(world: XmppWorld): StanzaErrorOutcome {
  const e = world.state.error;
  if (!e) throw new Error('no stanza error was received yet');
  return e;
}

/** RFC 3920 9.1.1: the error stanza's 'from' is the value of the 'to' of the offending stanza. */
export function errorFrom(world: XmppWorld, want: string): void {
  const e = errorUnderTest(world);
  const v = world.render(want);
  const from = e.stanza.attr('from');
  if (from !== v) violated({ summary: `the error stanza carries ${from === undefined ? "no 'from'" : `from='${from}'`}; 9.1.1 demands the 'to' of the offending stanza, '${v}'`, accepted: [`error from='${v}'`], actual: e.stanza.toString(), where: arrivedAt.get(e.stanza) });
  world.outcome(`error from='${from}'`);
}

/** RFC 3920 9.3.3: the error type SHOULD be the one associated with the condition (any type for <undefined-condition/>). */
function typeFitsCondition(e: StanzaErrorOutcome): void {
  const want = STANZA_CONDITIONS[e.condition];
  if (want && e.type !== want) violated({ summary: `<${e.condition}/> came with type '${e.type}'; 9.3.3 associates type '${want}' with it`, accepted: [`<${e.condition}/> with type '${want}'`], actual: e.stanza.toString(), where: arrivedAt.get(e.stanza) });
}

/** RFC 3920 9.3.3: the error under test carries the type associated with its condition. */
export function errorTypeFitsCondition(world: XmppWorld): void {
  const e = errorUnderTest(world);
  typeFitsCondition(e);
  world.outcome(`<${e.condition}/> with type '${e.type}'`);
}

/** RFC 3920 9.3.3, for the conditions `conds` only: the error under test, if it has one of them, carries the type associated with it. */
export function conditionTypeIf(world: XmppWorld, conds: string[]): Verdict {
  const e = errorUnderTest(world);
  if (!conds.includes(e.condition)) return notApplicable(world, `the target answered with <${e.condition}/>, not ${tags(conds)}, so the type 9.3.3 associates with that condition cannot be checked: ${e.stanza}`);
  typeFitsCondition(e);
  world.outcome(`<${e.condition}/> with type '${e.type}'`);
  return undefined;
}

/** RFC 3920 9.3.3, for the conditions `conds` only: the answer under test, if it is an error with one of them, carries the type associated with it. */
export function errorTypeIf(world: XmppWorld, conds: string[]): Verdict {
  const s = stanzaUnderTest(world);
  if (s.attr('type') !== 'error') return notApplicable(world, `the target processed the request (type='${s.attr('type')}'), so no error type can be checked: ${s}`);
  const e = stanzaError(s, s.local, null, arrivedAt.get(s));
  if (!conds.includes(e.condition)) return notApplicable(world, `the target answered with <${e.condition}/>, not ${tags(conds)}: ${s}`);
  typeFitsCondition(e);
  world.outcome(`<${e.condition}/> with type '${e.type}'`);
  return undefined;
}

/** RFC 3920 9.3.1 / 9.2.3: the error stanza SHOULD include the original XML (for an IQ error, the child of the request). */
export function errorIncludesPayload(world: XmppWorld): void {
  const e = errorUnderTest(world);
  const payload = e.stanza.elements().filter((c) => c.local !== 'error');
  if (!payload.length) violated({ summary: `the error stanza holds only <error/>, not the XML the sender sent (9.3.1 / 9.2.3: SHOULD include it)`, accepted: ['the error stanza includes the original payload beside <error/>'], actual: e.stanza.toString(), where: arrivedAt.get(e.stanza) });
  world.outcome(`original payload included: ${payload.map((p) => `<${p.name}>`).join(', ')}`);
}

/** RFC 3920 9.3.2: the <text/> of an error, if any, MUST be qualified by urn:ietf:params:xml:ns:xmpp-stanzas. */
export function errorTextNamespace(world: XmppWorld): Verdict {
  const e = errorUnderTest(world);
  if (!e.text) return notApplicable(world, `the target's error holds no <text/> element: ${e.stanza}`);
  if (e.text.ns !== NS.stanzas) violated({ summary: `the error's <text/> is qualified by '${e.text.ns}', not ${NS.stanzas} (9.3.2)`, accepted: [`<text/> in ${NS.stanzas}`], actual: e.stanza.toString(), where: arrivedAt.get(e.stanza) });
  world.outcome(`<text/> in ${NS.stanzas}`);
  return undefined;
}

/** RFC 3920 9.3.2: the <text/> of an error, if any, SHOULD possess an 'xml:lang'. */
export function errorTextLang(world: XmppWorld): Verdict {
  const e = errorUnderTest(world);
  if (!e.text) return notApplicable(world, `the target's error holds no <text/> element: ${e.stanza}`);
  const lang = e.text.attr('xml:lang');
  if (!lang) violated({ summary: `the error's <text/> carries no 'xml:lang' (9.3.2: SHOULD possess one)`, accepted: ["<text/> with an 'xml:lang'"], actual: e.stanza.toString(), where: arrivedAt.get(e.stanza) });
  world.outcome(`<text xml:lang='${lang}'>`);
  return undefined;
}

/** RFC 3920 9.1.5: a stanza holding character data for a human SHOULD possess an 'xml:lang' (`attr`). */
export function errorStanzaLang(world: XmppWorld, attr: string): Verdict {
  const e = errorUnderTest(world);
  if (!e.text) return notApplicable(world, `the target's error holds no human-readable <text/>: ${e.stanza}`);
  const lang = e.stanza.attr(attr);
  const streamLang = world.client().stream.header?.attr('xml:lang');
  if (!lang) violated({ summary: `the error stanza holds human-readable <text/> but carries no '${attr}' (9.1.5: SHOULD); the reader falls back to the stream's default${streamLang ? ` ('${streamLang}')` : ''}`, accepted: [`the error stanza carries ${attr}`], actual: e.stanza.toString(), where: arrivedAt.get(e.stanza) });
  world.outcome(`stanza ${attr}='${lang}'`);
  return undefined;
}

/** RFC 3920 9.3.2: an application-specific condition, if any, MUST be qualified by an application-defined namespace. */
export function appConditionNamespace(world: XmppWorld): Verdict {
  const e = errorUnderTest(world);
  const app = e.error.elements().filter((c) => c.ns !== NS.stanzas || !(c.local in STANZA_CONDITIONS || c.local === 'text'));
  if (!app.length) return notApplicable(world, `the target's error holds no application-specific condition: ${e.stanza}`);
  const bad = app.find((c) => c.ns === NS.stanzas || c.ns === NS.client || c.ns === '');
  if (bad) violated({ summary: `the application-specific condition <${bad.local}/> is qualified by '${bad.ns}', not an application-defined namespace (9.3.2)`, accepted: [`application-specific condition(s) in a namespace of their own (not ${NS.stanzas}, ${NS.client} or none)`], actual: e.stanza.toString(), where: arrivedAt.get(e.stanza) });
  world.outcome(`application-specific condition(s): ${app.map((a) => `<${a.local} xmlns='${a.ns}'/>`).join(', ')}`);
  return undefined;
}

/**
 * RFC 3920 9.3.4: the application-specific element SHOULD supplement or further qualify a defined
 * one. stanzaError has already required a defined condition; the outcome names it.
 */
export function appConditionHasDefined(world: XmppWorld): Verdict {
  const e = errorUnderTest(world);
  if (!e.appSpecific.filter((c) => c.local !== 'text').length) return notApplicable(world, `the target's error holds no application-specific condition: ${e.stanza}`);
  if (e.condition === 'undefined-condition') world.outcome('application-specific condition accompanies <undefined-condition/>');
  else world.outcome(`application-specific condition supplements <${e.condition}/>`);
  return undefined;
}

/** RFC 3920 9.3.3: <undefined-condition/> SHOULD be used only in conjunction with an application-specific condition. */
export function undefinedConditionHasApp(world: XmppWorld): Verdict {
  const e = errorUnderTest(world);
  if (e.condition !== 'undefined-condition') return notApplicable(world, `the target's error uses <${e.condition}/>, not <undefined-condition/>`);
  if (!e.appSpecific.length) violated({ summary: `<undefined-condition/> came without an application-specific condition (9.3.3)`, accepted: ['<undefined-condition/> with an application-specific condition'], actual: e.stanza.toString(), where: arrivedAt.get(e.stanza) });
  world.outcome('<undefined-condition/> with an application-specific condition');
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// 3 / 10: addresses and routing.

/** RFC 3920 3.2: a mere domain identifier is a valid JID: an IQ to it is answered with a result, or an error that is not <jid-malformed/>. */
export async function notJidMalformed(world: XmppWorld, role: string, id: string): Promise<void> {
  const stream = world.client(role).stream;
  const s = await stream.answerTo(id, `the answer to IQ '${id}'`);
  const accepted = ['answered with a result', 'answered with an error whose condition is not <jid-malformed/>'];
  if (s.attr('type') === 'error') {
    const e = stanzaError(s, 'iq', null, stream.where());
    if (e.condition === 'jid-malformed') violated({ summary: `the mere domain '${world.cfg.domain}' was refused as <jid-malformed/> (3.2: a mere domain is a valid JID)`, accepted, actual: s.toString(), where: stream.where() });
    world.outcome(`answered with <${e.condition}/>, not <jid-malformed/>`);
    return;
  }
  if (s.attr('type') !== 'result') violated({ summary: `IQ '${id}' was answered with type='${s.attr('type')}'`, accepted, actual: s.toString(), where: stream.where() });
  world.outcome(`answered with a result`);
}

/** RFC 3920 10.1: a stanza without 'to' SHOULD be processed on behalf of the sender: the IQ is answered with a result. */
export async function receivesResult(world: XmppWorld, role: string, id: string): Promise<void> {
  const stream = world.client(role).stream;
  const s = readOn(stream, await stream.answerTo(id, `the answer to IQ '${id}'`));
  if (s.attr('type') !== 'result') violated({ summary: `IQ '${id}' was not processed on behalf of the sender: it was answered with type='${s.attr('type')}'`, accepted: [`IQ '${id}' processed: answered with type='result'`], actual: s.toString(), where: stream.where() });
  world.state.stanza = s;
  world.outcome(`processed: ${s.toString().slice(0, 300)}`);
}

/** RFC 3920 10.2 / 10.3: routing that fails is answered with an error to the sender: any stanza error for `id` within `secs` seconds. */
export async function anyStanzaErrorWithin(world: XmppWorld, role: string, id: string, secs: number): Promise<void> {
  const stream = world.client(role).stream;
  const s = await stream.expectElement((e) => e.attr('id') === id, `an answer to '${id}'`, secs * 1000);
  const e = stanzaError(s, s.local, null, stream.where());
  world.outcome(`<${s.local} type='error'> with <${e.condition}/> (type '${e.type}')`);
}
