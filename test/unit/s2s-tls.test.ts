// STARTTLS on server-to-server streams, both sides of the suite's peer at once, lab-free: the
// peer as originating server (openS2s) against the peer's own listener as receiving entity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { parseConfig, type Config } from '../../support/config.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger, PeerListener, authenticateExternal, openS2s, originate } from '../../support/peer/server.ts';
import { badCredentials, makeCa, peerCredentials, type Ca } from '../../support/peer/pki.ts';
import { NS } from '../../support/wire/element.ts';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function lab(starttls: boolean, pki?: Ca): Promise<{ cfg: Config; listener: PeerListener; ledger: Ledger }> {
  const port = await freePort();
  // the listener stands in for the target: the originating side dials cfg.s2s, which is the listener
  const cfg = parseConfig(
    {
      domain: 'peer.test',
      c2s: { host: '127.0.0.1', port: 5222 },
      s2s: { host: '127.0.0.1', port },
      accounts: [{ user: 'a', password: 'apw' }, { user: 'b', password: 'bpw' }],
      peer: { listen: { host: '127.0.0.1', port }, starttls, pki },
      timeouts: { responseMs: 2000, quietMs: 100, connectMs: 2000 },
    },
    'unit',
  );
  const ledger = new Ledger();
  const listener = new PeerListener({ cfg, secrets: [], ledger, label: 'listener' });
  await listener.start();
  return { cfg, listener, ledger };
}

test('s2s STARTTLS: the listener offers it, the originating peer uses it, the new stream offers it no more', async () => {
  const { cfg, listener, ledger } = await lab(true);
  const s = await originate({ cfg, secrets: [], ledger, label: 'peer-out-1' });
  try {
    const features = await openS2s(s, cfg, { from: 'origin.test', to: cfg.domain });
    assert.ok(s.tls, 'the stream is secured');
    assert.equal(features?.child('starttls', NS.tls), undefined, 'no <starttls/> on the stream after TLS');
    assert.ok(features?.child('dialback', 'urn:xmpp:features:dialback'), 'dialback is still offered');
    assert.match(s.transcript.lines.map((l) => l.text).join('\n'), /TLS established/);
    const accepted = listener.accepted[0]!;
    assert.ok(accepted.tls, "the listener's side of the connection is secured too");
    assert.equal(accepted.received.filter((r) => r.kind === 'header').length, 2, 'a header before TLS and one for the new stream');
  } finally {
    s.destroy();
    await listener.stop();
  }
});

test('s2s STARTTLS off (peer.starttls=false): no <starttls/> offered, the stream stays plaintext', async () => {
  const { cfg, listener, ledger } = await lab(false);
  const s = await originate({ cfg, secrets: [], ledger, label: 'peer-out-1' });
  try {
    const features = await openS2s(s, cfg, { from: 'origin.test', to: cfg.domain });
    assert.equal(s.tls, undefined);
    assert.equal(features?.child('starttls', NS.tls), undefined);
  } finally {
    s.destroy();
    await listener.stop();
  }
});

// SASL EXTERNAL between servers with the lab's PKI: the originating peer presents a certificate, the
// listener (policy.external) checks it against the CA and the domain of the stream header
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xmpp-unit-pki-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function external(credentials: { key: string; cert: string }, ca: Ca): Promise<{ answer: string; features?: string; auths: PeerListener['auths'] }> {
  const { cfg, listener, ledger } = await lab(true, ca);
  listener.policy.external = 'after-tls';
  const s = await originate({ cfg, secrets: [], ledger, label: 'peer-out-1' });
  try {
    const features = await openS2s(s, cfg, { from: 'origin.test', to: cfg.domain }, credentials);
    assert.deepEqual(features?.child('mechanisms', NS.sasl)?.elements().map((m) => m.text()), ['EXTERNAL'], 'EXTERNAL offered after TLS');
    const r = await authenticateExternal(s, { from: 'origin.test', to: cfg.domain });
    return { answer: r.answer.toString(), features: r.features?.toString(), auths: listener.auths };
  } finally {
    s.destroy();
    await listener.stop();
  }
}

test('s2s SASL EXTERNAL: a certificate from the CA for the stream header\'s domain succeeds, and the new stream offers nothing more', async () => {
  const ca = makeCa(dir);
  const r = await external(peerCredentials(['origin.test'], ca), ca);
  assert.match(r.answer, /<success/);
  assert.match(r.features ?? '', /<stream:features\/>|<stream:features><\/stream:features>/);
  assert.deepEqual(r.auths.map((a) => [a.mechanism, a.authzid, a.secured, a.outcome]), [['EXTERNAL', '', true, 'success']]);
});

for (const kind of ['self-signed', 'expired', 'for another domain', 'from a CA the target does not trust'] as const) {
  test(`s2s SASL EXTERNAL: a certificate that is ${kind} is refused with <not-authorized/>`, async () => {
    const ca = makeCa(dir);
    const r = await external(badCredentials(kind, ['origin.test'], ca), ca);
    assert.match(r.answer, /<failure[^>]*><not-authorized\/><\/failure>/);
    assert.equal(r.features, undefined);
  });
}

