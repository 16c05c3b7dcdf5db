// Stanza vocabulary: messages and IQs between bound clients and the server.
import { When, Then } from '@cucumber/cucumber';
import type { XmppWorld } from '../support/world.ts';
import { el, NS } from '../support/wire/element.ts';
import { ExpectationFailed, Undecided, failed, withoutLevel } from '../support/errors.ts';
import type { InboxEvent } from '../support/peer/stream.ts';
import { nextId } from '../support/peer/client.ts';
import { ATTACH } from '../support/hooks.ts';
import { defineParameterType } from '@cucumber/cucumber';
import { Given } from '../support/given.ts';
import type { XmlElement } from '../support/wire/element.ts';
import { sendInitialPresence } from '../support/peer/stanza.ts';
import { stanzaError, STANZA_CONDITIONS, LANGTAG, type StanzaErrorOutcome } from '../support/verdict/stanza-error.ts';
import { nothingArrives } from '../support/verdict/silence.ts';
import { notApplicable } from '../support/hooks.ts';

When('the client sends a message to its own full JID', function (this: XmppWorld) {
  const c = this.client();
  const id = nextId('self');
  this.memo.set('message-id', id);
  c.stream.send(el('message', { to: c.jid, id, type: 'chat' }, el('body', {}, 'to myself')));
});

When('the client sends an IQ ping to the server', function (this: XmppWorld) {
  const id = nextId('ping');
  this.memo.set('iq-id', id);
  this.client().stream.send(el('iq', { type: 'get', id, to: this.cfg.domain }, el('ping', { xmlns: NS.ping })));
});

Then('the client receives the message on the same TCP connection', async function (this: XmppWorld) {
  const id = this.memo.get('message-id') as string;
  const m = await this.client().stream.expectElement((e) => e.is('message') && e.attr('id') === id, `the message ${id} back`);
  this.outcome(`message ${id} came back on ${this.client().stream.transport.local}: ${m}`);
});

Then('the client receives the IQ answer on the same TCP connection', async function (this: XmppWorld) {
  const id = this.memo.get('iq-id') as string;
  const iq = await this.client().stream.expectElement((e) => e.is('iq') && e.attr('id') === id, `the answer to IQ ${id}`);
  if (iq.attr('type') !== 'result' && iq.attr('type') !== 'error') failed(`the answer to IQ ${id} has type='${iq.attr('type')}'`);
  this.outcome(`IQ ${id} answered with type='${iq.attr('type')}'`);
});

/**
 * "MUST NOT accept": the stanza under test is never delivered. First the sender's connection
 * settles (closed by the target, or quiet for the window), then a round-trip on the recipient's
 * own stream proves the recipient was sent nothing.
 */
Then('the message {string} is not delivered to the recipient', async function (this: XmppWorld, id: string) {
  const sender = this.client().stream;
  const settled = await sender.awaitClose(this.cfg.timeouts.quietMs);
  const r = this.client('recipient');
  const proof = await nothingArrives(r.stream, true, this.cfg.domain, `no delivery of message '${id}'`);
  this.attach(`silence proved by ${proof}`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  this.outcome(`message '${id}' not delivered (sender's connection ${settled.tcp === 'open' ? 'still open' : 'closed'}; recipient silence proved by ${proof})`);
});

/**
 * 4.3 "MUST NOT accept", for the rest of the stream's life: a server that kept the early stanza
 * and delivered it once the stream was authenticated accepted it too. The sender authenticates
 * and binds on the same stream and sends a marker message; the early stanza must reach the
 * recipient neither before the marker nor up to a round-trip after it.
 */
Then('the message {string} has not surfaced at the recipient once the client is authenticated and bound', async function (this: XmppWorld, id: string) {
  const sender = this.client();
  const r = this.client('recipient');
  const early = (e: InboxEvent) => e.kind === 'element' && e.element.is('message') && e.element.attr('id') === id;
  try {
    await sender.negotiate('session');
  } catch (e) {
    if (!(e instanceof ExpectationFailed)) throw e;
    return notApplicable(this, `the target did not authenticate the stream that carried the early message (${withoutLevel(e).split('\n')[0]}), so nothing sent on it can surface later`);
  }
  const marker = nextId('after-auth-');
  sender.stream.send(el('message', { to: r.jid, id: marker, type: 'chat' }, el('body', {}, 'sent after authentication')));
  const surfaced = (when: string) => {
    const got = r.stream.unread().find(early);
    if (got?.kind === 'element') failed(`the message '${id}' sent before authentication reached the recipient ${when} (RFC 3920 4.3: the other entity MUST NOT accept such stanzas); accepted: it never reaches the recipient.\nReceived: ${got.element}`);
  };
  try {
    await r.stream.expectElement((e) => e.is('message') && e.attr('id') === marker, `the message '${marker}' sent after authentication`);
  } catch (e) {
    surfaced('once the stream was authenticated');
    if (e instanceof ExpectationFailed) throw new Undecided(`the message sent after authentication did not reach the recipient, so the proof cannot be made: ${withoutLevel(e).split('\n')[0]}`);
    throw e;
  }
  surfaced(`once the stream was authenticated, before the message '${marker}' sent after it`);
  await r.stream.roundTrip(this.cfg.domain);
  surfaced(`once the stream was authenticated, within a round-trip after the message '${marker}' sent after it`);
  this.attach(`proved by a message sent after authentication ('${marker}') and a round-trip on the recipient's stream after it`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  this.outcome(`message '${id}' did not surface after authentication: the recipient received '${marker}', sent after it, and a round-trip after that, without it`);
  return undefined;
});

// ---------------------------------------------------------------------------------------------
// Section 9 and 10 vocabulary: stanzas received by a role, stanza errors, 'from' stamping.

defineParameterType({
  name: 'stanzaConditions',
  regexp: /<[a-z-]+\/>(?: or <[a-z-]+\/>)*/,
  transformer(s: string): string[] {
    const names = [...s.matchAll(/<([a-z-]+)\/>/g)].map((m) => m[1]!);
    const unknown = names.filter((n) => !(n in STANZA_CONDITIONS));
    if (unknown.length) throw new Error(`unknown stanza error condition(s) ${unknown.join(', ')}: RFC 3920 9.3.3 defines ${Object.keys(STANZA_CONDITIONS).join(', ')}`);
    return names;
  },
});

const isStanza = (e: XmlElement): boolean => e.is('message') || e.is('presence') || e.is('iq');

Given('a second resource of the client bound to the target', async function (this: XmppWorld) {
  await this.negotiatedClient('second', 'session', this.accounts[0]);
});

Given('a recipient bound to the target with the resource {string}', async function (this: XmppWorld, resource: string) {
  await this.negotiatedClient('recipient', 'sasl', undefined, async (c) => {
    await c.bind(resource);
    await c.negotiate('session');
  });
});

Given('{role} sent initial presence', async function (this: XmppWorld, role: string) {
  const n = await sendInitialPresence(this.client(role), this.cfg.domain);
  this.outcome(`${role} sent initial presence (${n} presence stanza(s) it brought back were consumed)`);
});

/** The stanza `id` (not an error) delivered to `role`: remembered as the stanza under test. */
Then('{role} receives the stanza {string}', async function (this: XmppWorld, role: string, id: string) {
  const s = await this.client(role).stream.expectElement((e) => isStanza(e) && e.attr('id') === id && e.attr('type') !== 'error', `the stanza '${id}' delivered to ${role}`);
  this.memo.set('stanza', s);
  this.outcome(`${role} received: ${s.toString().slice(0, 300)}`);
});

Then('{role} receives the stanzas {string} in that order', async function (this: XmppWorld, role: string, list: string) {
  const ids = list.split(/,\s*/);
  const got: string[] = [];
  for (const _ of ids) {
    const s = await this.client(role).stream.expectElement((e) => e.is('message') && ids.includes(e.attr('id') ?? ''), `the messages ${ids.join(', ')}`);
    got.push(s.attr('id') ?? '');
  }
  if (got.join() !== ids.join()) failed(`the messages arrived as ${got.join(', ')}; they were sent as ${ids.join(', ')} (10: in-order processing)`);
  this.outcome(`arrived in order: ${got.join(', ')}`);
});

function stanzaUnderTest(world: XmppWorld): XmlElement {
  const s = world.memo.get('stanza') as XmlElement | undefined;
  if (!s) throw new Error('no stanza was received yet: a Then step must receive it first');
  return s;
}

Then("its 'from' is the client's full JID or bare JID", function (this: XmppWorld) {
  const s = stanzaUnderTest(this);
  const c = this.client();
  const from = s.attr('from');
  if (from === undefined) failed(`the stanza arrived without a 'from' (9.1.2: the server stamps the sender's JID).\nReceived: ${s}`);
  if (from === c.jid) this.outcome(`'from' stamped as the sender's full JID ${from}`);
  else if (from.toLowerCase() === c.bareJid.toLowerCase()) this.outcome(`'from' stamped as the sender's bare JID ${from}`);
  else failed(`the stanza arrived with from='${from}'; the sender is ${c.jid} (full JID) / ${c.bareJid} (bare JID) (9.1.2).\nReceived: ${s}`);
});

Then("its 'from' is absent or the client's bare JID or full JID", function (this: XmppWorld) {
  const s = stanzaUnderTest(this);
  const c = this.client();
  const from = s.attr('from');
  if (from === undefined) return this.outcome('no \'from\'');
  if (from === c.jid || from.toLowerCase() === c.bareJid.toLowerCase()) return this.outcome(`from='${from}' (${from === c.jid ? 'full' : 'bare'} JID)`);
  failed(`the server-generated stanza carries from='${from}', neither absent nor ${c.bareJid} nor ${c.jid} (9.1.2).\nReceived: ${s}`);
});

Then('it carries no <error\\/> child', function (this: XmppWorld) {
  const s = stanzaUnderTest(this);
  if (s.elements().some((e) => e.local === 'error')) failed(`a stanza of type '${s.attr('type') ?? '(none)'}' holds an <error/> child (9.3.1).\nReceived: ${s}`);
  this.outcome('no <error/> child');
});

/** A 'from' forged by the client never survives: the stanza arrives stamped, or the stream is closed with <invalid-from/>. */
Then("the forged 'from' of {string} does not reach the recipient", async function (this: XmppWorld, id: string) {
  const c = this.client();
  const r = this.client('recipient');
  const ev = await Promise.race([
    r.stream.expectElement((e) => isStanza(e) && e.attr('id') === id, `the stanza '${id}'`).then((s) => ({ s })),
    c.stream.expect((e) => (e.kind === 'element' && e.element.is('error', NS.stream)) || e.kind.startsWith('tcp'), 'a stream error').then(() => ({ s: undefined })),
  ]).catch(() => ({ s: undefined }));
  if (ev.s) {
    const from = ev.s.attr('from');
    if (from !== c.jid && from?.toLowerCase() !== c.bareJid.toLowerCase()) failed(`the stanza was delivered with from='${from}', the value the client forged; the sender is ${c.jid} (9.1.2).\nReceived: ${ev.s}`);
    this.outcome(`delivered with the forged 'from' replaced by ${from}`);
    return;
  }
  const proof = await nothingArrives(r.stream, true, this.cfg.domain, `no delivery of '${id}'`);
  this.outcome(`not delivered (recipient silence proved by ${proof}); the sender's stream was ended`);
});

Then('if the server sent <invalid-from\\/>, it closed the stream and the TCP connection', async function (this: XmppWorld) {
  const s = this.client().stream;
  // the sender's own round-trip: an error caused by the forged stanza arrives before its answer
  await nothingArrives(s, true, this.cfg.domain).catch(() => undefined);
  const err = s.unread().find((e) => e.kind === 'element' && e.element.is('error', NS.stream));
  if (!err) return notApplicable(this, 'the server did not generate an <invalid-from/> stream error (it stamped the sender\'s JID instead), so the closure it would demand cannot be checked');
  const r = await s.awaitCloseAfterError();
  if (!r.streamClosed || r.tcp === 'open') failed(`after the stream error the server ${r.streamClosed ? 'sent </stream:stream>' : 'did not send </stream:stream>'} and left TCP ${r.tcp} (9.1.2: closure of the stream and termination of TCP)`);
  this.outcome(`stream error, </stream:stream>, TCP ${r.tcp}`);
  return undefined;
});

async function expectError(world: XmppWorld, role: string, id: string, allowed: string[] | null, ms?: number): Promise<StanzaErrorOutcome> {
  const s = await world.client(role).stream.expectElement((e) => isStanza(e) && e.attr('id') === id, `an answer to '${id}'`, ms);
  const kind = world.memo.get(`kind:${id}`) as string | undefined;
  const out = stanzaError(s, kind, allowed);
  world.memo.set('error', out);
  world.memo.set('stanza', s);
  return out;
}

function rememberKinds(world: XmppWorld, bytes: string): void {
  for (const m of bytes.matchAll(/<(message|presence|iq)\b[^>]*\bid='([^']*)'/g)) world.memo.set(`kind:${m[2]}`, m[1]);
}

When('{role} sends the stanza:', function (this: XmppWorld, role: string, bytes: string) {
  const text = this.render(bytes);
  rememberKinds(this, text);
  this.client(role).stream.sendRaw(text);
});

Then('{role} receives a stanza error for {string} with {stanzaConditions}', async function (this: XmppWorld, role: string, id: string, allowed: string[]) {
  const e = await expectError(this, role, id, allowed);
  this.outcome(`<${e.stanza.local} type='error'> with <${e.condition}/> (type '${e.type}')`);
});

Then('{role} receives a stanza error for {string} within {int} seconds with {stanzaConditions}', { timeout: 65_000 }, async function (this: XmppWorld, role: string, id: string, secs: number, allowed: string[]) {
  const e = await expectError(this, role, id, allowed, secs * 1000);
  this.outcome(`<${e.stanza.local} type='error'> with <${e.condition}/> (type '${e.type}')`);
});

Then('{role} receives a stanza error for {string}', async function (this: XmppWorld, role: string, id: string) {
  const e = await expectError(this, role, id, null);
  this.outcome(`<${e.stanza.local} type='error'> with <${e.condition}/> (type '${e.type}')`);
});

/**
 * For scenarios about what an error holds: they judge an error only if one arrives. No answer
 * within the response time, or an answer that is not type='error', makes them not applicable
 * (whether the target had to answer with an error is decided by core-9.3.1-1 and its kin).
 */
async function errorIfAny(world: XmppWorld, role: string, id: string): Promise<XmlElement | string> {
  let s: XmlElement;
  try {
    s = await world.client(role).stream.expectElement((e) => isStanza(e) && e.attr('id') === id, `an answer to '${id}'`);
  } catch (err) {
    if (!(err instanceof ExpectationFailed)) throw err;
    return `the target sent no stanza error for '${id}' (${withoutLevel(err).split('\n')[0]}), so there is no error to judge; whether it had to send one is decided by another requirement`;
  }
  world.memo.set('stanza', s);
  if (s.attr('type') !== 'error') return `the target answered '${id}' with <${s.local} type='${s.attr('type') ?? ''}'>, not with an error, so there is no error to judge; whether it had to send one is decided by another requirement.\nReceived: ${s.toString().slice(0, 600)}`;
  return s;
}

/** The error's content is judged by the steps that follow; an error too malformed to read is another requirement's failure. */
Then('if {role} receives a stanza error for {string}, it is the error under test', async function (this: XmppWorld, role: string, id: string) {
  const s = await errorIfAny(this, role, id);
  if (typeof s === 'string') return notApplicable(this, s);
  try {
    const e = stanzaError(s, this.memo.get(`kind:${id}`) as string | undefined, null);
    this.memo.set('error', e);
    this.outcome(`<${s.local} type='error'> with <${e.condition}/> (type '${e.type}')`);
    return undefined;
  } catch (err) {
    if (!(err instanceof ExpectationFailed)) throw err;
    return notApplicable(this, `the target's error for '${id}' cannot be read as a stanza error (core-9.3.1-3 and core-9.3.2-4/5 decide that): ${withoutLevel(err).split('\n')[0]}`);
  }
});

/** 9.3.1 / 9.3.2 syntax: an <error/> child, an allowed type, a defined condition in the stanzas namespace. */
Then('if {role} receives a stanza error for {string}, its <error\\/> has an allowed type and a defined condition', async function (this: XmppWorld, role: string, id: string) {
  const s = await errorIfAny(this, role, id);
  if (typeof s === 'string') return notApplicable(this, s);
  const e = stanzaError(s, this.memo.get(`kind:${id}`) as string | undefined, null);
  this.memo.set('error', e);
  this.outcome(`<${s.local} type='error'> holding <error type='${e.type}'> with <${e.condition} xmlns='${NS.stanzas}'/>`);
  return undefined;
});

/** 9.3.1: a stanza of the same kind with type='error'; what it holds is decided by the syntax scenarios. */
/**
 * 9.3.1: once the target detects an error condition about a stanza, its answer is a stanza of the
 * same kind with type 'error', to the sender. Settled by a round-trip behind the stanza, not a
 * timer. Whether a condition had to be detected at all is the business of the requirement for
 * that condition (core-9.1.1-3 for a 'to' that is not a JID): with no error answer, not applicable.
 */
Then('{role} receives an error of the same kind for {string}', async function (this: XmppWorld, role: string, id: string) {
  const c = this.client(role);
  const kind = this.memo.get(`kind:${id}`) as string | undefined;
  await c.stream.roundTrip(this.cfg.domain);
  const all = c.stream.drain().flatMap((e) => (e.kind === 'element' && isStanza(e.element) && e.element.attr('id') === id ? [e.element] : []));
  // the client's own stanza handed back to it (a 'to' taken for absent, or its own JID) is a delivery, not an answer
  const own = (x: XmlElement) => [c.jid, c.bareJid].includes(x.attr('from') ?? '') && !x.child('error');
  const answers = all.filter((x) => !own(x));
  const answer = answers.find((x) => x.attr('type') === 'error' || x.child('error'));
  if (!answer) {
    const what = all.length ? `it handled '${id}' otherwise: ${all.map((x) => x.toString().slice(0, 200)).join('; ')}` : `no answer to '${id}' arrived before the answer to a round-trip sent behind it`;
    return notApplicable(this, `the target detected no error condition about '${id}' (${what}); whether it had to is decided by the requirement for that condition (core-9.1.1-3 for a 'to' that is not a JID, core-9.2.3-4 for an IQ request)`);
  }
  if (kind && answer.local !== kind) failed(`'${id}' was a <${kind}/>; the target answered with a <${answer.local}/>; accepted: a <${kind}/> of type 'error' (RFC 3920 9.3.1: a stanza of the same kind).\nReceived: ${answer}`);
  if (answer.attr('type') !== 'error') failed(`the target answered '${id}' with an <error/> in a stanza of type='${answer.attr('type') ?? ''}'; accepted: type='error' (RFC 3920 9.3.1).\nReceived: ${answer}`);
  this.memo.set('stanza', answer);
  this.outcome(`<${answer.local} type='error'> (settled by round-trip): ${answer.toString().slice(0, 300)}`);
  return undefined;
});

/** 9.1.5-4 looks at every xml:lang the server sends: whatever answers `id` (or nothing) is collected. */
When('{role} collects any answer to {string}', async function (this: XmppWorld, role: string, id: string) {
  const c = this.client(role);
  const s = await c.stream.expectElement((e) => isStanza(e) && e.attr('id') === id, `an answer to '${id}'`).catch((err: unknown) => {
    if (err instanceof ExpectationFailed) return undefined;
    throw err;
  });
  if (s) this.memo.set('stanza', s);
  this.outcome(s ? `answered with ${s.toString().slice(0, 300)}` : `no answer to '${id}' within ${this.cfg.timeouts.responseMs} ms`);
});

/**
 * 9.3.1: an error stanza draws no further error. A stanza that comes back from the client's own
 * JID with the very <error/> the client sent is its own stanza delivered to it, not an answer.
 */
Then('{role} receives no error in answer to its error stanzas', async function (this: XmppWorld, role: string) {
  const c = this.client(role);
  // the round-trip: the target handles the client's stanzas in order, so any answer to the errors precedes the pong
  const rt = await c.stream.roundTrip(this.cfg.domain);
  const arrived = c.stream.drain().flatMap((e) => (e.kind === 'element' && isStanza(e.element) ? [e.element] : []));
  const own = (s: XmlElement) => {
    const from = s.attr('from') ?? '';
    const sentError = s.elements().find((x) => x.local === 'error');
    return s.attr('type') === 'error' && (from === c.jid || from === c.bareJid) && sentError?.child('item-not-found', NS.stanzas) !== undefined && sentError.elements().length === 1;
  };
  const answers = arrived.filter((s) => !own(s));
  if (answers.length) failed(`the target answered the client's error stanza(s) with ${answers.map((a) => a.toString().slice(0, 300)).join('; ')} (9.3.1: an error stanza MUST NOT be answered with a further error)`);
  this.attach(`silence proved by round-trip ${rt}`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  this.outcome(arrived.length ? `no error in answer; the client's own error stanza came back to it unchanged (from its own JID): ${arrived.map((a) => a.toString().slice(0, 200)).join('; ')}` : 'nothing received (round-trip)');
});

Then('{role} receives an answer to {string}', async function (this: XmppWorld, role: string, id: string) {
  const s = await this.client(role).stream.expectElement((e) => e.is('iq') && e.attr('id') === id, `the answer to IQ '${id}'`);
  const type = s.attr('type');
  if (type === 'error') stanzaError(s, 'iq', null);
  else if (type !== 'result') failed(`IQ '${id}' was answered with type='${type ?? ''}', not 'result' or 'error' (9.2.3).\nReceived: ${s}`);
  this.memo.set('stanza', s);
  this.outcome(`IQ '${id}' answered with type='${type}'${type === 'error' ? ` (${s.toString().slice(0, 300)})` : ''}`);
});

Then('{role} receives no stanza with a condition of {stanzaConditions} for {string}', async function (this: XmppWorld, role: string, banned: string[], id: string) {
  const c = this.client(role);
  const proof = await nothingArrives(c.stream, true, this.cfg.domain, 'the round-trip').catch(() => 'round-trip');
  void proof;
  const answers = c.stream.drain().filter((e) => e.kind === 'element' && e.element.attr('id') === id).map((e) => (e as { element: XmlElement }).element);
  for (const a of answers) {
    const cond = a.elements().find((x) => x.local === 'error')?.elements().find((x) => x.ns === NS.stanzas)?.local;
    if (cond && banned.includes(cond)) failed(`the target answered '${id}' with <${cond}/>, which tells the sender about the recipient's network availability (9.3.3).\nReceived: ${a}`);
  }
  this.outcome(answers.length ? `answered with ${answers.map((a) => a.toString().slice(0, 200)).join('; ')}` : `no answer to '${id}'`);
});

function errorUnderTest(world: XmppWorld): StanzaErrorOutcome {
  const e = world.memo.get('error') as StanzaErrorOutcome | undefined;
  if (!e) throw new Error('no stanza error was received yet');
  return e;
}

Then("the error's 'from' is {string}", function (this: XmppWorld, want: string) {
  const e = errorUnderTest(this);
  const v = this.render(want);
  const from = e.stanza.attr('from');
  if (from !== v) failed(`the error stanza carries ${from === undefined ? "no 'from'" : `from='${from}'`}; 9.1.1 demands the 'to' of the offending stanza, '${v}'.\nReceived: ${e.stanza}`);
  this.outcome(`error from='${from}'`);
});

Then("the error's type is the one 9.3.3 associates with its condition", function (this: XmppWorld) {
  const e = errorUnderTest(this);
  const want = STANZA_CONDITIONS[e.condition];
  if (want && e.type !== want) failed(`<${e.condition}/> came with type '${e.type}'; 9.3.3 associates type '${want}' with it.\nReceived: ${e.stanza}`);
  this.outcome(`<${e.condition}/> with type '${e.type}'`);
});

Then('the error stanza includes the original payload', function (this: XmppWorld) {
  const e = errorUnderTest(this);
  const payload = e.stanza.elements().filter((c) => c.local !== 'error');
  if (!payload.length) failed(`the error stanza holds only <error/>, not the XML the sender sent (9.3.1 / 9.2.3: SHOULD include it).\nReceived: ${e.stanza}`);
  this.outcome(`original payload included: ${payload.map((p) => `<${p.name}>`).join(', ')}`);
});

Then("the error's <text\\/>, if any, is qualified by the stanzas namespace", function (this: XmppWorld) {
  const e = errorUnderTest(this);
  if (!e.text) return notApplicable(this, `the target's error holds no <text/> element: ${e.stanza}`);
  if (e.text.ns !== NS.stanzas) failed(`the error's <text/> is qualified by '${e.text.ns}', not ${NS.stanzas} (9.3.2).\nReceived: ${e.stanza}`);
  this.outcome(`<text/> in ${NS.stanzas}`);
  return undefined;
});

Then("the error's <text\\/>, if any, carries an 'xml:lang'", function (this: XmppWorld) {
  const e = errorUnderTest(this);
  if (!e.text) return notApplicable(this, `the target's error holds no <text/> element: ${e.stanza}`);
  const lang = e.text.attr('xml:lang');
  if (!lang) failed(`the error's <text/> carries no 'xml:lang' (9.3.2: SHOULD possess one).\nReceived: ${e.stanza}`);
  this.outcome(`<text xml:lang='${lang}'>`);
  return undefined;
});

Then('the error stanza, holding human-readable text, carries an {string}', function (this: XmppWorld, attr: string) {
  const e = errorUnderTest(this);
  if (!e.text) return notApplicable(this, `the target's error holds no human-readable <text/>: ${e.stanza}`);
  const lang = e.stanza.attr(attr);
  const streamLang = this.client().stream.header?.attr('xml:lang');
  if (!lang) failed(`the error stanza holds human-readable <text/> but carries no '${attr}' (9.1.5: SHOULD); the reader falls back to the stream's default${streamLang ? ` ('${streamLang}')` : ''}.\nReceived: ${e.stanza}`);
  this.outcome(`stanza ${attr}='${lang}'`);
  return undefined;
});

Then("every 'xml:lang' the server sent is an RFC 3066 language tag", function (this: XmppWorld) {
  const seen: string[] = [];
  const walk = (x: XmlElement): void => {
    const v = x.attr('xml:lang');
    if (v !== undefined) seen.push(v);
    x.elements().forEach(walk);
  };
  const h = this.client().stream.header;
  if (h) walk(h);
  // the answer collected for this scenario (an error stanza, or whatever else came back)
  const answer = (this.memo.get('error') as StanzaErrorOutcome | undefined)?.stanza ?? (this.memo.get('stanza') as XmlElement | undefined);
  if (answer) walk(answer);
  const bad = seen.filter((v) => !LANGTAG.test(v));
  if (bad.length) failed(`xml:lang value(s) ${bad.map((b) => `'${b}'`).join(', ')} are not RFC 3066 language tags (9.1.5)`);
  if (!seen.length) return notApplicable(this, 'the target sent no xml:lang in the response header or in its answer to the stanza');
  this.outcome(`xml:lang values seen: ${seen.join(', ')}`);
  return undefined;
});

Then("the error's application-specific condition, if any, is qualified by its own namespace", function (this: XmppWorld) {
  const e = errorUnderTest(this);
  const app = e.error.elements().filter((c) => c.ns !== NS.stanzas || !(c.local in STANZA_CONDITIONS || c.local === 'text'));
  if (!app.length) return notApplicable(this, `the target's error holds no application-specific condition: ${e.stanza}`);
  const bad = app.find((c) => c.ns === NS.stanzas || c.ns === NS.client || c.ns === '');
  if (bad) failed(`the application-specific condition <${bad.local}/> is qualified by '${bad.ns}', not an application-defined namespace (9.3.2).\nReceived: ${e.stanza}`);
  this.outcome(`application-specific condition(s): ${app.map((a) => `<${a.local} xmlns='${a.ns}'/>`).join(', ')}`);
  return undefined;
});

Then('the error, if it has an application-specific condition, also has a defined one', function (this: XmppWorld) {
  const e = errorUnderTest(this);
  if (!e.appSpecific.filter((c) => c.local !== 'text').length) return notApplicable(this, `the target's error holds no application-specific condition: ${e.stanza}`);
  if (e.condition === 'undefined-condition') this.outcome('application-specific condition accompanies <undefined-condition/>');
  else this.outcome(`application-specific condition supplements <${e.condition}/>`);
  return undefined;
});

Then('the error, if its condition is <undefined-condition\\/>, has an application-specific condition', function (this: XmppWorld) {
  const e = errorUnderTest(this);
  if (e.condition !== 'undefined-condition') return notApplicable(this, `the target's error uses <${e.condition}/>, not <undefined-condition/>`);
  if (!e.appSpecific.length) failed(`<undefined-condition/> came without an application-specific condition (9.3.3).\nReceived: ${e.stanza}`);
  this.outcome('<undefined-condition/> with an application-specific condition');
  return undefined;
});

Then('the answer to {string} is a result with at most one child', function (this: XmppWorld, id: string) {
  const s = stanzaUnderTest(this);
  if (s.attr('id') !== id) throw new Error(`the stanza under test is '${s.attr('id')}', not '${id}'`);
  if (s.attr('type') !== 'result') failed(`IQ '${id}' was answered with type='${s.attr('type')}', not a result.\nReceived: ${s}`);
  const n = s.elements().length;
  if (n > 1) failed(`the IQ result holds ${n} child elements (9.2.3: zero or one).\nReceived: ${s}`);
  this.outcome(`result with ${n} child element(s)`);
});

Then('{role} receives an IQ request from the server with an id, a valid type and exactly one child', async function (this: XmppWorld, role: string) {
  const s = await this.client(role).stream.expectElement((e) => e.is('iq') && (e.attr('type') === 'set' || e.attr('type') === 'get' || !['result', 'error'].includes(e.attr('type') ?? '')), 'an IQ request (a roster push) from the server');
  this.memo.set('stanza', s);
  if (!s.attr('id')) failed(`the server's IQ request carries no 'id' (9.2.3: REQUIRED).\nReceived: ${s}`);
  const type = s.attr('type');
  if (!type) failed(`the server's IQ request carries no 'type' (9.2.3: REQUIRED).\nReceived: ${s}`);
  if (!['get', 'set', 'result', 'error'].includes(type)) failed(`the server's IQ carries type='${type}', not get, set, result or error (9.2.3).\nReceived: ${s}`);
  const n = s.elements().length;
  if (n !== 1) failed(`the server's IQ ${type} holds ${n} child elements (9.2.3: exactly one).\nReceived: ${s}`);
  this.outcome(`IQ ${type} id='${s.attr('id')}' with one child <${s.elements()[0]!.name}>`);
});

When('the client sends the message {string} to the recipient with the {word} in upper case', function (this: XmppWorld, id: string, part: string) {
  const r = this.client('recipient').jid!;
  const m = /^([^@]+)@([^/]+)\/(.*)$/.exec(r)!;
  const to = part === 'node' ? `${m[1]!.toUpperCase()}@${m[2]}/${m[3]}` : `${m[1]}@${m[2]!.toUpperCase()}/${m[3]}`;
  this.client().stream.send(el('message', { to, id, type: 'chat' }, el('body', {}, `to ${part} in upper case`)));
});

When('the client sends the message {string} to the other account, which has no connected resource', function (this: XmppWorld, id: string) {
  this.memo.set(`kind:${id}`, 'message');
  this.client().stream.send(el('message', { to: `${this.accounts[1].user}@${this.cfg.domain}`, id, type: 'chat' }, el('body', {}, 'nobody is connected')));
});

Then('if its condition is {stanzaConditions}, its type is the one 9.3.3 associates with it', function (this: XmppWorld, conds: string[]) {
  const e = errorUnderTest(this);
  if (!conds.includes(e.condition)) return notApplicable(this, `the target answered with <${e.condition}/>, not ${conds.map((c) => `<${c}/>`).join(' or ')}, so the type 9.3.3 associates with that condition cannot be checked: ${e.stanza}`);
  const want = STANZA_CONDITIONS[e.condition];
  if (want && e.type !== want) failed(`<${e.condition}/> came with type '${e.type}'; 9.3.3 associates type '${want}' with it.\nReceived: ${e.stanza}`);
  this.outcome(`<${e.condition}/> with type '${e.type}'`);
  return undefined;
});

Then('if it is an error with {stanzaConditions}, its type is the one 9.3.3 associates with it', function (this: XmppWorld, conds: string[]) {
  const s = stanzaUnderTest(this);
  if (s.attr('type') !== 'error') return notApplicable(this, `the target processed the request (type='${s.attr('type')}'), so no error type can be checked: ${s}`);
  const e = stanzaError(s, s.local, null);
  if (!conds.includes(e.condition)) return notApplicable(this, `the target answered with <${e.condition}/>, not ${conds.map((c) => `<${c}/>`).join(' or ')}: ${s}`);
  const want = STANZA_CONDITIONS[e.condition];
  if (want && e.type !== want) failed(`<${e.condition}/> came with type '${e.type}'; 9.3.3 associates type '${want}' with it.\nReceived: ${s}`);
  this.outcome(`<${e.condition}/> with type '${e.type}'`);
  return undefined;
});
