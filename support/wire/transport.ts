// TCP (and TLS after STARTTLS) to or from the target. The only place a socket is touched.
// Tells apart how a connection ended: the target half-closed it (FIN), reset it (RST), or we
// closed it. Incoming bytes are UTF-8 decoded here, before any parser sees them.
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { StringDecoder } from 'node:string_decoder';
import pTimeout from 'p-timeout';
import { ExpectationFailed, TargetUnreachable } from '../errors.ts';

export type TransportEvent =
  | { kind: 'data'; text: string }
  | { kind: 'tcp-end' }
  | { kind: 'tcp-reset'; message: string }
  | { kind: 'tcp-closed' };

export interface TlsOptions {
  servername: string;
  /** accept a certificate that does not chain to a trusted CA (explicit user switch) */
  allowSelfSigned: boolean;
  ca?: string;
  /** a certificate of our own to present (the peer as initiating server, for SASL EXTERNAL) */
  key?: string;
  cert?: string;
}

/** The peer's side of TLS on a connection the target opened: its certificate, and whether to ask the target for one, checked against `ca`. */
export interface TlsServerOptions {
  key: string;
  cert: string;
  /** ask the target for its certificate and check it against this CA (the check's result is reported, never enforced) */
  ca?: string;
}

export interface TlsInfo {
  protocol: string | null;
  cipher: string;
  authorized: boolean;
  authorizationError?: string;
  subject?: string;
  /** the DNS names (subjectAltName) of the certificate the other side presented, if any */
  names?: string[];
}

/**
 * Why `cert` is not a valid certificate issued by the CA `ca` (PEM), or undefined when it is: a
 * TLS server socket made over an accepted connection reports no verification result of its own.
 * Only a certificate the CA signed directly is recognised (the lab's CA issues them so).
 */
function issuedBy(cert: tls.PeerCertificate | undefined, ca: string): string | undefined {
  if (!cert || !cert.raw) return 'no certificate presented';
  const x = new crypto.X509Certificate(cert.raw);
  const issuer = new crypto.X509Certificate(ca);
  if (!x.checkIssued(issuer) || !x.verify(issuer.publicKey)) return `not issued by the CA (${x.issuer.replace(/\n/g, ', ')})`;
  const now = Date.now();
  if (now < Date.parse(x.validFrom) || now > Date.parse(x.validTo)) return `outside its validity (${x.validFrom} to ${x.validTo})`;
  return undefined;
}

/** The dNSName entries of a certificate's subjectAltName. */
function dnsNames(cert: tls.PeerCertificate | undefined): string[] | undefined {
  if (!cert || !cert.raw) return undefined;
  return (cert.subjectaltname ?? '').split(/,\s*/).filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4));
}

export class Transport {
  private decoder = new StringDecoder('utf8');
  private ended = false;
  private listener: ((ev: TransportEvent) => void) | undefined;
  private backlog: TransportEvent[] = [];
  bytesIn = 0;
  bytesOut = 0;

  private constructor(private socket: net.Socket) {
    this.wire(socket);
  }

  static async connect(host: string, port: number, timeoutMs: number): Promise<Transport> {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    try {
      await pTimeout(
        new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('error', reject);
        }),
        { milliseconds: timeoutMs, message: `no TCP connection to ${host}:${port} within ${timeoutMs} ms` },
      );
    } catch (e) {
      socket.destroy();
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.message;
      throw new TargetUnreachable(`cannot reach ${host}:${port}: ${why}`);
    }
    return new Transport(socket);
  }

  /** A connection the target opened to one of the peer's listeners. */
  static accepted(socket: net.Socket): Transport {
    socket.setNoDelay(true);
    return new Transport(socket);
  }

  get remote(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  get local(): string {
    return `${this.socket.localAddress}:${this.socket.localPort}`;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get isTls(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  onEvent(listener: (ev: TransportEvent) => void): void {
    this.listener = listener;
    const queued = this.backlog;
    this.backlog = [];
    for (const ev of queued) listener(ev);
  }

  private deliver(ev: TransportEvent): void {
    if (this.listener) this.listener(ev);
    else this.backlog.push(ev);
  }

  private wire(socket: net.Socket): void {
    socket.on('data', (buf: Buffer) => {
      this.bytesIn += buf.length;
      const text = this.decoder.write(buf);
      if (text) this.deliver({ kind: 'data', text });
    });
    socket.on('end', () => {
      const rest = this.decoder.end();
      if (rest) this.deliver({ kind: 'data', text: rest });
      this.deliver({ kind: 'tcp-end' });
      // answer the half-close: we never keep a connection the target has finished with
      socket.end();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') this.deliver({ kind: 'tcp-reset', message: e.code });
      else this.deliver({ kind: 'tcp-reset', message: e.message });
    });
    socket.on('close', () => {
      if (!this.ended) {
        this.ended = true;
        this.deliver({ kind: 'tcp-closed' });
      }
    });
  }

  write(text: string): void {
    if (this.ended || this.socket.destroyed || !this.socket.writable) return;
    const buf = Buffer.from(text, 'utf8');
    this.bytesOut += buf.length;
    this.socket.write(buf);
  }

  writeBytes(buf: Buffer): void {
    if (this.ended || this.socket.destroyed || !this.socket.writable) return;
    this.bytesOut += buf.length;
    this.socket.write(buf);
  }

  /** Stop reading the plain socket: what follows on it is TLS, read by the TLS socket that wraps it. */
  private detach(): net.Socket {
    const raw = this.socket;
    for (const ev of ['data', 'end', 'close', 'error']) raw.removeAllListeners(ev);
    this.decoder = new StringDecoder('utf8');
    return raw;
  }

  /** Client side of STARTTLS (RFC 3920 5.2 step 5): the TLS handshake over the same TCP connection. */
  async upgradeToTls(opts: TlsOptions, timeoutMs: number): Promise<TlsInfo> {
    const raw = this.detach();
    const secure = tls.connect({
      socket: raw,
      servername: opts.servername,
      rejectUnauthorized: false,
      ca: opts.ca,
      key: opts.key,
      cert: opts.cert,
      minVersion: 'TLSv1.2',
    });
    this.socket = secure;
    const handshake = new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
      secure.once('close', () => reject(new Error('connection closed during the TLS handshake')));
    });
    try {
      await pTimeout(handshake, { milliseconds: timeoutMs, message: `TLS handshake did not finish within ${timeoutMs} ms` });
    } catch (e) {
      this.wire(secure);
      // the target offered TLS and said <proceed/>: a handshake it breaks is its misbehaviour (5.2 step 5)
      throw new ExpectationFailed(`the TLS handshake after <proceed/> failed: ${(e as Error).message}`);
    }
    this.wire(secure);
    const cert = secure.getPeerCertificate();
    const info: TlsInfo = {
      protocol: secure.getProtocol(),
      cipher: secure.getCipher().name,
      authorized: secure.authorized,
      subject: [cert?.subject?.CN].flat().join(','),
      names: dnsNames(cert),
    };
    if (!secure.authorized) info.authorizationError = String(secure.authorizationError);
    if (!secure.authorized && !opts.allowSelfSigned) {
      secure.destroy();
      throw new TargetUnreachable(
        `the target's certificate is not trusted (${info.authorizationError}); set tls.allowSelfSigned=true or tls.caFile in the config`,
      );
    }
    return info;
  }

  /** Server side of STARTTLS, for connections the target opened to the peer. */
  async acceptTls(o: TlsServerOptions, timeoutMs: number): Promise<TlsInfo> {
    const raw = this.detach();
    const secure = new tls.TLSSocket(raw, { isServer: true, key: o.key, cert: o.cert, requestCert: !!o.ca, rejectUnauthorized: false, ca: o.ca });
    this.socket = secure;
    await pTimeout(
      new Promise<void>((resolve, reject) => {
        secure.once('secure', resolve);
        secure.once('error', reject);
      }),
      { milliseconds: timeoutMs, message: `TLS handshake did not finish within ${timeoutMs} ms` },
    );
    this.wire(secure);
    const info: TlsInfo = { protocol: secure.getProtocol(), cipher: secure.getCipher().name, authorized: true };
    if (o.ca) {
      // the target's own certificate, as a receiving server checks an initiating server's
      const cert = secure.getPeerCertificate();
      info.names = dnsNames(cert);
      info.authorizationError = issuedBy(cert, o.ca);
      info.authorized = !info.authorizationError;
    }
    return info;
  }

  /** Half-close our side (after </stream:stream>), the target may still answer. */
  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Tear down now: after a verdict, or when the target does not close. */
  destroy(): void {
    this.socket.destroy();
    this.ended = true;
  }
}
