// Judges of RFC 3920 8 (server dialback) and of the server-to-server parts of 4 (4.2 one TCP
// connection each way, 4.4 stream attributes) and 11.2.3 (the dialback namespace), over the
// connections the suite's peer opened to the target and the target opened to the peer's listener
// (support/peer/server.ts; the ledger records who opened each and what it carried).
import type { XmppWorld } from '../world.ts';
import { conditionOf, isStanza, NS, type XmlElement } from '../wire/element.ts';
import { ExpectationFailed, withoutLevel } from '../errors.ts';
import { describe, type InboxEvent, type XmppStream } from '../peer/stream.ts';
import { dialbackBound, isDb, judgeNotHandledOverS2s, verifyAnswer } from '../peer/server.ts';
import { notApplicable } from '../hooks.ts';
import { streamErrorThenClose } from './stream-error.ts';
import { nothingArrives } from './silence.ts';
import { violated } from './judge.ts';


/** What settles a validation request: a typed <db:result/>, a stream error, or the connection ending. */
const settlesValidation = (e: InboxEvent): boolean =>
  (e.kind === 'element' && ((isDb(e.element, 'result') && !!e.element.attr('type')) || e.element.is('error', NS.stream))) || e.kind.startsWith('tcp');

/** The transcripts (and entries) of the connections on which the target sent `elements`. */
function whereFound(world: XmppWorld, elements: XmlElement[]): string {
  return world.ledger.entries.filter((e) => e.received.some((x) => elements.includes(x))).map((e) => e.stream.where()).join('; ');
}

/** The transcript of the connection labelled `label`, where the ledger has it. */
function whereLabel(world: XmppWorld, label: string | undefined): string | undefined {
  return world.ledger.entries.find((e) => e.label === label)?.stream.where();
}

/**
 * A judge's violation raised again with the context it happened in: the context before its
 * summary and every connection listed after its Where; its Expected, Actual and Where stay.
 */
function inContext(e: ExpectationFailed, context: string, after: string): never {
  throw new ExpectationFailed(`${context}: ${withoutLevel(e)}\n${after}`);
}

// --- the target as receiving server (8.3 steps 3-10) ---------------------------------------

/** The response stream header on the peer's connection, or a violation of `accepted`. */
function responseHeader(s: XmppStream, accepted: string[]): XmlElement {
  const h = s.header;
  if (!h) violated({ summary: 'the target sent no response stream header', accepted, actual: s.unreadText(), where: s.where() });
  return h;
}

/** 8.3 step 3: "The Receiving Server SHOULD send a stream header back to the Originating Server, including a unique ID for this interaction". */
export function streamHeaderWithId(world: XmppWorld): void {
  const s = world.peerStream();
  const accepted = ["a response stream header carrying an 'id' (RFC 3920 8.3 step 3)"];
  const h = responseHeader(s, accepted);
  const id = h.attr('id');
  if (!id) violated({ summary: "the target's response stream header carries no id (RFC 3920 8.3 step 3)", accepted, actual: h.toString(), where: s.where() });
  world.outcome(`response header id='${id}'`);
}

/** 8.3 step 4: the originating server sends <db:result/> with its key for the stream id it was given; a target that gives none leaves nothing to base the key on. */
export async function dialbackStreamId(s: XmppStream): Promise<string> {
  const h = s.header ?? (await s.expectHeader());
  const id = h.attr('id');
  if (!id) violated({ summary: 'the target gave no stream id, so no dialback key can be based on it (8.3 step 4)', accepted: ["a response stream header carrying an 'id' (RFC 3920 8.3 step 3)"], actual: h.toString(), where: s.where() });
  return id;
}

/** 8.3 steps 5-10: the receiving server verifies the key with the authoritative server, then informs the originating server with <db:result type='valid'/>. */
export async function validatesPeersConnection(world: XmppWorld, domain: string): Promise<void> {
  const d = world.render(domain);
  const s = world.peerStream();
  const accepted = [`<db:result type='valid'/> for ${d}, after the target asked the peer's authoritative listener (<db:verify/>, RFC 3920 8.3 steps 5-8)`];
  // any typed answer is the answer: one addressed to another domain is judged, not waited past
  const r = await s.expectElement((e) => isDb(e, 'result') && !!e.attr('type'), `<db:result type='valid'/> for ${d}`, dialbackBound(world.cfg));
  const to = r.attr('to');
  if (to !== undefined && to !== d) violated({ summary: `the target answered the validation of ${d} with a result addressed to '${to}' (8.3 step 8: to the Originating Server)`, accepted, actual: r.toString(), where: s.where() });
  if (r.attr('type') !== 'valid') violated({ summary: `the target declared the connection ${r.attr('type')} for ${d}, though the authoritative listener answered valid`, accepted, actual: r.toString(), where: s.where() });
  const v = world.listener?.verifications ?? [];
  const how = v.length ? `after asking the peer's authoritative listener (${v.map((x) => `${x.label}: ${x.answered}`).join(', ')})` : 'without asking the authoritative listener';
  if (!v.length) violated({ summary: `the target declared the connection valid ${how}: dialback requires it to verify the key with the authoritative server (8.3 steps 5-8)`, accepted, actual: `${r}, and no <db:verify/> reached the peer's listener`, where: s.where() });
  world.outcome(`validated for ${d} ${how}`);
}

/**
 * As validatesPeersConnection, for a peer that cannot negotiate TLS (a stream without version has
 * no stream features, so no STARTTLS): a target whose policy requires encryption on s2s may refuse
 * it with <policy-violation/> (4.7.3: "the entity has violated some local service policy") and end
 * the stream; that refusal is accepted and named. Anything else is judged as validation.
 */
export async function validatesOrRefusesUnencrypted(world: XmppWorld, domain: string): Promise<void> {
  const s = world.peerStream();
  const d = world.render(domain);
  const first = await s.expect(
    (e) => e.kind === 'element' && ((isDb(e.element, 'result') && !!e.element.attr('type')) || e.element.is('error', NS.stream)),
    `<db:result type='valid'/> for ${d}, or <policy-violation/>`,
    dialbackBound(world.cfg),
  );
  if (first.kind === 'element' && first.element.is('error', NS.stream)) {
    const cond = conditionOf(first.element, NS.streams);
    s.putBack(first);
    if (cond !== 'policy-violation') {
      violated({
        summary: `the target ended the stream with ${cond ? `<${cond}/>` : 'a stream error without a defined condition'} instead of validating the connection`,
        accepted: [`<db:result type='valid'/> for ${d}`, '<policy-violation/>: a policy that requires encryption, which this stream cannot negotiate'],
        actual: first.element.toString(),
        where: s.where(),
      });
    }
    const closed = await s.awaitCloseAfterError();
    world.outcome(`refused under the target's encryption policy: <policy-violation/>${closed.streamClosed ? ', </stream:stream>' : ''}, TCP ${closed.tcp} (a stream without version cannot negotiate TLS)`);
    return;
  }
  s.putBack(first);
  await validatesPeersConnection(world, domain);
}

/** 8.3 step 10: "If the connection is invalid, then the Receiving Server MUST terminate both the XML stream and the underlying TCP connection." */
export async function declaresInvalidAndCloses(world: XmppWorld): Promise<void> {
  const s = world.peerStream();
  const accepted = [
    "<db:result type='invalid'/>, then the TCP connection closed",
    'a stream error, then the TCP connection closed',
    'the connection closed',
  ];
  const first = await s.expect(
    settlesValidation,
    "<db:result type='invalid'/>, a stream error, or the connection closing",
    dialbackBound(world.cfg),
  );
  let how = first.kind === 'element' ? first.element.toString() : 'the connection closed';
  if (first.kind === 'element' && isDb(first.element, 'result') && first.element.attr('type') === 'valid') violated({ summary: 'the target declared the connection valid although the authoritative listener answered invalid', accepted, actual: first.element.toString(), where: s.where() });
  const closed = await s.awaitCloseAfterError();
  if (closed.tcp === 'open') violated({ summary: `after ${how} the target left the stream and the TCP connection open for ${world.cfg.timeouts.responseMs} ms (8.3 step 10: it MUST terminate both)`, accepted, actual: `${how}, then the TCP connection still open after ${world.cfg.timeouts.responseMs} ms${closed.streamClosed ? '' : ", no '</stream:stream>'"}`, where: s.where() });
  if (!closed.streamClosed) how += ' (no </stream:stream>)';
  world.outcome(`${how}; TCP ${closed.tcp}`);
}

/** The target's answer to <db:result/>, whatever it is: validated, refused, or the connection closed. */
export async function settlesValidationRequest(world: XmppWorld): Promise<void> {
  const s = world.peerStream();
  const ev = await s.expect(
    settlesValidation,
    "the target's answer to <db:result/> (a type, a stream error, or closing)",
    dialbackBound(world.cfg),
  );
  world.outcome(`the target settled the request: ${ev.kind === 'element' ? ev.element.toString() : 'the connection closed'}`);
}

/** 8.3 step 10 (silently drop) or 4.3 (<not-authorized/> and close): either reading passes; an answer to the stanza, or a delivery, does not. */
export async function dropsOrRefusesEarlyStanza(world: XmppWorld): Promise<void> {
  const s = world.peerStream();
  const accepted = [
    "the early stanza dropped silently: nothing answers it, the target answers <db:result/> (the reading of 8.3 step 10)",
    'refused with a <not-authorized/> stream error, then the stream and the TCP connection closed (the reading of 4.3)',
  ];
  const ev = await s.expect(
    settlesValidation,
    "the target's answer to <db:result/>",
    dialbackBound(world.cfg),
  );
  const entry = world.ledger.entries.find((x) => x.stream === s);
  const answers = (entry?.received ?? []).filter((x) => isStanza(x));
  if (answers.length) violated({ summary: 'the early stanza was answered, not dropped (8.3 step 10: SHOULD be silently dropped; 4.3: or a <not-authorized/> stream error)', accepted, actual: answers.map(String).join(' '), where: s.where() });
  if (ev.kind === 'element' && ev.element.is('error', NS.stream)) {
    const cond = conditionOf(ev.element, NS.streams);
    if (cond !== 'not-authorized') violated({ summary: `the target refused the early stanza with <${cond}/>; 4.3 names <not-authorized/> and 8.3 silent dropping`, accepted, actual: ev.element.toString(), where: s.where() });
    // 4.3's remedy is the error "and then terminate both the XML stream and the underlying TCP connection"
    const closed = await s.awaitCloseAfterError();
    if (!closed.streamClosed || closed.tcp === 'open') {
      violated({ summary: `the target sent <not-authorized/> but ${closed.streamClosed ? 'left the TCP connection open' : "did not close the stream with '</stream:stream>'"} (4.3: "... and then terminate both the XML stream and the underlying TCP connection")`, accepted, actual: `${ev.element}, then ${closed.streamClosed ? "'</stream:stream>'" : "no '</stream:stream>'"}, TCP ${closed.tcp} ${s.opts.responseMs} ms later`, where: s.where() });
    }
    world.outcome(`refused with <not-authorized/>, '</stream:stream>', TCP ${closed.tcp}: the reading of 4.3`);
    return;
  }
  if (ev.kind !== 'element') violated({ summary: 'the target closed the connection without a stream error (neither 8.3 step 10 nor 4.3)', accepted, actual: describe(ev), where: s.where() });
  // validated or refused: the early stanza was dropped without an answer; make sure nothing follows
  await nothingArrives(s, false, world.cfg.domain, 'no answer to the early stanza');
  world.outcome(`dropped silently, then ${ev.element}: the reading of 8.3 step 10`);
}

/** 8.3 step 10: "If the connection is validated, data can be sent by the Originating Server and read by the Receiving Server": the recipient, a local user, proves delivery. */
export async function recipientReceives(world: XmppWorld, id: string, from: string): Promise<void> {
  const r = world.client('recipient');
  const m = await r.stream.expectElement((e) => e.is('message') && e.attr('id') === id, `the message '${id}'`);
  const f = world.render(from);
  if (m.attr('from') !== f) violated({ summary: `the message arrived with from='${m.attr('from')}', expected '${f}'`, accepted: [`the message '${id}' delivered to ${r.jid} with from='${f}'`], actual: m.toString(), where: r.stream.where() });
  world.outcome(`delivered to ${r.jid}: ${m}`);
}

/** 4.3: "the other entity MUST NOT accept such stanzas": the recipient is sent nothing, proved by a round-trip on its own stream. */
export async function neverReachesRecipient(world: XmppWorld, id: string): Promise<void> {
  const r = world.client('recipient');
  const proof = await nothingArrives(r.stream, true, world.cfg.domain, `no delivery of message '${id}'`);
  world.outcome(`message '${id}' not delivered (proved by ${proof})`);
}

/** 10.1: a peer's stanza without 'to' is not processed on the sender's behalf; proved by an s2s round-trip (judgeNotHandledOverS2s). */
export async function notHandledAsAddressedToItself(world: XmppWorld, id: string): Promise<void> {
  world.outcome(await judgeNotHandledOverS2s({ ledger: world.ledger, stream: world.peerStream(), stanzaId: id, from: `someone@${world.cfg.peer.domain}/x`, to: world.cfg.domain, ms: world.cfg.timeouts.responseMs * 3 }));
}

// --- stream errors of dialback (8.3 notes, 8.1) ----------------------------------------------

/** The stream error owed on the peer's own connection to the target: one of `conditions`, or any when null (RFC 3920 4.7.1, 8.3). */
export async function closesPeersStream(world: XmppWorld, conditions: string[] | null): Promise<void> {
  const s = world.peerStream();
  const after = await authoritativeAnswer(world, s);
  if (!after) return world.outcome(await streamErrorThenClose(s, conditions));
  try {
    world.outcome(`${after}; then ${await streamErrorThenClose(s, conditions)}`);
  } catch (e) {
    if (e instanceof ExpectationFailed) inContext(e, after, `All connections:\n${world.ledger.describe()}`);
    throw e;
  }
}

/**
 * A stream error on the peer's stream is owed within the response bound of what the peer sent;
 * one owed for what the authoritative server answered (the peer's listener answers verifications
 * otherwise than honestly: 8.3-14) is owed within the response bound of that answer, which the
 * target first has to ask for: it resolves the peer's domain and connects, within the dialback
 * bound. Returns which answer the bound counts from, if it is that one.
 */
async function authoritativeAnswer(world: XmppWorld, s: XmppStream): Promise<string | undefined> {
  const l = world.listener;
  if (!l || l.policy.verify === 'honest') return undefined;
  const entry = world.ledger.entries.find((x) => x.stream === s);
  await world.ledger.until(() => (l.verifications.length > 0 || s.transport.isEnded || entry?.received.some((e) => e.is('error', NS.stream)) ? true : undefined), dialbackBound(world.cfg));
  const v = l.verifications[0];
  return v ? `after the peer's listener answered the target's <db:verify/> on ${v.label} with ${v.answer ?? 'a stream error'}` : undefined;
}

/** The stream error owed on the target's own (first) connection to the peer's listener (8.3 notes to steps 2 and 8). */
export async function closesOwnConnection(world: XmppWorld, conditions: string[]): Promise<void> {
  const l = await world.startListener();
  const [s] = await l.awaitConnections(1);
  world.outcome(`on ${s!.label}: ${await streamErrorThenClose(s!, conditions)}`);
}

/** The note to 8.3 step 9: the error is owed on the stream that carried the authoritative server's faulty answer. */
export async function closesVerificationStream(world: XmppWorld, conditions: string[]): Promise<void> {
  const l = await world.startListener();
  const [v] = await l.awaitVerifications(1);
  const s = l.verificationStream()!;
  try {
    world.outcome(`the peer's listener answered ${v!.answer} on ${s.label}; then ${await streamErrorThenClose(s, conditions)}`);
  } catch (e) {
    if (e instanceof ExpectationFailed) inContext(e, `after the peer's listener answered ${v!.answer} on ${s.label}`, `All connections:\n${world.ledger.describe()}`);
    throw e;
  }
}

/**
 * 8.1: "The stream ID is security-critical in server dialback and therefore MUST be both
 * unpredictable and non-repeating". No black-box test proves unpredictability; this one fails
 * a stream id that repeats, is missing, is shorter than 8 characters, or steps by a constant
 * from one stream to the next (a counter), and names what it saw.
 */
export function unpredictableStreamIds(world: XmppWorld): void {
  const ids = world.need('s2sIds');
  const accepted = ['an id on every response stream header, all distinct, each of 8 or more characters, not a counter (RFC 3920 8.1: unpredictable and non-repeating)'];
  const actual = JSON.stringify(ids);
  if (ids.some((i) => !i)) violated({ summary: 'a stream header carried no id', accepted, actual });
  if (new Set(ids).size !== ids.length) violated({ summary: 'stream ids repeat (RFC 3920 8.1)', accepted, actual });
  const short = ids.filter((i) => i.length < 8);
  if (short.length) violated({ summary: `stream ids shorter than 8 characters cannot be unpredictable: ${short.join(', ')}`, accepted, actual });
  const nums = ids.map((i) => (/^\d+$/.test(i) ? Number(i) : NaN));
  if (nums.every((n) => !Number.isNaN(n))) {
    const sorted = [...nums].sort((a, b) => a - b);
    const steps = new Set(sorted.slice(1).map((n, k) => n - sorted[k]!));
    if (steps.size === 1) violated({ summary: `stream ids are a counter (step ${[...steps][0]})`, accepted, actual });
  }
  world.outcome(`${ids.length} distinct ids of ${Math.min(...ids.map((i) => i.length))}+ characters: ${ids.join(', ')}`);
}

// --- the target as originating server and as authoritative server (8.3) ------------------------

/** 8.3 and 4.2 (as originating server): the target opens its own connection to the peer and is validated by dialback when the peer dials back to it. */
export async function ownConnectionValidated(world: XmppWorld): Promise<void> {
  const l = await world.startListener();
  await l.awaitConnections(1);
  const v = await l.awaitValidations(1);
  const ok = v.find((x) => x.type === 'valid');
  if (!ok) violated({ summary: `the target's request to be validated as ${v[0]?.from} was not confirmed when the peer dialed back to it`, accepted: ["the target, asked back as authoritative server, confirms the key of its own <db:result/> (type='valid')"], actual: v.map((x) => `${x.label}: ${x.type}`).join(', '), where: whereLabel(world, v[0]?.label) });
  world.outcome(`the target opened ${ok.label} and asked to be validated as ${ok.from}; the target, asked back as authoritative server, answered ${ok.type}`);
}

/** 8.3 step 10: "If the connection is validated, data can be sent by the Originating Server": no stanza before the peer's <db:result type='valid'/>. */
export function noStanzaBeforeValid(world: XmppWorld): void {
  const v = world.listener?.validations ?? [];
  const early = v.filter((x) => x.stanzasBefore > 0);
  if (early.length) {
    const sent = world.ledger.entries.find((e) => e.label === early[0]!.label)?.received.filter(isStanza).slice(0, early[0]!.stanzasBefore) ?? [];
    violated({ summary: `the target sent ${early[0]!.stanzasBefore} stanza(s) over ${early[0]!.label} before the peer declared it valid (8.3 step 10)`, accepted: ["no stanza on the target's connection before the peer's <db:result type='valid'/>"], actual: sent.map(String).join(' ') || `${early[0]!.stanzasBefore} stanza(s)`, where: whereLabel(world, early[0]!.label) });
  }
  world.outcome(`no stanza before <db:result type='valid'/> on ${v.map((x) => x.label).join(', ')}`);
}

/** Authoritative role of the target: the validation request whose key the peer asks back (8.3 step 5). */
export function targetsValidation(world: XmppWorld): NonNullable<XmppWorld['listener']>['validations'][number] {
  const v = world.listener?.validations[0];
  if (!v) violated({ summary: 'no validation request from the target was seen to take a key from', accepted: ["a <db:result/> from the target on its own connection to the peer's listener"], actual: `no validation request; connections:\n${world.ledger.describe()}` });
  return v;
}

/** 8.1 (the key takes into account the hostnames, the stream id and a secret) and 8.3 step 7: the target confirms its own key and refuses a forged one or a wrong stream id. */
export function answersVerification(world: XmppWorld, type: string): void {
  const got = world.state.verifyAnswer;
  if (got !== type) violated({ summary: `the target answered type='${got}', expected '${type}'`, accepted: [`<db:verify type='${type}'/>`], actual: `<db:verify type='${got}'/>` });
  world.outcome(`type='${got}'`);
}

/** 8.3 step 9: "After returning the verification to the Receiving Server, the Authoritative Server SHOULD terminate the stream". */
export async function answersVerificationAndCloses(world: XmppWorld): Promise<void> {
  const s = world.peerStream();
  const answer = await verifyAnswer(s);
  const r = await s.awaitClose();
  if (r.tcp === 'open' && !r.streamClosed) violated({ summary: `after answering ${answer} the target left the stream open for ${world.cfg.timeouts.responseMs} ms`, accepted: ["the <db:verify/> answer, then '</stream:stream>'", 'the <db:verify/> answer, then the TCP connection closed'], actual: `${answer}, then neither '</stream:stream>' nor the TCP connection closed within ${world.cfg.timeouts.responseMs} ms`, where: s.where() });
  world.outcome(`answered type='${answer.attr('type')}', then ${r.streamClosed ? '</stream:stream>' : ''} TCP ${r.tcp}`);
}

// --- 4.2: one TCP connection each way ----------------------------------------------------------

/** 4.2: the stanza `id` from the target reaches the peer over a connection the target opened. */
export async function receivedOverTargetsConnection(world: XmppWorld, id: string): Promise<void> {
  const ms = dialbackBound(world.cfg);
  const accepted = [`the stanza '${id}' over a connection the target opened itself (RFC 3920 4.2: one TCP connection for stanzas from the server to the peer, another, initiated by the peer, for the peer's)`];
  const hit = await world.ledger.until(() => world.ledger.entries.find((e) => e.received.some((x) => isStanza(x) && x.attr('id') === id)), ms);
  if (!hit) violated({ summary: `the stanza '${id}' did not reach the peer within ${ms} ms`, accepted, actual: `no stanza '${id}' on any connection:\n${world.ledger.describe()}` });
  const stanza = hit.received.find((x) => isStanza(x) && x.attr('id') === id)!;
  if (hit.initiator !== 'target') violated({ summary: `the target sent <${stanza.name} id='${id}'> over ${hit.label}, a connection the peer opened (RFC 3920 4.2)`, accepted, actual: stanza.toString(), where: hit.stream.where() });
  world.outcome(`<${stanza.name} id='${id}'${stanza.attr('type') ? ` type='${stanza.attr('type')}'` : ''}> arrived over ${hit.label}, opened by the target`);
}

/** 4.2: connections the peer opened carry only the peer's stanzas. */
export function noStanzaOverPeersConnection(world: XmppWorld): void {
  const wrong = world.ledger.stanzasOn('peer');
  if (wrong.length) violated({ summary: "the target sent stanzas over connections the peer opened: those carry only the peer's stanzas (4.2)", accepted: ['stanzas from the target only over connections it opened itself'], actual: wrong.map((w) => `${w.stanza} over ${w.label}`).join('; '), where: whereFound(world, wrong.map((w) => w.stanza)) });
  world.outcome(`stanzas from the target only over its own connections:\n${world.ledger.describe()}`);
}

// --- 4.4 stream attributes on s2s stream headers --------------------------------------------

/** 4.4.1: a receiving entity that gets a header without 'version' answers without one (the text says it SHOULD NOT set it). */
export function responseHeaderLacks(world: XmppWorld, name: string): void {
  const s = world.peerStream();
  const accepted = [`a response stream header without '${name}'`];
  const h = responseHeader(s, accepted);
  const v = h.attr(name);
  if (v !== undefined) violated({ summary: `the target's response stream header carries ${name}='${v}', which the text says it SHOULD NOT`, accepted, actual: h.toString(), where: s.where() });
  world.outcome(`no '${name}' on ${h}`);
}

/** 4.4.1 and 4.6: a peer whose header had no version is a version 0.0 peer, and stream features are for version 1.0. */
export function noStreamFeatures(world: XmppWorld): void {
  const s = world.peerStream();
  const e = world.ledger.entries.find((x) => x.stream === s);
  const f = e?.received.find((x) => x.is('features', NS.stream));
  if (f) violated({ summary: "the target sent stream features to a peer whose stream header had no version: it MUST consider that peer's version 0.0 (4.4.1), and features are for version 1.0 (4.6)", accepted: ['no <stream:features/> on that connection'], actual: f.toString(), where: s.where() });
  world.outcome('no <stream:features/>');
}

/** 4.4's MUST binds the value of a 'from' that is there; 8.3 step 3 makes it OPTIONAL on a dialback response header. */
export function responseFromServed(world: XmppWorld, name: string): void {
  const s = world.peerStream();
  const served = [world.cfg.domain, world.cfg.otherDomain].filter((d): d is string => !!d);
  const accepted = [...served.map((d) => `${name}='${d}' (a hostname the target serves, RFC 3920 4.4)`), `no '${name}' (OPTIONAL, 8.3 step 3)`];
  const h = responseHeader(s, accepted);
  const v = h.attr(name);
  if (v === undefined) {
    world.outcome(`no '${name}' on the response header toward the peer (OPTIONAL on a dialback stream, RFC 3920 8.3 step 3)`);
    return;
  }
  if (!served.some((d) => d.toLowerCase() === v.toLowerCase())) {
    violated({ summary: `the target's response stream header toward the peer carries ${name}='${v}', not a hostname it serves (RFC 3920 4.4)`, accepted, actual: h.toString(), where: s.where() });
  }
  world.outcome(`${name}='${v}' on the response header toward the peer`);
}

/** 4.4: an initiating entity's 'id' SHOULD be silently ignored: the response header carries the target's own id and the stream proceeds. */
export async function ignoresPeersId(world: XmppWorld, id: string): Promise<void> {
  const s = world.peerStream();
  const accepted = ['a response header with an id the target created (or none), then its stream features', 'a response header with an id the target created (or none) and no version: no features follow'];
  const h = await s.expectHeader();
  const got = h.attr('id');
  if (got === id) violated({ summary: `the target's response stream header carries the peer's own id='${id}' instead of one it created (RFC 3920 4.4: an 'id' from the initiating entity SHOULD be silently ignored)`, accepted, actual: h.toString(), where: s.where() });
  // a version-1.0 receiving entity goes on with its features; one without 'version' waits for dialback
  if (!h.attr('version')) return world.outcome(`response header id='${got ?? '(none)'}' (no version: no features follow)`);
  const next = await s.expect((e) => e.kind === 'element' || e.kind === 'close' || e.kind.startsWith('tcp'), 'stream features after the response header');
  if (next.kind !== 'element' || !next.element.is('features', NS.stream)) violated({ summary: "the target did not go on with the stream after a header that carried an 'id' (it SHOULD be silently ignored)", accepted, actual: describe(next), where: s.where() });
  world.outcome(`response header id='${got ?? '(none)'}', then stream features`);
}

/** The stream header the target sent on its own (first) connection to the peer's listener, and where it is. */
function targetInitialHeader(world: XmppWorld, accepted: string[]): { h: XmlElement; where: string | undefined } {
  const s = world.listener?.accepted[0];
  const h = s?.header;
  if (!h) violated({ summary: "the target opened no connection to the peer's listener, or sent no stream header on it", accepted, actual: s ? `${s.label} without a stream header: ${s.unreadText()}` : "no connection to the peer's listener", where: s?.where() });
  return { h, where: s?.where() };
}

/**
 * Every stream header the target sent on its first connection to the peer's listener: each opens
 * an initial stream, the first one and the new stream after STARTTLS (5.2 step 8: the initiating
 * entity "MUST initiate a new stream"). The first that breaks `ok` is returned with its name.
 */
function initialHeaderBreaking(world: XmppWorld, accepted: string[], ok: (h: XmlElement) => boolean): { bad?: { h: XmlElement; which: string }; all: XmlElement[]; where: string | undefined } {
  targetInitialHeader(world, accepted);
  const s = world.listener!.accepted[0]!;
  const all = s.received.filter((r) => r.kind === 'header').map((r) => r.element);
  const i = all.findIndex((h) => !ok(h));
  const which = i === 0 ? (all.length > 1 ? 'its first header' : 'its header') : `its header #${i + 1} (the new stream after ${s.tls ? 'STARTTLS' : 'a restart'})`;
  return { ...(i >= 0 ? { bad: { h: all[i]!, which } } : {}), all, where: s.where() };
}

const headersOutcome = (all: XmlElement[]) => (all.length > 1 ? `on all ${all.length} of its initial stream headers (the first and each new stream after STARTTLS)` : 'on its initial stream header');

/** 4.4.1 and 5.1 (version '1.0' on the initial header of an entity that complies with the draft), 6.1 (an initiating entity capable of SASL). */
export function initialHeaderHas(world: XmppWorld, name: string, value: string): void {
  const want = world.render(value);
  const accepted = [`${name}='${want}' on every initial stream header the target sent`];
  const { bad, all, where } = initialHeaderBreaking(world, accepted, (h) => h.attr(name) === want);
  if (bad) violated({ summary: `${bad.which} toward the peer carries ${bad.h.attr(name) === undefined ? `no '${name}'` : `${name}='${bad.h.attr(name)}'`}, expected '${want}'`, accepted, actual: bad.h.toString(), where });
  world.outcome(`${name}='${want}' ${headersOutcome(all)}`);
}

/** 4.4 constrains 'to' where it is present; 8.3 step 2 makes it OPTIONAL on a dialback stream header. */
export function initialHeaderHasOrDialbackNone(world: XmppWorld, name: string, value: string): void {
  const want = world.render(value);
  const accepted = [`${name}='${want}', a hostname serviced by the receiving entity (RFC 3920 4.4)`, `no '${name}' on a header that declares dialback (OPTIONAL, 8.3 step 2)`];
  const dialbackNone = (h: XmlElement) => h.attr(name) === undefined && Object.entries(h.attrs).some(([k, v]) => k.startsWith('xmlns:') && v === NS.dialback);
  const { bad, all, where } = initialHeaderBreaking(world, accepted, (h) => h.attr(name) === want || dialbackNone(h));
  if (bad) {
    const got = bad.h.attr(name);
    violated({ summary: `${bad.which} toward the peer carries ${got === undefined ? `no '${name}' (and declares no dialback, where 8.3 step 2 would make it OPTIONAL)` : `${name}='${got}'`}, expected '${want}', a hostname serviced by the receiving entity`, accepted, actual: bad.h.toString(), where });
  }
  world.outcome(all.every(dialbackNone) ? `'${name}' absent, OPTIONAL per 8.3 step 2 on a header that declares dialback, ${headersOutcome(all)}` : `${name}='${want}' (or absent where dialback makes it OPTIONAL) ${headersOutcome(all)}`);
}

/** 4.4: "There SHOULD NOT be an 'id' attribute on the XML stream header sent from the initiating entity to the receiving entity". */
export function initialHeaderLacks(world: XmppWorld, name: string): void {
  const accepted = [`no '${name}' attribute on any initial stream header the target sent, which the text says there SHOULD NOT be on an initiating entity's header (RFC 3920 4.4)`];
  const { bad, all, where } = initialHeaderBreaking(world, accepted, (h) => h.attr(name) === undefined);
  if (bad) violated({ summary: `${bad.which} toward the peer carries ${name}='${bad.h.attr(name)}' (RFC 3920 4.4)`, accepted, actual: bad.h.toString(), where });
  world.outcome(`no '${name}' ${headersOutcome(all)}`);
}

/** 4.4: "An 'xml:lang' attribute ... SHOULD be included by the initiating entity on the header for the initial stream". */
export function initialHeaderCarries(world: XmppWorld, name: string): void {
  const accepted = [`a '${name}' attribute on every initial stream header the target sent`];
  const { bad, all, where } = initialHeaderBreaking(world, accepted, (h) => !!h.attr(name));
  if (bad) violated({ summary: `${bad.which} toward the peer carries no '${name}'`, accepted, actual: bad.h.toString(), where });
  world.outcome(`${name} ${all.map((h) => `'${h.attr(name)}'`).join(', ')} ${headersOutcome(all)}`);
}

// --- 11.2.3 the dialback namespace ---------------------------------------------------------------

/** 11.2.3: "A dialback namespace declaration is REQUIRED for all elements used in server dialback"; its name MUST be 'jabber:server:dialback'. */
export function declaresDialbackNamespace(world: XmppWorld): void {
  const accepted = [`a prefix declared for ${NS.dialback} on the target's initial stream header`, `${NS.dialback} declared on each dialback element the target sent`];
  const { h, where } = targetInitialHeader(world, accepted);
  const decl = Object.entries(h.attrs).find(([k, v]) => k.startsWith('xmlns:') && v === NS.dialback);
  // a declaration on each dialback element instead of the header also satisfies 11.2.3 (jabberd2 does both)
  const onElements = world.listener!.accepted.flatMap((s) => world.ledger.entries.find((e) => e.stream === s)?.received ?? []).filter((e) => e.ns === NS.dialback);
  const perElement = onElements.length > 0 && onElements.every((e) => Object.values(e.attrs).includes(NS.dialback));
  if (!decl && !perElement) violated({ summary: `the target declared no prefix for ${NS.dialback}, on its header or on its dialback elements (RFC 3920 11.2.3)`, accepted, actual: [h.toString(), ...onElements.map(String)].join('\n  '), where });
  world.outcome(decl ? `${decl[0]}='${NS.dialback}' on the header` : 'declared on each dialback element');
}

/** Every element the target sent in the dialback namespace, on any connection. */
function dialbackElementsFromTarget(world: XmppWorld, accepted: string[]): XmlElement[] {
  const els = world.ledger.entries.flatMap((e) => e.received).filter((e) => e.ns === NS.dialback);
  if (!els.length) violated({ summary: 'the target sent no dialback element at all', accepted, actual: `no dialback element on any connection:\n${world.ledger.describe()}` });
  return els;
}

/** 11.2.3: "All elements qualified by this namespace MUST be prefixed." */
export function dialbackElementsPrefixed(world: XmppWorld): void {
  const accepted = ['every dialback element the target sent carries a prefix'];
  const els = dialbackElementsFromTarget(world, accepted);
  const bare = els.filter((e) => !e.prefix);
  if (bare.length) violated({ summary: 'dialback elements without a prefix (11.2.3: all elements qualified by the dialback namespace MUST be prefixed)', accepted, actual: bare.map(String).join(' '), where: whereFound(world, bare) });
  world.outcome(`${els.length} dialback element(s), all prefixed: ${[...new Set(els.map((e) => e.prefix))].join(', ')}`);
}

/** 11.2.3: "An implementation SHOULD generate only the 'db:' prefix for such elements". */
export function dialbackElementsDbPrefixed(world: XmppWorld): void {
  const accepted = ["every dialback element the target sent carries the 'db:' prefix"];
  const els = dialbackElementsFromTarget(world, accepted);
  const other = els.filter((e) => e.prefix !== 'db');
  if (other.length) violated({ summary: "dialback elements under another prefix (11.2.3: SHOULD generate only 'db:')", accepted, actual: other.map(String).join(' '), where: whereFound(world, other) });
  world.outcome(`${els.length} dialback element(s), all 'db:'`);
}

// --- applicability and version (6.1, 4.4.1) -----------------------------------------------------

/** 6.1-2 binds an initiating entity "capable of SASL negotiation": the target's offer to a connecting peer shows it. */
export function saslOfferedToPeer(world: XmppWorld): 'skipped' | undefined {
  const f = world.state.s2sFeatures;
  const mechs = f?.child('mechanisms', NS.sasl);
  if (!mechs) return notApplicable(world, `the target offers no SASL mechanism to a peer that connects to it (features: ${f ? f.toString().slice(0, 300) : 'none'}), so nothing shows it capable of SASL negotiation between servers`);
  world.outcome(`SASL offered to the peer: ${mechs.elements().map((m) => m.text()).join(', ')}`);
  return undefined;
}
