// The suite as a peer server (RFC 3920 8, server dialback), in all three roles:
//  - originating: it opens a connection to the target's s2s port and asks to be validated;
//  - authoritative: its listener answers the target's <db:verify/> for keys it issued;
//  - receiving: its listener accepts the target's own outgoing connections and validates them
//    by dialing back to the target (the target then acts as authoritative).
// Every connection is entered in a ledger: who opened it, and which stanzas it carried, so
// that directionality (4.2: one TCP connection each way) is a checked fact.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Transport } from '../wire/transport.ts';
import { Listener } from '../wire/listener.ts';
import { conditionOf, el, isStanza, NS, type XmlElement } from '../wire/element.ts';
import { TIMER_NOTE, waitUntil, XmppStream, type InboxEvent } from './stream.ts';
import type { Config } from '../config.ts';
import { TargetUnreachable, Undecided } from '../errors.ts';
import { peerCredentials, type Credentials } from './pki.ts';
import { violated } from '../verdict/judge.ts';
import { isBase64 } from './auth.ts';

export type Initiator = 'peer' | 'target';

export interface LedgerEntry {
  label: string;
  initiator: Initiator;
  /** top-level elements the target sent on this connection, in order (dialback elements included) */
  received: XmlElement[];
  stream: XmppStream;
}

/** A dialback element (RFC 3920 8) of that name. */
export const isDb = (e: XmlElement, local: string): boolean => e.local === local && e.ns === NS.dialback;

export class Ledger {
  readonly entries: LedgerEntry[] = [];
  private waiters: Array<() => void> = [];

  /** Wait, bounded, until `found` returns something, re-checking whenever any connection receives an element. */
  async until<T>(found: () => T | undefined, ms: number): Promise<T | undefined> {
    const started = Date.now();
    const v = await waitUntil(found, this.waiters, ms);
    // a wait that ran to its bound is noted on the newest connection, for the benchmark's timer figures
    if (v === undefined) this.entries.at(-1)?.stream.transcript.note(`${TIMER_NOTE} ${Date.now() - started} ms for an s2s event`);
    return v;
  }

  /**
   * Wait, bounded, until the stanza `id` has arrived on any connection, or every connection the
   * target opened has ended. A scenario that judges an earlier moment of the target's connection
   * (its TLS, its SASL) lets the target finish delivering what it connected for, so that the
   * next scenario finds it settled: ejabberd, cut off between <success/> and its first stanza,
   * bounces the next stanza for that domain instead of connecting again.
   */
  async settle(id: string, ms: number): Promise<void> {
    const mine = () => this.entries.filter((e) => e.initiator === 'target');
    await this.until(() => (this.entries.some((e) => e.received.some((x) => isStanza(x) && x.attr('id') === id)) || (mine().length > 0 && mine().every((e) => e.stream.isEnded || e.stream.transport.isEnded)) ? true : undefined), ms);
  }

  enter(stream: XmppStream, initiator: Initiator): LedgerEntry {
    const entry: LedgerEntry = { label: stream.label, initiator, received: [], stream };
    stream.observers.push((ev) => {
      if (ev.kind === 'element') entry.received.push(ev.element);
      for (const w of this.waiters.splice(0)) w();
    });
    this.entries.push(entry);
    return entry;
  }

  /** stanzas the target sent over connections the given side opened */
  stanzasOn(initiator: Initiator): Array<{ label: string; stanza: XmlElement }> {
    return this.entries.filter((e) => e.initiator === initiator).flatMap((e) => e.received.filter(isStanza).map((stanza) => ({ label: e.label, stanza })));
  }

  describe(): string {
    return this.entries.map((e) => `${e.label} (opened by the ${e.initiator}): ${e.received.map((x) => `<${x.name}${x.attr('type') ? ` type='${x.attr('type')}'` : ''}>`).join(' ') || 'nothing'}`).join('\n');
  }
}

/**
 * The bound of a dialback step in which the target first reaches another server: it resolves the
 * peer's domain and connects (the connect bound), then the exchange takes two answers. Resolution
 * alone takes about 0.6 s on the embedded Prosody.
 */
export const dialbackBound = (cfg: Config): number => cfg.timeouts.connectMs + cfg.timeouts.responseMs * 2;

/** A hostname no target serves (RFC 2606 reserves .invalid). */
export const UNKNOWN_HOST = 'no-such-host.invalid';

export const newKey = (): string => crypto.randomBytes(32).toString('hex');
export const newStreamId = (): string => crypto.randomBytes(12).toString('hex');

export interface S2sOptions {
  cfg: Config;
  secrets: string[];
  ledger: Ledger;
  label: string;
}

/** Open a connection to the target's s2s port as the originating server. Returns after the response header (and features, for version 1.0). */
export async function originate(o: S2sOptions, attrs: Record<string, string | undefined> = {}): Promise<XmppStream> {
  if (!o.cfg.s2s) throw new TargetUnreachable('the config has no s2s host:port: set s2s in the config to run the server-to-server scenarios');
  const transport = await Transport.connect(o.cfg.s2s.host, o.cfg.s2s.port, o.cfg.timeouts.connectMs);
  const stream = new XmppStream(transport, { label: o.label, responseMs: o.cfg.timeouts.responseMs, quietMs: o.cfg.timeouts.quietMs, secrets: o.secrets, contentNs: NS.server });
  o.ledger.enter(stream, 'peer');
  return stream;
}

/**
 * The peer opens its stream as the originating server: the header, the response header and, for
 * version 1.0, the features. When the target offers STARTTLS and the config allows it
 * (peer.starttls), the peer secures the stream first (RFC 3920 5.2: <starttls/>, <proceed/>, the
 * handshake, a new stream), as a deployed server does, presenting `credentials` when given.
 * Returns the features of the stream the scenario goes on with (undefined without version 1.0).
 */
export async function openS2s(s: XmppStream, cfg: Config, attrs: Record<string, string | undefined>, credentials?: Credentials): Promise<XmlElement | undefined> {
  s.openStream(attrs);
  const h = await s.expectHeader();
  // a version-1.0 receiving entity announces its features right after the header
  if (!h.attr('version')) return undefined;
  const features = await s.expectFeatures();
  if (!cfg.peer.starttls || !features.child('starttls', NS.tls)) return features;
  s.send(el('starttls', { xmlns: NS.tls }));
  const answer = await s.expectElement((e) => e.ns === NS.tls, '<proceed/> or <failure/> in the TLS namespace');
  if (!answer.is('proceed', NS.tls)) throw new Undecided(`the target offered STARTTLS to the peer and then refused it (${answer}): the peer's stream could not be secured`);
  await s.startTls({ servername: cfg.domain, allowSelfSigned: true, ...credentials });
  s.restart();
  s.openStream(attrs);
  await s.expectHeader();
  return s.expectFeatures();
}

/**
 * RFC 3920 6.2 between servers, the peer as initiating entity: SASL EXTERNAL on `s` (after TLS,
 * with the peer's certificate) with the zero-length initial response "=" (no authorization
 * identity: 6.2 step 3). A challenge is answered with "=" too. On <success/> the peer opens the
 * new stream (6.2 step 7) and `features` are those of that stream. Bounded by the response timeout.
 */
export async function authenticateExternal(s: XmppStream, attrs: Record<string, string | undefined>): Promise<{ answer: XmlElement; features?: XmlElement }> {
  s.send(el('auth', { xmlns: NS.sasl, mechanism: 'EXTERNAL' }, '='));
  const what = "<success/>, <failure/> or <challenge/> in the SASL namespace";
  let answer = await s.expectElement((e) => e.ns === NS.sasl, what);
  if (answer.is('challenge', NS.sasl)) {
    s.send(el('response', { xmlns: NS.sasl }, '='));
    answer = await s.expectElement((e) => e.ns === NS.sasl, what);
  }
  if (!answer.is('success', NS.sasl)) return { answer };
  s.restart();
  s.openStream(attrs);
  await s.expectHeader();
  return { answer, features: await s.expectFeatures() };
}

export interface ListenerPolicy {
  /**
   * how the authoritative role answers <db:verify/>: by the key's truth; always invalid; with
   * another stream id than asked (8.3 step 8 note: <invalid-id/>); or with a stream error
   * instead of an answer (8.3: the receiving server then owes <remote-connection-failed/>);
   * or honestly, but addressed wrongly (the note to 8.3 step 9): 'wrong-to' names a host the
   * receiving server does not serve (<host-unknown/>), 'wrong-from' a domain other than the
   * originating server's (<invalid-from/>)
   */
  verify: 'honest' | 'invalid' | 'wrong-id' | 'stream-error' | 'wrong-to' | 'wrong-from';
  /** the dialback namespace the listener declares on its response headers (a wrong one: 8.3-5, 8.3-13) */
  dialbackNs?: string;
  /** how the receiving role answers the target's <db:result/>: verify with the target (dial back), or refuse */
  receive: 'dialback' | 'invalid';
  /**
   * SASL EXTERNAL on the target's connections (RFC 3920 6 between servers). Unset: only dialback
   * is offered, with a self-signed certificate. 'after-tls': the listener presents a certificate
   * from the CA the target trusts (peer.pki), asks for the target's, and offers EXTERNAL beside
   * dialback on the stream after TLS, as a deployed server does. 'with-starttls': EXTERNAL is
   * offered already beside STARTTLS, so the order is the target's choice (5.1 rule 7).
   */
  external?: 'after-tls' | 'with-starttls';
}

/** A SASL exchange the target, as initiating server, had with the peer's listener. */
export interface S2sAuth {
  label: string;
  mechanism: string;
  /** the character data of <auth/>, exactly as sent (undefined: none) */
  initial: string | undefined;
  /** the character data of the <response/> to the listener's empty challenge, when <auth/> carried none */
  response?: string;
  /** the authorization identity the target gave ('' for none or "="), undefined when it could not be decoded */
  authzid: string | undefined;
  /** TLS was in place on the stream when <auth/> arrived */
  secured: boolean;
  /** the 'from' of the stream header the target sent on that stream */
  from: string;
  /** how the listener answered: 'success', or the failure condition */
  outcome: string;
  /** on success: how many headers and elements the stream had received by then (stream.received), so the next one is the target's first after <success/> */
  receivedBefore?: number;
}

/** Whether a certificate's DNS names cover `domain` (one wildcard label allowed, as RFC 2818 checks). */
export const certificateNames = (names: string[] | undefined, domain: string): boolean =>
  (names ?? []).some((n) => n.toLowerCase() === domain.toLowerCase() || (n.startsWith('*.') && domain.toLowerCase().endsWith(n.slice(1).toLowerCase()) && !domain.slice(0, -(n.length - 1)).includes('.')));

/**
 * The peer domain's listener. For every connection the target opens it answers the stream
 * header and offers dialback; it plays the authoritative role for keys the suite issued and
 * the receiving role for the target's own requests. Stanzas are left in the stream's inbox.
 */
export class PeerListener {
  private listener: Listener | undefined;
  readonly accepted: XmppStream[] = [];
  /** keys the suite issued as originating server, by the stream id the target gave that connection */
  readonly issued = new Map<string, string>();
  /** validation outcomes the receiving role reached for the target's requests */
  readonly validations: Array<{ from: string; to: string; type: string; id: string; key: string; stanzasBefore: number; label: string }> = [];
  policy: ListenerPolicy = { verify: 'honest', receive: 'dialback' };
  /** SASL exchanges the target started on its connections (policy.external) */
  readonly auths: S2sAuth[] = [];
  /** connections on which the listener answered <success/>: their restarted stream needs no more negotiation */
  private authenticated = new Set<XmppStream>();
  private count = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly o: S2sOptions) {}

  async start(): Promise<void> {
    const { host, port } = this.o.cfg.peer.listen;
    try {
      this.listener = await Listener.open(host, port, (transport) => this.accept(transport));
    } catch (e) {
      throw new TargetUnreachable(`the peer listener cannot listen on ${host}:${port} (${(e as NodeJS.ErrnoException).code}): set peer.listen in the config to a free local address`);
    }
  }

  async stop(): Promise<void> {
    for (const s of this.accepted) s.destroy();
    await this.listener?.close();
  }

  /** Wait, bounded, until the receiving role has decided `n` of the target's validation requests. */
  async awaitValidations(n: number, ms = dialbackBound(this.o.cfg)): Promise<PeerListener['validations']> {
    await this.until(() => this.validations.length >= n, ms, `the target asks the peer's listener to validate its own connection (<db:result/>, 8.3 step 4)`, () => this.o.ledger.describe());
    return this.validations;
  }

  /** Bounded wait until `done()`, re-checked whenever a connection arrives or a validation is decided; `expected` is the outcome waited for. */
  private async until(done: () => boolean, ms: number, expected: string, actual: () => string): Promise<void> {
    if (!(await waitUntil(() => (done() ? true : undefined), this.waiters, ms))) violated({ summary: `expected within ${ms} ms: ${expected}; it did not happen`, accepted: [expected], actual: actual() });
  }

  /** <db:verify/> requests the authoritative role answered, with the answer given */
  readonly verifications: Array<{ id: string; from: string; to: string; answered: string; label: string; answer?: string }> = [];

  /** Wait, bounded, until the authoritative role has answered `n` of the target's <db:verify/> requests. */
  async awaitVerifications(n: number, ms = dialbackBound(this.o.cfg)): Promise<PeerListener['verifications']> {
    await this.until(() => this.verifications.length >= n, ms, `the target, as receiving server, asks the peer's listener to verify the key (<db:verify/>, 8.3 step 8)`, () => this.o.ledger.describe());
    return this.verifications;
  }

  /** The connection (the target opened it) on which the authoritative role gave its `n`-th answer. */
  verificationStream(n = 0): XmppStream | undefined {
    const label = this.verifications[n]?.label;
    return this.accepted.find((s) => s.label === label);
  }

  /**
   * Wait, bounded, until the target has opened `n` connections to the listener. The target first
   * resolves the peer's domain (SRV, then A: about 0.6 s on the embedded Prosody) and connects, so
   * the bound is the connect bound plus the response bound.
   */
  async awaitConnections(n: number, ms = this.o.cfg.timeouts.connectMs + this.o.cfg.timeouts.responseMs): Promise<XmppStream[]> {
    const { host, port } = this.o.cfg.peer.listen;
    await this.until(() => this.accepted.length >= n, ms, `the target opens ${n} connection(s) to the peer's listener ${host}:${port}`, () => `${this.accepted.length} connection(s) opened`);
    return this.accepted;
  }

  private accept(transport: Transport): void {
    const stream = new XmppStream(transport, {
      label: `target-in-${++this.count}`,
      responseMs: this.o.cfg.timeouts.responseMs,
      quietMs: this.o.cfg.timeouts.quietMs,
      secrets: this.o.secrets,
      contentNs: NS.server,
    });
    this.o.ledger.enter(stream, 'target');
    this.accepted.push(stream);
    for (const w of this.waiters.splice(0)) w();
    stream.observers.push((ev) => this.respond(stream, ev));
  }

  /** The scripted reactions of the peer's listener: explicit, and only for stream set-up and dialback. */
  private respond(stream: XmppStream, ev: InboxEvent): void {
    if (ev.kind === 'header') {
      const h = ev.element;
      const id = newStreamId();
      stream.idGiven = id;
      stream.openStream({ from: h.attr('to') ?? this.o.cfg.peer.domain, to: h.attr('from'), id, version: h.attr('version') ? '1.0' : undefined, ...(this.policy.dialbackNs ? { 'xmlns:db': this.policy.dialbackNs } : {}) });
      if (!h.attr('version')) return;
      if (this.authenticated.has(stream)) return stream.sendRaw('<stream:features/>');
      const tls = this.o.cfg.peer.starttls && !stream.tls ? `<starttls xmlns='${NS.tls}'/>` : '';
      const external = (this.policy.external === 'after-tls' && stream.tls) || (this.policy.external === 'with-starttls' && !this.auths.some((a) => a.label === stream.label));
      const sasl = external ? `<mechanisms xmlns='${NS.sasl}'><mechanism>EXTERNAL</mechanism></mechanisms>` : '';
      stream.sendRaw(`<stream:features>${tls}${sasl}<dialback xmlns='urn:xmpp:features:dialback'/></stream:features>`);
      return;
    }
    if (ev.kind !== 'element') return;
    const e = ev.element;
    if (e.is('starttls', NS.tls) && this.o.cfg.peer.starttls && !stream.tls) {
      // RFC 3920 5.2 steps 4-5, the peer as receiving entity: <proceed/>, then the handshake; the target opens a new stream
      stream.sendRaw(`<proceed xmlns='${NS.tls}'/>`);
      const ca = this.policy.external ? this.o.cfg.peer.pki : undefined;
      const { key, cert } = peerCredentials([this.o.cfg.peer.domain, this.o.cfg.peer.secondDomain], ca);
      void stream.acceptTls({ key, cert, ca: ca ? fs.readFileSync(ca.caCert, 'utf8') : undefined });
      return;
    }
    if (this.policy.external && (e.is('auth', NS.sasl) || e.is('response', NS.sasl))) return this.authenticate(stream, e);
    if (isDb(e, 'verify') && !e.attr('type')) {
      // authoritative role: is this key one the suite issued on the stream with that id?
      const key = this.issued.get(e.attr('id') ?? '');
      if (this.policy.verify === 'stream-error') {
        stream.sendRaw("<stream:error><internal-server-error xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
        stream.transport.end();
        this.verifications.push({ id: e.attr('id') ?? '', from: e.attr('from') ?? '', to: e.attr('to') ?? '', answered: 'stream-error', label: stream.label });
        return;
      }
      const valid = this.policy.verify !== 'invalid' && key !== undefined && key === e.text().trim();
      const id = this.policy.verify === 'wrong-id' ? `${e.attr('id')}-other` : e.attr('id');
      const from = this.policy.verify === 'wrong-from' ? this.o.cfg.peer.secondDomain : e.attr('to');
      const to = this.policy.verify === 'wrong-to' ? UNKNOWN_HOST : e.attr('from');
      const answer = el('db:verify', { from, to, id, type: valid ? 'valid' : 'invalid' });
      stream.send(answer);
      this.verifications.push({ id: e.attr('id') ?? '', from: e.attr('from') ?? '', to: e.attr('to') ?? '', answered: valid ? 'valid' : 'invalid', label: stream.label, answer: answer.toString() });
      for (const w of this.waiters.splice(0)) w();
      return;
    }
    if (isDb(e, 'result') && !e.attr('type')) {
      // receiving role: the target asks to be accepted as e.from; verify with the target itself
      const from = e.attr('from') ?? '';
      const to = e.attr('to') ?? '';
      void this.validate(stream, from, to, e.text().trim());
    }
  }

  /**
   * The listener as receiving entity of SASL EXTERNAL (RFC 3920 6.2): an <auth/> without character
   * data gets an empty challenge, and the <response/> to it is the target's response. Success when
   * TLS is in place, the target's certificate chains to the CA and names the domain of its stream
   * header, and any authorization identity is that domain; otherwise the failure a server sends.
   */
  private authenticate(stream: XmppStream, e: XmlElement): void {
    const pending = this.auths.find((a) => a.label === stream.label && a.outcome === 'challenged');
    if (e.is('response', NS.sasl) && !pending) return;
    const text = e.text().trim() || undefined;
    const auth: S2sAuth = pending ?? { label: stream.label, mechanism: e.attr('mechanism') ?? '', initial: text, authzid: undefined, secured: !!stream.tls, from: stream.header?.attr('from') ?? '', outcome: '' };
    if (pending) auth.response = text ?? '';
    else this.auths.push(auth);
    const fail = (condition: string) => {
      auth.outcome = condition;
      stream.sendRaw(`<failure xmlns='${NS.sasl}'><${condition}/></failure>`);
    };
    if (auth.mechanism !== 'EXTERNAL') return fail('invalid-mechanism');
    if (!pending && text === undefined) {
      auth.outcome = 'challenged';
      return stream.sendRaw(`<challenge xmlns='${NS.sasl}'/>`);
    }
    const data = pending ? auth.response! : text!;
    const decoded = !isBase64(data) ? undefined : data === '=' ? '' : Buffer.from(data, 'base64').toString('utf8');
    auth.authzid = decoded;
    if (!auth.secured) return fail('not-authorized');
    if (decoded === undefined) return fail('incorrect-encoding');
    if (decoded !== '' && decoded !== auth.from) return fail('invalid-authzid');
    if (!stream.tls?.authorized || !certificateNames(stream.tls.names, auth.from)) return fail('not-authorized');
    auth.outcome = 'success';
    auth.receivedBefore = stream.received.length;
    this.authenticated.add(stream);
    stream.sendRaw(`<success xmlns='${NS.sasl}'/>`);
    // RFC 3920 6.2 step 7: the target opens a new stream over the same connection
    stream.restart();
    for (const w of this.waiters.splice(0)) w();
  }

  private async validate(stream: XmppStream, from: string, to: string, key: string): Promise<void> {
    let type = 'invalid';
    const id = stream.idGiven!;
    if (this.policy.receive === 'dialback') {
      try {
        type = await verifyWithTarget(this.o, to, from, id, key);
      } catch (e) {
        stream.transcript.note(`the receiving role could not verify with the target: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    // 8.3 step 10: stanzas the target sent on this connection before it was declared valid
    const stanzasBefore = this.o.ledger.entries.find((e) => e.stream === stream)?.received.filter(isStanza).length ?? 0;
    this.validations.push({ from, to, type, id, key, stanzasBefore, label: stream.label });
    stream.send(el('db:result', { from: to, to: from, type }));
    for (const w of this.waiters.splice(0)) w();
  }
}

/** RFC 3920 8.3 step 7: the target's answer, as authoritative server, to a <db:verify/> the peer sent on `s` (bounded). */
export function verifyAnswer(s: XmppStream): Promise<XmlElement> {
  return s.expectElement((e) => isDb(e, 'verify') && !!e.attr('type'), "the target's <db:verify type='...'/> answer");
}

/**
 * Receiving role, step 5-7: dial back to the target's s2s port and ask it (as authoritative
 * server) whether `key` is valid for the stream `id`. Returns the target's type.
 */
export async function verifyWithTarget(o: S2sOptions, peerDomain: string, targetDomain: string, id: string, key: string): Promise<string> {
  const s = await originate({ ...o, label: `peer-verify-${id.slice(0, 6)}` });
  try {
    await openS2s(s, o.cfg, { from: peerDomain, to: targetDomain });
    s.send(el('db:verify', { from: peerDomain, to: targetDomain, id }, key));
    return (await verifyAnswer(s)).attr('type')!;
  } finally {
    s.close();
  }
}

let s2sRoundTrips = 0;

/**
 * Whether the target handled, as addressed to itself, a stanza the peer sent over its connection
 * `stream` (10.1: "processed on behalf of the sender" applies only to stanzas from a registered
 * entity; a peer's stanza without 'to' is not one). Settled by a round-trip: an IQ ping from
 * `from` to `to`, sent right behind it; the target answers it (over whichever connection it
 * uses toward the peer: 4.2 wants its own) only after it has handled the stanza before it.
 * Passes, naming which, on: no answer to the stanza before the round-trip's answer; a stanza
 * error; a stream error or the connection closed. Fails on an answer of type 'result'.
 * Without the round-trip's answer within `ms`, silence for `ms` is the (weaker) proof, named.
 */
export async function judgeNotHandledOverS2s(o: { ledger: Ledger; stream: XmppStream; stanzaId: string; from: string; to: string; ms: number }): Promise<string> {
  const rt = `rt-s2s-${++s2sRoundTrips}`;
  if (!o.stream.isEnded && !o.stream.transport.isEnded) o.stream.send(el('iq', { from: o.from, to: o.to, id: rt, type: 'get' }, el('ping', { xmlns: NS.ping })));
  const answerTo = (id: string) => {
    for (const e of o.ledger.entries) for (const x of e.received) if (isStanza(x) && x.attr('id') === id && (x.attr('type') === 'result' || x.attr('type') === 'error')) return { label: e.label, stanza: x };
    return undefined;
  };
  const mine = o.ledger.entries.find((e) => e.stream === o.stream);
  const streamError = () => mine?.received.find((x) => x.is('error', NS.stream));
  const ended = () => o.stream.isEnded || o.stream.transport.isEnded || o.stream.unread().some((e) => e.kind === 'close');
  const settled = await o.ledger.until(() => answerTo(o.stanzaId) ?? streamError() ?? answerTo(rt) ?? (ended() ? 'ended' : undefined), o.ms);
  const answer = answerTo(o.stanzaId);
  if (answer?.stanza.attr('type') === 'result') {
    violated({
      summary: `the target handled the stanza '${o.stanzaId}', which had no 'to', as addressed to itself. Stanzas from other servers MUST possess a 'to' (RFC 3920 10.1, 9.1.1); processing a stanza without 'to' on behalf of its sender applies only to a registered entity such as a client`,
      accepted: ['no answer to it before the round-trip ping is answered', 'a stanza error', 'a stream error, or the connection closed'],
      actual: `${answer.stanza} over ${answer.label}\n${o.ledger.describe()}`,
      where: `${answer.label}.xmpp.txt`,
    });
  }
  if (answer) {
    const cond = conditionOf(answer.stanza.child('error'), NS.stanzas);
    return `not handled on the sender's behalf: refused with the stanza error ${cond ? `<${cond}/>` : answer.stanza.toString()} over ${answer.label}`;
  }
  const err = streamError();
  if (err) return `not handled: the target refused it with the stream error <${conditionOf(err, NS.streams) ?? '?'}/> (core-9.1.1-2 decides the condition)`;
  if (settled === 'ended') return 'not handled: the target closed the connection';
  const rtAnswer = answerTo(rt);
  if (rtAnswer) return `not handled: nothing answered it before the round-trip ping ${rt} was answered over ${rtAnswer.label} (proof: round-trip)`;
  return `not handled: nothing answered it within ${o.ms} ms, and the round-trip ping ${rt} was not answered either (proof: quiet window of ${o.ms} ms)`;
}
