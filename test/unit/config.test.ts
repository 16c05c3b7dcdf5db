// Config: defaults, env overrides, and one-line errors that name the field.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forWorker, parseConfig, loadConfig, peerLanes, secretsOf } from '../../support/config.ts';
import { ConfigError } from '../../support/errors.ts';

const minimal = () => ({
  domain: 'example.com',
  c2s: { host: '127.0.0.1', port: 5222 },
  accounts: [
    { user: 'alice', password: 'alicepw' },
    { user: 'bob', password: 'bobpw' },
  ],
});

/** Asserts a ConfigError with a one-line message matching every pattern; returns the message. */
function configError(fn: () => unknown, ...patterns: RegExp[]): string {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
  assert.equal(err.name, 'ConfigError');
  assert.ok(!/[\r\n]/.test(err.message), `not one line: ${JSON.stringify(err.message)}`);
  for (const p of patterns) assert.match(err.message, p);
  return err.message;
}

test('a minimal config parses with defaults', () => {
  const c = parseConfig(minimal(), 'cfg.json');
  assert.equal(c.domain, 'example.com');
  assert.deepEqual(c.c2s, { host: '127.0.0.1', port: 5222 });
  assert.equal(c.s2s, undefined);
  assert.deepEqual(c.tls, { policy: 'required', allowSelfSigned: false });
  assert.deepEqual(c.peer, { domain: 'peer.test', secondDomain: 'peer2.test', listen: { host: '127.0.0.2', port: 5269 }, starttls: true, lanes: [] });
  assert.deepEqual(c.timeouts, { responseMs: 5000, quietMs: 800, connectMs: 3000 });
  assert.equal(c.parallel, 1);
});

test('parseConfig does not modify its input', () => {
  const raw = minimal();
  parseConfig(raw, 'cfg.json', { XMPP_C2S_PORT: '5333' });
  assert.equal(raw.c2s.port, 5222);
});

test('missing domain: one line naming domain', () => {
  const { domain: _, ...raw } = minimal();
  configError(() => parseConfig(raw, 'cfg.json'), /cfg\.json/, /\bdomain\b/, /missing/);
});

test('port out of range: one line naming c2s.port', () => {
  for (const port of [0, 65536, 70000]) {
    configError(() => parseConfig({ ...minimal(), c2s: { host: 'h', port } }, 'cfg.json'), /c2s\.port/);
  }
});

test('fewer than two accounts: one line naming accounts', () => {
  configError(() => parseConfig({ ...minimal(), accounts: [{ user: 'a', password: 'p' }] }, 'cfg.json'), /accounts/, /two accounts/);
  configError(() => parseConfig({ ...minimal(), accounts: [] }, 'cfg.json'), /accounts/);
});

test('accounts as a number: that many to register (XEP-0077), the list left for the run to fill', () => {
  const c = parseConfig({ ...minimal(), accounts: 4 }, 'cfg.json');
  assert.equal(c.register, 4);
  assert.deepEqual(c.accounts, []);
  assert.equal(parseConfig(minimal(), 'cfg.json').register, undefined);
  configError(() => parseConfig({ ...minimal(), accounts: 1 }, 'cfg.json'), /accounts/, /register at least two accounts/);
  configError(() => parseConfig({ ...minimal(), accounts: 33 }, 'cfg.json'), /accounts/, /at most 32/);
  // neither form: one line naming both
  for (const accounts of ['two', 2.5, { user: 'a' }]) configError(() => parseConfig({ ...minimal(), accounts }, 'cfg.json'), /accounts: give at least two accounts as \[/, /or the number of accounts to create by in-band registration/);
  // a list with a mistake inside: the mistake, not the union
  configError(() => parseConfig({ ...minimal(), accounts: [{ user: 'a' }, { user: 'b', password: 'p' }] }, 'cfg.json'), /accounts\.0\.password: missing/);
});

test('unknown top-level field (typo): one line naming it', () => {
  const { domain, ...rest } = minimal();
  configError(() => parseConfig({ ...rest, domian: domain, domain }, 'cfg.json'), /unknown field/, /domian/);
});

test(
  'unknown nested field (typo tls.polcy) is reported',
  () => {
    configError(() => parseConfig({ ...minimal(), tls: { polcy: 'none' } }, 'cfg.json'), /polcy/);
  },
);

test('bad tls.policy: one line naming tls.policy', () => {
  configError(() => parseConfig({ ...minimal(), tls: { policy: 'sometimes' } }, 'cfg.json'), /tls\.policy/);
  configError(() => parseConfig(minimal(), 'cfg.json', { XMPP_TLS_POLICY: 'never' }), /tls\.policy/);
});

test('env XMPP_C2S_PORT=abc: one line naming the variable', () => {
  configError(() => parseConfig(minimal(), 'cfg.json', { XMPP_C2S_PORT: 'abc' }), /XMPP_C2S_PORT/, /number/);
  configError(() => parseConfig(minimal(), 'cfg.json', { XMPP_C2S_PORT: ' ' }), /XMPP_C2S_PORT/);
  configError(() => parseConfig(minimal(), 'cfg.json', { XMPP_C2S_PORT: '99999' }), /c2s\.port/);
  configError(() => parseConfig(minimal(), 'cfg.json', { XMPP_TLS_ALLOW_SELF_SIGNED: 'yes' }), /XMPP_TLS_ALLOW_SELF_SIGNED/);
});

test('env overrides apply; empty values are ignored', () => {
  const c = parseConfig(minimal(), 'cfg.json', {
    XMPP_C2S_PORT: '5333',
    XMPP_TARGET_DOMAIN: 'other.test',
    XMPP_TLS_ALLOW_SELF_SIGNED: 'true',
    XMPP_S2S_HOST: 's2s.host',
    XMPP_S2S_PORT: '5269',
    XMPP_QUIET_MS: '',
  });
  assert.equal(c.c2s.port, 5333);
  assert.equal(c.c2s.host, '127.0.0.1');
  assert.equal(c.domain, 'other.test');
  assert.equal(c.tls.allowSelfSigned, true);
  assert.equal(c.tls.policy, 'required');
  assert.deepEqual(c.s2s, { host: 's2s.host', port: 5269, dialback: true });
  assert.equal(c.timeouts.quietMs, 800);
});

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-unit-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

test('loadConfig reads a file and applies the env it is given', () => {
  const file = tmpFile('ok.json', JSON.stringify(minimal(), null, 2));
  assert.equal(loadConfig(file, {}).c2s.port, 5222);
  assert.equal(loadConfig(file, { XMPP_C2S_PORT: '5333' }).c2s.port, 5333);
  configError(() => loadConfig(file, { XMPP_C2S_PORT: 'abc' }), /XMPP_C2S_PORT/);
});

test('unreadable file: one line naming the file', () => {
  const file = path.join(os.tmpdir(), 'cfg-unit-does-not-exist', 'nope.json');
  configError(() => loadConfig(file, {}), /cannot read/, /nope\.json/);
});

test('invalid JSON: one line naming the file', () => {
  const file = tmpFile('bad.json', '{ "domain": "x", ');
  configError(() => loadConfig(file, {}), /not valid JSON/, /bad\.json/);
});

test(
  'invalid JSON spread over several lines: still one line',
  () => {
    // e.g. `"parallel": two` at the end of an otherwise valid pretty-printed file
    const text = JSON.stringify({ ...minimal(), parallel: 'TWO' }, null, 2).replace('"TWO"', 'two');
    const file = tmpFile('multi.json', text);
    configError(() => loadConfig(file, {}), /not valid JSON/, /multi\.json/);
  },
);

test('every problem in one run, each on its own line naming its field', () => {
  const raw = { ...minimal(), domain: '', c2s: { host: '127.0.0.1', port: 70000 }, tls: { policy: 'sometimes', polcy: 'none' }, accounts: [{ user: 'a', password: 'p' }] };
  let err: unknown;
  try {
    parseConfig(raw, 'cfg.json', { XMPP_C2S_HOST: 'h', XMPP_QUIET_MS: 'soon' });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigError);
  const lines = err.message.split('\n');
  for (const field of [/^config error in cfg\.json: domain:/, /^config error in cfg\.json: c2s\.port:/, /^config error in cfg\.json: tls\.policy:/, /^config error in cfg\.json: tls: unknown field\(s\) polcy/, /^config error in cfg\.json: accounts: .*two accounts/, /^config error in the environment: XMPP_QUIET_MS=soon: expected a number/]) {
    assert.equal(lines.filter((l) => field.test(l)).length, 1, `one line matching ${field} in:\n${err.message}`);
  }
  assert.equal(lines.length, 6, err.message);
});

test('secretsOf lists passwords and their PLAIN encodings', () => {
  const c = parseConfig(minimal(), 'cfg.json');
  const s = secretsOf(c);
  assert.ok(s.includes('alicepw'));
  assert.ok(s.includes('bobpw'));
  assert.ok(s.includes(Buffer.from('\0alice\0alicepw').toString('base64')));
  assert.ok(s.includes(Buffer.from('alice@example.com\0alice\0alicepw').toString('base64')));
  assert.equal(s.length, 6);
});

test('the SASL retry count defaults to 10, can be set, and is at least 3', () => {
  assert.equal(parseConfig(minimal(), 'cfg.json').sasl.retries, 10);
  assert.equal(parseConfig({ ...minimal(), sasl: { retries: 5 } }, 'cfg.json').sasl.retries, 5);
  configError(() => parseConfig({ ...minimal(), sasl: { retries: 2 } }, 'cfg.json'), /sasl\.retries/);
});

test('peer lanes: each worker its own when there is one per worker, else the first for all', () => {
  const lanes = [
    { domain: 'peer-b.test', secondDomain: 'peer2-b.test', listen: { host: '127.0.0.6', port: 5269 } },
    { domain: 'peer-c.test', secondDomain: 'peer2-c.test', listen: { host: '127.0.0.7', port: 5269 } },
  ];
  const c = parseConfig({ ...minimal(), peer: { lanes } }, 'config.json');
  assert.deepEqual(peerLanes(c).map((l) => l.domain), ['peer.test', 'peer-b.test', 'peer-c.test']);
  assert.deepEqual([0, 1, 2].map((w) => forWorker(c, w, 3).peer.domain), ['peer.test', 'peer-b.test', 'peer-c.test']);
  assert.equal(forWorker(c, 2, 3).peer.listen.host, '127.0.0.7');
  assert.deepEqual([0, 1, 2, 3].map((w) => forWorker(c, w, 4).peer.domain), ['peer.test', 'peer.test', 'peer.test', 'peer.test']);
});

test('peer lanes must not share a domain or a listener address', () => {
  const lane = { domain: 'peer.test', secondDomain: 'peer2-b.test', listen: { host: '127.0.0.2', port: 5269 } };
  assert.throws(() => parseConfig({ ...minimal(), peer: { lanes: [lane] } }, 'config.json'), /peer\.lanes.*peer\.test.*\n.*peer\.lanes.*127\.0\.0\.2:5269/s);
});
