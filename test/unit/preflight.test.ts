// The preflight line against fake endpoints on loopback: each failure mode names the first step
// that failed and what the target did instead (refused, silent, header then close, header then
// reset, DOCTYPE, not well-formed, untrusted certificate, wrong password, bind refused).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { parseConfig } from '../../support/config.ts';
import { preflight, certificateProblem } from '../../support/peer/preflight.ts';
import { makeCert } from '../../targets/target.ts';

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='target.test' id='f1' version='1.0'>";
const TLS_FEATURES = "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";
const SASL_FEATURES = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
const BIND_FEATURES = "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";

const servers: net.Server[] = [];
const dirs: string[] = [];
after(() => {
  for (const s of servers) s.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A fake endpoint; `onData` sees each chunk the suite sends, with a write function. */
async function endpoint(onConnect: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    onConnect(s);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** Answer each thing the suite sends, in order: a list of replies (a function for the last word). */
function script(...replies: Array<string | ((s: net.Socket) => void)>) {
  return (s: net.Socket) => {
    let i = 0;
    const onData = () => {
      const r = replies[i++];
      if (r === undefined) return;
      if (typeof r === 'string') s.write(r);
      else {
        s.off('data', onData);
        r(s);
      }
    };
    s.on('data', onData);
  };
}

function config(port: number, policy: 'required' | 'none' = 'none', extra: object = {}) {
  return parseConfig(
    {
      domain: 'target.test',
      c2s: { host: '127.0.0.1', port },
      tls: { policy },
      accounts: [
        { user: 'alice', password: 'pw-alice' },
        { user: 'bob', password: 'pw-bob' },
      ],
      timeouts: { responseMs: 400, quietMs: 100, connectMs: 400 },
      ...extra,
    },
    'test.json',
  );
}

async function line(port: number, policy?: 'required' | 'none') {
  const p = await preflight(config(port, policy));
  assert.equal(p.ok, false);
  assert.ok(p.message && !/\n/.test(p.message), `one line: ${p.message}`);
  return p;
}

test('refused: TCP connect, naming the address and the fields', async () => {
  const port = await endpoint(() => undefined);
  servers.pop()!.close();
  await new Promise((r) => setImmediate(r));
  const p = await line(port);
  assert.equal(p.step, 'TCP connect');
  assert.equal(p.problem, 'unreachable');
  assert.match(p.message!, new RegExp(`^TCP connect failed: 127\\.0\\.0\\.1:${port}: connection refused: .*c2s\\.host and c2s\\.port`));
});

test('silent: the stream header step got nothing', async () => {
  const p = await line(await endpoint(() => undefined));
  assert.equal(p.step, 'stream header');
  assert.match(p.message!, /^stream header failed: 127\.0\.0\.1:\d+ accepts TCP but sent nothing within 400 ms/);
});

test('header then close: the features step says the header came and the connection was closed', async () => {
  const p = await line(await endpoint(script((s) => s.end(HEADER))));
  assert.equal(p.step, 'features');
  assert.match(p.message!, /^features failed: the target sent its stream header, then closed the TCP connection; expected <stream:features\/>/);
});

test('header then reset: the features step says reset', async () => {
  // the endpoint's behaviour, not a wait of the suite: an RST right behind the data reaches the
  // client as a plain close on Linux, so the endpoint resets a moment after its header
  const p = await line(await endpoint(script((s) => s.write(HEADER, () => setTimeout(() => s.resetAndDestroy(), 50)))));
  assert.equal(p.step, 'features');
  assert.match(p.message!, /^features failed: the target sent its stream header, then reset the TCP connection/);
});

test('close before anything: the stream header step says so', async () => {
  const p = await line(await endpoint(script((s) => s.end())));
  assert.equal(p.step, 'stream header');
  assert.match(p.message!, /^stream header failed: the target closed the TCP connection without sending anything/);
});

test('DOCTYPE first: named as what arrived, not as silence', async () => {
  const p = await line(await endpoint(script(`<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a "b">]>${HEADER.slice(21)}`)));
  assert.equal(p.step, 'stream header');
  assert.match(p.message!, /^stream header failed: the target sent <!DOCTYPE.*which no XMPP stream may carry/);
});

test('a slow target: the bytes that came, not silence', async () => {
  const p = await line(await endpoint(script("<?xml version='1.0'?><stream:str")));
  assert.equal(p.step, 'stream header');
  assert.match(p.message!, /accepts TCP but sent only \d+ byte\(s\) of an unfinished element \("<\?xml version='1\.0'\?>.*\) within 400 ms/);
});

test('not well-formed: named as such', async () => {
  const p = await line(await endpoint(script('<<<>>>\u0001garbage')));
  assert.equal(p.step, 'stream header');
  assert.match(p.message!, /^stream header failed: the target sent XML the suite could not parse \(1:\d+: /);
});

test('untrusted certificate: STARTTLS, the problem named and the config field that fixes it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-cert-'));
  dirs.push(dir);
  makeCert(dir, 'target.test', 'ec');
  const key = fs.readFileSync(path.join(dir, 'target.test.key'));
  const cert = fs.readFileSync(path.join(dir, 'target.test.crt'));
  const port = await endpoint(
    script(HEADER + TLS_FEATURES, (s) => {
      s.write("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
      const secure = new tls.TLSSocket(s, { isServer: true, key, cert });
      secure.on('error', () => undefined);
    }),
  );
  const p = await line(port, 'required');
  assert.equal(p.step, 'STARTTLS');
  assert.equal(p.problem, 'unreachable');
  assert.match(p.message!, /^STARTTLS failed: its certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\): set tls\.caFile .* or tls\.allowSelfSigned to true/);
});

test('wrong password: SASL, naming the account, its config entry and the mechanism', async () => {
  const port = await endpoint(script(HEADER + SASL_FEATURES, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>"));
  const p = await line(port);
  assert.equal(p.step, 'SASL');
  assert.equal(p.problem, 'setup');
  assert.match(p.message!, /^SASL failed: SASL PLAIN as 'alice' \(accounts\[0\]\) was refused with <not-authorized\/>: check that alice@target\.test exists/);
});

test('bind refused: the bind step and what arrived', async () => {
  const port = await endpoint(
    script(HEADER + SASL_FEATURES, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", HEADER + BIND_FEATURES, (s) =>
      s.write("<iq type='error' id='x'><error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"),
    ),
  );
  const p = await line(port);
  assert.equal(p.step, 'bind');
  assert.match(p.message!, /^bind failed: /);
});

test('certificate problems name the field that fixes them', () => {
  assert.match(certificateProblem('ERR_TLS_CERT_ALTNAME_INVALID', 'example.org'), /does not name 'example\.org'.*set domain/);
  assert.match(certificateProblem('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'example.org'), /does not chain to a trusted CA.*tls\.caFile/);
  assert.match(certificateProblem('CERT_HAS_EXPIRED', 'example.org'), /expired/);
});
