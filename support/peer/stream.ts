// XmppStream: one connection of the scripted peer. A typed inbox of everything that arrived,
// raw writes always allowed, bounded waits, and no automatic reactions.
import pTimeout, { TimeoutError } from 'p-timeout';
import { Transport, type TlsInfo, type TlsOptions, type TlsServerOptions, type TransportEvent } from '../wire/transport.ts';
import { StreamReader, type Markup, type ReaderEvent } from '../wire/reader.ts';
import { NS, XmlElement } from '../wire/element.ts';
import { Transcript } from '../wire/transcript.ts';
import { ExpectationFailed } from '../errors.ts';
import { violated } from '../verdict/judge.ts';

export type InboxEvent = ReaderEvent | Exclude<TransportEvent, { kind: 'data' }>;

export interface StreamOptions {
  label: string;
  responseMs: number;
  quietMs: number;
  secrets: string[];
  /** the content namespace of this stream: jabber:client or jabber:server */
  contentNs: string;
  /** the largest top-level element read (characters); default 1 MiB */
  maxElementChars?: number;
}

/** A mechanism no server offers: the <auth/> of the pre-authentication round-trip. */
export const ROUND_TRIP_MECHANISM = 'X-XMPP-CONFORMANCE-ROUND-TRIP';

/**
 * One entry of a connection's timeline, for the run-wide checks after the scenario (4.7.1-1:
 * what followed a stream error): what the target sent, how the connection ended, and what the
 * suite itself did to end it ('peer-close' = the suite sent '</stream:stream>', 'peer-end' = it
 * half-closed TCP, 'peer-destroy' = it tore the connection down, 'peer-probe' = it sent a round-trip
 * request of its own behind the input under test).
 */
export interface TimelineEntry {
  kind: 'header' | 'element' | 'close' | 'tcp-end' | 'tcp-reset' | 'tcp-closed' | 'peer-close' | 'peer-end' | 'peer-destroy' | 'peer-probe';
  /** milliseconds since the transcript began, as in the transcript's '+0.123s' */
  t: number;
  /** the transcript entry (1-based) that carried it */
  line: number;
  element?: XmlElement;
}

export function describe(ev: InboxEvent): string {
  switch (ev.kind) {
    case 'header':
    case 'element':
      return ev.element.toString().slice(0, 400);
    case 'text':
      return `character data ${JSON.stringify(ev.text.slice(0, 80))}`;
    case 'close':
      return '</stream:stream>';
    case 'comment':
      return `<!--${ev.text}-->`;
    case 'pi':
      return `<?${ev.target} ${ev.body}?>`;
    case 'doctype':
      return `<!DOCTYPE${ev.text}>`;
    case 'xmldecl':
      return `<?xml version='${ev.version}'?>`;
    case 'xml-error':
      return `XML the peer could not parse (${ev.message})`;
    case 'tcp-end':
      return 'TCP connection closed by the target (FIN)';
    case 'tcp-reset':
      return `TCP connection reset (${ev.message})`;
    case 'tcp-closed':
      return 'TCP connection closed';
  }
}

/**
 * The one bounded wait of the peer: until `check` returns a value, checked at once and again each
 * time one of `wakers` is called (the owner calls and empties them when something arrives);
 * bounded by p-timeout. On timeout the last check's answer is returned (undefined: not reached).
 * A `check` that throws ends the wait with that error.
 */
export async function waitUntil<T>(check: () => T | undefined, wakers: Array<() => void>, ms: number): Promise<T | undefined> {
  let over = false;
  let waker: (() => void) | undefined;
  const loop = async (): Promise<T | undefined> => {
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      await new Promise<void>((resolve) => wakers.push((waker = resolve)));
      if (over) return undefined;
    }
  };
  try {
    return await pTimeout(loop(), { milliseconds: ms });
  } catch (e) {
    if (e instanceof TimeoutError) return check();
    throw e;
  } finally {
    // the loop left behind ends now instead of at the next arrival
    over = true;
    const i = waker ? wakers.indexOf(waker) : -1;
    if (i >= 0) wakers.splice(i, 1)[0]!();
  }
}

let roundTrips = 0;
/** The id of every round-trip ping: this prefix and a number (the bench finds the pings by it). */
export const ROUND_TRIP_ID = 'rt-';

/** The transcript note of a bounded wait that ran out (read by the benchmark). */
export const TIMER_NOTE = 'no answer: waited out the bound of';

export class XmppStream {
  readonly transcript: Transcript;
  private inbox: InboxEvent[] = [];
  /** the waits (waitUntil) to wake when an event arrives */
  private readonly wakers: Array<() => void> = [];
  private readonly reader: StreamReader;
  private ended = false;
  private sawStreamClose = false;
  private sawReset = false;
  private sawFin = false;
  header: XmlElement | undefined;
  tls: TlsInfo | undefined;
  /** why the TLS handshake on a connection the target opened failed, if it did (acceptTls) */
  tlsFailure: string | undefined;
  /** the stream id the peer's listener gave this connection in its response header */
  idGiven: string | undefined;
  /** called with every event as it arrives (the s2s ledger and the dialback responder listen here) */
  readonly observers: Array<(ev: InboxEvent) => void> = [];
  /** time spent in quiet windows, for the benchmark */
  static quietMsTotal = 0;
  /** every header and top-level element that arrived, for the Appendix C schema check after the scenario */
  readonly received: Array<{ kind: 'header' | 'element'; element: XmlElement }> = [];
  /** what arrived and how the connection ended, in order, for the run-wide checks after the scenario */
  readonly timeline: TimelineEntry[] = [];

  private mark(kind: TimelineEntry['kind'], element?: XmlElement): void {
    this.timeline.push({ kind, t: Date.now() - this.transcript.startedAt, line: this.transcript.lines.length, ...(element ? { element } : {}) });
  }

  constructor(
    readonly transport: Transport,
    readonly opts: StreamOptions,
  ) {
    this.transcript = new Transcript(opts.label, opts.secrets);
    this.transcript.note(`connection ${transport.local} -> ${transport.remote}`);
    this.reader = new StreamReader((ev) => this.push(ev), opts.maxElementChars);
    this.observers.push((ev) => (ev.kind === 'header' || ev.kind === 'element') && this.received.push({ kind: ev.kind, element: ev.element }));
    transport.onEvent((ev) => this.onTransport(ev));
  }

  get label(): string {
    return this.opts.label;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The markup the target sent on this connection, every stream of it, as the reader read it (for the section 11 checks). */
  get markup(): Markup {
    return this.reader.markup;
  }

  private onTransport(ev: TransportEvent): void {
    if (ev.kind === 'data') {
      this.transcript.record('recv', ev.text);
      this.reader.write(ev.text);
      return;
    }
    this.transcript.note(describe(ev));
    if (ev.kind === 'tcp-reset') this.sawReset = true;
    if (ev.kind === 'tcp-end') this.sawFin = true;
    if (ev.kind === 'tcp-closed') this.ended = true;
    this.push(ev);
  }

  /**
   * The first thing the target sent that no XMPP stream may carry (XML that is not well-formed,
   * a DOCTYPE, a processing instruction, a comment: 4.7, 11.1). Nothing read after it counts.
   */
  taint: string | undefined;
  private seq = 0;
  private readonly seqOf = new WeakMap<InboxEvent, number>();
  private taintSeq = Infinity;

  private push(ev: InboxEvent): void {
    // the text declaration belongs to the header that follows; it is in the transcript, not the inbox
    if (ev.kind === 'xmldecl') return;
    this.seqOf.set(ev, ++this.seq);
    if (!this.taint && (ev.kind === 'xml-error' || ev.kind === 'doctype' || ev.kind === 'pi' || ev.kind === 'comment')) {
      this.taint = describe(ev);
      this.taintSeq = this.seq;
    }
    if (ev.kind === 'close') this.sawStreamClose = true;
    if (ev.kind === 'header') this.header = ev.element;
    if (ev.kind === 'header' || ev.kind === 'element') this.mark(ev.kind, ev.element);
    else if (ev.kind === 'close' || ev.kind === 'tcp-end' || ev.kind === 'tcp-reset' || ev.kind === 'tcp-closed') this.mark(ev.kind);
    this.inbox.push(ev);
    for (const o of this.observers) o(ev);
    for (const w of this.wakers.splice(0)) w();
  }

  /** What arrived and was not consumed, for failure messages and the end-of-scenario check. */
  unread(): InboxEvent[] {
    return [...this.inbox];
  }

  /** Put an event taken by expect() back at the head of the inbox (evidence kept for the caller). */
  putBack(ev: InboxEvent): void {
    this.inbox.unshift(ev);
  }

  drain(): InboxEvent[] {
    const all = this.inbox;
    this.inbox = [];
    return all;
  }

  sendRaw(text: string): void {
    this.transcript.record('sent', text);
    if (text.includes('</stream:stream>') && !this.transport.isEnded) this.mark('peer-close');
    this.transport.write(text);
  }

  /**
   * Bytes as they are (another encoding, or not XML at all), with a transcript note saying what
   * they are; `text`, when given, is what they encode, recorded as sent.
   */
  sendBytes(bytes: Buffer, note: string, text?: string): void {
    this.transcript.note(note);
    if (text !== undefined) this.transcript.record('sent', text);
    this.transport.writeBytes(bytes);
  }

  send(element: XmlElement | string): void {
    this.sendRaw(typeof element === 'string' ? element : element.toString());
  }

  /** The initial stream header (RFC 3920 4.4), with the attributes given (undefined = left out). */
  openStream(attrs: Record<string, string | undefined> = {}, declaration = true): void {
    const all: Record<string, string | undefined> = {
      xmlns: this.opts.contentNs,
      'xmlns:stream': NS.stream,
      ...(this.opts.contentNs === NS.server ? { 'xmlns:db': NS.dialback } : {}),
      version: '1.0',
      ...attrs,
    };
    const text = Object.entries(all)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ` ${k}='${v}'`)
      .join('');
    this.sendRaw(`${declaration ? "<?xml version='1.0'?>" : ''}<stream:stream${text}>`);
  }

  /** A new stream over the same connection (after STARTTLS or SASL): new parser, empty inbox. */
  restart(): void {
    this.inbox = this.inbox.filter((e) => e.kind.startsWith('tcp'));
    this.header = undefined;
    this.taint = undefined;
    this.taintSeq = Infinity;
    this.reader.reset();
  }

  /**
   * Wait, bounded, for the first event that matches. Events that do not match stay in the inbox.
   * Fails (a verdict, not a crash) on timeout or when the connection ends first.
   */
  async expect<T extends InboxEvent>(
    match: (ev: InboxEvent) => ev is T,
    what: string,
    ms?: number,
  ): Promise<T>;
  async expect(match: (ev: InboxEvent) => boolean, what: string, ms?: number): Promise<InboxEvent>;
  async expect(match: (ev: InboxEvent) => boolean, what: string, ms = this.opts.responseMs): Promise<InboxEvent> {
    const ev = await this.until(() => {
      const i = this.inbox.findIndex(match);
      if (i >= 0 && (this.seqOf.get(this.inbox[i]!) ?? 0) < this.taintSeq) return this.inbox.splice(i, 1)[0]!;
      if (this.taint) violated({ summary: `expected ${what}, but before it the target sent ${this.taint}; nothing after that counts (RFC 3920 4.7, 11.1)`, accepted: [what], actual: this.unreadText(), where: this.where() });
      if (this.ended) violated({ summary: `expected ${what}, but the connection ended first`, accepted: [what], actual: this.unreadText(), where: this.where() });
      return undefined;
    }, ms);
    if (ev) return ev;
    // the benchmark sums these: time a verdict spent waiting out a bound for an answer that never came
    this.transcript.note(`${TIMER_NOTE} ${ms} ms for ${what}`);
    violated({ summary: `expected ${what} within ${ms} ms; nothing matching arrived`, accepted: [what], actual: this.unreadText(), where: this.where() });
  }

  /** Wait, bounded, until `check` returns a value, re-checked whenever an event arrives on this connection (undefined: the bound passed first). */
  until<T>(check: () => T | undefined, ms: number): Promise<T | undefined> {
    return waitUntil(check, this.wakers, ms);
  }

  /** Where a verdict was reached: the connection's transcript (attached as <label>.xmpp.txt) up to this entry. */
  where(): string {
    return `${this.label}.xmpp.txt, up to transcript entry ${this.transcript.lines.length}`;
  }

  /** What arrived and was not consumed, one event a line: the "Actual" of a failure. */
  unreadText(): string {
    return this.inbox.length ? this.inbox.map(describe).join('\n  ') : 'nothing';
  }

  inboxSummary(): string {
    return `Received and not consumed (${this.where()}):\n  ${this.unreadText()}`;
  }

  async expectHeader(): Promise<XmlElement> {
    const ev = await this.expect((e): e is Extract<InboxEvent, { kind: 'header' }> => e.kind === 'header', 'a response stream header');
    return ev.element;
  }

  async expectElement(pred: (e: XmlElement) => boolean, what: string, ms?: number): Promise<XmlElement> {
    const ev = await this.expect(
      (e): e is Extract<InboxEvent, { kind: 'element' }> => e.kind === 'element' && pred(e.element),
      what,
      ms,
    );
    return ev.element;
  }

  /** The IQ that answers the request `id` (type result or error), bounded; `what` names it when it does not come. */
  answerTo(id: string, what: string, ms?: number): Promise<XmlElement> {
    return this.expectElement((e) => e.is('iq') && e.attr('id') === id, what, ms);
  }

  async expectFeatures(): Promise<XmlElement> {
    return this.expectElement((e) => e.is('features', NS.stream), '<stream:features/>');
  }

  /**
   * After a stream error: wait for the target's '</stream:stream>', answer it with ours as a
   * well-behaved peer does (4.1: both sides then terminate the connection; later servers wait
   * for the peer's closing tag before closing TCP), then wait for the TCP connection to end.
   */
  async awaitCloseAfterError(): Promise<{ streamClosed: boolean; tcp: 'closed' | 'reset' | 'open'; answered: boolean }> {
    try {
      await this.expect((e) => e.kind === 'close' || e.kind.startsWith('tcp'), "'</stream:stream>' after the stream error");
    } catch (e) {
      if (!(e instanceof ExpectationFailed)) throw e;
    }
    let answered = false;
    if (this.sawStreamClose && !this.ended && !this.transport.isEnded) {
      this.sendRaw('</stream:stream>');
      answered = true;
    }
    return { ...(await this.awaitClose()), answered };
  }

  /** Wait, bounded, for the target to end the connection. Never fails by itself: reports what happened. */
  async awaitClose(ms = this.opts.responseMs): Promise<{ streamClosed: boolean; tcp: 'closed' | 'reset' | 'open' }> {
    try {
      await this.expect((e) => e.kind === 'tcp-end' || e.kind === 'tcp-closed' || e.kind === 'tcp-reset', 'the TCP connection to close', ms);
    } catch (e) {
      if (!(e instanceof ExpectationFailed)) throw e;
    }
    const tcp = this.sawReset ? 'reset' : this.sawFin || this.ended || this.transport.isEnded ? 'closed' : 'open';
    return { streamClosed: this.sawStreamClose, tcp };
  }

  /** RFC 3920 4.7.1 / 4.1: the target closed the stream and the TCP connection. */
  async expectClosed(): Promise<{ streamClosed: boolean; tcp: 'closed' | 'reset' | 'open' }> {
    const r = await this.awaitClose();
    if (r.tcp === 'open') violated({ summary: `expected the target to close the TCP connection within ${this.opts.responseMs} ms; it stayed open`, accepted: ['the target closes the TCP connection'], actual: this.unreadText(), where: this.where() });
    return r;
  }

  /**
   * An IQ ping to `to` and its answer: whatever the target sent because of earlier input arrives
   * before that answer, and stays in the inbox for the caller. Returns the ping's id.
   */
  async roundTrip(to: string): Promise<string> {
    const id = `${ROUND_TRIP_ID}${++roundTrips}`;
    this.sendRaw(`<iq type='get' id='${id}' to='${to}'><ping xmlns='${NS.ping}'/></iq>`);
    await this.answerTo(id, `the answer to the round-trip ping ${id} (proof that nothing else was sent)`);
    return id;
  }

  /**
   * The round-trip that exists before authentication: no stanza is answered then, but SASL is.
   * An <auth/> naming a mechanism the target did not offer is answered with <failure/> (RFC 3920
   * 6.2 step 5, 6.4 <invalid-mechanism/>), and the target handles its input in order, so whatever
   * it sent because of earlier input arrives before that answer. Resolves 'answered' (the
   * <failure/> is consumed) or 'ended' when a stream error, '</stream:stream>' or the TCP end came
   * first (left unread for the caller). Not for a stream that may be closing: a request the target
   * has not read when it closes makes TCP reset the connection (see streamErrorThenClose in support/verdict/stream-error.ts).
   */
  async saslRoundTrip(): Promise<'answered' | 'ended'> {
    this.mark('peer-probe');
    this.sendRaw(`<auth xmlns='${NS.sasl}' mechanism='${ROUND_TRIP_MECHANISM}'/>`);
    const answer = (e: InboxEvent) => e.kind === 'element' && e.element.is('failure', NS.sasl);
    const ended = (e: InboxEvent) => e.kind === 'close' || e.kind.startsWith('tcp') || (e.kind === 'element' && e.element.is('error', NS.stream));
    const ev = await this.expect((e) => answer(e) || ended(e), `the answer to an <auth/> with the mechanism ${ROUND_TRIP_MECHANISM} (the pre-authentication round-trip)`);
    if (answer(ev)) {
      this.transcript.note(`pre-authentication round-trip answered: everything sent before it was handled`);
      return 'answered';
    }
    this.putBack(ev);
    return 'ended';
  }

  async startTls(opts: TlsOptions): Promise<TlsInfo> {
    this.transcript.note('TLS handshake begins');
    this.reader.reset();
    this.tls = await this.transport.upgradeToTls(opts, this.opts.responseMs);
    this.transcript.note(`TLS established: ${this.tls.protocol} ${this.tls.cipher}${this.tls.authorized ? '' : ` (certificate not trusted: ${this.tls.authorizationError}; accepted by tls.allowSelfSigned)`}`);
    return this.tls;
  }

  /** Server side of STARTTLS (the target opened this connection to the peer's listener): the handshake, then a new stream. */
  async acceptTls(o: TlsServerOptions): Promise<void> {
    this.transcript.note('TLS handshake begins (the peer is the TLS server)');
    this.reader.reset();
    this.header = undefined;
    try {
      this.tls = await this.transport.acceptTls(o, this.opts.responseMs);
      const theirs = o.ca ? `; the target's certificate: ${this.tls.authorized ? 'valid' : `not valid (${this.tls.authorizationError})`}${this.tls.names ? `, for ${this.tls.names.join(', ')}` : ''}` : '';
      this.transcript.note(`TLS established: ${this.tls.protocol} ${this.tls.cipher}${theirs}`);
    } catch (e) {
      this.tlsFailure = (e as Error).message;
      this.transcript.note(`the TLS handshake with the target failed: ${this.tlsFailure}`);
      this.destroy();
    }
  }

  /** Close politely: '</stream:stream>' then half-close; tear down if the target does not follow. */
  close(): void {
    if (!this.ended) {
      this.sendRaw('</stream:stream>');
      this.transport.end();
      this.mark('peer-end');
    }
  }

  destroy(): void {
    if (!this.ended && !this.transport.isEnded) this.mark('peer-destroy');
    this.transport.destroy();
    this.ended = true;
    this.transcript.end();
  }
}

/** How a stream settled after a provocation whose reaction the text leaves open (sections 4 and 11). */
export type Settled =
  | { kind: 'features'; element: XmlElement }
  | { kind: 'error'; element: XmlElement }
  | { kind: 'answer'; element: XmlElement }
  | { kind: 'closed' }
  | { kind: 'silence' }
  | { kind: 'tainted'; what: string };

/**
 * Wait, bounded by `ms`, for the first of: stream features, a stream error, the answer to the IQ
 * `rtId` (a round-trip ping sent by the caller), the end of the connection. Never fails by itself.
 */
export async function settle(s: XmppStream, rtId?: string, ms = s.opts.responseMs): Promise<Settled> {
  try {
    const ev = await s.expect(
      (e) =>
        (e.kind === 'element' &&
          (e.element.is('features', NS.stream) || e.element.is('error', NS.stream) || (rtId !== undefined && e.element.is('iq') && e.element.attr('id') === rtId))) ||
        e.kind === 'tcp-end' ||
        e.kind === 'tcp-reset' ||
        e.kind === 'tcp-closed' ||
        e.kind === 'close',
      'features, a stream error, an answer or the end of the connection',
      ms,
    );
    if (ev.kind !== 'element') return { kind: 'closed' };
    if (ev.element.is('features', NS.stream)) return { kind: 'features', element: ev.element };
    if (ev.element.is('error', NS.stream)) return { kind: 'error', element: ev.element };
    return { kind: 'answer', element: ev.element };
  } catch (e) {
    if (!(e instanceof ExpectationFailed)) throw e;
    if (s.taint) return { kind: 'tainted', what: s.taint };
    if (s.isEnded || s.transport.isEnded) return { kind: 'closed' };
    return { kind: 'silence' };
  }
}
