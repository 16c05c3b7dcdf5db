// Routing and addressing vocabulary (RFC 3920 sections 3 and 10): stanzas to unusual addresses
// and the answers the text allows.
import { When, Then } from '@cucumber/cucumber';
import type { XmppWorld } from '../support/world.ts';
import { el } from '../support/wire/element.ts';
import { failed } from '../support/errors.ts';
import { stanzaError } from '../support/verdict/stanza-error.ts';

When('the client sends a message {string} to a node of {int} bytes', function (this: XmppWorld, id: string, n: number) {
  this.memo.set(`kind:${id}`, 'message');
  this.client().stream.send(el('message', { to: `${'n'.repeat(n)}@${this.cfg.domain}`, id, type: 'chat' }, el('body', {}, 'long node')));
});

Then('{role} receives an answer that is not <jid-malformed\\/> to {string}', async function (this: XmppWorld, role: string, id: string) {
  const s = await this.client(role).stream.expectElement((e) => e.is('iq') && e.attr('id') === id, `the answer to IQ '${id}'`);
  if (s.attr('type') === 'error') {
    const e = stanzaError(s, 'iq', null);
    if (e.condition === 'jid-malformed') failed(`the mere domain '${this.cfg.domain}' was refused as <jid-malformed/> (3.2: a mere domain is a valid JID).\nReceived: ${s}`);
    this.outcome(`answered with <${e.condition}/>, not <jid-malformed/>`);
    return;
  }
  if (s.attr('type') !== 'result') failed(`IQ '${id}' was answered with type='${s.attr('type')}'.\nReceived: ${s}`);
  this.outcome(`answered with a result`);
});

Then('{role} receives a result for {string}', async function (this: XmppWorld, role: string, id: string) {
  const s = await this.client(role).stream.expectElement((e) => e.is('iq') && e.attr('id') === id, `the answer to IQ '${id}'`);
  if (s.attr('type') !== 'result') failed(`IQ '${id}' was not processed on behalf of the sender: it was answered with type='${s.attr('type')}'.\nReceived: ${s}`);
  this.memo.set('stanza', s);
  this.outcome(`processed: ${s.toString().slice(0, 300)}`);
});

Then('{role} receives a stanza error for {string} within {int} seconds', { timeout: 65_000 }, async function (this: XmppWorld, role: string, id: string, secs: number) {
  const s = await this.client(role).stream.expectElement((e) => e.attr('id') === id, `an answer to '${id}'`, secs * 1000);
  const e = stanzaError(s, s.local, null);
  this.outcome(`<${s.local} type='error'> with <${e.condition}/> (type '${e.type}')`);
});
