// A rewriting proxy in front of a real target's c2s or s2s port, or of the peer's listener: it
// makes the target violate exactly one requirement (a negative control), or repair one known
// departure (a positive control). It terminates STARTTLS on both sides (its own self-signed
// certificate to whichever side asked for TLS), so it sees and rewrites the plaintext of every stage.
import net from 'node:net';
import tls from 'node:tls';

export interface Conn {
  id: number;
  /** which proxy carried it: the suite's c2s client, the peer's s2s connections, or the target's connections to the peer's listener */
  kind: ProxyKind;
  /** SASL <success/> seen from the target */
  authenticated: boolean;
  /** everything the target sent so far on this connection (for stateful mutations) */
  fromTarget: string;
  /** everything the suite sent so far on this connection */
  fromSuite: string;
  /** write to the suite's side / the target's side, bypassing the mutation */
  toClient(text: string): void;
  toTarget(text: string): void;
  /** end both sides gracefully (pending data is flushed) */
  end(): void;
  close(): void;
}

export type ProxyKind = 'c2s' | 's2s' | 'listener';

/** the target's (or, reversed, the peer listener's) <proceed/>: TLS starts after it */
export const PROCEED = /<proceed[\s/>]/;

export interface Mutation {
  /**
   * The stanza ids the mutation finds its stanza by, when a helper builds it from an id (the
   * controls' unit test checks each one is still used by the scenario or the step that sends it).
   */
  ids?: string[];
  /** rewrite what the target sends to the suite (whole tags: chunks are cut after the last '>') */
  toClient?(text: string, conn: Conn, proxy: Proxy): string;
  /** rewrite what the suite sends to the target */
  toTarget?(text: string, conn: Conn, proxy: Proxy): string;
  /** when the target closes, keep the suite's side open (a target that never closes TCP) */
  holdOpen?: boolean;
  /**
   * 'swallow': after <proceed/> the proxy starts no TLS on either side; whatever the suite sends
   * next (a ClientHello, garbage) goes nowhere and its connection stays open (a target that
   * neither completes nor fails the handshake, and never closes)
   */
  afterProceed?: 'swallow';
  /** reversed proxies: bytes sent in plaintext to the suite's listener right after its <proceed/>, before the TLS handshake (a target that does not start TLS at once) */
  plaintextAfterProceed?: string;
}

export interface ProxyOptions {
  kind: ProxyKind;
  listenHost?: string;
  listenPort: number;
  /** the accepting side is the target (its connections to the peer's listener); upstream is the suite */
  reversed?: boolean;
  /** connections of every proxy of one control, so that a mutation can reach across them */
  conns?: Conn[];
  targetHost: string;
  targetPort: number;
  key: string;
  cert: string;
  /** the certificate the proxy presents where it is the TLS client (a peer server's, or the target's toward the peer's listener), if any */
  dialerCredentials?: { key: string; cert: string };
  mutation: Mutation;
}

/** Cuts a stream of text after the last complete tag, keeping the rest for the next chunk. */
class TagBuffer {
  private rest = '';
  push(chunk: string): string {
    const s = this.rest + chunk;
    const gt = s.lastIndexOf('>');
    if (gt < 0) {
      this.rest = s;
      return '';
    }
    this.rest = s.slice(gt + 1);
    return s.slice(0, gt + 1);
  }
  flush(): string {
    const r = this.rest;
    this.rest = '';
    return r;
  }
}

export class Proxy {
  readonly conns: Conn[];
  private server: net.Server | undefined;
  private nextId = 0;

  constructor(private readonly o: ProxyOptions) {
    this.conns = o.conns ?? [];
  }

  async start(): Promise<void> {
    this.server = net.createServer((client) => this.handle(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.listenPort, this.o.listenHost ?? '127.0.0.1', resolve);
    });
  }

  async stop(): Promise<void> {
    for (const c of this.conns.filter((c) => c.kind === this.o.kind)) c.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(accepted: net.Socket): void {
    // 'client' is always the suite's side, 'target' the target's side, whichever of them connected
    const upstream = net.connect({ host: this.o.targetHost, port: this.o.targetPort });
    let client: net.Socket = this.o.reversed ? upstream : accepted;
    let target: net.Socket = this.o.reversed ? accepted : upstream;
    const up = new TagBuffer();
    const down = new TagBuffer();
    let upgrading = false;
    const m = this.o.mutation;
    const conn: Conn = {
      id: ++this.nextId,
      kind: this.o.kind,
      authenticated: false,
      fromTarget: '',
      fromSuite: '',
      toClient: (t) => client.writable && client.write(t),
      toTarget: (t) => target.writable && target.write(t),
      end: () => {
        client.end();
        target.end();
      },
      close: () => {
        client.destroy();
        target.destroy();
      },
    };
    this.conns.push(conn);
    const onClientData = (d: Buffer) => {
      const text = up.push(d.toString('utf8'));
      if (!text) return;
      conn.fromSuite += text;
      const out = m.toTarget ? m.toTarget(text, conn, this) : text;
      if (out) target.write(out);
      // reversed (the target's connection to the peer's listener): the suite's listener is the TLS server
      if (this.o.reversed && PROCEED.test(text) && !upgrading) {
        upgrading = true;
        if (m.plaintextAfterProceed) client.write(m.plaintextAfterProceed);
        void this.upgrade(client, target, true).then(([c, t]) => {
          client = c;
          target = t;
          wire();
        }, () => conn.close());
      }
    };
    const onTargetData = (d: Buffer) => {
      const text = down.push(d.toString('utf8'));
      if (!text) return;
      conn.fromTarget += text;
      if (/<success[\s>/]/.test(text)) conn.authenticated = true;
      const out = m.toClient ? m.toClient(text, conn, this) : text;
      if (out) client.write(out);
      if (!this.o.reversed && PROCEED.test(text) && !upgrading) {
        upgrading = true;
        if (m.afterProceed === 'swallow') {
          client.removeAllListeners('data');
          client.on('data', () => undefined);
          for (const ev of ['data', 'end', 'close', 'error']) target.removeAllListeners(ev);
          target.on('error', () => undefined);
          return;
        }
        void this.upgrade(client, target).then(([c, t]) => {
          client = c;
          target = t;
          wire();
        }, () => conn.close());
      }
    };
    const onTargetEnd = () => {
      const rest = down.flush();
      if (rest) client.write(rest);
      if (!m.holdOpen) client.end();
    };
    const wire = () => {
      client.on('data', onClientData);
      target.on('data', onTargetData);
      client.on('end', () => target.end());
      target.on('end', onTargetEnd);
      client.on('error', () => target.destroy());
      target.on('error', () => (m.holdOpen ? undefined : client.destroy()));
      client.on('close', () => target.destroy());
      target.on('close', () => (m.holdOpen ? undefined : client.destroy()));
    };
    wire();
  }

  /**
   * STARTTLS on both sides: detach the plaintext handlers, then TLS server to the side that sent
   * <starttls/> and TLS client to the side that answered <proceed/>: to the suite and to the
   * target, or the other way round on the target's connections to the peer's listener.
   */
  private async upgrade(client: net.Socket, target: net.Socket, reversed = false): Promise<[net.Socket, net.Socket]> {
    for (const s of [client, target]) for (const ev of ['data', 'end', 'close', 'error']) s.removeAllListeners(ev);
    const server = new tls.TLSSocket(reversed ? target : client, { isServer: true, key: this.o.key, cert: this.o.cert });
    const dialer = tls.connect({ socket: reversed ? client : target, rejectUnauthorized: false, ...this.o.dialerCredentials });
    await Promise.all([
      new Promise<void>((resolve, reject) => {
        dialer.once('secureConnect', resolve);
        dialer.once('error', reject);
      }),
      new Promise<void>((resolve, reject) => {
        server.once('secure', resolve);
        server.once('error', reject);
      }),
    ]);
    return reversed ? [dialer, server] : [server, dialer];
  }
}
