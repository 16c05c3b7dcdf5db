// Server-to-server vocabulary: the suite as originating, receiving and authoritative server
// (RFC 3920 8), and the ledger that makes directionality (4.2) a checked fact.
import { When, Then } from '@cucumber/cucumber';
import { Given } from '../support/given.ts';
import type { XmppWorld } from '../support/world.ts';
import { el, NS, type XmlElement } from '../support/wire/element.ts';
import { ExpectationFailed, failed, withoutLevel } from '../support/errors.ts';
import { describe, type InboxEvent } from '../support/peer/stream.ts';
import { newKey, verifyWithTarget, isStanza, judgeNotHandledOverS2s } from '../support/peer/server.ts';
import { nextId } from '../support/peer/client.ts';
import { streamErrorThenClose } from '../support/verdict/stream-error.ts';
import { nothingArrives } from '../support/verdict/silence.ts';
import { notApplicable } from '../support/hooks.ts';

const isDb = (e: XmlElement, local: string) => e.local === local && e.ns === NS.dialback;

/** What settles a validation request: a typed <db:result/>, a stream error, or the connection ending. */
const settlesValidation = (e: InboxEvent): boolean =>
  (e.kind === 'element' && ((isDb(e.element, 'result') && !!e.element.attr('type')) || e.element.is('error', NS.stream))) || e.kind.startsWith('tcp');

Given("the peer's listener serves its domains", async function (this: XmppWorld) {
  await this.startListener();
});

Given("the peer's listener answers every verification as invalid", async function (this: XmppWorld) {
  (await this.startListener()).policy.verify = 'invalid';
});

Given("the peer's listener answers verifications with another stream id", async function (this: XmppWorld) {
  (await this.startListener()).policy.verify = 'wrong-id';
});

Given("the peer's listener answers verifications with a stream error", async function (this: XmppWorld) {
  (await this.startListener()).policy.verify = 'stream-error';
});

Given("the peer's listener answers verifications addressed to a host the target does not serve", async function (this: XmppWorld) {
  (await this.startListener()).policy.verify = 'wrong-to';
});

Given("the peer's listener answers verifications from a domain other than the originating server's", async function (this: XmppWorld) {
  (await this.startListener()).policy.verify = 'wrong-from';
});

/** The note to 8.3 step 9: the error is owed on the stream that carried the authoritative server's faulty answer. */
Then("the target closes the stream that carried the authoritative answer with {conditions}", async function (this: XmppWorld, conditions: string[]) {
  const l = await this.startListener();
  const [v] = await l.awaitVerifications(1);
  const s = l.verificationStream()!;
  try {
    this.outcome(`the peer's listener answered ${v!.answer} on ${s.label}; then ${await streamErrorThenClose(s, conditions)}`);
  } catch (e) {
    if (e instanceof ExpectationFailed) failed(`after the peer's listener answered ${v!.answer} on ${s.label}: ${withoutLevel(e)}\nAll connections:\n${this.ledger.describe()}`);
    throw e;
  }
});

Given("the peer's listener declares the dialback namespace as {string}", async function (this: XmppWorld, ns: string) {
  (await this.startListener()).policy.dialbackNs = ns;
});

Then("the target closes the stream of its connection to the peer with {conditions}", async function (this: XmppWorld, conditions: string[]) {
  const l = await this.startListener();
  const [s] = await l.awaitConnections(1);
  this.outcome(`on ${s!.label}: ${await streamErrorThenClose(s!, conditions)}`);
});

When('{int} peer connections are opened to the target at the same time', async function (this: XmppWorld, n: number) {
  const streams = await Promise.all(Array.from({ length: n }, (_, i) => this.originate(`parallel-${i + 1}`)));
  const headers = await Promise.all(
    streams.map(async (s) => {
      s.openStream({ from: this.cfg.peer.domain, to: this.cfg.domain });
      return s.expectHeader();
    }),
  );
  this.memo.set('s2s-ids', headers.map((h) => h.attr('id') ?? ''));
});

/**
 * "unpredictable and non-repeating": no black-box test proves unpredictability; this one fails
 * a stream id that repeats, is missing, is shorter than 8 characters, or steps by a constant
 * from one stream to the next (a counter), and names what it saw.
 */
Then('the stream ids are distinct, not short, and not sequential', function (this: XmppWorld) {
  const ids = this.memo.get('s2s-ids') as string[];
  if (ids.some((i) => !i)) failed(`a stream header carried no id: ${JSON.stringify(ids)}`);
  if (new Set(ids).size !== ids.length) failed(`stream ids repeat: ${ids.join(', ')}`);
  const short = ids.filter((i) => i.length < 8);
  if (short.length) failed(`stream ids shorter than 8 characters cannot be unpredictable: ${short.join(', ')}`);
  const nums = ids.map((i) => (/^\d+$/.test(i) ? Number(i) : NaN));
  if (nums.every((n) => !Number.isNaN(n))) {
    const sorted = [...nums].sort((a, b) => a - b);
    const steps = new Set(sorted.slice(1).map((n, k) => n - sorted[k]!));
    if (steps.size === 1) failed(`stream ids are a counter (step ${[...steps][0]}): ${ids.join(', ')}`);
  }
  this.outcome(`${ids.length} distinct ids of ${Math.min(...ids.map((i) => i.length))}+ characters: ${ids.join(', ')}`);
});

When("the peer opens a stream to the target's s2s port", async function (this: XmppWorld) {
  const s = await this.originate('initial');
  s.openStream({ from: this.cfg.peer.domain, to: this.cfg.domain });
  const h = await s.expectHeader();
  // a version-1.0 receiving entity announces its features right after the header
  if (h.attr('version')) this.memo.set('s2s-features', await s.expectFeatures());
});

When("the peer opens a stream to the target's s2s port with:", async function (this: XmppWorld, bytes: string) {
  const s = await this.originate('initial');
  s.sendRaw(this.render(bytes));
});

Then('the target answers with a stream header carrying an id', function (this: XmppWorld) {
  const h = this.peerStream().header;
  if (!h) failed('the target sent no response stream header');
  const id = h.attr('id');
  if (!id) failed(`the target's response stream header carries no id: ${h}`);
  this.outcome(`response header id='${id}'`);
});

/** 6.1-2 binds an initiating entity "capable of SASL negotiation": the target's offer to a connecting peer shows it. */
Then('the target offered SASL mechanisms to the peer', function (this: XmppWorld) {
  const f = this.memo.get('s2s-features') as XmlElement | undefined;
  const mechs = f?.child('mechanisms', NS.sasl);
  if (!mechs) return notApplicable(this, `the target offers no SASL mechanism to a peer that connects to it (features: ${f ? f.toString().slice(0, 300) : 'none'}), so nothing shows it capable of SASL negotiation between servers`);
  this.outcome(`SASL offered to the peer: ${mechs.elements().map((m) => m.text()).join(', ')}`);
  return undefined;
});

Then('the target offers dialback or proceeds without stream features', function (this: XmppWorld) {
  // a version-1.0 receiving server announces features; whether dialback is offered decides applicability
  const h = this.peerStream().header;
  this.outcome(`response header version=${h?.attr('version') ?? '(none)'}`);
});

/** 8.3 step 4: the originating server sends <db:result/> with its key for the stream id it was given. */
When('the peer asks the target to validate {string}', async function (this: XmppWorld, domain: string) {
  const s = this.peerStream();
  const id = (s.header ?? (await s.expectHeader())).attr('id');
  if (!id) failed('the target gave no stream id, so no dialback key can be based on it (8.3 step 4)');
  const key = newKey();
  const from = this.render(domain);
  this.listener?.issued.set(id, key);
  s.send(el('db:result', { from, to: this.cfg.domain }, key));
  this.memo.set('validating', from);
});

When('the peer asks the target to validate {string} for {string}', async function (this: XmppWorld, domain: string, to: string) {
  const s = this.peerStream();
  const id = (s.header ?? (await s.expectHeader())).attr('id');
  if (!id) failed('the target gave no stream id, so no dialback key can be based on it (8.3 step 4)');
  const key = newKey();
  this.listener?.issued.set(id, key);
  s.send(el('db:result', { from: this.render(domain), to: this.render(to) }, key));
});

Given('the target serves a second hostname', function (this: XmppWorld) {
  if (!this.cfg.otherDomain) return notApplicable(this, 'needs a second hostname served by the target: set otherDomain in the config');
  return undefined;
});

When('the peer sends over its connection:', function (this: XmppWorld, bytes: string) {
  this.peerStream().sendRaw(this.render(bytes));
});

When('the peer sends over its connection, before it is validated:', function (this: XmppWorld, bytes: string) {
  // sent right behind <db:result/>: the target reads it before any verification can have finished
  this.peerStream().sendRaw(this.render(bytes));
});

Then("the target validates the peer's connection for {string}", async function (this: XmppWorld, domain: string) {
  const d = this.render(domain);
  const s = this.peerStream();
  const r = await s.expectElement((e) => isDb(e, 'result') && !!e.attr('type') && (e.attr('from') === undefined || e.attr('to') === d), `<db:result type='valid'/> for ${d}`, this.cfg.timeouts.responseMs * 2);
  if (r.attr('type') !== 'valid') failed(`the target declared the connection ${r.attr('type')} for ${d}, though the authoritative listener answered valid: ${r}`);
  const v = this.listener?.verifications ?? [];
  const how = v.length ? `after asking the peer's authoritative listener (${v.map((x) => `${x.label}: ${x.answered}`).join(', ')})` : 'without asking the authoritative listener';
  if (!v.length) failed(`the target declared the connection valid ${how}: dialback requires it to verify the key with the authoritative server (8.3 steps 5-8)`);
  this.outcome(`validated for ${d} ${how}`);
});

Then("the target declares the peer's connection invalid and closes the stream and the TCP connection", async function (this: XmppWorld) {
  const s = this.peerStream();
  const first = await s.expect(
    settlesValidation,
    "<db:result type='invalid'/>, a stream error, or the connection closing",
    this.cfg.timeouts.responseMs * 2,
  );
  let how = first.kind === 'element' ? first.element.toString() : 'the connection closed';
  if (first.kind === 'element' && isDb(first.element, 'result') && first.element.attr('type') === 'valid') failed(`the target declared the connection valid although the authoritative listener answered invalid: ${first.element}`);
  const closed = await s.awaitCloseAfterError();
  if (closed.tcp === 'open') failed(`after ${how} the target left the stream and the TCP connection open for ${this.cfg.timeouts.responseMs} ms (8.3 step 10: it MUST terminate both)`);
  if (!closed.streamClosed) how += ' (no </stream:stream>)';
  this.outcome(`${how}; TCP ${closed.tcp}`);
});

Then("the target closes the peer's stream with {conditions}", async function (this: XmppWorld, conditions: string[]) {
  const s = this.peerStream();
  this.outcome(await streamErrorThenClose(s, conditions));
});

Then("the target closes the peer's stream with any stream error", async function (this: XmppWorld) {
  const s = this.peerStream();
  this.outcome(await streamErrorThenClose(s, null));
});

Then('the recipient receives the message {string} from {string}', async function (this: XmppWorld, id: string, from: string) {
  const r = this.client('recipient');
  const m = await r.stream.expectElement((e) => e.is('message') && e.attr('id') === id, `the message '${id}'`);
  const f = this.render(from);
  if (m.attr('from') !== f) failed(`the message arrived with from='${m.attr('from')}', expected '${f}': ${m}`);
  this.outcome(`delivered to ${r.jid}: ${m}`);
});

Then('the message {string} never reaches the recipient', async function (this: XmppWorld, id: string) {
  const r = this.client('recipient');
  const proof = await nothingArrives(r.stream, true, this.cfg.domain, `no delivery of message '${id}'`);
  this.outcome(`message '${id}' not delivered (proved by ${proof})`);
});

/** The target's answer to <db:result/>, whatever it is: validated, refused, or the connection closed. */
Then("the target settles the peer's validation request", async function (this: XmppWorld) {
  const s = this.peerStream();
  const ev = await s.expect(
    settlesValidation,
    "the target's answer to <db:result/> (a type, a stream error, or closing)",
    this.cfg.timeouts.responseMs * 2,
  );
  this.outcome(`the target settled the request: ${ev.kind === 'element' ? ev.element.toString() : 'the connection closed'}`);
});

/** 8.3 step 10 (silently drop) or 4.3 (<not-authorized/> and close): either reading passes; an answer to the stanza, or a delivery, does not. */
Then('the target drops the early stanza silently or refuses it with <not-authorized\\/>', async function (this: XmppWorld) {
  const s = this.peerStream();
  const ev = await s.expect(
    settlesValidation,
    "the target's answer to <db:result/>",
    this.cfg.timeouts.responseMs * 2,
  );
  const entry = this.ledger.entries.find((x) => x.stream === s);
  const answers = (entry?.received ?? []).filter((x) => isStanza(x));
  if (answers.length) failed(`the early stanza was answered, not dropped: ${answers.map(String).join(' ')} (8.3 step 10: SHOULD be silently dropped; 4.3: or a <not-authorized/> stream error)`);
  if (ev.kind === 'element' && ev.element.is('error', NS.stream)) {
    const cond = ev.element.elements().find((c) => c.ns === NS.streams && c.local !== 'text')?.local;
    if (cond !== 'not-authorized') failed(`the target refused the early stanza with <${cond}/>; 4.3 names <not-authorized/> and 8.3 silent dropping`);
    this.outcome('refused with <not-authorized/> and the stream closed: the reading of 4.3');
    return;
  }
  if (ev.kind !== 'element') failed('the target closed the connection without a stream error (neither 8.3 step 10 nor 4.3)');
  // validated or refused: the early stanza was dropped without an answer; make sure nothing follows
  await nothingArrives(s, false, this.cfg.domain, 'no answer to the early stanza');
  this.outcome(`dropped silently, then ${ev.element}: the reading of 8.3 step 10`);
});

/** 10.1: a peer's stanza without 'to' is not processed on the sender's behalf; proved by an s2s round-trip. */
Then('the target does not handle the stanza {string} as addressed to itself', async function (this: XmppWorld, id: string) {
  this.outcome(await judgeNotHandledOverS2s({ ledger: this.ledger, stream: this.peerStream(), stanzaId: id, from: `someone@${this.cfg.peer.domain}/x`, to: this.cfg.domain, ms: this.cfg.timeouts.responseMs * 3 }));
});

Then("the target answered nothing on the peer's connection but the validation", function (this: XmppWorld) {
  const e = this.ledger.entries.find((x) => x.stream === this.peerStream());
  const other = (e?.received ?? []).filter((x) => !isDb(x, 'result') && !x.is('features', NS.stream));
  if (other.length) failed(`the stanza sent before validation was not silently dropped: the target answered ${other.map(String).join(' ')} (8.3 step 10: SHOULD be silently dropped)`);
  this.outcome('nothing but the dialback result');
});

When('the client sends a message to {string}', function (this: XmppWorld, to: string) {
  const id = nextId('out');
  this.memo.set('message-id', id);
  this.client().stream.send(el('message', { to: this.render(to), id, type: 'chat' }, el('body', {}, 'to the peer')));
});

Then('the target opens its own connection to the peer and validates it by dialback', async function (this: XmppWorld) {
  const l = await this.startListener();
  await l.awaitConnections(1);
  const v = await l.awaitValidations(1);
  const ok = v.find((x) => x.type === 'valid');
  if (!ok) failed(`the target's request to be validated as ${v[0]?.from} was not confirmed when the peer dialed back to it: ${v.map((x) => `${x.label}: ${x.type}`).join(', ')}`);
  this.outcome(`the target opened ${ok.label} and asked to be validated as ${ok.from}; the target, asked back as authoritative server, answered ${ok.type}`);
});

/** 4.2: the stanza `id` from the target reaches the peer over a connection the target opened. */
async function receivedOverTargetsConnection(world: XmppWorld, id: string): Promise<void> {
  const ms = world.cfg.timeouts.responseMs * 2;
  const hit = await world.ledger.until(() => world.ledger.entries.find((e) => e.received.some((x) => isStanza(x) && x.attr('id') === id)), ms);
  if (!hit) failed(`the stanza '${id}' did not reach the peer within ${ms} ms.\n${world.ledger.describe()}`);
  const stanza = hit.received.find((x) => isStanza(x) && x.attr('id') === id)!;
  if (hit.initiator !== 'target') failed(`the target sent <${stanza.name} id='${id}'> over ${hit.label}, a connection the peer opened; accepted: a connection the target opened itself (RFC 3920 4.2: one TCP connection for stanzas from the server to the peer, another, initiated by the peer, for the peer's).\nReceived: ${stanza}`);
  world.outcome(`<${stanza.name} id='${id}'${stanza.attr('type') ? ` type='${stanza.attr('type')}'` : ''}> arrived over ${hit.label}, opened by the target`);
}

Then("the peer receives the message over the target's own connection", function (this: XmppWorld) {
  return receivedOverTargetsConnection(this, this.memo.get('message-id') as string);
});

Then("the peer receives the stanza {string} over the target's own connection", function (this: XmppWorld, id: string) {
  return receivedOverTargetsConnection(this, id);
});

Then('the target sent no stanza before its connection was declared valid', function (this: XmppWorld) {
  const v = this.listener?.validations ?? [];
  const early = v.filter((x) => x.stanzasBefore > 0);
  if (early.length) failed(`the target sent ${early[0]!.stanzasBefore} stanza(s) over ${early[0]!.label} before the peer declared it valid (8.3 step 10)`);
  this.outcome(`no stanza before <db:result type='valid'/> on ${v.map((x) => x.label).join(', ')}`);
});

Then('the target sent no stanza over a connection the peer opened', function (this: XmppWorld) {
  const wrong = this.ledger.stanzasOn('peer');
  if (wrong.length) failed(`the target sent ${wrong.map((w) => `${w.stanza} over ${w.label}`).join('; ')}: connections the peer opened carry only the peer's stanzas (4.2)`);
  this.outcome(`stanzas from the target only over its own connections:\n${this.ledger.describe()}`);
});

/** Authoritative role of the target: it must confirm its own key, and refuse a forged one or a wrong stream id. */
When('the peer asks the target to verify {string} for the stream id of its connection', async function (this: XmppWorld, what: string) {
  const v = this.listener?.validations[0];
  if (!v) failed('no validation request from the target was seen to take a key from');
  const key = what === 'the key it received' ? v.key : what === 'a forged key' ? newKey() : v.key;
  const id = what === 'its key with a wrong stream id' ? `${v.id}x` : v.id;
  const type = await verifyWithTarget({ cfg: this.cfg, secrets: this.secrets, ledger: this.ledger, label: 'peer-verify' }, this.cfg.peer.domain, this.cfg.domain, id, key);
  this.memo.set('verify-answer', type);
});

Then('the target answers the verification {string}', function (this: XmppWorld, type: string) {
  const got = this.memo.get('verify-answer');
  if (got !== type) failed(`the target answered type='${got}', expected '${type}'`);
  this.outcome(`type='${got}'`);
});


Then("the target's response stream header has no {string} attribute", function (this: XmppWorld, name: string) {
  const h = this.peerStream().header;
  if (!h) failed('the target sent no response stream header');
  const v = h.attr(name);
  if (v !== undefined) failed(`the target's response stream header carries ${name}='${v}', which the text says it SHOULD NOT: ${h}`);
  this.outcome(`no '${name}' on ${h}`);
});

Then('the target sent no stream features on that connection', function (this: XmppWorld) {
  const e = this.ledger.entries.find((x) => x.stream === this.peerStream());
  const f = e?.received.find((x) => x.is('features', NS.stream));
  if (f) failed(`the target sent ${f} to a peer whose stream header had no version: it MUST consider that peer's version 0.0 (4.4.1), and features are for version 1.0 (4.6)`);
  this.outcome('no <stream:features/>');
});

Then('the target answers the verification and closes the stream', async function (this: XmppWorld) {
  const s = this.peerStream();
  const answer = await s.expectElement((e) => isDb(e, 'verify') && !!e.attr('type'), "the target's <db:verify type='...'/> answer");
  const r = await s.awaitClose();
  if (r.tcp === 'open' && !r.streamClosed) failed(`after answering ${answer} the target left the stream open for ${this.cfg.timeouts.responseMs} ms`);
  this.outcome(`answered type='${answer.attr('type')}', then ${r.streamClosed ? '</stream:stream>' : ''} TCP ${r.tcp}`);
});

/** The stream header the target sent on its own (first) connection to the peer's listener. */
function targetInitialHeader(world: XmppWorld): XmlElement {
  const s = world.listener?.accepted[0];
  const h = s?.header;
  if (!h) failed("the target opened no connection to the peer's listener, or sent no stream header on it");
  return h;
}

Then("the target's initial stream header to the peer has {string} set to {string}", function (this: XmppWorld, name: string, value: string) {
  const h = targetInitialHeader(this);
  const want = this.render(value);
  if (h.attr(name) !== want) failed(`the target's initial stream header carries ${h.attr(name) === undefined ? `no '${name}'` : `${name}='${h.attr(name)}'`}, expected '${want}': ${h}`);
  this.outcome(`${name}='${want}' on ${h}`);
});

/** 4.4 constrains 'to' where it is present; 8.3 step 2 makes it OPTIONAL on a dialback stream header. */
Then("the target's initial stream header to the peer has {string} set to {string}, or none as dialback allows", function (this: XmppWorld, name: string, value: string) {
  const h = targetInitialHeader(this);
  const want = this.render(value);
  const got = h.attr(name);
  if (got === undefined && Object.entries(h.attrs).some(([k, v]) => k.startsWith('xmlns:') && v === NS.dialback)) {
    this.outcome(`'${name}' absent, OPTIONAL per 8.3 step 2 on a header that declares dialback: ${h}`);
    return;
  }
  if (got !== want) failed(`the target's initial stream header carries ${got === undefined ? `no '${name}' (and declares no dialback, where 8.3 step 2 would make it OPTIONAL)` : `${name}='${got}'`}, expected '${want}', a hostname serviced by the receiving entity: ${h}`);
  this.outcome(`${name}='${want}' on ${h}`);
});

Then("the target's initial stream header to the peer has no {string} attribute", function (this: XmppWorld, name: string) {
  const h = targetInitialHeader(this);
  const v = h.attr(name);
  if (v !== undefined) failed(`the target's initial stream header toward the peer carries ${name}='${v}'; accepted: no '${name}' attribute, which the text says there SHOULD NOT be on an initiating entity's header (RFC 3920 4.4).\nReceived: ${h}`);
  this.outcome(`no '${name}' on ${h}`);
});

/** 4.4's MUST binds the value of a 'from' that is there; 8.3 step 3 makes it OPTIONAL on a dialback response header. */
Then("the target's response stream header's {string}, where present, is a domain it serves", function (this: XmppWorld, name: string) {
  const h = this.peerStream().header;
  if (!h) failed('the target sent no response stream header');
  const v = h.attr(name);
  const served = [this.cfg.domain, this.cfg.otherDomain].filter((d): d is string => !!d);
  if (v === undefined) {
    this.outcome(`no '${name}' on the response header toward the peer (OPTIONAL on a dialback stream, RFC 3920 8.3 step 3)`);
    return;
  }
  if (!served.some((d) => d.toLowerCase() === v.toLowerCase())) {
    failed(`the target's response stream header toward the peer carries ${name}='${v}'; accepted: ${served.map((d) => `'${d}'`).join(' or ')} (a hostname the target serves, RFC 3920 4.4), or no '${name}' (OPTIONAL, 8.3 step 3).\nReceived: ${h}`);
  }
  this.outcome(`${name}='${v}' on the response header toward the peer`);
});

/** 4.4: an initiating entity's 'id' SHOULD be silently ignored: the response header carries the target's own id and the stream proceeds. */
Then('the target answers with a stream header whose id is not {string}', async function (this: XmppWorld, id: string) {
  const s = this.peerStream();
  const h = await s.expectHeader();
  const got = h.attr('id');
  if (got === id) failed(`the target's response stream header carries the peer's own id='${id}' instead of one it created (RFC 3920 4.4: an 'id' from the initiating entity SHOULD be silently ignored).\nReceived: ${h}`);
  // a version-1.0 receiving entity goes on with its features; one without 'version' waits for dialback
  if (!h.attr('version')) return this.outcome(`response header id='${got ?? '(none)'}' (no version: no features follow)`);
  const next = await s.expect((e) => e.kind === 'element' || e.kind === 'close' || e.kind.startsWith('tcp'), 'stream features after the response header');
  if (next.kind !== 'element' || !next.element.is('features', NS.stream)) failed(`the target did not go on with the stream after a header that carried an 'id' (it SHOULD be silently ignored); accepted: its stream features; it sent: ${describe(next)}`);
  this.outcome(`response header id='${got ?? '(none)'}', then stream features`);
});

Then("the target's initial stream header to the peer carries an {string} attribute", function (this: XmppWorld, name: string) {
  const h = targetInitialHeader(this);
  if (!h.attr(name)) failed(`the target's initial stream header carries no '${name}': ${h}`);
  this.outcome(`${name}='${h.attr(name)}'`);
});

Then("the target's initial stream header to the peer declares the dialback namespace", function (this: XmppWorld) {
  const h = targetInitialHeader(this);
  const decl = Object.entries(h.attrs).find(([k, v]) => k.startsWith('xmlns:') && v === NS.dialback);
  // a declaration on each dialback element instead of the header also satisfies 11.2.3 (jabberd2 does both)
  const onElements = this.listener!.accepted.flatMap((s) => this.ledger.entries.find((e) => e.stream === s)?.received ?? []).filter((e) => e.ns === NS.dialback);
  const perElement = onElements.length > 0 && onElements.every((e) => Object.values(e.attrs).includes(NS.dialback));
  if (!decl && !perElement) failed(`the target declared no prefix for ${NS.dialback}, on its header or on its dialback elements: ${h}`);
  this.outcome(decl ? `${decl[0]}='${NS.dialback}' on the header` : 'declared on each dialback element');
});

Then('every dialback element the target sent is prefixed', function (this: XmppWorld) {
  const els = dialbackElementsFromTarget(this);
  const bare = els.filter((e) => !e.prefix);
  if (bare.length) failed(`dialback elements without a prefix: ${bare.map(String).join(' ')} (11.2.3: all elements qualified by the dialback namespace MUST be prefixed)`);
  this.outcome(`${els.length} dialback element(s), all prefixed: ${[...new Set(els.map((e) => e.prefix))].join(', ')}`);
});

Then("every dialback element the target sent uses the 'db:' prefix", function (this: XmppWorld) {
  const els = dialbackElementsFromTarget(this);
  const other = els.filter((e) => e.prefix !== 'db');
  if (other.length) failed(`dialback elements under another prefix: ${other.map(String).join(' ')} (11.2.3: SHOULD generate only 'db:')`);
  this.outcome(`${els.length} dialback element(s), all 'db:'`);
});

function dialbackElementsFromTarget(world: XmppWorld): XmlElement[] {
  const els = world.ledger.entries.flatMap((e) => e.received).filter((e) => e.ns === NS.dialback);
  if (!els.length) failed('the target sent no dialback element at all');
  return els;
}
