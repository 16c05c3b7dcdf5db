// npm test: the project's own tests, in order: unit tests, the full run against each embedded
// target compared with its expected.json and its reports compared with its compliance.json, the
// negative controls, a reproducer replayed, accounts provisioned, the hostile endpoints and the matrix. Ends with the
// plain line 'N passed, N failed'. Every part runs even when an earlier one failed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ComplianceSchema } from '../support/report/compliance.ts';
import { compareWithExpected, loadExpected } from '../support/report/expected.ts';
import { checkFidelity, describe } from '../support/report/fidelity.ts';
import { TARGETS_DIR } from '../targets/target.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** target:profile pairs; each has its baseline targets/<target>/expected.json (first profile) or expected.<profile>.json */
const RUNS = (process.env.SELFTEST_RUNS ?? 'prosody:tls-required,prosody:tls-optional,ejabberd:tls-required,ejabberd:tls-optional,jabberd2:tls-required,jabberd2:tls-optional').split(',').filter(Boolean).map((r) => r.split(':') as [string, string]);
const DEFAULT_PROFILE = 'tls-required';
const expectedFile = (target: string, profile: string) => path.join(TARGETS_DIR, target, profile === DEFAULT_PROFILE ? 'expected.json' : `expected.${profile}.json`);

function run(cmd: string, args: string[]): Promise<number> {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

const results: Array<[string, boolean, string]> = [];

async function part(name: string, fn: () => Promise<string | undefined>): Promise<void> {
  process.stdout.write(`\n=== ${name}\n`);
  const started = Date.now();
  let problem: string | undefined;
  try {
    problem = await fn();
  } catch (e) {
    problem = (e as Error).message;
  }
  results.push([name, !problem, `${problem ?? 'ok'} (${((Date.now() - started) / 1000).toFixed(1)} s)`]);
}

await part('unit tests', async () => {
  const files = fs.readdirSync(path.join(ROOT, 'test/unit')).filter((f) => f.endsWith('.test.ts')).map((f) => path.join('test/unit', f));
  const code = await run(process.execPath, ['--import', 'tsx', '--test', ...files]);
  return code === 0 ? undefined : `node --test exited ${code}`;
});

for (const [target, profile] of RUNS) {
  await part(`conformance run against ${target} (${profile}), compared with ${path.relative(ROOT, expectedFile(target, profile))}`, async () => {
    const reports = path.join(ROOT, 'reports', `selftest-${target}-${profile}`);
    const code = await run(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', target, '--profile', profile, '--fail-on', 'none', '--reports', reports]);
    if (code !== 0) return `the run exited ${code}`;
    const c = ComplianceSchema.parse(JSON.parse(fs.readFileSync(path.join(reports, 'compliance.json'), 'utf8')));
    if (c.requirements.length !== 275) return `compliance.json has ${c.requirements.length} requirements, not 275`;
    const expected = loadExpected(expectedFile(target, profile));
    const todo = Object.entries(expected.verdicts).filter(([, v]) => v.verdict === 'failed' && v.because.startsWith('TODO'));
    const diffs = compareWithExpected(c, expected);
    for (const d of diffs) process.stdout.write(`  changed verdict: ${d}\n`);
    for (const [id] of todo) process.stdout.write(`  expected failure without a reason: ${id}\n`);
    const secrets = leakedSecrets(reports);
    for (const s of secrets) process.stdout.write(`  secret found in ${s}\n`);
    // the summary names what changed, so that the last lines of a CI log say which verdict moved
    const named = diffs.length ? ` (${diffs.map((d) => d.split(':')[0]).join(', ')})` : '';
    if (diffs.length || todo.length || secrets.length) return `${diffs.length} changed verdict(s)${named}, ${todo.length} unexplained failure(s), ${secrets.length} leaked secret(s)`;
    process.stdout.write(`  ${c.summary.scenarios.total} scenarios, ${Object.keys(expected.verdicts).length} decided requirements as expected\n`);
    return undefined;
  });
  // every report of that run (Allure results and the rendered report, JUnit, cucumber JSON, the
  // requirement page) shows the verdicts its compliance.json holds: support/report/fidelity.ts
  await part(`report fidelity of that run (${target}, ${profile})`, async () => fidelity(path.join(ROOT, 'reports', `selftest-${target}-${profile}`)));
}

/** The fidelity checker on one run's reports; with matrixDir, only what the matrix and badges show of that run. */
function fidelity(reports: string, matrixDir?: string): string | undefined {
  if (!fs.existsSync(path.join(reports, 'compliance.json'))) return 'no compliance.json (the run did not finish)';
  const ds = checkFidelity(reports, { matrixDir, root: ROOT }).filter((d) => !matrixDir || /^(matrix|badge)/.test(d.report));
  for (const d of ds.slice(0, 40)) process.stdout.write(`  ${describe(d)}\n`);
  if (ds.length > 40) process.stdout.write(`  ... and ${ds.length - 40} more\n`);
  return ds.length ? `${ds.length} disagreement(s) with compliance.json` : undefined;
}

await part('negative controls (npm run controls)', async () => {
  const code = await run(process.execPath, ['--import', 'tsx', 'test/controls/run.ts']);
  return code === 0 ? undefined : `controls exited ${code}`;
});

await part('a reproducer replayed against the embedded Prosody (test/replay.test.ts)', async () => {
  const code = await run(process.execPath, ['--import', 'tsx', '--test', 'test/replay.test.ts']);
  return code === 0 ? undefined : `node --test exited ${code}`;
});

await part('accounts created by in-band registration and removed, against the embedded Prosody (test/provision.test.ts)', async () => {
  const code = await run(process.execPath, ['--import', 'tsx', '--test', 'test/provision.test.ts']);
  return code === 0 ? undefined : `node --test exited ${code}`;
});

await part('hostile targets (npm run hostile)', async () => {
  const code = await run(process.execPath, ['--import', 'tsx', 'test/hostile/run.ts']);
  return code === 0 ? undefined : `hostile exited ${code}`;
});

await part('cross-target matrix (npm run matrix)', async () => {
  const files = RUNS.map(([t, p]) => path.join(ROOT, 'reports', `selftest-${t}-${p}`, 'compliance.json')).filter((f) => fs.existsSync(f));
  const code = await run(process.execPath, ['--import', 'tsx', 'bin/matrix.ts', ...files]);
  if (code !== 0) return `matrix exited ${code}`;
  // each run's column, the header's counts and its badge show what that run's compliance.json holds
  const bad = files.map((f) => fidelity(path.dirname(f), path.join(ROOT, 'reports', 'matrix'))).filter(Boolean);
  return bad.length ? `matrix or badges disagree with ${bad.length} run(s)` : undefined;
});

/** Every password of every embedded target's accounts, and their PLAIN base64 forms, searched for under reports/. */
function leakedSecrets(dir: string): string[] {
  const needles: string[] = [];
  for (const t of fs.readdirSync(TARGETS_DIR)) {
    const f = path.join(TARGETS_DIR, t, 'config.json');
    if (!fs.existsSync(f)) continue;
    const cfg = JSON.parse(fs.readFileSync(f, 'utf8')) as { domain: string; accounts: Array<{ user: string; password: string }> };
    for (const a of cfg.accounts) {
      needles.push(a.password, Buffer.from(`\0${a.user}\0${a.password}`).toString('base64'), Buffer.from(a.password).toString('base64'));
    }
  }
  const found: string[] = [];
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    if (!fs.statSync(p).isFile()) continue;
    const text = fs.readFileSync(p, 'latin1');
    for (const n of needles) if (text.includes(n)) found.push(`${p} (${n === needles[0] ? 'a password' : 'a secret'})`);
  }
  return found;
}

process.stdout.write('\n=== summary\n');
for (const [name, ok, detail] of results) process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}\n`);
const passed = results.filter((r) => r[1]).length;
process.stdout.write(`${passed} passed, ${results.length - passed} failed\n`);
process.exit(passed === results.length ? 0 : 1);
