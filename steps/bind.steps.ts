// Resource binding vocabulary (RFC 3920 section 7): request a resource, none, or a malformed one;
// read the server's answer with every outcome the text allows (the judges: support/verdict/bind.ts).
import { Given, When, Then } from '../support/step.ts';
import type { XmppWorld } from '../support/world.ts';
import type { Stage } from '../support/peer/client.ts';
import { nextId } from '../support/peer/client.ts';
import { el, NS } from '../support/wire/element.ts';
import {
  bindAnswer, boundToFullJidOfAccount, boundToResourceOrGenerated, boundJidIsAccountBare, generatedResourcesDiffer,
  differentResourceOrConflict, badRequestOrValidOther, badRequestOrAtMost1023,
  bindErrorTypeFitsCondition, restartAnswered, bindOffered,
} from '../support/verdict/bind.ts';

Given('a second client of the same account that negotiated up to {stage}', async function (this: XmppWorld, stage: Stage) {
  await this.negotiatedClient('second', stage, this.accounts[0]);
});

function requestBind(world: XmppWorld, role: string, resource: string | undefined): void {
  const id = nextId('bind');
  world.state.bindRequests.set(role, { id, resource });
  world.client(role).stream.send(el('iq', { type: 'set', id }, el('bind', { xmlns: NS.bind }, ...(resource === undefined ? [] : [el('resource', {}, resource)]))));
}

When('{role} requests the resource {string}', function (this: XmppWorld, role: string, resource: string) {
  requestBind(this, role, this.render(resource));
});

When('{role} requests a resource of {int} bytes', function (this: XmppWorld, role: string, n: number) {
  requestBind(this, role, 'r'.repeat(n));
});

When('{role} requests no resource', function (this: XmppWorld, role: string) {
  requestBind(this, role, undefined);
});

Then('{role} is bound to a full JID of its account', function (this: XmppWorld, role: string) { return boundToFullJidOfAccount(this, role); });

Then('{role} is bound to the resource {string} or one the server generated', function (this: XmppWorld, role: string, want: string) { return boundToResourceOrGenerated(this, role, want); });

Then("{role}'s bound JID is its account's bare JID with the resource the server returned", function (this: XmppWorld, role: string) { return boundJidIsAccountBare(this, role); });

When('{role} has its answer to the bind request', async function (this: XmppWorld, role: string) {
  const a = await bindAnswer(this, role);
  this.outcome(`${role}: ${a.iq}`);
});

Then('the resources generated for the client and the second client differ', function (this: XmppWorld) { return generatedResourcesDiffer(this); });

Then('{role} is bound to a different resource or refused with <conflict\\/>', function (this: XmppWorld, role: string) { return differentResourceOrConflict(this, role); });

Then('{role} is refused with <bad-request\\/> or bound to a valid resource other than the one requested', function (this: XmppWorld, role: string) { return badRequestOrValidOther(this, role); });

Then('{role} is refused with <bad-request\\/> or bound to a resource of at most 1023 bytes', function (this: XmppWorld, role: string) { return badRequestOrAtMost1023(this, role); });


Then("if {role} is refused, the error's type is the one 9.3.3 associates with its condition", function (this: XmppWorld, role: string) { return bindErrorTypeFitsCondition(this, role); });

Then('the server answered the stream restarted after SASL with a header and stream features', function (this: XmppWorld) { restartAnswered(this); });

Then('the stream features after SASL offer resource binding', function (this: XmppWorld) { bindOffered(this); });
