// SASL vocabulary (RFC 3920 6): mechanisms offered, exchanges by mechanism, failures and their
// conditions, retries. Each step parses its phrase and calls the peer (support/peer/auth.ts).
import { When, Then, defineParameterType } from '@cucumber/cucumber';
import type { XmppWorld } from '../support/world.ts';
import { el, NS } from '../support/wire/element.ts';
import { failed, Undecided } from '../support/errors.ts';
import { notApplicable } from '../support/hooks.ts';
import { mechanismsOf, type Client } from '../support/peer/client.ts';
import { b64 } from '../support/peer/sasl.ts';
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

When('the client sends:', { timeout: -1 }, function () {
  /* defined in stream.steps.ts; this placeholder never matches a new phrase */
}).valueOf;
