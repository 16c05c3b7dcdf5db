// XML usage vocabulary (RFC 3920 section 11): checks over everything the target wrote, bytes in
// another encoding, restricted XML. Each Then step calls one judge of support/verdict/restricted-xml.ts;
// the When and Given steps drive the peer.
import { After, defineParameterType } from '@cucumber/cucumber';
import { Given, When, Then } from '../support/step.ts';
import { Listener } from '../support/wire/listener.ts';
import type { XmppWorld } from '../support/world.ts';
import {
  RULES,
  type Rule,
  outputFollows,
  neverReceivesText,
  receivesMatching,
  receivesMatchingOrNothing,
  noResultBeforeAuth,
  receivesAllMessages,
  trapUntouched,
} from '../support/verdict/restricted-xml.ts';

defineParameterType({
  name: 'outputRule',
  regexp: new RegExp(RULES.map((r) => r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')),
  transformer: (s: string): Rule => s as Rule,
});

Then('everything the server sent {outputRule}', function (this: XmppWorld, rule: Rule) { return outputFollows(this, rule); });

const ENCODINGS: Record<string, (s: string) => Buffer> = {
  'UTF-8': (s) => Buffer.from(s, 'utf8'),
  'ISO-8859-1': (s) => Buffer.from(s, 'latin1'),
  'UTF-16LE with BOM': (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]),
};

/** Bytes in an encoding other than UTF-8: written as bytes, recorded in the transcript as text. */
When('{role} sends, encoded as {string}:', function (this: XmppWorld, role: string, encoding: string, bytes: string) {
  const enc = ENCODINGS[encoding];
  if (!enc) throw new Error(`unknown encoding '${encoding}': ${Object.keys(ENCODINGS).join(', ')}`);
  const text = this.render(bytes);
  this.client(role).stream.sendBytes(enc(text), `the next bytes are sent encoded as ${encoding}`, text);
});

Then('the recipient never receives the text {string}', function (this: XmppWorld, needle: string) { return neverReceivesText(this, needle); });

// Stanzas by id, compared with an expected shape (attributes and children listed must match).
Then('{role} receives the {word} {string} matching:', function (this: XmppWorld, role: string, kind: string, id: string, xml: string) { return receivesMatching(this, role, kind, id, xml); });

Then('{role} receives the {word} {string} matching, or nothing:', function (this: XmppWorld, role: string, kind: string, id: string, xml: string) { return receivesMatchingOrNothing(this, role, kind, id, xml); });

Then('{role} receives no result for the IQ {string}', function (this: XmppWorld, role: string, id: string) { return noResultBeforeAuth(this, role, id); });

When('the client sends {int} messages to the recipient in one write', function (this: XmppWorld, n: number) {
  const to = this.client('recipient').jid;
  const all = Array.from({ length: n }, (_, i) => `<message to='${to}' id='burst-${i + 1}' type='chat'><body>burst ${i + 1}</body></message>`).join('');
  this.client().stream.sendRaw(all);
});

Then('the recipient receives all {int} messages', function (this: XmppWorld, n: number) { return receivesAllMessages(this, n); });

When('the client sends a message of {int} bytes to itself', function (this: XmppWorld, size: number) {
  const c = this.client();
  const head = `<message to='${c.jid}' id='big-1' type='chat'><body>`;
  const tail = '</body></message>';
  this.client().stream.sendRaw(head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail);
});

// A trap the target could fetch an external DTD from (11.1): a TCP listener on the peer's
// listening host, ephemeral port. Any connection to it is the evidence.
Given('a trap listener the target can reach', async function (this: XmppWorld) {
  this.state.trap = await Listener.open(this.cfg.peer.listen.host, 0, (transport) => transport.destroy());
});

After({ name: 'close the trap listener' }, async function (this: XmppWorld) {
  const trap = this.state.trap;
  if (trap) await trap.close();
});

When('{role} opens a stream naming the trap listener:', function (this: XmppWorld, role: string, bytes: string) {
  const trap = this.state.trap;
  if (!trap) throw new Error('no trap listener: a Given step must start it first');
  this.client(role).stream.sendRaw(this.render(bytes.replaceAll('{trap}', trap.address)));
});

Then('nothing connected to the trap listener', function (this: XmppWorld) { return trapUntouched(this); });
