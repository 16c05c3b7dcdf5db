// Stream vocabulary: open, send raw bytes, stream headers, features, stream errors, closing.
// Each step parses its phrase and calls the peer or one judge of support/verdict/stream.ts; none
// touches a socket or a parser.
import { Given, When, Then } from '../support/step.ts';
import { sendInitialPresence } from '../support/peer/stanza.ts';
import type { XmppWorld } from '../support/world.ts';
import type { Stage } from '../support/peer/client.ts';
import { sendHeadersAs } from '../support/peer/client.ts';
import { streamErrorThenClose } from '../support/verdict/stream-error.ts';
import {
  closedWithDefinedCondition, defaultNamespaceOrRefusal, distinctStreamIds, everyHeaderNamesDomain, headerBeforeError, headerCarries,
  headerFromIsAuthoritative, headerIgnoresClientValue, headerIsValueOrAbsent, headerLacks, headerNamesDomain, headerNamespaces, headerVersion,
  idsEntropyAtLeast, idsUnrepeatedWithoutCounter, ignoredOrRefusedDefined, ignoredOrRefusedWith, minorReadAsInteger, noBindBeforeSasl,
  noSessionBeforeSasl, notServed, receivesNothing, refusalHeaderFromIsAuthoritative, responseHeader, streamAndTcpClosed, streamEnds,
  streamErrorMeetsRule, versionOrRefusal, versionsWithoutLeadingZero, versionWithOrWithoutFeaturesOrRefusal,
} from '../support/verdict/stream.ts';

Given('a client connected to the target', async function (this: XmppWorld) {
  await this.newClient('client');
});

Given('a client that negotiated up to {stage}', async function (this: XmppWorld, stage: Stage) {
  await this.negotiatedClient('client', stage);
});

/**
 * The recipient behaves as an ordinary client does: bound, session, initial presence sent (what
 * the server sends back because of it is consumed by a round-trip), so that no delivery verdict
 * rests on a server's policy for resources that never became available.
 */
Given('a recipient bound to the target', async function (this: XmppWorld) {
  await this.negotiatedClient('recipient', 'session', undefined, async (c) => {
    const n = await sendInitialPresence(c, this.cfg.domain);
    this.outcome(`recipient sent initial presence (${n} presence stanza(s) it brought back were consumed)`);
  });
});

When('{role} opens a stream with:', function (this: XmppWorld, role: string, bytes: string) {
  this.client(role).stream.sendRaw(this.render(bytes));
});

When('{role} opens a stream', function (this: XmppWorld, role: string) {
  this.client(role).stream.openStream({ to: this.cfg.domain });
});

When('{role} sends:', function (this: XmppWorld, role: string, bytes: string) {
  this.client(role).stream.sendRaw(this.render(bytes));
});

When('{role} closes the stream', function (this: XmppWorld, role: string) {
  this.client(role).stream.sendRaw('</stream:stream>');
});

When('{int} clients open streams at the same time', async function (this: XmppWorld, n: number) {
  const clients = await Promise.all(Array.from({ length: n }, (_, i) => this.newClient(`parallel-${i + 1}`)));
  const headers = await Promise.all(
    clients.map(async (c) => {
      c.stream.openStream({ to: this.cfg.domain });
      return c.stream.expectHeader();
    }),
  );
  this.state.headers = headers;
});

Then('the server answers with a response stream header', function (this: XmppWorld) { return responseHeader(this); });

Then('the response stream header carries an {string} attribute', function (this: XmppWorld, name: string) { return headerCarries(this, name); });

Then("the response stream header's {string} is the target's domain", function (this: XmppWorld, name: string) { return headerNamesDomain(this, name); });

Then("the response stream header's version is {string}", function (this: XmppWorld, version: string) { return headerVersion(this, version); });

Then('the response stream header has no {string} attribute', function (this: XmppWorld, name: string) { return headerLacks(this, name); });

Then('the response stream header declares the streams namespace and the default namespace {string}', function (this: XmppWorld, ns: string) { return headerNamespaces(this, ns); });

Then('every response stream header carries a different id', function (this: XmppWorld) { return distinctStreamIds(this); });

Then('the server sends stream features', async function (this: XmppWorld) {
  const f = await this.client().stream.expectFeatures();
  this.state.features = f;
  this.outcome(`features: ${f.elements().map((e) => `<${e.local} xmlns='${e.ns}'>`).join(' ') || '(empty)'}`);
});

Then('the stream features do not offer resource binding', function (this: XmppWorld) { return noBindBeforeSasl(this); });

/**
 * RFC 3920 4.7.1: a stream error, then '</stream:stream>', then the TCP connection closed. Every
 * condition named is accepted; the outcome names the one that arrived and how the stream ended.
 */
Then('the server closes the stream with {conditions}', async function (this: XmppWorld, conditions: string[]) {
  this.outcome(await streamErrorThenClose(this.client().stream, conditions));
});

Then('the server closes the stream with any stream error', async function (this: XmppWorld) {
  this.outcome(await streamErrorThenClose(this.client().stream, null));
});

Then('the server sent its response stream header before the error', function (this: XmppWorld) { return headerBeforeError(this); });

Then("the response stream header's 'from' names the server's authoritative host", function (this: XmppWorld) { return headerFromIsAuthoritative(this); });

Then('the server closes the stream and the TCP connection', function (this: XmppWorld) { return streamAndTcpClosed(this); });

Then('the server closes the TCP connection', async function (this: XmppWorld) {
  const r = await this.client().stream.expectClosed();
  this.outcome(`${r.streamClosed ? '</stream:stream>, ' : ''}TCP ${r.tcp}`);
});

Then('{role} receives nothing', function (this: XmppWorld, role: string) { return receivesNothing(this, role); });

Then('the server answers with version {string} or closes the stream with {conditions}', function (this: XmppWorld, version: string, conditions: string[]) { return versionOrRefusal(this, version, conditions); });

// ---------------------------------------------------------------------------------------------
// Sections 4 and 11: provocations whose reaction the text leaves open, stream ids, headers.

/** The negotiation itself is under test (the headers and features the server sends on the way): a When, so that what goes wrong is a verdict. */
When('{role} negotiates up to {stage}', async function (this: XmppWorld, role: string, stage: Stage) {
  const c = this.clients.get(role) ?? (await this.newClient(role));
  await c.negotiate(stage);
  this.outcome(`negotiated up to "${stage}"; stream ids ${c.streamIds.join(', ')}`);
});

When('{role} negotiates up to {stage}, sending every stream header as:', async function (this: XmppWorld, role: string, stage: Stage, bytes: string) {
  const c = this.clients.get(role) ?? (await this.newClient(role));
  sendHeadersAs(c, this.render(bytes));
  await c.negotiate(stage);
  this.outcome(`negotiated up to "${stage}" with every header sent as given; stream ids ${c.streamIds.join(', ')}`);
});

Then('the server ignores it or closes the stream with {conditions}', function (this: XmppWorld, allowed: string[]) { return ignoredOrRefusedWith(this, allowed); });

Then('the server ignores it or closes the stream with a condition the draft defines, ideally {conditions}', function (this: XmppWorld, fitting: string[]) { return ignoredOrRefusedDefined(this, fitting); });

Then('the server closes the stream with a condition the draft defines, ideally {conditions}', function (this: XmppWorld, fitting: string[]) { return closedWithDefinedCondition(this, fitting); });

Then('the server sends no stream features', function (this: XmppWorld) { return notServed(this); });

Then("the response stream header's {string} is not {string}", function (this: XmppWorld, name: string, value: string) { return headerIgnoresClientValue(this, name, value); });

Then("the response stream header's {string} is {string} or absent", function (this: XmppWorld, name: string, value: string) { return headerIsValueOrAbsent(this, name, value); });

Then("the response stream header's version, if any, has no leading zero", function (this: XmppWorld) { return versionsWithoutLeadingZero(this); });

Then("every response stream header's {string} is the target's domain", function (this: XmppWorld, name: string) { return everyHeaderNamesDomain(this, name); });

When('{int} clients open streams one after another', async function (this: XmppWorld, n: number) {
  const ids: Array<string | undefined> = [];
  for (let i = 0; i < n; i++) {
    const c = await this.newClient(`sequential-${i + 1}`);
    c.stream.openStream({ to: this.cfg.domain });
    ids.push((await c.stream.expectHeader()).attr('id'));
    c.stream.close();
  }
  this.state.sequentialIds = ids;
});

Then('the stream ids show no repetition and no counter pattern', function (this: XmppWorld) { return idsUnrepeatedWithoutCounter(this); });

Then('the stream ids carry at least {int} bits of estimated entropy', function (this: XmppWorld, floor: number) { return idsEntropyAtLeast(this, floor); });

Then('any stream error the server sends meets the rule {string}', function (this: XmppWorld, rule: string) { return streamErrorMeetsRule(this, rule); });

Then("if the server refuses the stream, its header's 'from' names the server's authoritative host", function (this: XmppWorld) { return refusalHeaderFromIsAuthoritative(this); });

Then('the server answers in the default namespace {string} or refuses the stream', function (this: XmppWorld, ns: string) { return defaultNamespaceOrRefusal(this, ns); });

Then('the server ends the stream, with or without a stream error', function (this: XmppWorld) { return streamEnds(this); });

Then('the server answers with version {string}, with or without stream features, or closes the stream with {conditions}', function (this: XmppWorld, version: string, conditions: string[]) { return versionWithOrWithoutFeaturesOrRefusal(this, version, conditions); });

Then('the stream features do not offer session establishment', function (this: XmppWorld) { return noSessionBeforeSasl(this); });

Then('the response version reads the minor number of {string} as an integer, where the answer can tell', function (this: XmppWorld, sent: string) { return minorReadAsInteger(this, sent); });
