import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import pTimeout from 'p-timeout';
import { answer, DnsStub, peerRecords } from '../../support/wire/dns.ts';

function query(name: string, type: number, id = 0x1234): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, type, 0, 1])]);
}

const records = peerRecords([{ domain: 'peer.test', listen: { host: '127.0.0.2', port: 5269 } }]);

test('A record for the peer domain, case-insensitive', () => {
  const { response, asked } = answer(query('PEER.test', 1), records);
  assert.equal(response.readUInt16BE(0), 0x1234);
  assert.equal(response.readUInt16BE(2) & 0x000f, 0);
  assert.equal(response.readUInt16BE(6), 1);
  assert.deepEqual([...response.subarray(response.length - 4)], [127, 0, 0, 2]);
  assert.deepEqual({ name: asked.name, type: asked.type, answers: asked.answers }, { name: 'PEER.test', type: 'A', answers: 1 });
});

test('SRV _xmpp-server._tcp for the peer domain points at the listener port', () => {
  const { response } = answer(query('_xmpp-server._tcp.peer.test', 33), records);
  assert.equal(response.readUInt16BE(6), 1);
  assert.ok(response.includes(Buffer.from([0x14, 0x95])), 'port 5269 in the SRV rdata');
});

test('every other name is NXDOMAIN, and AAAA for the peer is an empty answer', () => {
  const nx = answer(query('example.com', 1), records).response;
  assert.equal(nx.readUInt16BE(2) & 0x000f, 3);
  assert.equal(nx.readUInt16BE(6), 0);
  const aaaa = answer(query('peer.test', 28), records).response;
  assert.equal(aaaa.readUInt16BE(2) & 0x000f, 0);
  assert.equal(aaaa.readUInt16BE(6), 0);
});

test('the stub answers over UDP on loopback and logs the query', async () => {
  const stub = new DnsStub(records);
  const port = 20000 + Math.floor(Math.random() * 20000);
  await stub.start('127.0.0.1', port);
  const sock = dgram.createSocket('udp4');
  try {
    const reply = await pTimeout(
      new Promise<Buffer>((resolve) => {
        sock.once('message', resolve);
        sock.send(query('peer.test', 1), port, '127.0.0.1');
      }),
      { milliseconds: 2000 },
    );
    assert.equal(reply.readUInt16BE(6), 1);
    assert.equal(stub.queries.length, 1);
  } finally {
    sock.close();
    await stub.stop();
  }
});
