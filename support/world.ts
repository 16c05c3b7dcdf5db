// Per-scenario state: the config, the connections of this scenario, what the verdict observed.
import { World, setWorldConstructor, type IWorldOptions } from '@cucumber/cucumber';
import { forWorker, loadConfig, secretsOf, type Account, type Config } from './config.ts';
import { Client, type Stage } from './peer/client.ts';
import { NS } from './wire/element.ts';
import type { XmppStream } from './peer/stream.ts';
import { ExpectationFailed, Undecided } from './errors.ts';
import { Ledger, PeerListener, originate } from './peer/server.ts';
import type { BindAnswer } from './peer/client.ts';
import type { SaslOutcome } from './peer/auth.ts';
import type { XmlElement } from './wire/element.ts';
import type { Listener } from './wire/listener.ts';
import type { StanzaErrorOutcome } from './verdict/stanza-error.ts';

/**
 * What a step leaves for a later step of the same scenario, each value named and typed once.
 * Fresh for every scenario, and for the second attempt of a replayed one.
 */
export interface ScenarioState {
  /** the response stream headers of clients that opened streams at the same time */
  headers?: XmlElement[];
  /** the stream ids of clients that opened streams one after another */
  sequentialIds?: Array<string | undefined>;
  /** the stream features a step read */
  features?: XmlElement;
  /** the stream ids the target gave the peer's connections, and the features it sent one of them */
  s2sIds?: string[];
  s2sFeatures?: XmlElement;
  /** the type of the target's answer to the peer's db:verify */
  verifyAnswer?: string;
  /** the id of the message or IQ a step sent, for the step that judges what came of it */
  messageId?: string;
  iqId?: string;
  /** what each stanza a client sent was (message, presence, iq), by its id */
  kinds: Map<string, string>;
  /** each role's bind request, and the answer once awaited */
  bindRequests: Map<string, { id: string; resource: string | undefined }>;
  bindAnswers: Map<string, BindAnswer>;
  /** SASL: the last exchange, its mechanism and where in the transcript it began; failed attempts; the suite's retry bound; every offered mechanism's exchange */
  sasl?: SaslOutcome;
  saslMechanism?: string;
  saslMark?: number;
  attempts?: SaslOutcome[];
  retries?: number;
  perMechanism?: Array<[string, SaslOutcome]>;
  /** the TLS handshake: what was negotiated, or why it failed */
  tlsInfo?: { protocol: string | null; cipher: string };
  tlsError?: string;
  /** the stanza a judge read last, and the stanza error it found in it */
  stanza?: XmlElement;
  error?: StanzaErrorOutcome;
  /** the listener an external DTD points at (11.1) */
  trap?: Listener;
}

const freshState = (): ScenarioState => ({ kinds: new Map(), bindRequests: new Map(), bindAnswers: new Map() });

let configCache: Config | undefined;

/** This process's worker number (0 outside parallel runs) and how many workers the run has. */
export function workerOf(cfg: Config): { worker: number; workers: number } {
  return { worker: Number(process.env.CUCUMBER_WORKER_ID ?? '0') || 0, workers: Number(process.env.XMPP_WORKERS ?? cfg.parallel) || 1 };
}

/** The run's config as this worker sees it: with its own peer lane when there are enough (config.ts forWorker). */
export function suiteConfig(): Config {
  if (!configCache) {
    const file = process.env.XMPP_CONFORMANCE_CONFIG;
    if (!file) throw new Undecided('XMPP_CONFORMANCE_CONFIG is not set: run the suite with `npm run conformance`');
    const cfg = loadConfig(file, {});
    const { worker, workers } = workerOf(cfg);
    configCache = forWorker(cfg, worker, workers);
  }
  return configCache;
}

/** The outer bound of one step: a step's own waits are bounded by the config (support/hooks.ts). */
export function stepTimeoutMs(cfg: Config): number {
  return Math.max(10_000, cfg.timeouts.responseMs * 4 + cfg.timeouts.quietMs * 2);
}

/** Each parallel worker uses its own pair of accounts, so no two workers share a recipient. */
export function workerAccounts(cfg: Config): [Account, Account] {
  const { worker } = workerOf(cfg);
  const pairs = Math.max(1, Math.floor(cfg.accounts.length / 2));
  const base = (worker % pairs) * 2;
  return [cfg.accounts[base]!, cfg.accounts[base + 1]!];
}

export class XmppWorld extends World {
  readonly cfg: Config;
  readonly secrets: string[];
  /** connections by role name: 'client', 'recipient', ... */
  readonly clients = new Map<string, Client>();
  /** every stream opened in this scenario, in order, for transcripts and clean-up */
  readonly streams: XmppStream[] = [];
  /** what happened, in the words of the verdict: one line per decision */
  readonly outcomes: string[] = [];
  /** what a step leaves for a later one */
  state: ScenarioState = freshState();

  /** A value an earlier step of the scenario must have left; without it the scenario is broken (its steps are out of order). */
  need<K extends keyof ScenarioState>(key: K): NonNullable<ScenarioState[K]> {
    const v = this.state[key];
    if (v === undefined) throw new Error(`no ${key}: the step that records it did not run before this one`);
    return v as NonNullable<ScenarioState[K]>;
  }
  /** s2s: which connection carried what, by who opened it */
  readonly ledger = new Ledger();
  /** s2s: the peer domain's listener (authoritative and receiving roles), when a step started it */
  listener: PeerListener | undefined;
  /** s2s: connections the peer opened to the target, by name */
  readonly s2s = new Map<string, XmppStream>();
  /** the Given and When steps run so far, so the scenario can run once more (support/step.ts) */
  readonly script: Array<{ run: (this: unknown, ...args: unknown[]) => Promise<unknown>; args: unknown[] }> = [];
  /** how many Then steps have started */
  thenSteps = 0;
  /** the streams of an attempt set aside by a replay: their transcripts are attached too */
  readonly retired: XmppStream[] = [];
  /** set-up connections the target ended with <internal-server-error/>, already set up again (negotiatedClient) */
  readonly setUpAgain = new Set<XmppStream>();

  constructor(options: IWorldOptions) {
    super(options);
    this.cfg = suiteConfig();
    this.secrets = secretsOf(this.cfg);
  }

  get accounts(): [Account, Account] {
    return workerAccounts(this.cfg);
  }

  async newClient(role: string, account = role === 'recipient' ? this.accounts[1] : this.accounts[0]): Promise<Client> {
    const n = this.streams.length + this.retired.length + 1;
    const client = await Client.connect(this.cfg, account, `${role}-${n}`, this.secrets);
    this.clients.set(role, client);
    this.streams.push(client.stream);
    return client;
  }

  /**
   * A client negotiated up to `stage` as a scenario's precondition. A target that ends the
   * stream with <internal-server-error/> while the precondition is being set up has failed at
   * something other than the requirement under test: the set-up is tried once more on a new
   * connection, and the outcome says so (both transcripts are attached).
   */
  async negotiatedClient(role: string, stage: Stage, account?: Account, then?: (c: Client) => Promise<void>): Promise<Client> {
    const c = await this.newClient(role, account);
    try {
      await c.negotiate(stage);
      if (then) await then(c);
      return c;
    } catch (e) {
      const internal = c.stream.unread().some((ev) => ev.kind === 'element' && ev.element.is('error', NS.stream) && ev.element.child('internal-server-error', NS.streams));
      if (!(e instanceof ExpectationFailed) || !internal) throw e;
      this.outcome(`set-up: the target ended ${c.stream.label} with <internal-server-error/> before the precondition was reached; set up again on a new connection`);
      this.setUpAgain.add(c.stream);
      c.stream.destroy();
      const again = await this.newClient(role, account);
      await again.negotiate(stage);
      if (then) await then(again);
      return again;
    }
  }

  /** Every connection of the scenario, a replay's set-aside attempt and the s2s ledger included. */
  allStreams(): XmppStream[] {
    const own = [...this.retired, ...this.streams];
    return [...own, ...this.ledger.entries.map((e) => e.stream).filter((s) => !own.includes(s))];
  }

  /**
   * The label of a client stream the target ended with <internal-server-error/>, when the scenario
   * can run again (client-to-server only, not replayed yet): see support/step.ts.
   */
  replayableAfterInternalError(): string | undefined {
    if (this.retired.length || this.listener || this.s2s.size || this.ledger.entries.length) return undefined;
    // a set-up the target ended that way was already set up again: that error is accounted for
    const ended = this.streams.find((s) => !this.setUpAgain.has(s) && s.received.some((r) => r.kind === 'element' && r.element.is('error', NS.stream) && r.element.child('internal-server-error', NS.streams)));
    return ended?.label;
  }

  /** Set this attempt's connections aside and run the recorded Given and When steps again. */
  async replay(): Promise<void> {
    for (const s of this.streams) s.destroy();
    this.retired.push(...this.streams.splice(0));
    this.clients.clear();
    this.state = freshState();
    this.thenSteps = 0;
    for (const { run, args } of [...this.script]) await run.apply(this, args);
  }

  async startListener(): Promise<PeerListener> {
    if (!this.listener) {
      this.listener = new PeerListener({ cfg: this.cfg, secrets: this.secrets, ledger: this.ledger, label: 'listener' });
      await this.listener.start();
    }
    return this.listener;
  }

  /** A connection from the peer (originating role) to the target's s2s port. */
  async originate(name: string): Promise<XmppStream> {
    const s = await originate({ cfg: this.cfg, secrets: this.secrets, ledger: this.ledger, label: `peer-out-${this.ledger.entries.length + 1}` });
    this.s2s.set(name, s);
    return s;
  }

  peerStream(name = 'initial'): XmppStream {
    const s = this.s2s.get(name);
    if (!s) throw new Undecided(`the scenario has no peer connection called '${name}': a step must open it first`);
    return s;
  }

  client(role = 'client'): Client {
    const c = this.clients.get(role);
    if (!c) throw new Undecided(`the scenario has no connection called '${role}': a Given step must open it first`);
    return c;
  }

  /** Replace {domain}, {jid}, {recipient}, ... in bytes written in a feature file. */
  render(text: string): string {
    const vars: Record<string, string | undefined> = {
      domain: this.cfg.domain,
      'peer-domain': this.cfg.peer.domain,
      'second-peer-domain': this.cfg.peer.secondDomain,
      'other-domain': this.cfg.otherDomain,
      jid: this.clients.get('client')?.jid,
      'bare-jid': this.clients.get('client')?.bareJid,
      recipient: this.clients.get('recipient')?.jid,
      'recipient-bare': this.clients.get('recipient')?.bareJid,
    };
    return text.replace(/\{([a-z-]+)\}/g, (m, k: string) => {
      if (!(k in vars)) return m;
      const v = vars[k];
      if (v === undefined) throw new Undecided(`the feature uses {${k}}, but no step has established it yet`);
      return v;
    });
  }

  outcome(line: string): void {
    this.outcomes.push(line);
  }
}

setWorldConstructor(XmppWorld);
