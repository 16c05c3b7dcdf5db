// SASL vocabulary (RFC 3920 6): mechanisms offered, exchanges by mechanism, failures and their
// conditions, retries. Each step parses its phrase and calls the peer (support/peer/auth.ts).
import { When, Then, defineParameterType } from '@cucumber/cucumber';
import type { XmppWorld } from '../support/world.ts';
import { NS } from '../support/wire/element.ts';
import { ExpectationFailed, failed, Undecided } from '../support/errors.ts';
import { notApplicable } from '../support/hooks.ts';
import { mechanismsOf, type Client } from '../support/peer/client.ts';
import { saslExchange, mechanismFor, nextSaslAnswer, conditionOf, describeOutcome, isBase64, type SaslOutcome } from '../support/peer/auth.ts';
import { mark, receivedSince, whitespaceBetweenElements } from '../support/peer/starttls.ts';

/** The SASL failure conditions of RFC 3920 6.4. */
export const SASL_CONDITIONS = ['aborted', 'incorrect-encoding', 'invalid-authzid', 'invalid-mechanism', 'mechanism-too-weak', 'not-authorized', 'temporary-auth-failure'] as const;

defineParameterType({
  name: 'mechanism',
  regexp: /(PLAIN|SCRAM-SHA-1|DIGEST-MD5)/,
  transformer: (s: string) => s,
});

defineParameterType({
  name: 'sasl_condition',
  regexp: /<[a-z-]+\/>/,
  transformer(s: string): string {
    const name = s.slice(1, -2);
    if (!(SASL_CONDITIONS as readonly string[]).includes(name)) throw new Error(`unknown SASL condition <${name}/>: RFC 3920 6.4 defines ${SASL_CONDITIONS.join(', ')}`);
    return name;
  },
});

function outcomeOf(world: XmppWorld): SaslOutcome {
  const o = world.memo.get('sasl') as SaslOutcome | undefined;
  if (!o) throw new Undecided('no SASL exchange ran before this step');
  return o;
}

function offered(world: XmppWorld, c: Client, name: string): boolean {
  return c.mechanisms.includes(name);
}

Then('the stream features offer at least one SASL mechanism', function (this: XmppWorld) {
  const f = this.client().features;
  const mechs = f?.child('mechanisms', NS.sasl);
  if (!mechs) failed(`the stream features hold no <mechanisms xmlns='${NS.sasl}'/> (RFC 3920 6.1 rule 3).\nFeatures: ${f}`);
  const names = mechanismsOf(f);
  if (!names.length) failed(`<mechanisms/> lists no <mechanism/> (RFC 3920 6.1 rule 3: one or more).\nOffered: ${mechs}`);
  this.outcome(`mechanisms offered: ${names.join(', ')}`);
});

Then('the stream features offer no SASL mechanism', function (this: XmppWorld) {
  const f = this.client().features;
  const names = mechanismsOf(f);
  if (names.length) failed(`the target requires TLS, yet offers SASL mechanisms before TLS: ${names.join(', ')} (RFC 3920 6.2 step 2).\nFeatures: ${f}`);
  this.outcome(`no SASL mechanism before TLS; features: ${f?.elements().map((e) => `<${e.local}>`).join(' ') || '(empty)'}`);
});

Then('the stream features offer neither STARTTLS nor SASL', function (this: XmppWorld) {
  const f = this.client().features;
  if (!f) failed('no stream features after the restart');
  const bad = [f.child('starttls', NS.tls), f.child('mechanisms', NS.sasl)].filter((x) => x);
  if (bad.length) failed(`after SASL success the new stream's features still offer ${bad.map((b) => `<${b!.local}/>`).join(' and ')} (RFC 3920 6.2 step 3).\nFeatures: ${f}`);
  this.outcome(`features after SASL: ${f.elements().map((e) => `<${e.local} xmlns='${e.ns}'>`).join(' ') || '(empty)'}`);
});

When('the client authenticates with {mechanism}', async function (this: XmppWorld, name: string) {
  const c = this.client();
  if (!offered(this, c, name)) return notApplicable(this, `the target does not offer SASL ${name} (offered: ${c.mechanisms.join(', ') || 'none'}); RFC 3920 requires no particular mechanism of a server beyond section 14.7`);
  const mech = mechanismFor(name, c.account.user, c.account.password, this.cfg.domain)!;
  this.memo.set('sasl-mark', mark(c.stream));
  const o = await saslExchange(c, mech);
  this.memo.set('sasl', o);
  this.memo.set('sasl-mechanism', name);
  return undefined;
});

When('the client authenticates with {mechanism} and a wrong password', async function (this: XmppWorld, name: string) {
  const c = this.client();
  if (!offered(this, c, name)) return notApplicable(this, `the target does not offer SASL ${name}`);
  const o = await saslExchange(c, mechanismFor(name, c.account.user, `${c.account.password}-wrong`, this.cfg.domain)!);
  this.memo.set('sasl', o);
  return undefined;
});

When('the client authenticates with {mechanism} and the authorization identity {string}', async function (this: XmppWorld, name: string, authzid: string) {
  const c = this.client();
  if (!offered(this, c, name)) return notApplicable(this, `the target does not offer SASL ${name}`);
  const o = await saslExchange(c, mechanismFor(name, c.account.user, c.account.password, this.cfg.domain, this.render(authzid))!);
  this.memo.set('sasl', o);
  return undefined;
});

/** A mechanism the target offers that answers <auth/> with a challenge, so that there is something to abort. */
function challengingMechanism(world: XmppWorld, c: Client) {
  for (const name of ['SCRAM-SHA-1', 'DIGEST-MD5']) {
    if (offered(world, c, name)) return mechanismFor(name, c.account.user, c.account.password, world.cfg.domain)!;
  }
  return undefined;
}

/** Aborts n SASL exchanges in a row on one connection (fewer if the target ends it first). */
async function abortTimes(world: XmppWorld, n: number): Promise<'skipped' | undefined> {
  const c = world.client();
  const mech = () => challengingMechanism(world, c);
  if (!mech()) return notApplicable(world, `the target offers no mechanism with a challenge to abort (offered: ${c.mechanisms.join(', ')}; the suite aborts SCRAM-SHA-1 or DIGEST-MD5)`);
  const all: SaslOutcome[] = [];
  for (let i = 0; i < n; i++) {
    const o = await saslExchange(c, mech()!, { abortAfterChallenge: true });
    all.push(o);
    if (o.end === 'closed' || o.end === 'stream-error' || c.stream.isEnded) break;
  }
  world.memo.set('attempts', all);
  return undefined;
}

When('the client aborts a SASL exchange {int} times in a row', function (this: XmppWorld, n: number) {
  return abortTimes(this, n);
});

/** "configurable but reasonable" (RFC 3920 6.2): the count is the config's sasl.retries */
When('the client aborts a SASL exchange as many times in a row as the configured retry count', function (this: XmppWorld) {
  this.memo.set('retries', this.cfg.sasl.retries);
  return abortTimes(this, this.cfg.sasl.retries);
});

/** Fails n SASL exchanges in a row with a wrong password on one connection (fewer if the target ends it first). */
async function failTimes(world: XmppWorld, n: number): Promise<'skipped' | undefined> {
  const c = world.client();
  const name = ['SCRAM-SHA-1', 'PLAIN', 'DIGEST-MD5'].find((m) => offered(world, c, m));
  if (!name) return notApplicable(world, `the target offers no mechanism the suite speaks (offered: ${c.mechanisms.join(', ')})`);
  const all: SaslOutcome[] = [];
  for (let i = 0; i < n; i++) {
    const o = await saslExchange(c, mechanismFor(name, c.account.user, `${c.account.password}-wrong-${i}`, world.cfg.domain)!);
    all.push(o);
    if (o.end === 'success') failed(`SASL ${name} with a wrong password was answered with <success/>`);
    if (o.end === 'closed' || o.end === 'stream-error' || c.stream.isEnded) break;
  }
  world.memo.set('attempts', all);
  return undefined;
}

When('the client fails SASL {int} times in a row with a wrong password', function (this: XmppWorld, n: number) {
  return failTimes(this, n);
});

When('the client fails SASL as many times in a row as the configured retry count, with a wrong password', function (this: XmppWorld) {
  this.memo.set('retries', this.cfg.sasl.retries);
  return failTimes(this, this.cfg.sasl.retries);
});

Then('every attempt is answered with <failure\\/> holding {sasl_condition}', function (this: XmppWorld, condition: string) {
  const all = (this.memo.get('attempts') as SaslOutcome[] | undefined) ?? [];
  all.forEach((o, i) => {
    if (o.end === 'closed') failed(`attempt ${i + 1} of ${all.length}: the target ended the connection instead of allowing a retry (RFC 3920 6.2: at least 2 retries)`);
    if (o.end !== 'failure' || o.condition !== condition) failed(`attempt ${i + 1} of ${all.length}: expected <failure/> with <${condition}/>; the target sent ${describeOutcome(o)}`);
  });
  this.outcome(`${all.length} attempts, each answered <failure><${condition}/></failure>`);
});

Then('the client can still authenticate on the same connection', async function (this: XmppWorld) {
  const c = this.client();
  const mech = c.pickMechanism();
  const o = await saslExchange(c, mech);
  if (o.end !== 'success') failed(`after ${(this.memo.get('attempts') as unknown[]).length} failed attempts the retry with the right password got ${describeOutcome(o)}; the text wants at least 2 retries allowed (RFC 3920 6.2)`);
  this.outcome(`the retry with ${mech.name} succeeded on the same TCP connection`);
});

Then('the server closes the TCP connection within those attempts', async function (this: XmppWorld) {
  const all = (this.memo.get('attempts') as SaslOutcome[] | undefined) ?? [];
  const retries = (this.memo.get('retries') as number | undefined) ?? all.length;
  const bound = `the count used: ${retries}, sasl.retries in the config (default 10)`;
  const r = await this.client().stream.awaitClose();
  if (r.tcp === 'open') {
    failed(`after ${all.length} SASL attempts on one connection, each ending in <failure/>, the target still kept the TCP connection open (RFC 3920 6.2: after a configurable but reasonable number of retries it MUST terminate the TCP connection; ${bound}). Each attempt was answered: ${describeOutcome(all[all.length - 1]!)}`);
  }
  this.outcome(`TCP ${r.tcp} after ${all.length} attempt(s)${r.streamClosed ? ', with </stream:stream>' : ''} (${bound})`);
});

Then('the SASL exchange succeeds', function (this: XmppWorld) {
  const o = outcomeOf(this);
  if (o.end !== 'success') failed(`SASL ${this.memo.get('sasl-mechanism') ?? ''} with the account's right password ended with ${describeOutcome(o)}`);
  this.client().stage = 'sasl';
  this.outcome(`<success/> after ${o.challenges} challenge(s)`);
});

Then("the server's challenges and success data are computed as the mechanism defines", function (this: XmppWorld) {
  const o = outcomeOf(this);
  const name = this.memo.get('sasl-mechanism') as string;
  if (o.mechanismError) failed(`the target's ${name} data is not computed as the mechanism defines (RFC 3920 6.2 step 4): ${o.mechanismError}`);
  if (o.end !== 'success') failed(`SASL ${name} with the right password ended with ${describeOutcome(o)}`);
  this.client().stage = 'sasl';
  this.outcome(`${name}: ${o.challenges} challenge(s) verified${name === 'SCRAM-SHA-1' ? ' (nonce extends the client nonce, server signature checked)' : name === 'DIGEST-MD5' ? ' (nonce, qop=auth, md5-sess; rspauth checked)' : ''}`);
});

Then('the SASL exchange fails with {sasl_condition}', function (this: XmppWorld, condition: string) {
  const o = outcomeOf(this);
  if (o.end === 'failure' && o.condition === condition) {
    this.outcome(`<failure/> with <${condition}/>`);
    return;
  }
  if (o.end === 'success') failed(`expected <failure/> with <${condition}/> (RFC 3920 6.2, 6.4); the target answered <success/> and authenticated the client: ${o.element}`);
  failed(`expected <failure/> with <${condition}/> (RFC 3920 6.2 step 2: the cause SHOULD be communicated in an appropriate child element, 6.4); the target sent ${describeOutcome(o)}`);
});

Then('the server answers the SASL request with <failure\\/> holding {sasl_condition}', async function (this: XmppWorld, condition: string) {
  const a = await nextSaslAnswer(this.client());
  const o: SaslOutcome = {
    end: a.kind === 'challenge' || a.kind === 'other' ? 'failure' : a.kind,
    condition: a.kind === 'challenge' ? 'a <challenge/>' : conditionOf(a.element),
    element: a.element,
    serverData: [],
    challenges: 0,
  };
  this.memo.set('sasl', o);
  if (a.kind === 'challenge') failed(`expected <failure/> with <${condition}/>; the target went on with a <challenge/>: ${a.element}`);
  if (o.end === 'failure' && o.condition === condition) {
    this.outcome(`<failure/> with <${condition}/>`);
    return;
  }
  failed(`expected <failure/> with <${condition}/> (RFC 3920 6.2 step 2: the cause SHOULD be communicated in an appropriate child element, 6.4); the target sent ${describeOutcome(o)}`);
});

Then('the server sent no white space between elements during the SASL exchange', function (this: XmppWorld) {
  const s = this.client().stream;
  const from = this.memo.get('sasl-mark') as number;
  const text = receivedSince(s, from);
  const end = /<([\w-]+:)?success\b[^>]*(\/>|>[^<]*<\/([\w-]+:)?success>)/.exec(text);
  const window = end ? text.slice(0, end.index + end[0].length) : text;
  const ws = whitespaceBetweenElements(window);
  if (ws.length) failed(`the target sent white space between elements during SASL negotiation (RFC 3920 6.1 rule 4): ${ws.join('; ')}`);
  this.outcome(`no white space between elements in the ${window.length} characters the target sent during SASL`);
});

Then("every piece of character data the server sent during SASL is base64", function (this: XmppWorld) {
  const o = outcomeOf(this);
  const bad = o.serverData.filter((d) => !isBase64(d));
  if (bad.length) failed(`the target sent SASL character data that is not base64 as RFC 3548 section 3 defines it (RFC 3920 6.1 rule 5): ${bad.map((b) => JSON.stringify(b.slice(0, 60))).join(', ')}`);
  this.outcome(`${o.serverData.length} piece(s) of character data, all base64`);
});

When('the client authenticates before TLS with every offered mechanism the suite speaks', async function (this: XmppWorld) {
  const first = this.client();
  const names = first.mechanisms.filter((n) => mechanismFor(n, 'u', 'p', this.cfg.domain));
  if (!names.length) return notApplicable(this, `the target offers no mechanism before TLS that the suite speaks (offered: ${first.mechanisms.join(', ') || 'none'})`);
  const results: Array<[string, SaslOutcome]> = [];
  for (const [i, name] of names.entries()) {
    const c = i === 0 ? first : await this.newClient(`pre-tls-${name}`, first.account);
    if (i > 0) await c.negotiate('features');
    results.push([name, await saslExchange(c, mechanismFor(name, c.account.user, c.account.password, this.cfg.domain)!)]);
  }
  this.memo.set('per-mechanism', results);
  return undefined;
});

Then('each of them succeeds', function (this: XmppWorld) {
  const results = this.memo.get('per-mechanism') as Array<[string, SaslOutcome]>;
  const bad = results.filter(([, o]) => o.end !== 'success');
  if (bad.length) {
    failed(`the target offered ${bad.map(([n]) => n).join(', ')} before TLS but did not let the client use ${bad.length > 1 ? 'them' : 'it'} before TLS: ${bad.map(([n, o]) => `${n}: ${describeOutcome(o)}`).join('; ')} (RFC 3920 6.2 step 2: a mechanism that needs TLS MUST NOT be offered before TLS)`);
  }
  this.outcome(`usable before TLS: ${results.map(([n]) => n).join(', ')}`);
});

When('the client sends SASL PLAIN with its credentials before TLS', async function (this: XmppWorld) {
  const c = this.client();
  // a target that stays silent has not authenticated the client: that is a refusal too
  const o = await saslExchange(c, mechanismFor('PLAIN', c.account.user, c.account.password, this.cfg.domain)!).catch((err: unknown): SaslOutcome => {
    if (!(err instanceof ExpectationFailed)) throw err;
    return { end: 'no-answer', serverData: [], challenges: 0, condition: `${this.cfg.timeouts.responseMs} ms` };
  });
  this.memo.set('sasl', o);
});

Then('the server does not authenticate the client', function (this: XmppWorld) {
  const o = outcomeOf(this);
  if (o.end === 'success') failed(`the target requires TLS and offered no mechanism before it, yet accepted SASL PLAIN before TLS: ${o.element}`);
  this.outcome(`not authenticated: ${describeOutcome(o)}`);
});

