// npm run hostile: the whole suite against each hostile endpoint (test/hostile/endpoints.ts).
// For each: the run ends within BOUND_S seconds, the runner does not crash (exit 1 from the
// gate, never 2 or a signal), every scenario is broken or failed (none passed), and the peak
// memory of the largest process is printed. Ends with 'N passed, N failed'.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOSTILE, startHostile } from './endpoints.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PORT = 5299;
/** a run against a hostile target must end within this bound (preflight + every scenario broken at once) */
const BOUND_S = 30;
/** and a run that skips the preflight, so that every scenario meets the hostility itself, within this */
const BOUND_NO_PREFLIGHT_S = 120;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xmpp-hostile-'));
const cfgFile = path.join(tmp, 'config.json');
fs.writeFileSync(
  cfgFile,
  JSON.stringify({
    domain: 'target.test',
    c2s: { host: '127.0.0.1', port: PORT },
    tls: { policy: 'required', allowSelfSigned: true },
    accounts: [
      { user: 'a', password: 'hostile-pw-1' },
      { user: 'b', password: 'hostile-pw-2' },
    ],
    peer: { listen: { host: '127.0.0.9', port: 5269 } },
    timeouts: { responseMs: 1000, quietMs: 200, connectMs: 1000 },
    parallel: 2,
  }),
);

let pass = 0;
let fail = 0;
const only = process.env.HOSTILE ? new RegExp(process.env.HOSTILE) : undefined;
for (const h of HOSTILE) {
  if (only && !only.test(h.name)) continue;
  for (const preflight of [true, false]) {
    // without preflight every scenario meets the hostility: run a sample of c2s scenarios for that
    const extra = preflight ? [] : ['--no-preflight', '--tags', '@c2s and (@req:core-4.4-3 or @req:core-4.2-1 or @req:core-4.7.1-1 or @req:core-4.6-1)'];
    const stop = await startHostile(h, PORT);
    const reports = path.join(ROOT, 'reports', 'hostile', `${h.name}${preflight ? '' : '-no-preflight'}`);
    const started = Date.now();
    const r = await new Promise<{ status: number | null; signal: string | null; stderr: string }>((resolve) => {
      // not spawnSync: it would block this process's event loop, and with it the hostile endpoint
      // /usr/bin/time -f %M prints the peak RSS (kB) of the largest process it waited for
      const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, '--import', 'tsx', 'bin/conformance.ts', '--config', cfgFile, '--no-render', '--fail-on', 'must', '--reports', reports, ...extra], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (status, signal) => resolve({ status, signal, stderr }));
    });
    await stop();
    const seconds = (Date.now() - started) / 1000;
    const peakMb = Number(/(\d+)\s*$/.exec(r.stderr.trim())?.[1] ?? 0) / 1024;
    const problems: string[] = [];
    const bound = preflight ? BOUND_S : BOUND_NO_PREFLIGHT_S;
    if (seconds > bound) problems.push(`took ${seconds.toFixed(1)} s, over the bound of ${bound} s`);
    if (r.signal || r.status !== 1) problems.push(`exit ${r.status ?? r.signal} (expected 1: the gate failed, the runner did not crash)`);
    let counts = '';
    try {
      const c = JSON.parse(fs.readFileSync(path.join(reports, 'compliance.json'), 'utf8')) as {
        summary: { scenarios: Record<string, number> };
        scenarios: Array<{ name: string; status: string; tags: string[]; uri: string }>;
      };
      const s = c.summary.scenarios;
      counts = `${s.total} scenarios: ${s.broken} broken, ${s.failed} failed, ${s.skipped} skipped, ${s.passed} passed`;
      const passed = c.scenarios.filter((x) => x.status === 'passed');
      // only a scenario that judges nothing but the response header may pass, and only when that header was sound
      const honest = (x: { tags: string[]; uri: string }) =>
        (h.validHeader && x.tags.includes('@header-only')) || (h.soundUntilTls && /features\/(0[456]|11)-/.test(x.uri));
      const dishonest = passed.filter((x) => !honest(x));
      if (dishonest.length) problems.push(`passed against a hostile target: ${dishonest.map((x) => x.name).join('; ')}`);
      else if (passed.length) counts += ` (${passed.length} passed on what the endpoint did soundly before misbehaving)`;
      if (!s.total) problems.push('no scenario ran');
    } catch (e) {
      problems.push(`no compliance.json (${(e as Error).message})`);
    }
    const line = r.stderr.split('\n').find((l) => l.startsWith('target problem:')) ?? '';
    const ok = problems.length === 0;
    if (ok) pass++;
    else fail++;
    console.log(`${ok ? 'ok  ' : 'FAIL'}  ${h.name}${preflight ? '' : ' (no preflight)'}: ${h.does}\n        ${seconds.toFixed(1)} s, peak ${peakMb.toFixed(0)} MB; ${counts}${line ? `\n        ${line}` : ''}${problems.length ? `\n        ${problems.join('; ')}` : ''}`);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`hostile: ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);

