// SASL vocabulary (RFC 3920 6): mechanisms offered, exchanges by mechanism, failures and their
// conditions, retries. Each step parses its phrase and calls the peer (support/peer/auth.ts) or a
// judge (support/verdict/sasl.ts).
import { defineParameterType } from '@cucumber/cucumber';
import { When, Then } from '../support/step.ts';
import type { XmppWorld } from '../support/world.ts';
import { ExpectationFailed } from '../support/errors.ts';
import { notApplicable } from '../support/hooks.ts';
import type { Client } from '../support/peer/client.ts';
import { exchangesInARow, saslExchange, mechanismFor, type SaslOutcome } from '../support/peer/auth.ts';
import { mark } from '../support/peer/starttls.ts';
import {
  mechanismsOffered, noMechanismBeforeTls, neitherStarttlsNorSasl, wrongPasswordRefused, everyAttemptFailsWith,
  stillAuthenticates, closesWithinAttempts, saslSucceeds, mechanismDataVerified, saslFailsWith,
  answersSaslRequestWithFailure, noWhitespaceDuringSasl, serverDataBase64, eachMechanismSucceeds, notAuthenticated,
} from '../support/verdict/sasl.ts';

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

function offered(world: XmppWorld, c: Client, name: string): boolean {
  return c.mechanisms.includes(name);
}

Then('the stream features offer at least one SASL mechanism', function (this: XmppWorld) { mechanismsOffered(this); });

Then('the stream features offer no SASL mechanism', function (this: XmppWorld) { noMechanismBeforeTls(this); });

Then('the stream features offer neither STARTTLS nor SASL', function (this: XmppWorld) { neitherStarttlsNorSasl(this); });

When('the client authenticates with {mechanism}', async function (this: XmppWorld, name: string) {
  const c = this.client();
  if (!offered(this, c, name)) return notApplicable(this, `the target does not offer SASL ${name} (offered: ${c.mechanisms.join(', ') || 'none'}); RFC 3920 requires no particular mechanism of a server beyond section 14.7`);
  const mech = mechanismFor(name, c.account.user, c.account.password, this.cfg.domain)!;
  this.state.saslMark = mark(c.stream);
  const o = await saslExchange(c, mech);
  this.state.sasl = o;
  this.state.saslMechanism = name;
  return undefined;
});

When('the client authenticates with {mechanism} and a wrong password', async function (this: XmppWorld, name: string) {
  const c = this.client();
  if (!offered(this, c, name)) return notApplicable(this, `the target does not offer SASL ${name}`);
  const o = await saslExchange(c, mechanismFor(name, c.account.user, `${c.account.password}-wrong`, this.cfg.domain)!);
  this.state.sasl = o;
  return undefined;
});

When('the client authenticates with {mechanism} and the authorization identity {string}', async function (this: XmppWorld, name: string, authzid: string) {
  const c = this.client();
  if (!offered(this, c, name)) return notApplicable(this, `the target does not offer SASL ${name}`);
  const o = await saslExchange(c, mechanismFor(name, c.account.user, c.account.password, this.cfg.domain, this.render(authzid))!);
  this.state.sasl = o;
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
  world.state.attempts = await exchangesInARow(c, n, () => saslExchange(c, mech()!, { abortAfterChallenge: true }));
  return undefined;
}

When('the client aborts a SASL exchange {int} times in a row', function (this: XmppWorld, n: number) {
  return abortTimes(this, n);
});

/** "configurable but reasonable" (RFC 3920 6.2): the count is the config's sasl.retries */
When('the client aborts a SASL exchange as many times in a row as the configured retry count', function (this: XmppWorld) {
  this.state.retries = this.cfg.sasl.retries;
  return abortTimes(this, this.cfg.sasl.retries);
});

/** Fails n SASL exchanges in a row with a wrong password on one connection (fewer if the target ends it first). */
async function failTimes(world: XmppWorld, n: number): Promise<'skipped' | undefined> {
  const c = world.client();
  const name = ['SCRAM-SHA-1', 'PLAIN', 'DIGEST-MD5'].find((m) => offered(world, c, m));
  if (!name) return notApplicable(world, `the target offers no mechanism the suite speaks (offered: ${c.mechanisms.join(', ')})`);
  world.state.attempts = await exchangesInARow(
    c,
    n,
    (i) => saslExchange(c, mechanismFor(name, c.account.user, `${c.account.password}-wrong-${i}`, world.cfg.domain)!),
    (o) => wrongPasswordRefused(world, name, o),
  );
  return undefined;
}

When('the client fails SASL {int} times in a row with a wrong password', function (this: XmppWorld, n: number) {
  return failTimes(this, n);
});

When('the client fails SASL as many times in a row as the configured retry count, with a wrong password', function (this: XmppWorld) {
  this.state.retries = this.cfg.sasl.retries;
  return failTimes(this, this.cfg.sasl.retries);
});

Then('every attempt is answered with <failure\\/> holding {sasl_condition}', function (this: XmppWorld, condition: string) { everyAttemptFailsWith(this, condition); });

Then('the client can still authenticate on the same connection', function (this: XmppWorld) { return stillAuthenticates(this); });

Then('the server closes the TCP connection within those attempts', function (this: XmppWorld) { return closesWithinAttempts(this); });

Then('the SASL exchange succeeds', function (this: XmppWorld) { saslSucceeds(this); });

Then("the server's challenges and success data are computed as the mechanism defines", function (this: XmppWorld) { mechanismDataVerified(this); });

Then('the SASL exchange fails with {sasl_condition}', function (this: XmppWorld, condition: string) { saslFailsWith(this, condition); });

Then('the server answers the SASL request with <failure\\/> holding {sasl_condition}', function (this: XmppWorld, condition: string) { return answersSaslRequestWithFailure(this, condition); });

Then('the server sent no white space between elements during the SASL exchange', function (this: XmppWorld) { noWhitespaceDuringSasl(this); });

Then("every piece of character data the server sent during SASL is base64", function (this: XmppWorld) { serverDataBase64(this); });

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
  this.state.perMechanism = results;
  return undefined;
});

Then('each of them succeeds', function (this: XmppWorld) { eachMechanismSucceeds(this); });

When('the client sends SASL PLAIN with its credentials before TLS', async function (this: XmppWorld) {
  const c = this.client();
  // a target that stays silent has not authenticated the client: that is a refusal too
  const o = await saslExchange(c, mechanismFor('PLAIN', c.account.user, c.account.password, this.cfg.domain)!).catch((err: unknown): SaslOutcome => {
    if (!(err instanceof ExpectationFailed)) throw err;
    return { end: 'no-answer', serverData: [], challenges: 0, condition: `${this.cfg.timeouts.responseMs} ms` };
  });
  this.state.sasl = o;
});

Then('the server does not authenticate the client', function (this: XmppWorld) { notAuthenticated(this); });

