// Server-to-server vocabulary: the suite as originating, receiving and authoritative server
// (RFC 3920 8), and the ledger that makes directionality (4.2) a checked fact.
import { Given, When, Then } from '../support/step.ts';
import type { XmppWorld } from '../support/world.ts';
import { el } from '../support/wire/element.ts';
import { newKey, verifyWithTarget, openS2s } from '../support/peer/server.ts';
import { nextId } from '../support/peer/client.ts';
import { notApplicable } from '../support/hooks.ts';
import {
  answersVerification, answersVerificationAndCloses, closesOwnConnection, closesPeersStream,
  closesVerificationStream, declaresDialbackNamespace, declaresInvalidAndCloses, dialbackElementsDbPrefixed,
  dialbackElementsPrefixed, dialbackStreamId, dropsOrRefusesEarlyStanza, ignoresPeersId,
  initialHeaderCarries, initialHeaderHas, initialHeaderHasOrDialbackNone, initialHeaderLacks, neverReachesRecipient,
  noStanzaBeforeValid, noStanzaOverPeersConnection, noStreamFeatures, notHandledAsAddressedToItself, ownConnectionValidated,
  receivedOverTargetsConnection, recipientReceives, responseFromServed, responseHeaderLacks, saslOfferedToPeer,
  settlesValidationRequest, streamHeaderWithId, targetsValidation, unpredictableStreamIds, validatesPeersConnection, validatesOrRefusesUnencrypted,
} from '../support/verdict/dialback.ts';

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

Then("the target closes the stream that carried the authoritative answer with {conditions}", function (this: XmppWorld, conditions: string[]) { return closesVerificationStream(this, conditions); });

Given("the peer's listener declares the dialback namespace as {string}", async function (this: XmppWorld, ns: string) {
  (await this.startListener()).policy.dialbackNs = ns;
});

Then("the target closes the stream of its connection to the peer with {conditions}", function (this: XmppWorld, conditions: string[]) { return closesOwnConnection(this, conditions); });

When('{int} peer connections are opened to the target at the same time', async function (this: XmppWorld, n: number) {
  const streams = await Promise.all(Array.from({ length: n }, (_, i) => this.originate(`parallel-${i + 1}`)));
  const headers = await Promise.all(
    streams.map(async (s) => {
      s.openStream({ from: this.cfg.peer.domain, to: this.cfg.domain });
      return s.expectHeader();
    }),
  );
  this.state.s2sIds = headers.map((h) => h.attr('id') ?? '');
});

Then('the stream ids are distinct, not short, and not sequential', function (this: XmppWorld) { return unpredictableStreamIds(this); });

When("the peer opens a stream to the target's s2s port", async function (this: XmppWorld) {
  const s = await this.originate('initial');
  const features = await openS2s(s, this.cfg, { from: this.cfg.peer.domain, to: this.cfg.domain });
  if (features) this.state.s2sFeatures = features;
});

When("the peer opens a stream to the target's s2s port with:", async function (this: XmppWorld, bytes: string) {
  const s = await this.originate('initial');
  s.sendRaw(this.render(bytes));
});

Then('the target answers with a stream header carrying an id', function (this: XmppWorld) { return streamHeaderWithId(this); });

Then('the target offered SASL mechanisms to the peer', function (this: XmppWorld) { return saslOfferedToPeer(this); });


/** 8.3 step 4: the originating server sends <db:result/> with its key for the stream id it was given. */
When('the peer asks the target to validate {string}', async function (this: XmppWorld, domain: string) {
  const s = this.peerStream();
  const id = await dialbackStreamId(s);
  const key = newKey();
  const from = this.render(domain);
  this.listener?.issued.set(id, key);
  s.send(el('db:result', { from, to: this.cfg.domain }, key));
});

When('the peer asks the target to validate {string} for {string}', async function (this: XmppWorld, domain: string, to: string) {
  const s = this.peerStream();
  const id = await dialbackStreamId(s);
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

Then("the target validates the peer's connection for {string}", function (this: XmppWorld, domain: string) { return validatesPeersConnection(this, domain); });
Then("the target validates the peer's connection for {string}, or refuses it as unencrypted", function (this: XmppWorld, domain: string) { return validatesOrRefusesUnencrypted(this, domain); });

Then("the target declares the peer's connection invalid and closes the stream and the TCP connection", function (this: XmppWorld) { return declaresInvalidAndCloses(this); });

Then("the target closes the peer's stream with {conditions}", function (this: XmppWorld, conditions: string[]) { return closesPeersStream(this, conditions); });

Then("the target closes the peer's stream with any stream error", function (this: XmppWorld) { return closesPeersStream(this, null); });

Then('the recipient receives the message {string} from {string}', function (this: XmppWorld, id: string, from: string) { return recipientReceives(this, id, from); });

Then('the message {string} never reaches the recipient', function (this: XmppWorld, id: string) { return neverReachesRecipient(this, id); });

Then("the target settles the peer's validation request", function (this: XmppWorld) { return settlesValidationRequest(this); });

Then('the target drops the early stanza silently or refuses it with <not-authorized\\/>', function (this: XmppWorld) { return dropsOrRefusesEarlyStanza(this); });

Then('the target does not handle the stanza {string} as addressed to itself', function (this: XmppWorld, id: string) { return notHandledAsAddressedToItself(this, id); });


When('the client sends a message to {string}', function (this: XmppWorld, to: string) {
  const id = nextId('out');
  this.state.messageId = id;
  this.client().stream.send(el('message', { to: this.render(to), id, type: 'chat' }, el('body', {}, 'to the peer')));
});

Then('the target opens its own connection to the peer and validates it by dialback', function (this: XmppWorld) { return ownConnectionValidated(this); });

Then("the peer receives the message over the target's own connection", function (this: XmppWorld) { return receivedOverTargetsConnection(this, this.need('messageId')); });

Then("the peer receives the stanza {string} over the target's own connection", function (this: XmppWorld, id: string) { return receivedOverTargetsConnection(this, id); });

Then('the target sent no stanza before its connection was declared valid', function (this: XmppWorld) { return noStanzaBeforeValid(this); });

Then('the target sent no stanza over a connection the peer opened', function (this: XmppWorld) { return noStanzaOverPeersConnection(this); });

/** Authoritative role of the target: it must confirm its own key, and refuse a forged one or a wrong stream id. */
When('the peer asks the target to verify {string} for the stream id of its connection', async function (this: XmppWorld, what: string) {
  const v = targetsValidation(this);
  const key = what === 'the key it received' ? v.key : what === 'a forged key' ? newKey() : v.key;
  const id = what === 'its key with a wrong stream id' ? `${v.id}x` : v.id;
  const type = await verifyWithTarget({ cfg: this.cfg, secrets: this.secrets, ledger: this.ledger, label: 'peer-verify' }, this.cfg.peer.domain, this.cfg.domain, id, key);
  this.state.verifyAnswer = type;
});

Then('the target answers the verification {string}', function (this: XmppWorld, type: string) { return answersVerification(this, type); });

Then("the target's response stream header has no {string} attribute", function (this: XmppWorld, name: string) { return responseHeaderLacks(this, name); });

Then('the target sent no stream features on that connection', function (this: XmppWorld) { return noStreamFeatures(this); });

Then('the target answers the verification and closes the stream', function (this: XmppWorld) { return answersVerificationAndCloses(this); });

Then("the target's initial stream header to the peer has {string} set to {string}", function (this: XmppWorld, name: string, value: string) { return initialHeaderHas(this, name, value); });

Then("the target's initial stream header to the peer has {string} set to {string}, or none as dialback allows", function (this: XmppWorld, name: string, value: string) { return initialHeaderHasOrDialbackNone(this, name, value); });

Then("the target's initial stream header to the peer has no {string} attribute", function (this: XmppWorld, name: string) { return initialHeaderLacks(this, name); });

Then("the target's response stream header's {string}, where present, is a domain it serves", function (this: XmppWorld, name: string) { return responseFromServed(this, name); });

Then('the target answers with a stream header whose id is not {string}', function (this: XmppWorld, id: string) { return ignoresPeersId(this, id); });

Then("the target's initial stream header to the peer carries an {string} attribute", function (this: XmppWorld, name: string) { return initialHeaderCarries(this, name); });

Then("the target's initial stream header to the peer declares the dialback namespace", function (this: XmppWorld) { return declaresDialbackNamespace(this); });

Then('every dialback element the target sent is prefixed', function (this: XmppWorld) { return dialbackElementsPrefixed(this); });

Then("every dialback element the target sent uses the 'db:' prefix", function (this: XmppWorld) { return dialbackElementsDbPrefixed(this); });
