// Accounts given as a number (XEP-0077 provisioning, support/peer/register.ts) against the real
// embedded Prosody with in-band registration allowed: created before the run and removed after
// it, removed also when the run is interrupted, and a server that refuses registration gets one
// line saying how to create the accounts by hand. Needs root and the lab, so it is not part of
// `npm run test:unit`; `npm test` runs it, and by hand: node --import tsx --test test/provision.test.ts
// Outside the lab this file runs itself inside it (targets/lab/run.sh) and reports what it said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pTimeout from 'p-timeout';
import { parseConfig } from '../support/config.ts';
import { loadDriver, TARGETS_DIR, type RunningTarget } from '../targets/target.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const here = fileURLToPath(import.meta.url);

if (!process.env.XMPP_PROVISION_IN_LAB) {
  test('provisioning against the embedded Prosody, inside the lab', () => {
    const r = spawnSync(path.join(TARGETS_DIR, 'lab', 'run.sh'), [process.execPath, '--import', 'tsx', '--test', '--test-concurrency=1', here], {
      cwd: ROOT,
      encoding: 'utf8',
      // without NODE_TEST_CONTEXT, which the test runner sets for this file: the inner run is a test run of its own
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')), XMPP_PROVISION_IN_LAB: '1' },
      timeout: 240_000,
    });
    process.stdout.write(r.stdout);
    assert.equal(r.status, 0, `the tests inside the lab failed (exit ${r.status}):\n${r.stderr}`);
  });
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xmpp-provision-'));
  const domain = 'target.test';
  const userCfg = { domain, c2s: { host: '127.0.0.1', port: 5222 }, tls: { policy: 'required', allowSelfSigned: true }, accounts: 2, timeouts: { responseMs: 1000, quietMs: 300, connectMs: 2000 }, parallel: 1 };
  const cfgFile = path.join(dir, 'my-server.json');
  fs.writeFileSync(cfgFile, JSON.stringify(userCfg));
  const runDir = path.join(dir, 'prosody');
  /** the accounts Prosody holds: one file each under data/<host>/accounts (internal_hashed storage) */
  const accountsHeld = () => {
    const d = path.join(runDir, 'data', domain.replace(/\./g, '%2e'), 'accounts');
    // file names are percent-encoded ('-' is %2d)
    return fs.existsSync(d) ? fs.readdirSync(d).map((f) => decodeURIComponent(f.replace(/\.dat$/, ''))).sort() : [];
  };

  let prosody: RunningTarget | undefined;
  async function start(registration: boolean): Promise<void> {
    await prosody?.stop();
    const driver = await loadDriver('prosody');
    // the target's own config: no accounts of its own (a number of accounts leaves the list empty)
    prosody = await driver.start(parseConfig(userCfg, 'test', {}), { c2sTls: 'required', registration }, runDir);
  }

  /** The suite run as a user runs it; `whenRegistered` is called once the accounts exist. */
  function conformance(reports: string, whenRegistered?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--config', cfgFile, '--no-render', '--fail-on', 'none', '--reports', reports, '--tags', '@c2s and @req:core-4.4-3'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      const before = stderr;
      stderr += d.toString();
      if (!/accounts: registered/.test(before) && /accounts: registered/.test(stderr)) whenRegistered?.(child);
    });
    return pTimeout(new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr }))), { milliseconds: 120_000 });
  }

  test('accounts: 2 → registered before the run, used by it, removed after it', async (t) => {
    await start(true);
    let during: string[] = [];
    const r = await conformance(path.join(dir, 'reports-1'), () => (during = accountsHeld()));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^accounts: registered 2 on target\.test by in-band registration \(XEP-0077\), xc[0-9a-f]{6}-1 to xc[0-9a-f]{6}-2; removed when the run ends$/m);
    assert.deepEqual(during.map((u) => u.replace(/^xc[0-9a-f]{6}-/, '')), ['1', '2'], 'the two accounts existed during the run');
    const c = JSON.parse(fs.readFileSync(path.join(dir, 'reports-1', 'compliance.json'), 'utf8'));
    assert.equal(c.preflight.ok, true, `the preflight logged in: ${c.preflight.message}`);
    assert.ok(c.summary.scenarios.total > 0 && c.summary.scenarios.broken === 0, `scenarios ran, none broken: ${JSON.stringify(c.summary.scenarios)}`);
    assert.match(r.stderr, /^accounts: the 2 registered account\(s\) were removed$/m);
    assert.deepEqual(accountsHeld(), [], 'no account left on the server');
    for (const line of r.stderr.split('\n').filter((l) => l.startsWith('accounts:'))) t.diagnostic(line);
  });

  test('interrupted (SIGINT) → the run stops, the accounts are removed, exit 130', async () => {
    let during: string[] = [];
    const r = await conformance(path.join(dir, 'reports-2'), (child) => {
      during = accountsHeld();
      child.kill('SIGINT');
    });
    assert.equal(r.code, 130, r.stderr);
    assert.equal(during.length, 2, 'the accounts existed when the run was interrupted');
    assert.match(r.stderr, /^SIGINT: stopping the run, then removing the 2 registered account\(s\)$/m);
    assert.match(r.stderr, /^accounts: the 2 registered account\(s\) were removed$/m);
    assert.deepEqual(accountsHeld(), [], 'no account left on the server');
  });

  test('registration refused → one line saying how to create the accounts by hand, exit 2', async () => {
    await start(false);
    const r = await conformance(path.join(dir, 'reports-3'));
    await prosody?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^accounts: the target refused in-band registration \(XEP-0077\): it answered the request for the form with <(service-unavailable|feature-not-implemented|not-allowed)\/>: allow in-band registration on target\.test .*or create 2 accounts by hand and list them in the config as "accounts": \[/);
  });
}
