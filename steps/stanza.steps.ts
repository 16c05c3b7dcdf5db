// Stanza vocabulary: messages and IQs between bound clients and the server. The judges are in
// support/verdict/stanza.ts.
import { defineParameterType } from '@cucumber/cucumber';
import type { XmppWorld } from '../support/world.ts';
import { el, NS } from '../support/wire/element.ts';
import { stanzaIds } from '../support/wire/scan.ts';
import { nextId } from '../support/peer/client.ts';
import { Given, When, Then } from '../support/step.ts';
import { sendInitialPresence } from '../support/peer/stanza.ts';
import { STANZA_CONDITIONS } from '../support/verdict/stanza-error.ts';
import {
  messageCameBack, iqAnsweredOnSameConnection, messageNotDelivered, earlyMessageNeverSurfaces,
  receivesStanza, receivesInOrder, fromIsSendersJid, fromAbsentOrAccountJid, carriesNoErrorChild,
  forgedFromDoesNotReach, invalidFromClosesStream, receivesStanzaError, errorUnderTestIfAny,
  errorSyntaxIfAny, errorOfSameKind, collectAnswer, noErrorForErrors, receivesAnswer,
  noBannedCondition, errorFrom, errorTypeFitsCondition, errorIncludesPayload, errorTextNamespace,
  errorTextLang, errorStanzaLang, langTagsValid, appConditionNamespace, appConditionHasDefined,
  undefinedConditionHasApp, resultWithAtMostOneChild, serverIqRequest, conditionTypeIf, errorTypeIf,
} from '../support/verdict/stanza.ts';

When('the client sends a message to its own full JID', function (this: XmppWorld) {
  const c = this.client();
  const id = nextId('self');
  this.state.messageId = id;
  c.stream.send(el('message', { to: c.jid, id, type: 'chat' }, el('body', {}, 'to myself')));
});

When('the client sends an IQ ping to the server', function (this: XmppWorld) {
  const id = nextId('ping');
  this.state.iqId = id;
  this.client().stream.send(el('iq', { type: 'get', id, to: this.cfg.domain }, el('ping', { xmlns: NS.ping })));
});

Then('the client receives the message on the same TCP connection', function (this: XmppWorld) { return messageCameBack(this); });

Then('the client receives the IQ answer on the same TCP connection', function (this: XmppWorld) { return iqAnsweredOnSameConnection(this); });

Then('the message {string} is not delivered to the recipient', function (this: XmppWorld, id: string) { return messageNotDelivered(this, id); });

Then('the message {string} has not surfaced at the recipient once the client is authenticated and bound', function (this: XmppWorld, id: string) { return earlyMessageNeverSurfaces(this, id); });

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

Then('{role} receives the stanza {string}', function (this: XmppWorld, role: string, id: string) { return receivesStanza(this, role, id); });

Then('{role} receives the stanzas {string} in that order', function (this: XmppWorld, role: string, list: string) { return receivesInOrder(this, role, list); });

Then("its 'from' is the client's full JID or bare JID", function (this: XmppWorld) { return fromIsSendersJid(this); });

Then("its 'from' is absent or the client's bare JID or full JID", function (this: XmppWorld) { return fromAbsentOrAccountJid(this); });

Then('it carries no <error\\/> child', function (this: XmppWorld) { return carriesNoErrorChild(this); });

Then("the forged 'from' of {string} does not reach the recipient", function (this: XmppWorld, id: string) { return forgedFromDoesNotReach(this, id); });

Then('if the server sent <invalid-from\\/>, it closed the stream and the TCP connection', function (this: XmppWorld) { return invalidFromClosesStream(this); });

function rememberKinds(world: XmppWorld, bytes: string): void {
  for (const { kind, id } of stanzaIds(bytes)) world.state.kinds.set(id, kind);
}

When('{role} sends the stanza:', function (this: XmppWorld, role: string, bytes: string) {
  const text = this.render(bytes);
  rememberKinds(this, text);
  this.client(role).stream.sendRaw(text);
});

Then('{role} receives a stanza error for {string} with {stanzaConditions}', function (this: XmppWorld, role: string, id: string, allowed: string[]) { return receivesStanzaError(this, role, id, allowed); });

Then('{role} receives a stanza error for {string} within {int} seconds with {stanzaConditions}', { timeout: 65_000 }, function (this: XmppWorld, role: string, id: string, secs: number, allowed: string[]) { return receivesStanzaError(this, role, id, allowed, secs * 1000); });

Then('{role} receives a stanza error for {string}', function (this: XmppWorld, role: string, id: string) { return receivesStanzaError(this, role, id, null); });

Then('if {role} receives a stanza error for {string}, it is the error under test', function (this: XmppWorld, role: string, id: string) { return errorUnderTestIfAny(this, role, id); });

Then('if {role} receives a stanza error for {string}, its <error\\/> has an allowed type and a defined condition', function (this: XmppWorld, role: string, id: string) { return errorSyntaxIfAny(this, role, id); });

Then('{role} receives an error of the same kind for {string}', function (this: XmppWorld, role: string, id: string) { return errorOfSameKind(this, role, id); });

When('{role} collects any answer to {string}', function (this: XmppWorld, role: string, id: string) { return collectAnswer(this, role, id); });

Then('{role} receives no error in answer to its error stanzas', function (this: XmppWorld, role: string) { return noErrorForErrors(this, role); });

Then('{role} receives an answer to {string}', function (this: XmppWorld, role: string, id: string) { return receivesAnswer(this, role, id); });

Then('{role} receives no stanza with a condition of {stanzaConditions} for {string}', function (this: XmppWorld, role: string, banned: string[], id: string) { return noBannedCondition(this, role, banned, id); });

Then("the error's 'from' is {string}", function (this: XmppWorld, want: string) { return errorFrom(this, want); });

Then("the error's type is the one 9.3.3 associates with its condition", function (this: XmppWorld) { return errorTypeFitsCondition(this); });

Then('the error stanza includes the original payload', function (this: XmppWorld) { return errorIncludesPayload(this); });

Then("the error's <text\\/>, if any, is qualified by the stanzas namespace", function (this: XmppWorld) { return errorTextNamespace(this); });

Then("the error's <text\\/>, if any, carries an 'xml:lang'", function (this: XmppWorld) { return errorTextLang(this); });

Then('the error stanza, holding human-readable text, carries an {string}', function (this: XmppWorld, attr: string) { return errorStanzaLang(this, attr); });

Then("every 'xml:lang' the server sent is an RFC 3066 language tag", function (this: XmppWorld) { return langTagsValid(this); });

Then("the error's application-specific condition, if any, is qualified by its own namespace", function (this: XmppWorld) { return appConditionNamespace(this); });

Then('the error, if it has an application-specific condition, also has a defined one', function (this: XmppWorld) { return appConditionHasDefined(this); });

Then('the error, if its condition is <undefined-condition\\/>, has an application-specific condition', function (this: XmppWorld) { return undefinedConditionHasApp(this); });

Then('the answer to {string} is a result with at most one child', function (this: XmppWorld, id: string) { return resultWithAtMostOneChild(this, id); });

Then('{role} receives an IQ request from the server with an id, a valid type and exactly one child', function (this: XmppWorld, role: string) { return serverIqRequest(this, role); });

When('the client sends the message {string} to the recipient with the {word} in upper case', function (this: XmppWorld, id: string, part: string) {
  const r = this.client('recipient').jid!;
  const m = /^([^@]+)@([^/]+)\/(.*)$/.exec(r)!;
  const to = part === 'node' ? `${m[1]!.toUpperCase()}@${m[2]}/${m[3]}` : `${m[1]}@${m[2]!.toUpperCase()}/${m[3]}`;
  this.client().stream.send(el('message', { to, id, type: 'chat' }, el('body', {}, `to ${part} in upper case`)));
});

When('the client sends the message {string} to the other account, which has no connected resource', function (this: XmppWorld, id: string) {
  this.state.kinds.set(id, 'message');
  this.client().stream.send(el('message', { to: `${this.accounts[1].user}@${this.cfg.domain}`, id, type: 'chat' }, el('body', {}, 'nobody is connected')));
});

Then('if its condition is {stanzaConditions}, its type is the one 9.3.3 associates with it', function (this: XmppWorld, conds: string[]) { return conditionTypeIf(this, conds); });

Then('if it is an error with {stanzaConditions}, its type is the one 9.3.3 associates with it', function (this: XmppWorld, conds: string[]) { return errorTypeIf(this, conds); });
