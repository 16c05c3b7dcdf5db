// The c2s client as composable stages, stoppable anywhere (escalus-style):
// connect -> header -> features -> tls -> sasl -> bind -> session.
import { Transport } from '../wire/transport.ts';
import { el, NS, XmlElement } from '../wire/element.ts';
import { XmppStream } from './stream.ts';
import type { Mechanism } from './sasl.ts';
import { mechanismFor, saslExchange } from './auth.ts';
import type { Account, Config } from '../config.ts';
import { Undecided } from '../errors.ts';
import { violated } from '../verdict/judge.ts';
import fs from 'node:fs';

/** The answer to a bind request (RFC 3920 7), with the JID it bound taken apart. */
export interface BindAnswer {
  iq: XmlElement;
  /** the resource the client asked for; undefined: it let the server generate one */
  requested: string | undefined;
  jid?: string;
  node?: string;
  domain?: string;
  resource?: string;
}

export const STAGES = ['connected', 'header', 'features', 'tls', 'sasl', 'bind', 'session'] as const;
export type Stage = (typeof STAGES)[number];

export interface ClientState {
  stream: XmppStream;
  account: Account;
  stage: Stage;
  features?: XmlElement;
  jid?: string;
  mechanisms: string[];
}

let ids = 0;
export const nextId = (prefix = 'c'): string => `${prefix}${++ids}`;

export function mechanismsOf(features: XmlElement | undefined): string[] {
  return features?.child('mechanisms', NS.sasl)?.elements().filter((m) => m.local === 'mechanism').map((m) => m.text().trim()) ?? [];
}

export class Client implements ClientState {
  stage: Stage = 'connected';
  features?: XmlElement;
  jid?: string;
  /** the stream ids of every response stream header seen on this connection */
  readonly streamIds: Array<string | undefined> = [];

  constructor(
    readonly stream: XmppStream,
    readonly account: Account,
    private readonly cfg: Config,
  ) {}

  static async connect(cfg: Config, account: Account, label: string, secrets: string[]): Promise<Client> {
    const transport = await Transport.connect(cfg.c2s.host, cfg.c2s.port, cfg.timeouts.connectMs);
    const stream = new XmppStream(transport, {
      label,
      responseMs: cfg.timeouts.responseMs,
      quietMs: cfg.timeouts.quietMs,
      secrets,
      contentNs: NS.client,
    });
    return new Client(stream, account, cfg);
  }

  get mechanisms(): string[] {
    return mechanismsOf(this.features);
  }

  get bareJid(): string {
    return `${this.account.user}@${this.cfg.domain}`;
  }

  /** Open a stream and read the response header and features (RFC 3920 4.1, 4.6). */
  async openStream(): Promise<XmlElement> {
    this.stream.openStream({ to: this.cfg.domain });
    const header = await this.stream.expectHeader();
    this.streamIds.push(header.attr('id'));
    this.stage = 'header';
    this.features = await this.stream.expectFeatures();
    this.stage = 'features';
    return header;
  }

  /** Negotiate up to and including `stage`. A stage the target does not offer is passed over where optional. */
  async negotiate(upTo: Stage): Promise<void> {
    const want = STAGES.indexOf(upTo);
    if (want >= STAGES.indexOf('header') && STAGES.indexOf(this.stage) < STAGES.indexOf('features')) await this.openStream();
    if (want >= STAGES.indexOf('tls') && STAGES.indexOf(this.stage) < STAGES.indexOf('tls')) await this.starttls();
    if (want >= STAGES.indexOf('sasl') && STAGES.indexOf(this.stage) < STAGES.indexOf('sasl')) await this.authenticate();
    if (want >= STAGES.indexOf('bind') && STAGES.indexOf(this.stage) < STAGES.indexOf('bind')) await this.bind();
    if (want >= STAGES.indexOf('session') && STAGES.indexOf(this.stage) < STAGES.indexOf('session')) await this.session();
  }

  /** RFC 3920 5.2: STARTTLS, <proceed/>, TLS handshake, new stream. Skipped where policy and offer allow. */
  async starttls(): Promise<void> {
    const offered = this.features?.child('starttls', NS.tls);
    if (!offered) {
      if (this.cfg.tls.policy !== 'none') violated({ summary: `the target does not offer STARTTLS, but tls.policy is '${this.cfg.tls.policy}'`, accepted: ['<starttls/> among the stream features'], actual: `${this.features}`, where: this.stream.where() });
      this.stage = 'tls';
      return;
    }
    if (this.cfg.tls.policy === 'none') {
      this.stage = 'tls';
      return;
    }
    this.stream.send(el('starttls', { xmlns: NS.tls }));
    const answer = await this.stream.expectElement((e) => e.ns === NS.tls, '<proceed/> or <failure/> in the TLS namespace');
    if (!answer.is('proceed')) violated({ summary: 'STARTTLS was refused', accepted: ['<proceed/>'], actual: answer.toString(), where: this.stream.where() });
    await this.stream.startTls({
      servername: this.cfg.domain,
      allowSelfSigned: this.cfg.tls.allowSelfSigned,
      ca: this.cfg.tls.caFile ? fs.readFileSync(this.cfg.tls.caFile, 'utf8') : undefined,
    });
    this.stream.restart();
    await this.openStream();
    this.stage = 'tls';
  }

  pickMechanism(): Mechanism {
    const offered = this.mechanisms;
    const name = ['SCRAM-SHA-1', 'PLAIN'].find((m) => offered.includes(m));
    if (name) return mechanismFor(name, this.account.user, this.account.password, this.cfg.domain)!;
    throw new Undecided(`the target offers no SASL mechanism the suite speaks (offered: ${offered.join(', ') || 'none'}; the suite speaks SCRAM-SHA-1 and PLAIN)`);
  }

  /**
   * RFC 3920 6.2: the SASL exchange (saslExchange), then a new stream. Anything but a <success/>
   * whose data the mechanism verified is a set-up failure: the account, the mechanism, or a
   * stream the target ended (left in the inbox, so that negotiatedClient sees an
   * <internal-server-error/>).
   */
  async authenticate(mech: Mechanism = this.pickMechanism()): Promise<void> {
    const o = await saslExchange(this, mech);
    const as = `SASL ${mech.name} as '${this.account.user}'`;
    if (o.mechanismError) throw new Undecided(`${as}: ${o.mechanismError}`);
    if (o.end === 'failure') {
      const condition = o.element?.is('failure', NS.sasl) ? `<${o.condition ?? 'no condition'}/>` : `${o.element}`;
      throw new Undecided(`${as} failed with ${condition}: check that account ${this.account.user}@${this.cfg.domain} exists with the configured password`);
    }
    if (o.end !== 'success') {
      const what = 'a SASL <challenge/>, <success/> or <failure/>';
      if (o.element) this.stream.putBack({ kind: 'element', element: o.element });
      violated({ summary: `expected ${what}, but ${o.element ? `the target ended the stream with <${o.condition}/>` : 'the connection ended'} first`, accepted: [what], actual: this.stream.unreadText(), where: this.stream.where() });
    }
    this.stream.restart();
    await this.openStream();
    this.stage = 'sasl';
  }

  /** RFC 3920 7: bind a resource (requested, or generated by the server when `resource` is undefined). */
  async bind(resource: string | undefined = `r${process.pid}-${nextId('')}`): Promise<string> {
    const id = nextId('bind');
    this.stream.send(
      el('iq', { type: 'set', id }, el('bind', { xmlns: NS.bind }, ...(resource === undefined ? [] : [el('resource', {}, resource)]))),
    );
    const answer = await this.stream.answerTo(id, `the answer to the bind request ${id}`);
    const jid = answer.child('bind', NS.bind)?.child('jid', NS.bind)?.text().trim();
    if (answer.attr('type') !== 'result' || !jid) violated({ summary: 'resource binding failed', accepted: ["an IQ of type 'result' holding <bind><jid/></bind>"], actual: answer.toString(), where: this.stream.where() });
    this.jid = jid;
    this.stage = 'bind';
    return jid;
  }

  /** RFC 3921 3: establish a session where the target advertises it (jabberd2 does not). */
  async session(): Promise<void> {
    const offered = this.features?.child('session', NS.session);
    if (offered) {
      const id = nextId('sess');
      this.stream.send(el('iq', { type: 'set', id, to: this.cfg.domain }, el('session', { xmlns: NS.session })));
      await this.stream.answerTo(id, `the answer to the session request ${id}`);
    }
    this.stage = 'session';
  }

  /**
   * Where silence can be proved by an IQ round-trip: once a resource is bound. Before that a
   * server need not answer a stanza (RFC 3920 7: the client binds before it sends stanzas;
   * ejabberd 23.01 leaves an IQ sent after SASL but before binding unanswered).
   */
  get canRoundTrip(): boolean {
    return STAGES.indexOf(this.stage) >= STAGES.indexOf('bind');
  }
}

/**
 * Every stream header this client sends (the initial one and each restart) becomes `bytes`,
 * verbatim (RFC 3920 4.4 attributes under test). Additive: the instance's openStream is wrapped.
 */
export function sendHeadersAs(c: Client, bytes: string): void {
  c.stream.openStream = () => c.stream.sendRaw(bytes);
}
