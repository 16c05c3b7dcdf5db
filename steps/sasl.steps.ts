// SASL vocabulary (RFC 3920 6): mechanisms offered, exchanges by mechanism, failures and their
// conditions, retries. Each step parses its phrase and calls the peer (support/peer/auth.ts) or a
// judge (support/verdict/sasl.ts).
import { defineParameterType } from '@cucumber/cucumber';
import { Given, When, Then } from '../support/step.ts';
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
import { authzidIsDomain, newStreamAfterSuccess, noDialbackAfterSasl, noOtherAuthzid, offersExternal, peerAuthenticatesExternal, peerRequestsSasl, pkiMissing, refusesBadCertificate, saslAfterTls, tlsBeforeSasl } from '../support/verdict/s2s-sasl.ts';
import { openS2s } from '../support/peer/server.ts';
import { badCredentials, peerCredentials, type BadCertificate } from '../support/peer/pki.ts';

/** The SASL failure conditions of RFC 3920 6.4. */
export const SASL_CONDITIONS = ['aborted', 'incorrect-encoding', 'invalid-authzid', 'invalid-mechanism', 'mechanism-too-weak', 'not-authorized', 'temporary-auth-failure'] as const;

defineParameterType({
  name: 'bad_certificate',
  regexp: /(self-signed|expired|for another domain|from a CA the target does not trust)/,
  transformer: (s: string) => s,
});

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


// --- SASL between servers (6.2, 6.6), with certificates from the CA the target trusts (peer.pki) ---

Given("the peer's listener offers SASL EXTERNAL after TLS, with a certificate from the CA the target trusts", async function (this: XmppWorld) {
  const missing = pkiMissing(this);
  if (missing) return notApplicable(this, missing);
  (await this.startListener()).policy.external = 'after-tls';
  return undefined;
});

Given("the peer's listener offers SASL EXTERNAL beside STARTTLS, with a certificate from the CA the target trusts", async function (this: XmppWorld) {
  const missing = pkiMissing(this);
  if (missing) return notApplicable(this, missing);
  (await this.startListener()).policy.external = 'with-starttls';
  return undefined;
});

Given('the peer has a certificate from the CA the target trusts', function (this: XmppWorld) {
  const missing = pkiMissing(this);
  return missing ? notApplicable(this, missing) : undefined;
});

When("the peer opens a stream to the target's s2s port and presents its certificate on TLS", async function (this: XmppWorld) {
  const s = await this.originate('initial');
  const features = await openS2s(s, this.cfg, { from: this.cfg.peer.domain, to: this.cfg.domain }, peerCredentials([this.cfg.peer.domain, this.cfg.peer.secondDomain], this.cfg.peer.pki));
  if (features) this.state.s2sFeatures = features;
});

When('the peer authenticates with SASL EXTERNAL without an authorization identity', function (this: XmppWorld) { return peerAuthenticatesExternal(this); });

When('the peer requests SASL from the target with:', function (this: XmppWorld, bytes: string) { return peerRequestsSasl(this, this.render(bytes)); });

Then("the target answers the peer's SASL request with <failure\\/> holding {sasl_condition}", function (this: XmppWorld, condition: string) { return answersSaslRequestWithFailure(this, condition, { stream: this.peerStream() }); });

Then("the target's stream features after SASL offer the peer neither STARTTLS nor SASL", function (this: XmppWorld) { neitherStarttlsNorSasl(this, this.peerStream(), this.state.s2sFeatures); });

Then('the target goes on with SASL after TLS on its own connection', function (this: XmppWorld) { return saslAfterTls(this); });

Then('the target completes TLS before it starts SASL on its own connection', function (this: XmppWorld) { return tlsBeforeSasl(this); });

Then('the authorization identity the target provides is absent or a domain', function (this: XmppWorld) { return authzidIsDomain(this); });

Then('the target provides no authorization identity other than its own sending domain', function (this: XmppWorld) { return noOtherAuthzid(this); });

Then('the message reaches the peer over the SASL-authenticated stream without dialback', function (this: XmppWorld) { return noDialbackAfterSasl(this, this.need('messageId')); });

When("the peer opens a stream to the target's s2s port and presents a certificate that is {bad_certificate} on TLS", async function (this: XmppWorld, kind: BadCertificate) {
  const s = await this.originate('initial');
  const features = await openS2s(s, this.cfg, { from: this.cfg.peer.domain, to: this.cfg.domain }, badCredentials(kind, [this.cfg.peer.domain, this.cfg.peer.secondDomain], this.cfg.peer.pki!));
  if (features) this.state.s2sFeatures = features;
});

Then('the target refuses SASL EXTERNAL for a certificate that is {bad_certificate}, with the cause', function (this: XmppWorld, kind: BadCertificate) { return refusesBadCertificate(this, kind); });

Then('the target offers SASL EXTERNAL to the peer', function (this: XmppWorld) { return offersExternal(this); });

Then("the target opens a new stream after the peer's <success\\/> on its own connection", function (this: XmppWorld) { return newStreamAfterSuccess(this); });
