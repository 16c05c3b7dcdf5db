// npm run bench [-- --runs N] [--parallel N]: full runs against the embedded Prosody (target
// start, every scenario, report rendering), printing figures and asserting nothing:
// wall time, scenarios per second, median connect / TLS / SASL / bind latency read from the
// transcripts' timestamps, the share of scenario time spent in quiet windows, peak RSS.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, parallel: { type: 'string' } } });
const runs = Number(values.runs);

const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Figures {
  wallS: number;
  scenarios: number;
  peakRssMb: number;
  quietMs: number;
  scenarioMs: number;
  connect: number[];
  tls: number[];
  sasl: number[];
  bind: number[];
}

/** Latencies from one transcript: '+0.004s -- TLS established', '+0.048s peer -> target <auth ...'. */
function latencies(text: string, f: Figures): void {
  const lines = text.split('\n').map((l) => {
    const m = /^\+(\d+\.\d+)s (peer -> target|target -> peer|--) (.*)$/.exec(l);
    return m ? { t: Number(m[1]) * 1000, dir: m[2]!, text: m[3]! } : undefined;
  }).filter((x): x is NonNullable<typeof x> => !!x);
  const at = (dir: string, re: RegExp, from = 0) => lines.find((l) => l.t >= from && l.dir === dir && re.test(l.text))?.t;
  const open = at('peer -> target', /<stream:stream/);
  const header = at('target -> peer', /<stream:stream/);
  if (open !== undefined && header !== undefined) f.connect.push(header - open);
  const tlsBegin = at('--', /TLS handshake begins/);
  const tlsDone = at('--', /TLS established/);
  if (tlsBegin !== undefined && tlsDone !== undefined) f.tls.push(tlsDone - tlsBegin);
  const auth = at('peer -> target', /<auth /);
  const success = auth === undefined ? undefined : at('target -> peer', /<success/, auth);
  if (auth !== undefined && success !== undefined) f.sasl.push(success - auth);
  const bind = at('peer -> target', /<bind xmlns/);
  const bound = bind === undefined ? undefined : at('target -> peer', /<jid>/, bind);
  if (bind !== undefined && bound !== undefined) f.bind.push(bound - bind);
}

function once(i: number): Figures {
  const reports = path.join(ROOT, 'reports', `bench-${i}`);
  const args = ['-f', '%e %M', process.execPath, '--import', 'tsx', 'bin/conformance.ts', '--fail-on', 'none', '--reports', reports];
  if (values.parallel) args.push('--parallel', values.parallel);
  const r = spawnSync('/usr/bin/time', args, { cwd: ROOT, encoding: 'utf8' });
  // /usr/bin/time reports the largest single process among those it waited for (the runner tree's peak)
  const m = /(\d+\.\d+) (\d+)\s*$/.exec(r.stderr.trim());
  const c = JSON.parse(fs.readFileSync(path.join(reports, 'compliance.json'), 'utf8')) as { scenarios: Array<{ durationMs: number }> };
  const f: Figures = { wallS: Number(m?.[1]), scenarios: c.scenarios.length, peakRssMb: Number(m?.[2]) / 1024, quietMs: 0, scenarioMs: 0, connect: [], tls: [], sasl: [], bind: [] };
  f.scenarioMs = c.scenarios.reduce((a, s) => a + s.durationMs, 0);
  for (const line of fs.readFileSync(path.join(reports, 'cucumber.ndjson'), 'utf8').split('\n')) {
    if (!line.includes('"attachment"')) continue;
    const a = (JSON.parse(line) as { attachment: { fileName?: string; body: string } }).attachment;
    if (!a.fileName?.endsWith('.xmpp.txt')) continue;
    latencies(a.body, f);
    for (const q of a.body.matchAll(/silence observed for the quiet window of (\d+) ms/g)) f.quietMs += Number(q[1]);
  }
  return f;
}

const all: Figures[] = [];
for (let i = 1; i <= runs; i++) {
  const f = once(i);
  all.push(f);
  console.log(`run ${i}: ${f.wallS.toFixed(2)} s wall, ${f.scenarios} scenarios, peak RSS ${f.peakRssMb.toFixed(0)} MB`);
}
const wall = median(all.map((f) => f.wallS));
const flat = (k: 'connect' | 'tls' | 'sasl' | 'bind') => all.flatMap((f) => f[k]);
console.log(`\nmedian of ${runs} full runs (target start, ${all[0]?.scenarios} scenarios, reports rendered):`);
console.log(`  wall time            ${wall.toFixed(2)} s`);
console.log(`  scenarios per second ${((all[0]?.scenarios ?? 0) / wall).toFixed(2)}`);
console.log(`  stream header answer ${median(flat('connect')).toFixed(1)} ms (median over ${flat('connect').length} streams)`);
console.log(`  TLS handshake        ${median(flat('tls')).toFixed(1)} ms (${flat('tls').length})`);
console.log(`  SASL exchange        ${median(flat('sasl')).toFixed(1)} ms (${flat('sasl').length})`);
console.log(`  resource binding     ${median(flat('bind')).toFixed(1)} ms (${flat('bind').length})`);
console.log(`  quiet windows        ${median(all.map((f) => (100 * f.quietMs) / Math.max(1, f.scenarioMs))).toFixed(1)} % of summed scenario time`);
console.log(`  peak RSS             ${median(all.map((f) => f.peakRssMb)).toFixed(0)} MB (largest single process)`);
