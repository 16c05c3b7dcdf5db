// bin/conformance.ts on the command line: --help, --version, and one line for a mistake.
// Each case exits before any target is started or any config is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--help lists every option and exits 0', () => {
  const r = cli('--help');
  assert.equal(r.code, 0, r.stderr);
  for (const o of ['--config', '--target', '--profile', '--tags', '--name', '--fail-on', '--known-failures', '--parallel', '--reports', '--no-preflight', '--no-render', '--verbose', '--version']) assert.match(r.stdout, new RegExp(`^  ${o}\\b`, 'm'));
  assert.equal(r.stderr, '');
});

test('--version prints the name and version from package.json', () => {
  const r = cli('--version');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], `${PKG.name} ${PKG.version} (draft-ietf-xmpp-core-23 / RFC 3920)`);
});

test('a mistake on the command line: one line naming it, pointing at --help, exit 2', () => {
  for (const [args, pattern] of [
    [['--hlep'], /^unknown option --hlep: see --help/],
    [['--config'], /--config.*argument missing: see --help/],
    [['stray'], /'stray'.*see --help/],
    [['--target', 'nope'], /^--target nope: use .*prosody/],
  ] as const) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0]!, pattern);
  }
});
