// What `npm pack` puts in the package (package.json "files"): everything a run needs, from the
// installed command to each embedded target's driver and config, and nothing of the project's
// own tests or of a run's output. The install itself is tried by hand (README "Point it at your server").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the package holds what a run needs and none of the tests or reports', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = new Set((JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const needed = [
    ...Object.values(pkg.bin),
    'bin/conformance.ts',
    'cucumber.mjs',
    'package.json',
    'support/requirements.json',
    'support/not-covered.json',
    'support/readings.json',
    'targets/target.ts',
    'targets/lab/run.sh',
    'targets/lab/resolv.conf',
    ...fs.readdirSync(path.join(ROOT, 'support/schemas')).map((f) => `support/schemas/${f}`),
    ...fs.readdirSync(path.join(ROOT, 'targets')).filter((t) => fs.existsSync(path.join(ROOT, 'targets', t, 'target.ts'))).flatMap((t) => [`targets/${t}/target.ts`, `targets/${t}/config.json`]),
    ...(fs.readdirSync(path.join(ROOT, 'features'), { recursive: true }) as string[]).filter((f) => f.endsWith('.feature')).map((f) => `features/${f}`),
    ...fs.readdirSync(path.join(ROOT, 'steps')).map((f) => `steps/${f}`),
  ];
  assert.deepEqual(needed.filter((f) => !files.has(f)), [], 'missing from the package');
  assert.deepEqual([...files].filter((f) => /^(test|reports)\//.test(f) || /\/run\//.test(f)), [], 'in the package but not for it');
  const bin = fs.readFileSync(path.join(ROOT, Object.values(pkg.bin)[0]!), 'utf8');
  assert.match(bin, /^#!\/usr\/bin\/env node\n/, 'the installed command starts with a node shebang');
});
