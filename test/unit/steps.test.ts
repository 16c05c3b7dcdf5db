// Every step definition is used by some scenario, and each is defined where its step file says
// (support/step.ts registers them as if from the calling file): cucumber's usage report, dry run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('every step definition is used, and located in its step file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xmpp-usage-'));
  const out = path.join(dir, 'usage.json');
  const r = spawnSync(process.execPath, ['node_modules/@cucumber/cucumber/bin/cucumber.js', '--config', 'cucumber.mjs', '--dry-run', '--format', `usage-json:${out}`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, XMPP_CONFORMANCE_CONFIG: path.join(ROOT, 'targets', 'prosody', 'config.json'), XMPP_REPORTS_DIR: dir },
  });
  assert.equal(r.status, 0, r.stderr);
  const usage = JSON.parse(fs.readFileSync(out, 'utf8')) as Array<{ pattern: string; uri: string; line: number; matches: unknown[] }>;
  assert.ok(usage.length > 100);
  assert.deepEqual(usage.filter((d) => !d.matches.length).map((d) => `${d.pattern} (${d.uri}:${d.line})`), []);
  assert.deepEqual(usage.filter((d) => !d.uri.startsWith('steps/')).map((d) => `${d.pattern} (${d.uri})`), []);
  fs.rmSync(dir, { recursive: true, force: true });
});
