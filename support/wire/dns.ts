// The lab's DNS stub (UDP and TCP on loopback): A and SRV records for the peer domains the
// suite plays, NXDOMAIN for every other name, and a log of every query. Inside the lab the
// target's /etc/resolv.conf names 127.0.0.1, so every query it makes ends here.
import dgram from 'node:dgram';
import net from 'node:net';

export interface DnsRecords {
  a: Record<string, string[]>;
  srv: Record<string, Array<{ priority: number; weight: number; port: number; target: string }>>;
}

export interface DnsQuery {
  at: string;
  name: string;
  type: string;
  answers: number;
}

const TYPES: Record<number, string> = { 1: 'A', 28: 'AAAA', 33: 'SRV', 5: 'CNAME', 15: 'MX', 16: 'TXT', 52: 'TLSA' };

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

function readName(buf: Buffer, start: number): [string, number] {
  const labels: string[] = [];
  let off = start;
  for (;;) {
    const len = buf[off++];
    if (len === undefined) throw new Error('truncated name');
    if (len === 0) break;
    labels.push(buf.subarray(off, off + len).toString('latin1'));
    off += len;
  }
  return [labels.join('.'), off];
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** Answer one query message; returns the response and what was asked. */
export function answer(query: Buffer, records: DnsRecords): { response: Buffer; asked: DnsQuery } {
  const id = query.readUInt16BE(0);
  const [name, off] = readName(query, 12);
  const qtype = query.readUInt16BE(off);
  const question = query.subarray(12, off + 4);
  const lname = name.toLowerCase();
  const rrs: Buffer[] = [];
  const pointer = Buffer.from([0xc0, 12]);
  if (qtype === 1) {
    for (const ip of records.a[lname] ?? []) rrs.push(Buffer.concat([pointer, u16(1), u16(1), u32(60), u16(4), Buffer.from(ip.split('.').map(Number))]));
  }
  if (qtype === 33) {
    for (const s of records.srv[lname] ?? []) {
      const rdata = Buffer.concat([u16(s.priority), u16(s.weight), u16(s.port), encodeName(s.target)]);
      rrs.push(Buffer.concat([pointer, u16(33), u16(1), u32(60), u16(rdata.length), rdata]));
    }
  }
  const known = lname in records.a || lname in records.srv;
  const rcode = rrs.length || known ? 0 : 3; // NXDOMAIN for names the lab does not know
  const flags = 0x8400 | (query.readUInt16BE(2) & 0x0100) | rcode;
  const response = Buffer.concat([u16(id), u16(flags), u16(1), u16(rrs.length), u16(0), u16(0), question, ...rrs]);
  return { response, asked: { at: new Date().toISOString(), name, type: TYPES[qtype] ?? String(qtype), answers: rrs.length } };
}

/** Records for the suite's peers: for each domain, SRV _xmpp-server._tcp -> that peer's listener, A -> its address. */
export function peerRecords(peers: Array<{ domain: string; secondDomain?: string; listen: { host: string; port: number } }>): DnsRecords {
  const r: DnsRecords = { a: {}, srv: {} };
  for (const p of peers) {
    for (const d of [p.domain, p.secondDomain].filter((x): x is string => !!x).map((x) => x.toLowerCase())) {
      r.a[d] = [p.listen.host];
      r.srv[`_xmpp-server._tcp.${d}`] = [{ priority: 0, weight: 5, port: p.listen.port, target: d }];
    }
  }
  return r;
}

export class DnsStub {
  readonly queries: DnsQuery[] = [];
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;

  constructor(private readonly records: DnsRecords) {}

  async start(host = '127.0.0.1', port = 53): Promise<void> {
    const udp = dgram.createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      try {
        const { response, asked } = answer(msg, this.records);
        this.queries.push(asked);
        udp.send(response, rinfo.port, rinfo.address);
      } catch {
        // a malformed query gets no answer
      }
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => resolve());
    });
    this.udp = udp;
    this.tcp = net.createServer((s) => {
      let buf = Buffer.alloc(0);
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const len = buf.readUInt16BE(0);
          try {
            const { response, asked } = answer(buf.subarray(2, 2 + len), this.records);
            this.queries.push(asked);
            s.write(Buffer.concat([u16(response.length), response]));
          } catch {
            s.destroy();
          }
          buf = buf.subarray(2 + len);
        }
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      this.tcp!.once('error', reject);
      this.tcp!.listen(port, host, () => resolve());
    });
  }

  async stop(): Promise<void> {
    this.udp?.close();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
  }
}
