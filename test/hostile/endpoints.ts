// Hostile targets: scripted fake endpoints on loopback that misbehave in one way each. The
// suite run against any of them must end within a stated bound, with every scenario broken
// or failed (never passed), without crashing, with bounded memory.
import net from 'node:net';

export interface Hostile {
  name: string;
  /** what it does, for the listing */
  does: string;
  /**
   * it sends a well-formed response header before misbehaving: scenarios that only judge that
   * header may then pass, honestly; every other scenario must be broken or failed
   */
  validHeader?: boolean;
  /** it behaves until the TLS handshake: stream, STARTTLS and XML-usage scenarios that stop before it may pass */
  soundUntilTls?: boolean;
  /** null: nothing listens (connection refused) */
  handle: ((s: net.Socket) => void) | null;
}

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='target.test' id='h1' version='1.0'>";
const FEATURES = "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";

/** Answer the client's stream header (once it arrived) with `then`. */
function onHeader(s: net.Socket, then: () => void): void {
  let seen = '';
  const listener = (d: Buffer) => {
    seen += d.toString('latin1');
    if (seen.includes('<stream:stream') || seen.includes('stream')) {
      s.off('data', listener);
      then();
    }
  };
  s.on('data', listener);
}

const LAUGHS = `<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='target.test' id='h2' version='1.0'><stream:features>&lol9;</stream:features>`;

export const HOSTILE: Hostile[] = [
  { name: 'refused', does: 'nothing listens: every connection is refused', handle: null },
  { name: 'silent', does: 'accepts TCP and never sends a byte', handle: () => undefined },
  {
    name: 'garbage',
    does: 'answers the header with random binary bytes',
    handle: (s) => onHeader(s, () => s.write(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))),
  },
  {
    name: 'unclosed-tag',
    validHeader: true,
    does: 'sends a header and a tag that never closes, then keeps the connection open',
    handle: (s) => onHeader(s, () => s.write(`${HEADER}<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'`)),
  },
  {
    name: 'huge-stanza',
    validHeader: true,
    does: 'sends a header, then a 10 MB element',
    handle: (s) =>
      onHeader(s, () => {
        s.write(`${HEADER}<stream:features><x xmlns='urn:hostile'>`);
        const chunk = 'A'.repeat(64 * 1024);
        for (let i = 0; i < 160; i++) s.write(chunk);
        s.write(`</x>${FEATURES.slice('<stream:features>'.length)}`);
      }),
  },
  { name: 'billion-laughs', does: 'sends a DOCTYPE with nested entities and uses the outermost', handle: (s) => onHeader(s, () => s.write(LAUGHS)) },
  {
    name: 'one-byte-per-second',
    does: 'sends a valid header and features one byte per second',
    handle: (s) =>
      onHeader(s, () => {
        const text = HEADER + FEATURES;
        let i = 0;
        const t = setInterval(() => {
          if (s.destroyed || i >= text.length) return clearInterval(t);
          s.write(text[i++]!);
        }, 1000);
        s.on('close', () => clearInterval(t));
      }),
  },
  {
    name: 'reset-in-tls',
    validHeader: true,
    soundUntilTls: true,
    does: 'offers STARTTLS, says <proceed/>, then resets the connection during the TLS handshake',
    handle: (s) =>
      onHeader(s, () => {
        s.write(HEADER + FEATURES);
        s.once('data', () => {
          s.write("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
          s.once('data', () => s.resetAndDestroy());
        });
      }),
  },
  { name: 'close-after-header', validHeader: true, does: 'sends the response header and closes the TCP connection', handle: (s) => onHeader(s, () => s.end(HEADER)) },
];

export async function startHostile(h: Hostile, port: number): Promise<() => Promise<void>> {
  if (!h.handle) return async () => undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    h.handle!(s);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

