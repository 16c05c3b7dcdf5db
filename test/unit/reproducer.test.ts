// buildReproducer on a synthetic world (no server): the steps of every peer-opened connection in
// the order opened, SASL collapsed into { auth }, the TLS note into { tls }, no secret anywhere.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { Transcript, type Direction } from '../../support/wire/transcript.ts';
import { buildReproducer, capSteps, ReproducerSchema, slug, stepsOf, MAX_CONNECTION_CHARS, type StreamLike, type WorldLike } from '../../support/report/reproducer.ts';
import { signature } from '../../support/peer/replay.ts';
import { StreamReader, type ReaderEvent } from '../../support/wire/reader.ts';

const SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const PASSWORD = 'lab-secret-a1';
const PLAIN_B64 = Buffer.from(`\0alice\0${PASSWORD}`).toString('base64');
const SECRETS = [PASSWORD, PLAIN_B64];
const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' to='target.test'>";
const RESPONSE_HEADER = "<?xml version='1.0'?><stream:stream from='target.test' id='abc' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

function transcript(label: string, lines: Array<[Direction, string]>): Transcript {
  const t = new Transcript(label, SECRETS);
  for (const [dir, text] of lines) t.record(dir, text);
  t.end();
  return t;
}

/** a stream whose transcript starts at a given time (the order a scenario opened them in) */
function stream(label: string, t: { exchanges(): Array<{ dir: Direction; text: string }> }, startedAt: number): StreamLike {
  return { label, transcript: { exchanges: () => t.exchanges(), startedAt } };
}

function world(streams: StreamLike[], clients: Array<[StreamLike, string]>, ledger: Array<[StreamLike, 'peer' | 'target']>): WorldLike {
  return {
    cfg: { domain: 'target.test', peer: { domain: 'peer.test' }, tls: { policy: 'required' }, accounts: [{ user: 'alice' }, { user: 'bob' }] },
    secrets: SECRETS,
    streams,
    clients: new Map(clients.map(([s, user], i) => [`role${i}`, { stream: s, account: { user } }])),
    ledger: { entries: ledger.map(([s, initiator]) => ({ stream: s, initiator })) },
  };
}

const c2sLines: Array<[Direction, string]> = [
  ['note', 'connection 127.0.0.1:40000 -> 127.0.0.1:5222'],
  ['sent', HEADER],
  ['recv', `${RESPONSE_HEADER}<stream:features><starttls xmlns='${TLS}'><required/></starttls></stream:features>`],
  ['sent', `<starttls xmlns='${TLS}'/>`],
  ['recv', `<proceed xmlns='${TLS}'/>`],
  ['note', 'TLS handshake begins'],
  ['note', 'TLS established: TLSv1.3 TLS_AES_256_GCM_SHA384'],
  ['sent', HEADER],
  ['recv', `${RESPONSE_HEADER}<stream:features><mechanisms xmlns='${SASL}'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`],
  ['sent', `<auth xmlns='${SASL}' mechanism='PLAIN'>${PLAIN_B64}</auth>`],
  // the success split over two segments, the next header in the same segment as its end
  ['recv', `<success xmlns='${SASL}'>dj1`],
  ['recv', `abc</success>${RESPONSE_HEADER}`],
  ['sent', HEADER],
  ['sent', `<message to='bob@target.test'><body>my password is ${PASSWORD}</body></message>`],
  ['recv', "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>"],
  ['note', 'TCP connection closed by the target (FIN)'],
];

test('a c2s connection: TLS note -> { tls }, redacted SASL -> { auth }, the rest verbatim, no secret', () => {
  const client = stream('client-1', transcript('client-1', c2sLines), 1000);
  const r = buildReproducer(world([client], [[client, 'alice']], []), 'XML that is not well-formed gets <xml-not-well-formed/>', ['core-4.7.2-3'], `MUST violated: ... ${PASSWORD}`);
  assert.equal(r.connections.length, 1);
  const c = r.connections[0]!;
  assert.equal(c.kind, 'c2s');
  assert.equal(c.account, 'alice');
  assert.equal(c.accountIndex, 0);
  assert.deepEqual(c.steps, [
    { send: HEADER },
    { recv: `${RESPONSE_HEADER}<stream:features><starttls xmlns='${TLS}'><required/></starttls></stream:features>` },
    { send: `<starttls xmlns='${TLS}'/>` },
    { recv: `<proceed xmlns='${TLS}'/>` },
    { tls: true },
    { send: HEADER },
    { recv: `${RESPONSE_HEADER}<stream:features><mechanisms xmlns='${SASL}'><mechanism>PLAIN</mechanism></mechanisms></stream:features>` },
    { auth: 'PLAIN', result: 'success' },
    { recv: RESPONSE_HEADER },
    { send: HEADER },
    { send: "<message to='bob@target.test'><body>my password is [redacted]</body></message>" },
    { recv: "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>" },
    { note: 'TCP connection closed by the target (FIN)' },
  ]);
  const json = JSON.stringify(r);
  for (const secret of SECRETS) assert.ok(!json.includes(secret), `secret ${secret} in the reproducer`);
  assert.ok(!json.includes('dj1'), 'a SASL payload fragment in the reproducer');
  assert.equal(r.failure, 'MUST violated: ... [redacted]');
  ReproducerSchema.parse(JSON.parse(json));
});

test('the secrets filter runs on the built reproducer even when a transcript did not mask', () => {
  const leaky = { exchanges: () => [{ dir: 'sent' as Direction, text: `<body>${PASSWORD}</body>` }] };
  const s = stream('client-1', leaky, 1);
  const r = buildReproducer(world([s], [[s, 'alice']], []), 'x', [], '');
  assert.deepEqual(r.connections[0]!.steps, [{ send: '<body>[redacted]</body>' }]);
});

test('SCRAM with challenges, and a failure: one { auth } with the result and condition', () => {
  const t = transcript('c', [
    ['sent', `<auth xmlns='${SASL}' mechanism='SCRAM-SHA-1'>biwsbj1hbGljZSxyPXh5eg==</auth>`],
    ['recv', `<challenge xmlns='${SASL}'>cj14eXo=</challenge>`],
    ['sent', `<response xmlns='${SASL}'>Yz1iaXdz</response>`],
    ['recv', `<failure xmlns='${SASL}'><not-authorized/><text>bad</text></failure>`],
    ['sent', '</stream:stream>'],
  ]);
  assert.deepEqual(stepsOf(t.exchanges()), [{ auth: 'SCRAM-SHA-1', result: 'failure:not-authorized' }, { send: '</stream:stream>' }]);
});

test('an exchange with nothing redacted (no payload) stays exact bytes', () => {
  const t = transcript('c', [
    ['sent', `<auth xmlns='${SASL}' mechanism='BOGUS'/>`],
    ['recv', `<failure xmlns='${SASL}'><invalid-mechanism/></failure>`],
  ]);
  assert.deepEqual(stepsOf(t.exchanges()), [{ send: `<auth xmlns='${SASL}' mechanism='BOGUS'/>` }, { recv: `<failure xmlns='${SASL}'><invalid-mechanism/></failure>` }]);
});

test('connections in the order opened; target-opened ones listed for information; s2s kind', () => {
  const lines: Array<[Direction, string]> = [['sent', "<stream:stream xmlns='jabber:server'>"]];
  const out = stream('peer-out-1', transcript('peer-out-1', lines), 3000);
  const inbound = stream('target-in-1', transcript('target-in-1', [['recv', "<stream:stream xmlns='jabber:server'>"]]), 2000);
  const client = stream('client-1', transcript('client-1', [['sent', HEADER]]), 1000);
  const bob = stream('recipient-2', transcript('recipient-2', [['sent', HEADER]]), 4000);
  const r = buildReproducer(world([client, bob], [[client, 'alice'], [bob, 'bob']], [[out, 'peer'], [inbound, 'target']]), 's', ['core-4.2-1'], 'm');
  assert.deepEqual(r.connections.map((c) => [c.label, c.kind, c.account]), [
    ['client-1', 'c2s', 'alice'],
    ['target-in-1', 'target-opened', undefined],
    ['peer-out-1', 's2s', undefined],
    ['recipient-2', 'c2s', 'bob'],
  ]);
  assert.equal(r.connections[3]!.accountIndex, 1);
});

test('each connection is capped at 64 KiB of text, with a note saying so', () => {
  const big = 'x'.repeat(40 * 1024);
  const { steps, truncated } = capSteps([{ send: big }, { tls: true }, { recv: big }, { send: 'more' }]);
  assert.equal(truncated, true);
  const chars = steps.reduce((n, s) => n + ('send' in s ? s.send.length : 'recv' in s ? s.recv.length : 0), 0);
  assert.equal(chars, MAX_CONNECTION_CHARS);
  assert.match(JSON.stringify(steps.at(-1)), /16388 more characters not included/);
  assert.deepEqual(capSteps([{ send: 'a' }]), { steps: [{ send: 'a' }], truncated: false });
});

test('slug of a scenario name', () => {
  assert.equal(slug('XML that is not well-formed gets <xml-not-well-formed/>'), 'xml-that-is-not-well-formed-gets-xml-not-well-formed');
  assert.equal(slug('<<>>'), 'scenario');
});

test('replay compares shapes: names and conditions, not ids or random values', () => {
  const units = (text: string): ReaderEvent[] => {
    const out: ReaderEvent[] = [];
    new StreamReader((ev) => out.push(ev)).write(text);
    return out.filter((e) => e.kind !== 'xmldecl');
  };
  const a = units(`${RESPONSE_HEADER}<iq id='1' type='result'/><stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>x</text></stream:error>`);
  const b = units(`${RESPONSE_HEADER.replace("id='abc'", "id='zzz'")}<iq id='2' type='result'/><stream:error><xml-not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>`);
  assert.deepEqual(a.slice(0, 2).map(signature), b.slice(0, 2).map(signature));
  assert.notEqual(signature(a[2]!), signature(b[2]!));
});

test('a SASL <success> whose closing tag is split over two segments ends the exchange where it ends', () => {
  const t = transcript('c', [
    ['sent', `<auth xmlns='${SASL}' mechanism='PLAIN'>${PLAIN_B64}</auth>`],
    ['recv', `<success xmlns='${SASL}'>abc</succ`],
    ['recv', `ess><iq type='result' id='x'/>`],
  ]);
  assert.deepEqual(stepsOf(t.exchanges()), [{ auth: 'PLAIN', result: 'success' }, { recv: "<iq type='result' id='x'/>" }]);
});

// bin/replay.ts's exit codes, without a server: 2 and one line for a bad file or an unreachable target

function replayCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/replay.ts', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('replay: a file that is not a reproducer exits 2 with one line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repro-test-'));
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ schema: 'something else' }));
  const r = replayCli([bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr.trim(), /^replay: .*bad\.json is not a reproducer: schema: /);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(replayCli([path.join(dir, 'missing.json')]).code, 2);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('replay: an unreachable target exits 2 with one line', async () => {
  // a port nothing listens on: bound, then closed again
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repro-test-'));
  const cfg = path.join(dir, 'cfg.json');
  fs.writeFileSync(cfg, JSON.stringify({ domain: 'target.test', c2s: { host: '127.0.0.1', port }, accounts: [{ user: 'a', password: 'pa55word' }, { user: 'b', password: 'pa55word2' }] }));
  const client = stream('client-1', transcript('client-1', [['sent', HEADER]]), 1);
  const file = path.join(dir, 'r.json');
  fs.writeFileSync(file, JSON.stringify(buildReproducer(world([client], [[client, 'alice']], []), 's', [], 'm')));
  const r = replayCli([file, '--config', cfg]);
  assert.equal(r.code, 2);
  assert.match(r.stderr.trim(), new RegExp(`^cannot reach 127\\.0\\.0\\.1:${port}: connection refused \\(is the target running\\? replay starts nothing: .*\\)$`));
  fs.rmSync(dir, { recursive: true, force: true });
});
