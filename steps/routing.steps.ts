// Routing and addressing vocabulary (RFC 3920 sections 3 and 10): stanzas to unusual addresses
// and the answers the text allows. The judges are in support/verdict/stanza.ts.
import { When, Then } from '../support/step.ts';
import type { XmppWorld } from '../support/world.ts';
import { el } from '../support/wire/element.ts';
import { notJidMalformed, receivesResult, anyStanzaErrorWithin } from '../support/verdict/stanza.ts';

When('the client sends a message {string} to a node of {int} bytes', function (this: XmppWorld, id: string, n: number) {
  this.state.kinds.set(id, 'message');
  this.client().stream.send(el('message', { to: `${'n'.repeat(n)}@${this.cfg.domain}`, id, type: 'chat' }, el('body', {}, 'long node')));
});

Then('{role} receives an answer that is not <jid-malformed\\/> to {string}', function (this: XmppWorld, role: string, id: string) { return notJidMalformed(this, role, id); });

Then('{role} receives a result for {string}', function (this: XmppWorld, role: string, id: string) { return receivesResult(this, role, id); });

Then('{role} receives a stanza error for {string} within {int} seconds', { timeout: 65_000 }, function (this: XmppWorld, role: string, id: string, secs: number) { return anyStanzaErrorWithin(this, role, id, secs); });
