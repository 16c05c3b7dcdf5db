// Judges of RFC 3920 section 11 (XML usage): rules over everything the target wrote (restricted
// XML, escaping, namespaces and prefixes, text declarations, encoding, xml:lang), bytes in another
// encoding, the external-DTD trap; and the delivery judges the same step file uses (a relayed
// stanza compared with an expected shape, a burst of messages, an IQ before authentication).
// The markup is the reader's (XmppStream.markup); the scanners over the raw text are support/wire/scan.ts's.
import type { Listener } from '../wire/listener.ts';
import type { XmppWorld } from '../world.ts';
import { conditionOf, NS } from '../wire/element.ts';
import { ExpectationFailed } from '../errors.ts';
import { describe, settle, type XmppStream } from '../peer/stream.ts';
import { parseFragment, type Markup } from '../wire/reader.ts';
import { declarationPlacement, entityReferences, unescaped } from '../wire/scan.ts';
import { differences } from './shape.ts';
import { ATTACH } from '../hooks.ts';
import { LANGTAG } from './stanza-error.ts';
import { nothingArrives, settleByRoundTrip } from './silence.ts';
import { violated } from './judge.ts';

// ---------------------------------------------------------------------------------------------
// "Everything the server sent": one rule of section 11 over the text of every connection.

export const RULES = [
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
export type Rule = (typeof RULES)[number];

/** The namespaces of the stream itself and of its negotiation: prefixes there are not content prefixes. */
const STREAMISH = new Set<string>([NS.stream, NS.streams, NS.dialback, NS.client, NS.server, NS.tls, NS.sasl]);

/** What the target wrote on one connection: the raw text, its markup as the reader read it, its stream headers. */
interface Output {
  text: string;
  parsed: Markup;
  heads: Markup['elements'];
}

/** Each rule returns its findings on one connection, in the order found; none means it holds. */
const CHECKS: Record<Rule, (o: Output) => string[]> = {
  /** 11.1: "MUST NOT inject into an XML stream" comments, processing instructions, DTDs, entity references. */
  'holds no comment, processing instruction, DTD or entity reference': ({ text, parsed }) => [
    ...parsed.comments.map((c) => `comment <!--${c}-->`),
    ...parsed.pis.map((p) => `processing instruction ${p}`),
    ...parsed.doctypes.map((d) => `DTD <!DOCTYPE${d}>`),
    ...entityReferences(text).map((r) => `entity reference ${r}`),
  ],
  /** 11.1: characters that map to predefined entities are escaped: '<' and '&'. */
  'escapes less-than and ampersand': ({ text }) => unescaped(text, false),
  /** 11.1: characters that map to predefined entities are escaped: also '>', apostrophe and quotation mark. */
  'escapes greater-than, apostrophe and quotation mark': ({ text }) => unescaped(text, true),
  /** 11.2.1: the <stream/> element and its <features/> and <error/> children are qualified by the streams namespace prefix. */
  'qualifies stream, features and error with a streams-namespace prefix': ({ parsed }) =>
    parsed.elements
      .filter((e) => (e.depth === 0 && e.local === 'stream') || (e.depth === 1 && (e.local === 'features' || e.local === 'error') && e.uri === NS.stream))
      .filter((e) => !e.prefix || e.uri !== NS.stream)
      .map((e) => `<${e.name}> in '${e.uri}' is not qualified by a prefix bound to ${NS.stream}`),
  /** 11.2.1: "An implementation SHOULD generate only the 'stream:' prefix for these elements". */
  "uses only the prefix 'stream:' for the streams namespace": ({ parsed }) =>
    parsed.elements.filter((e) => e.uri === NS.stream && e.prefix !== 'stream').map((e) => `<${e.name}> uses the prefix '${e.prefix}'`),
  /** 11.2.2: "MUST NOT generate namespace prefixes for elements in the default namespace". */
  'puts no prefix on elements of jabber:client': ({ parsed }) =>
    parsed.elements.filter((e) => (e.uri === NS.client || e.uri === NS.server) && e.prefix).map((e) => `<${e.name}> carries a prefix for '${e.uri}'`),
  /** 11.2.2: "SHOULD NOT generate namespace prefixes for elements qualified by" content namespaces. */
  'puts no prefix on elements of content namespaces': ({ parsed }) =>
    parsed.elements.filter((e) => e.prefix && !STREAMISH.has(e.uri) && e.prefix !== 'xml').map((e) => `<${e.name}> carries a prefix for '${e.uri}'`),
  /** 11.4: every stream header is preceded by a text declaration (SHOULD). */
  'puts a text declaration before every stream header': ({ text }) => {
    const d = declarationPlacement(text);
    return d.headersWithout ? [`${d.headersWithout} of ${d.headers} stream headers have no text declaration before them`] : [];
  },
  /** 11.4: a text declaration stands only at the start of a stream. */
  'puts text declarations only at the start of a stream': ({ text }) =>
    declarationPlacement(text).misplaced.map((m) => `a text declaration not at the start of a stream: ${m}`),
  /** 4.4: the value of xml:lang is an RFC 3066 language tag. */
  'carries an RFC 3066 language tag in every xml:lang': ({ parsed }) =>
    parsed.elements.flatMap((e) => {
      const v = e.attrs['xml:lang'];
      return v !== undefined && !LANGTAG.test(v) ? [`<${e.name} xml:lang='${v}'> is not an RFC 3066 tag`] : [];
    }),
  /** 11.2.1: "A streams namespace declaration is REQUIRED in all XML stream headers." */
  'declares the streams namespace on every stream header': ({ heads }) =>
    heads.filter((h) => !Object.entries(h.attrs).some(([k, v]) => k.startsWith('xmlns:') && v === NS.stream)).map((h) => `<${h.name}> declares no prefix for ${NS.stream}`),
  /** 11.2.2: "A default namespace declaration is REQUIRED and is used in all XML streams". */
  'declares a default namespace on every stream header': ({ heads }) => heads.filter((h) => !h.attrs.xmlns).map((h) => `<${h.name}> declares no default namespace`),
  /** 11.2.2: the default namespace "MUST be the same for the initial stream and the response stream". */
  'declares jabber:client as the default namespace of every stream header': ({ heads }) =>
    heads.filter((h) => h.attrs.xmlns !== NS.client).map((h) => `<${h.name}> has xmlns='${h.attrs.xmlns ?? ''}', not '${NS.client}'`),
  /** 11.5: the encoding is UTF-8; no other encoding is declared. */
  'is UTF-8 with no other encoding declared': ({ text }) => [
    ...(text.includes('\uFFFD') ? ['bytes that are not valid UTF-8 (decoded as U+FFFD)'] : []),
    ...[...text.matchAll(/<\?xml\s[^>]*encoding=['"]([^'"]+)['"]/g)].filter((m) => m[1]!.toUpperCase() !== 'UTF-8').map((m) => `a text declaration names the encoding '${m[1]}'`),
  ],
};

/**
 * RFC 3920 11: everything the target wrote on every connection of the scenario follows `rule`.
 * First a round-trip on every open authenticated connection, so that what the target does in
 * answer to the scenario has arrived; then the rule over the text of every connection.
 */
export async function outputFollows(world: XmppWorld, rule: Rule): Promise<void> {
  for (const c of world.clients.values()) {
    if (c.canRoundTrip && !c.stream.isEnded && !c.stream.transport.isEnded) {
      c.stream.drain();
      await settleByRoundTrip(c.stream, world.cfg.domain);
      c.stream.drain();
    }
  }
  const problems: string[] = [];
  const where: string[] = [];
  let headers = 0;
  for (const s of world.streams) {
    const text = s.transcript.received();
    const parsed = s.markup;
    const heads = parsed.elements.filter((e) => e.depth === 0);
    headers += heads.length;
    const found = CHECKS[rule]({ text, parsed, heads });
    problems.push(...found.map((p) => `${s.label}: ${p}`));
    if (found.length) where.push(s.where());
  }
  if (problems.length) {
    violated({
      summary: `everything the server sends ${rule}; it did not (the section is the requirement's, below)`,
      accepted: [`everything the server sent on the scenario's ${world.streams.length} connection(s) ${rule}`],
      actual: problems.slice(0, 12).join('\n  '),
      where: where.join('; '),
    });
  }
  world.outcome(`checked ${world.streams.length} connection(s), ${headers} stream header(s): the server's output ${rule}`);
}

// ---------------------------------------------------------------------------------------------
// Bytes in another encoding (11.5).

const senderState = (sender: XmppStream): string => (sender.isEnded || sender.transport.isEnded ? 'closed' : 'open');

/**
 * RFC 3920 11.5: bytes in an encoding other than UTF-8 are not decoded as that encoding: the
 * recipient never sees the text. The sender settles, then a round-trip on the recipient's stream.
 */
export async function neverReceivesText(world: XmppWorld, needle: string): Promise<void> {
  const sender = world.client().stream;
  await sender.awaitClose(world.cfg.timeouts.quietMs);
  const r = world.client('recipient');
  await settleByRoundTrip(r.stream, world.cfg.domain);
  const all = r.stream.transcript.received();
  const bodies = r.stream
    .drain()
    .filter((e) => e.kind === 'element')
    .map((e) => (e as { element: { text(): string; toString(): string } }).element);
  const hit = bodies.find((b) => b.text().includes(needle)) ?? (all.includes(needle) ? all : undefined);
  if (hit) {
    violated({
      summary: `the recipient received the text ${JSON.stringify(needle)}: the target decoded bytes in an encoding other than UTF-8 (RFC 3920 11.5)`,
      accepted: [`the recipient never receives ${JSON.stringify(needle)}; the sender's connection closed`, `the recipient never receives ${JSON.stringify(needle)}; the sender's connection open`],
      actual: hit.toString().slice(0, 300),
      where: r.stream.where(),
    });
  }
  world.attach('silence proved by round-trip on the recipient', { mediaType: 'text/plain', fileName: ATTACH.silence });
  world.outcome(`the recipient never received ${JSON.stringify(needle)}; sender's connection ${senderState(sender)}`);
}

// ---------------------------------------------------------------------------------------------
// Stanzas by id, compared with an expected shape (attributes and children listed must match).

/** The stanza `id` reaches `role` as the shape given: every attribute and child listed matches. */
export async function receivesMatching(world: XmppWorld, role: string, kind: string, id: string, xml: string): Promise<void> {
  const want = parseFragment(world.render(xml));
  const s = world.client(role).stream;
  const got = await s.expectElement((e) => e.is(kind) && e.attr('id') === id && e.attr('type') !== 'error', `the ${kind} '${id}' delivered to ${role}`);
  const diff = differences(got, want);
  if (diff.length) {
    violated({
      summary: `the ${kind} '${id}' reached ${role} altered:\n  ${diff.join('\n  ')}`,
      accepted: [`${role} receives the ${kind} '${id}' matching ${want.toString()}`],
      actual: got.toString().slice(0, 500),
      where: s.where(),
    });
  }
  world.outcome(`${role} received ${kind} '${id}' as expected: ${got.toString().slice(0, 300)}`);
}

/** Delivered as the shape given, or not at all (a round-trip on the recipient's stream proves absence). */
export async function receivesMatchingOrNothing(world: XmppWorld, role: string, kind: string, id: string, xml: string): Promise<void> {
  const want = parseFragment(world.render(xml));
  const sender = world.client().stream;
  await sender.awaitClose(world.cfg.timeouts.quietMs);
  const r = world.client(role).stream;
  await settleByRoundTrip(r, world.cfg.domain);
  const got = r.drain().find((e) => e.kind === 'element' && e.element.is(kind) && e.element.attr('id') === id);
  if (!got || got.kind !== 'element') {
    world.outcome(`${kind} '${id}' not delivered (sender's connection ${senderState(sender)})`);
    return;
  }
  const diff = differences(got.element, want);
  if (diff.length) {
    violated({
      summary: `the ${kind} '${id}' reached ${role} altered:\n  ${diff.join('\n  ')}`,
      accepted: [`${kind} '${id}' delivered matching ${want.toString()}`, `${kind} '${id}' not delivered`],
      actual: got.element.toString().slice(0, 500),
      where: r.where(),
    });
  }
  world.outcome(`${kind} '${id}' delivered as ${got.element.toString().slice(0, 300)}`);
}

// ---------------------------------------------------------------------------------------------
// An IQ before authentication (4.3).

/**
 * RFC 3920 4.3: an IQ sent before authentication is not accepted. Before authentication an
 * error, a close or silence pass; only type='result' means the IQ was processed. No IQ can be
 * answered then, but SASL can: the pre-authentication round-trip (an <auth/> with a mechanism no
 * server offers) settles it, so the verdict rests on the target's own answer, not on a timer.
 */
export async function noResultBeforeAuth(world: XmppWorld, role: string, id: string): Promise<void> {
  const s = world.client(role).stream;
  const rt = s.isEnded || s.transport.isEnded ? undefined : await s.saslRoundTrip();
  const iq = s.unread().find((e) => e.kind === 'element' && e.element.is('iq') && e.element.attr('id') === id);
  const got = iq?.kind === 'element' ? iq.element : undefined;
  if (got?.attr('type') === 'result') {
    violated({
      summary: `the target processed the IQ '${id}' sent before authentication and answered with a result (RFC 3920 4.3)`,
      accepted: [`an answer to the IQ '${id}' other than type='result' (a stanza error)`, 'a stream error', 'closing the stream', 'no answer'],
      actual: got.toString(),
      where: s.where(),
    });
  }
  const ended = s.unread().find((x) => x.kind === 'close' || x.kind.startsWith('tcp') || (x.kind === 'element' && x.element.is('error', NS.stream)));
  const proof =
    rt === 'answered'
      ? 'the pre-authentication round-trip (a later <auth/> was answered with <failure/> first)'
      : `the stream ending before the round-trip's answer (${ended ? describe(ended) : 'already closed'}; it may answer the IQ or the round-trip's <auth/>)`;
  world.outcome(got ? `IQ '${id}' answered with type='${got.attr('type')}' (settled by ${proof})` : `no result for IQ '${id}', settled by ${proof}`);
  world.attach(`settled by ${proof}`, { mediaType: 'text/plain', fileName: ATTACH.silence });
  s.drain();
}

// ---------------------------------------------------------------------------------------------
// A burst of messages in one write (4.1: "an unbounded number of XML stanzas").

/** Every message 'burst-1' .. 'burst-n' reaches the recipient within twice the response bound. */
export async function receivesAllMessages(world: XmppWorld, n: number): Promise<void> {
  const r = world.client('recipient').stream;
  const want = new Set(Array.from({ length: n }, (_, i) => `burst-${i + 1}`));
  const missing = (): never =>
    violated({
      summary: `${want.size} of ${n} messages did not reach the recipient`,
      accepted: [`all ${n} messages delivered`],
      actual: `${n - want.size} of ${n} delivered; missing: ${[...want].slice(0, 10).join(', ')}`,
      where: r.where(),
    });
  const deadline = Date.now() + world.cfg.timeouts.responseMs * 2;
  while (want.size) {
    const left = deadline - Date.now();
    if (left <= 0) missing();
    const m = await r.expectElement((e) => e.is('message') && want.has(e.attr('id') ?? ''), `the messages ${[...want].slice(0, 5).join(', ')}...`, left).catch((e: unknown) => {
      if (e instanceof ExpectationFailed) missing();
      throw e;
    });
    want.delete(m.attr('id')!);
  }
  world.outcome(`all ${n} messages delivered`);
}

// ---------------------------------------------------------------------------------------------
// A trap the target could fetch an external DTD from (11.1): a TCP listener on the peer's
// listening host, ephemeral port. Any connection to it is the evidence.

/**
 * RFC 3920 11.1: restricted XML (here an external DTD subset) received "MUST" be ignored: after
 * the stream settles (any reaction) and a quiet window, nothing has connected to the trap.
 */
export async function trapUntouched(world: XmppWorld): Promise<void> {
  const trap = world.need('trap');
  const s = world.client().stream;
  const r = await settle(s);
  if (r.kind === 'error') await s.awaitCloseAfterError();
  await nothingArrives(s, false, world.cfg.domain).catch(() => undefined);
  if (trap.connections) {
    violated({
      summary: `the target connected ${trap.connections} time(s) to ${trap.address}, the system identifier of the external DTD subset: it processed the DTD (RFC 3920 11.1)`,
      accepted: [`nothing connects to ${trap.address}, whatever the stream does (features, a stream error, an answer, closing or silence)`],
      actual: `${trap.connections} connection(s) to ${trap.address}`,
      where: s.where(),
    });
  }
  world.outcome(`nothing connected to ${trap.address} (the stream: ${r.kind === 'error' ? `stream error <${conditionOf(r.element, NS.streams) ?? '?'}/>` : r.kind}); absence is as strong as the trap's reachability from the target`);
}
