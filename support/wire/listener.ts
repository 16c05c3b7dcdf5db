// A TCP listener of the peer's (the peer domain's s2s listener, the external-DTD trap): every
// connection a target opens to it is handed over as a Transport, so the socket stays in wire/.
import net from 'node:net';
import { Transport } from './transport.ts';

export class Listener {
  /** connections accepted so far */
  connections = 0;

  private constructor(private readonly server: net.Server) {}

  /**
   * Listen on host:port (port 0: an ephemeral one) and hand every connection to `onConnection`.
   * Rejects with the error of the listen call (the address in use, not local, ...).
   */
  static async open(host: string, port: number, onConnection: (transport: Transport) => void): Promise<Listener> {
    const server = net.createServer((socket) => {
      listener.connections++;
      onConnection(Transport.accepted(socket));
    });
    const listener = new Listener(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return listener;
  }

  /** host:port the listener is bound to (the ephemeral port chosen, for port 0) */
  get address(): string {
    const a = this.server.address() as net.AddressInfo;
    return `${a.address}:${a.port}`;
  }

  /** Stop accepting; resolves once the connections still open have ended. */
  close(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
