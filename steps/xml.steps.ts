// XML usage vocabulary (RFC 3920 section 11): checks over everything the target wrote, bytes in
// another encoding, restricted XML. Each step parses its phrase and calls support/peer/observe.ts.
import { After, When, Then, defineParameterType } from '@cucumber/cucumber';
import { Given } from '../support/given.ts';
import net from 'node:net';
import type { XmppWorld } from '../support/world.ts';
import { NS } from '../support/wire/element.ts';
import { ExpectationFailed, failed } from '../support/errors.ts';
import { describe } from '../support/peer/stream.ts';
import { LANGTAG } from '../support/verdict/stanza-error.ts';
import { conditionOf } from '../support/verdict/stream-error.ts';
import { nothingArrives } from '../support/verdict/silence.ts';
import { settle, declarationPlacement, differences, entityReferences, parseFragment, parseStreams, received, unescaped } from '../support/peer/observe.ts';
import { ATTACH } from '../support/hooks.ts';

const RULES = [
  'holds no comment, processing instruction, DTD or entity reference',
  'escapes less-than and ampersand',
  'escapes greater-than, apostrophe and quotation mark',
  'qualifies stream, features and error with a streams-namespace prefix',
  "uses only the prefix 'stream:' for the streams namespace",
  'puts no prefix on elements of jabber:client',
  'puts no prefix on elements of content namespaces',
  'puts a text declaration before every stream header',
  'puts text declarations only at the start of a stream',
  'carries an RFC 3066 language tag in every xml:lang',
  'declares the streams namespace on every stream header',
  'declares a default namespace on every stream header',
  'declares jabber:client as the default namespace of every stream header',
  'is UTF-8 with no other encoding declared',
] as const;
type Rule = (typeof RULES)[number];

defineParameterType({
  name: 'outputRule',
  regexp: new RegExp(RULES.map((r) => r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')),
  transformer: (s: string): Rule => s as Rule,
});

const STREAMISH = new Set<string>([NS.stream, NS.streams, NS.dialback, NS.client, NS.server, NS.tls, NS.sasl]);

/**
 * "Everything the server sent": first a round-trip on every open authenticated connection, so
 * that what the target does in answer to the scenario has arrived; then the rule over the text
 * of every connection of the scenario.
 */
Then('everything the server sent {outputRule}', async function (this: XmppWorld, rule: Rule) {
  for (const c of this.clients.values()) {
    if (c.canRoundTrip && !c.stream.isEnded && !c.stream.transport.isEnded) {
      c.stream.drain();
      await nothingArrives(c.stream, true, this.cfg.domain, 'the round-trip answer').catch(() => undefined);
      c.stream.drain();
    }
  }
  const problems: string[] = [];
  let headers = 0;
  for (const s of this.streams) {
    const text = received(s);
    const where = (p: string) => problems.push(`${s.label}: ${p}`);
    const parsed = parseStreams(text);
    const heads = parsed.elements.filter((e) => e.depth === 0);
    headers += heads.length;
    switch (rule) {
      case 'holds no comment, processing instruction, DTD or entity reference':
        for (const c of parsed.comments) where(`comment <!--${c}-->`);
        for (const p of parsed.pis) where(`processing instruction ${p}`);
        for (const d of parsed.doctypes) where(`DTD <!DOCTYPE${d}>`);
        for (const r of entityReferences(text)) where(`entity reference ${r}`);
        break;
      case 'escapes less-than and ampersand':
        for (const u of unescaped(text, false)) where(u);
        break;
      case 'escapes greater-than, apostrophe and quotation mark':
        for (const u of unescaped(text, true)) where(u);
        break;
      case 'qualifies stream, features and error with a streams-namespace prefix':
        for (const e of parsed.elements) {
          const target = (e.depth === 0 && e.local === 'stream') || (e.depth === 1 && (e.local === 'features' || e.local === 'error') && e.uri === NS.stream);
          if (target && (!e.prefix || e.uri !== NS.stream)) where(`<${e.name}> in '${e.uri}' is not qualified by a prefix bound to ${NS.stream}`);
        }
        break;
      case "uses only the prefix 'stream:' for the streams namespace":
        for (const e of parsed.elements) if (e.uri === NS.stream && e.prefix !== 'stream') where(`<${e.name}> uses the prefix '${e.prefix}'`);
        break;
      case 'puts no prefix on elements of jabber:client':
        for (const e of parsed.elements) if ((e.uri === NS.client || e.uri === NS.server) && e.prefix) where(`<${e.name}> carries a prefix for '${e.uri}'`);
        break;
      case 'puts no prefix on elements of content namespaces':
        for (const e of parsed.elements) if (e.prefix && !STREAMISH.has(e.uri) && e.prefix !== 'xml') where(`<${e.name}> carries a prefix for '${e.uri}'`);
        break;
      case 'puts a text declaration before every stream header': {
        const d = declarationPlacement(text);
        if (d.headersWithout) where(`${d.headersWithout} of ${d.headers} stream headers have no text declaration before them`);
        break;
      }
      case 'puts text declarations only at the start of a stream':
        for (const m of declarationPlacement(text).misplaced) where(`a text declaration not at the start of a stream: ${m}`);
        break;
      case 'carries an RFC 3066 language tag in every xml:lang':
        for (const e of parsed.elements) {
          const v = e.attrs['xml:lang'];
          if (v !== undefined && !LANGTAG.test(v)) where(`<${e.name} xml:lang='${v}'> is not an RFC 3066 tag`);
        }
        break;
      case 'declares the streams namespace on every stream header':
        for (const h of heads) if (!Object.entries(h.attrs).some(([k, v]) => k.startsWith('xmlns:') && v === NS.stream)) where(`<${h.name}> declares no prefix for ${NS.stream}`);
        break;
      case 'declares a default namespace on every stream header':
        for (const h of heads) if (!h.attrs.xmlns) where(`<${h.name}> declares no default namespace`);
        break;
      case 'declares jabber:client as the default namespace of every stream header':
        for (const h of heads) if (h.attrs.xmlns !== NS.client) where(`<${h.name}> has xmlns='${h.attrs.xmlns ?? ''}', not '${NS.client}'`);
        break;
      case 'is UTF-8 with no other encoding declared':
        if (text.includes('\uFFFD')) where('bytes that are not valid UTF-8 (decoded as U+FFFD)');
        for (const m of text.matchAll(/<\?xml\s[^>]*encoding=['"]([^'"]+)['"]/g)) if (m[1]!.toUpperCase() !== 'UTF-8') where(`a text declaration names the encoding '${m[1]}'`);
        break;
    }
  }
  if (problems.length) failed(`everything the server sends ${rule} (RFC 3920 11); it did not:\n  ${problems.slice(0, 12).join('\n  ')}`);
  this.outcome(`checked ${this.streams.length} connection(s), ${headers} stream header(s): the server's output ${rule}`);
});

const ENCODINGS: Record<string, (s: string) => Buffer> = {
  'UTF-8': (s) => Buffer.from(s, 'utf8'),
  'ISO-8859-1': (s) => Buffer.from(s, 'latin1'),
  'UTF-16LE with BOM': (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]),
};

/** Bytes in an encoding other than UTF-8: written as bytes, recorded in the transcript as text. */
When('{role} sends, encoded as {string}:', function (this: XmppWorld, role: string, encoding: string, bytes: string) {
  const enc = ENCODINGS[encoding];
  if (!enc) throw new Error(`unknown encoding '${encoding}': ${Object.keys(ENCODINGS).join(', ')}`);
  const s = this.client(role).stream;
  const text = this.render(bytes);
  s.transcript.note(`the next bytes are sent encoded as ${encoding}`);
  s.transcript.record('sent', text);
  s.transport.writeBytes(enc(text));
});

/** The recipient never sees the text: the sender settles, then a round-trip on the recipient's stream. */
Then('the recipient never receives the text {string}', async function (this: XmppWorld, needle: string) {
  const sender = this.client().stream;
  await sender.awaitClose(this.cfg.timeouts.quietMs);
  const r = this.client('recipient');
  const before = received(r.stream);
  await nothingArrives(r.stream, true, this.cfg.domain, 'the round-trip answer').catch(() => undefined);
  const all = received(r.stream);
  void before;
  const bodies = r.stream
    .drain()
    .filter((e) => e.kind === 'element')
    .map((e) => (e as { element: { text(): string; toString(): string } }).element);
  const hit = bodies.find((b) => b.text().includes(needle)) ?? (all.includes(needle) ? all : undefined);
  if (hit) failed(`the recipient received the text ${JSON.stringify(needle)}: the target decoded bytes in an encoding other than UTF-8 (RFC 3920 11.5).\nReceived: ${hit.toString().slice(0, 300)}`);
  this.attach('silence proved by round-trip on the recipient', { mediaType: 'text/plain', fileName: ATTACH.silence });
  this.outcome(`the recipient never received ${JSON.stringify(needle)}; sender's connection ${sender.isEnded || sender.transport.isEnded ? 'closed' : 'open'}`);
});

// ---------------------------------------------------------------------------------------------
// Stanzas by id, compared with an expected shape (attributes and children listed must match).

Then('{role} receives the {word} {string} matching:', async function (this: XmppWorld, role: string, kind: string, id: string, xml: string) {
  const want = parseFragment(this.render(xml));
  const got = await this.client(role).stream.expectElement((e) => e.is(kind) && e.attr('id') === id && e.attr('type') !== 'error', `the ${kind} '${id}' delivered to ${role}`);
  const diff = differences(got, want);
  if (diff.length) failed(`the ${kind} '${id}' reached ${role} altered:\n  ${diff.join('\n  ')}\nReceived: ${got.toString().slice(0, 500)}`);
  this.outcome(`${role} received ${kind} '${id}' as expected: ${got.toString().slice(0, 300)}`);
});

/** Delivered as the shape given, or not at all (a round-trip on the recipient's stream proves absence). */
Then('{role} receives the {word} {string} matching, or nothing:', async function (this: XmppWorld, role: string, kind: string, id: string, xml: string) {
  const want = parseFragment(this.render(xml));
  const sender = this.client().stream;
  await sender.awaitClose(this.cfg.timeouts.quietMs);
  const r = this.client(role).stream;
  await nothingArrives(r, true, this.cfg.domain, 'the round-trip answer').catch(() => undefined);
  const got = r.drain().find((e) => e.kind === 'element' && e.element.is(kind) && e.element.attr('id') === id);
  if (!got || got.kind !== 'element') {
    this.outcome(`${kind} '${id}' not delivered (sender's connection ${sender.isEnded || sender.transport.isEnded ? 'closed' : 'open'})`);
    return;
  }
  const diff = differences(got.element, want);
  if (diff.length) failed(`the ${kind} '${id}' reached ${role} altered:\n  ${diff.join('\n  ')}\nReceived: ${got.element.toString().slice(0, 500)}`);
  this.outcome(`${kind} '${id}' delivered as ${got.element.toString().slice(0, 300)}`);
});

/** Before authentication: an error, a close or silence pass; only type='result' means the IQ was processed. */
/**
 * 4.3: an IQ sent before authentication is not accepted. No IQ can be answered then, but SASL
 * can: the pre-authentication round-trip (an <auth/> with a mechanism no server offers) settles
 * it, so the verdict rests on the target's own answer, not on a timer.
 */
Then('{role} receives no result for the IQ {string}', async function (this: XmppWorld, role: string, id: string) {
  const s = this.client(role).stream;
  const rt = s.isEnded || s.transport.isEnded ? undefined : await s.saslRoundTrip();
  const iq = s.unread().find((e) => e.kind === 'element' && e.element.is('iq') && e.element.attr('id') === id);
  const got = iq?.kind === 'element' ? iq.element : undefined;
  if (got?.attr('type') === 'result') failed(`the target processed the IQ '${id}' sent before authentication and answered with a result (RFC 3920 4.3); accepted: a stanza error, a stream error, closing, or no answer.\nReceived: ${got}`);
  const ended = s.unread().find((x) => x.kind === 'close' || x.kind.startsWith('tcp') || (x.kind === 'element' && x.element.is('error', NS.stream)));
  const proof =
    rt === 'answered'
      ? 'the pre-authentication round-trip (a later <auth/> was answered with <failure/> first)'
      : `the stream ending before the round-trip's answer (${ended ? describe(ended) : 'already closed'}; it may answer the IQ or the round-trip's <auth/>)`;
  this.outcome(got ? `IQ '${id}' answered with type='${got.attr('type')}' (settled by ${proof})` : `no result for IQ '${id}', settled by ${proof}`);
  this.attach(`settled by ${proof}`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  s.drain();
});

When('the client sends {int} messages to the recipient in one write', function (this: XmppWorld, n: number) {
  const to = this.client('recipient').jid;
  const all = Array.from({ length: n }, (_, i) => `<message to='${to}' id='burst-${i + 1}' type='chat'><body>burst ${i + 1}</body></message>`).join('');
  this.client().stream.sendRaw(all);
});

Then('the recipient receives all {int} messages', async function (this: XmppWorld, n: number) {
  const r = this.client('recipient').stream;
  const want = new Set(Array.from({ length: n }, (_, i) => `burst-${i + 1}`));
  const deadline = Date.now() + this.cfg.timeouts.responseMs * 2;
  while (want.size) {
    const left = deadline - Date.now();
    if (left <= 0) failed(`${want.size} of ${n} messages did not reach the recipient: ${[...want].slice(0, 10).join(', ')}`);
    const m = await r.expectElement((e) => e.is('message') && want.has(e.attr('id') ?? ''), `the messages ${[...want].slice(0, 5).join(', ')}...`, left).catch((e: unknown) => {
      if (e instanceof ExpectationFailed) failed(`${want.size} of ${n} messages did not reach the recipient: ${[...want].slice(0, 10).join(', ')}`);
      throw e;
    });
    want.delete(m.attr('id')!);
  }
  this.outcome(`all ${n} messages delivered`);
});

When('the client sends a message of {int} bytes to itself', function (this: XmppWorld, size: number) {
  const c = this.client();
  const head = `<message to='${c.jid}' id='big-1' type='chat'><body>`;
  const tail = '</body></message>';
  this.client().stream.sendRaw(head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail);
});

// ---------------------------------------------------------------------------------------------
// A trap the target could fetch an external DTD from (11.1): a TCP listener on the peer's
// listening host, ephemeral port. Any connection to it is the evidence.

interface Trap {
  server: net.Server;
  address: string;
  connections: number;
}

Given('a trap listener the target can reach', async function (this: XmppWorld) {
  const trap: Trap = { server: net.createServer(), address: '', connections: 0 };
  trap.server.on('connection', (sock) => {
    trap.connections++;
    sock.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    trap.server.once('error', reject);
    trap.server.listen(0, this.cfg.peer.listen.host, () => resolve());
  });
  const a = trap.server.address() as net.AddressInfo;
  trap.address = `${a.address}:${a.port}`;
  this.memo.set('trap', trap);
});

After({ name: 'close the trap listener' }, async function (this: XmppWorld) {
  const trap = this.memo.get('trap') as Trap | undefined;
  if (trap) await new Promise<void>((resolve) => trap.server.close(() => resolve()));
});

When('{role} opens a stream naming the trap listener:', function (this: XmppWorld, role: string, bytes: string) {
  const trap = this.memo.get('trap') as Trap | undefined;
  if (!trap) throw new Error('no trap listener: a Given step must start it first');
  this.client(role).stream.sendRaw(this.render(bytes.replaceAll('{trap}', trap.address)));
});

/** After the stream settles (any reaction) and a quiet window, nothing has connected to the trap. */
Then('nothing connected to the trap listener', async function (this: XmppWorld) {
  const trap = this.memo.get('trap') as Trap;
  const s = this.client().stream;
  const r = await settle(s);
  if (r.kind === 'error') await s.awaitCloseAfterError();
  await nothingArrives(s, false, this.cfg.domain).catch(() => undefined);
  if (trap.connections) failed(`the target connected ${trap.connections} time(s) to ${trap.address}, the system identifier of the external DTD subset: it processed the DTD (RFC 3920 11.1)`);
  this.outcome(`nothing connected to ${trap.address} (the stream: ${r.kind === 'error' ? `stream error <${conditionOf(r.element) ?? '?'}/>` : r.kind}); absence is as strong as the trap's reachability from the target`);
});
