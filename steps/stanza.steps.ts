// Stanza vocabulary: messages and IQs between bound clients and the server.
import { When, Then } from '@cucumber/cucumber';
import type { XmppWorld } from '../support/world.ts';
import { el, NS } from '../support/wire/element.ts';
import { failed } from '../support/errors.ts';
import { nextId } from '../support/peer/client.ts';
import { ATTACH } from '../support/hooks.ts';

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
  const proof = await r.stream.expectNothing(true, this.cfg.domain, `no delivery of message '${id}'`);
  this.attach(`silence proved by ${proof}`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  this.outcome(`message '${id}' not delivered (sender's connection ${settled.tcp === 'open' ? 'still open' : 'closed'}; recipient silence proved by ${proof})`);
});
