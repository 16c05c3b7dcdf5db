// npm run stability -- --runs 10 [--target prosody] [--profile tls-required]: the full suite run
// again and again against an embedded target; prints every scenario whose verdict changed
// between runs (the goal is none) and ends with 'N passed, N failed' (a run is 'passed' when
// all its verdicts equal the first run's).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, target: { type: 'string', default: 'prosody' }, profile: { type: 'string', default: 'tls-required' } } });
const runs = Number(values.runs);
const verdicts: Array<Map<string, string>> = [];
for (let i = 1; i <= runs; i++) {
  const reports = path.join(ROOT, 'reports', 'stability', String(i));
  const started = Date.now();
  spawnSync(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--target', values.target!, '--profile', values.profile!, '--no-render', '--fail-on', 'none', '--reports', reports], { cwd: ROOT, stdio: 'ignore' });
  const c = JSON.parse(fs.readFileSync(path.join(reports, 'compliance.json'), 'utf8')) as { scenarios: Array<{ name: string; uri: string; status: string }> };
  const m = new Map(c.scenarios.map((s) => [`${s.uri} :: ${s.name}`, s.status]));
  verdicts.push(m);
  const counts = [...m.values()].reduce<Record<string, number>>((a, v) => ({ ...a, [v]: (a[v] ?? 0) + 1 }), {});
  console.log(`run ${i}: ${((Date.now() - started) / 1000).toFixed(1)} s, ${m.size} scenarios ${JSON.stringify(counts)}`);
}
const first = verdicts[0]!;
let changedRuns = 0;
const changed = new Set<string>();
for (const [i, m] of verdicts.entries()) {
  let same = m.size === first.size;
  for (const [k, v] of m) {
    if (first.get(k) !== v) {
      same = false;
      changed.add(`${k}: ${verdicts.map((x) => x.get(k) ?? '-').join(' ')}`);
    }
  }
  if (!same && i > 0) changedRuns++;
}
for (const c of changed) console.log(`changed: ${c}`);
console.log(`${values.target} ${values.profile}: ${changed.size} scenario(s) changed verdict over ${runs} runs`);
console.log(`${runs - changedRuns} passed, ${changedRuns} failed`);
process.exit(changedRuns ? 1 : 0);
