// npm run bench [-- --runs N] [--parallel N[,M...]]: full runs of `npm run conformance` against the
// embedded Prosody (target start, every scenario, report rendering), printing figures and asserting nothing:
// wall time and its phases, scenarios per second, median connect / TLS / SASL / bind latency
// read from the transcripts' timestamps, a raw login and the cost per scenario in logins, the
// share of scenario time spent in quiet windows, run-out bounds, round-trips and the rest (work),
// the parallelism reached, peak RSS, cucumber's start-up, and with several --parallel values
// the speed-up between them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ROUND_TRIP_ID, ROUND_TRIP_MECHANISM, TIMER_NOTE } from '../support/peer/stream.ts';

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
  /** user and system CPU of the whole run: npm, the runner, the target, cucumber and its workers, the rendering */
  cpuS: number;
  /** seconds from the runner's start to cucumber's first scenario, of scenarios, and after the last one (reports, render, target stop) */
  beforeS: number;
  scenariosS: number;
  afterS: number;
  scenarios: number;
  peakRssMb: number;
  quietMs: number;
  /** bounded waits that ran out: an answer that never came */
  boundMs: number;
  /** round-trips that proved silence or settled earlier input: the probe sent to its answer */
  roundTripMs: number;
  roundTrips: number;
  /** cucumber workers that ran scenarios */
  workers: number;
  scenarioMs: number;
  /** one raw login in the same run: the preflight's, from its TCP connection to the bound JID */
  loginMs: number;
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
  // the round-trips of support/verdict/silence.ts and saslRoundTrip (support/peer/stream.ts)
  const ping = new RegExp(` id='(${ROUND_TRIP_ID}\\d+)'`);
  for (const probe of lines.filter((l) => l.dir === 'peer -> target' && (ping.test(l.text) || l.text.includes(`mechanism='${ROUND_TRIP_MECHANISM}'`)))) {
    const id = ping.exec(probe.text)?.[1];
    const answer = at('target -> peer', id ? new RegExp(`id='${id}'`) : /<failure /, probe.t);
    if (answer === undefined) continue;
    f.roundTripMs += answer - probe.t;
    f.roundTrips += 1;
  }
}

function once(i: number, parallel: string | undefined): Figures {
  const reports = path.join(ROOT, 'reports', `bench-${i}`);
  // the command the README gives, as typed: npm's own start is part of the wall time
  const args = ['-f', '%e %M %U %S', 'npm', 'run', '--silent', 'conformance', '--', '--fail-on', 'none', '--reports', reports];
  if (parallel) args.push('--parallel', parallel);
  const launched = Date.now() / 1000;
  const r = spawnSync('/usr/bin/time', args, { cwd: ROOT, encoding: 'utf8' });
  // /usr/bin/time reports the largest single process among those it waited for (the runner tree's peak)
  const m = /(\d+\.\d+) (\d+) (\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr.trim());
  const c = JSON.parse(fs.readFileSync(path.join(reports, 'compliance.json'), 'utf8')) as { startedAt: string; scenarios: Array<{ durationMs: number }> };
  const f: Figures = { wallS: Number(m?.[1]), cpuS: Number(m?.[3]) + Number(m?.[4]), beforeS: NaN, scenariosS: NaN, afterS: NaN, scenarios: c.scenarios.length, peakRssMb: Number(m?.[2]) / 1024, quietMs: 0, boundMs: 0, roundTripMs: 0, roundTrips: 0, workers: 0, scenarioMs: 0, loginMs: NaN, connect: [], tls: [], sasl: [], bind: [] };
  f.scenarioMs = c.scenarios.reduce((a, s) => a + s.durationMs, 0);
  const pre = path.join(reports, 'preflight.json');
  if (fs.existsSync(pre)) {
    // '+0.120s target -> peer <iq type='result' ...><jid>...': the login is done when the JID is bound
    const t = (JSON.parse(fs.readFileSync(pre, 'utf8')) as { transcript?: string }).transcript ?? '';
    const bound = /^\+(\d+\.\d+)s target -> peer .*<jid>/m.exec(t);
    if (bound) f.loginMs = Number(bound[1]) * 1000;
  }
  const stamps: number[] = [];
  const workers = new Set<string>();
  for (const line of fs.readFileSync(path.join(reports, 'cucumber.ndjson'), 'utf8').split('\n')) {
    const w = /^\{"testCaseStarted":.*?"workerId":"([^"]+)"/.exec(line);
    if (w) workers.add(w[1]!);
    const t = /^\{"testCase(?:Started|Finished)":.*?"timestamp":\{"seconds":(\d+),"nanos":(\d+)\}/.exec(line);
    if (t) stamps.push(Number(t[1]) + Number(t[2]) / 1e9);
    if (!line.includes('"attachment"')) continue;
    const a = (JSON.parse(line) as { attachment: { fileName?: string; body: string } }).attachment;
    if (!a.fileName?.endsWith('.xmpp.txt')) continue;
    latencies(a.body, f);
    for (const q of a.body.matchAll(/silence observed for the quiet window of (\d+) ms/g)) f.quietMs += Number(q[1]);
    for (const q of a.body.matchAll(new RegExp(`${TIMER_NOTE} (\\d+) ms`, 'g'))) f.boundMs += Number(q[1]);
  }
  f.workers = Math.max(1, workers.size);
  if (stamps.length) {
    f.beforeS = Math.min(...stamps) - launched;
    f.scenariosS = Math.max(...stamps) - Math.min(...stamps);
    f.afterS = f.wallS - f.beforeS - f.scenariosS;
  }
  return f;
}

/** cucumber's own start-up: loading the configuration, the support code and every feature (a dry run that selects nothing). */
function cucumberStartup(): number {
  const t0 = process.hrtime.bigint();
  spawnSync(process.execPath, ['node_modules/@cucumber/cucumber/bin/cucumber.js', '--config', 'cucumber.mjs', '--dry-run', '--name', '^(?!)$'], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, XMPP_CONFORMANCE_CONFIG: path.join(ROOT, 'targets', 'prosody', 'config.json'), XMPP_REPORTS_DIR: path.join(ROOT, 'reports', 'bench-dry-run') },
  });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}


const report = (all: Figures[], label: string): number => {
  const wall = median(all.map((f) => f.wallS));
  const flat = (k: 'connect' | 'tls' | 'sasl' | 'bind') => all.flatMap((f) => f[k]);
  console.log(`\nmedian of ${all.length} full run(s) ${label}(target start, ${all[0]?.scenarios} scenarios, reports rendered):`);
  console.log(`  wall time            ${wall.toFixed(2)} s`);
  console.log(`    before scenarios   ${median(all.map((f) => f.beforeS)).toFixed(2)} s (npm and the runner starting, the lab, target start, preflight, cucumber and its workers)`);
  console.log(`    scenarios          ${median(all.map((f) => f.scenariosS)).toFixed(2)} s`);
  console.log(`    after scenarios    ${median(all.map((f) => f.afterS)).toFixed(2)} s (target stop, compliance, Allure rendering)`);
  console.log(`  CPU time             ${median(all.map((f) => f.cpuS)).toFixed(2)} s (user and system, every process of the run, the target's included)`);
  console.log(`  scenarios per second ${((all[0]?.scenarios ?? 0) / wall).toFixed(2)}`);
  console.log(`  stream header answer ${median(flat('connect')).toFixed(1)} ms (median over ${flat('connect').length} streams)`);
  console.log(`  TLS handshake        ${median(flat('tls')).toFixed(1)} ms (${flat('tls').length})`);
  console.log(`  SASL exchange        ${median(flat('sasl')).toFixed(1)} ms (${flat('sasl').length})`);
  console.log(`  resource binding     ${median(flat('bind')).toFixed(1)} ms (${flat('bind').length})`);
  const login = median(all.map((f) => f.loginMs));
  const perScenario = median(all.map((f) => f.scenarioMs / Math.max(1, f.scenarios)));
  console.log(`  a raw login          ${login.toFixed(0)} ms (the preflight's in the same run: TCP, STARTTLS, SASL, bind)`);
  console.log(`  cost per scenario    ${perScenario.toFixed(0)} ms of summed scenario time, ${(perScenario / login).toFixed(1)} raw logins`);
  const pct = (ms: (f: Figures) => number) => median(all.map((f) => (100 * ms(f)) / Math.max(1, f.scenarioMs))).toFixed(1);
  console.log(`  waiting out timers   ${pct((f) => f.quietMs + f.boundMs)} % of summed scenario time (${median(all.map((f) => (f.quietMs + f.boundMs) / 1000)).toFixed(1)} s of ${median(all.map((f) => f.scenarioMs / 1000)).toFixed(1)} s)`);
  console.log(`    quiet windows      ${pct((f) => f.quietMs)} % (silence that no round-trip could prove)`);
  console.log(`    bounds run out     ${pct((f) => f.boundMs)} % (an answer awaited until its bound, that never came)`);
  console.log(`  round-trips          ${pct((f) => f.roundTripMs)} % (${median(all.map((f) => f.roundTrips))} probes proving silence or settling input, ${median(all.map((f) => f.roundTripMs / Math.max(1, f.roundTrips))).toFixed(1)} ms each)`);
  console.log(`  work                 ${pct((f) => f.scenarioMs - f.quietMs - f.boundMs - f.roundTripMs)} % (everything else: connecting, negotiating, exchanging, judging)`);
  const workers = median(all.map((f) => f.workers));
  const parallelism = median(all.map((f) => f.scenarioMs / 1000 / f.scenariosS));
  console.log(`  parallelism          ${parallelism.toFixed(2)}x on ${workers} workers (summed scenario time over the scenarios' wall time), ${(parallelism / workers).toFixed(2)} per worker`);
  console.log(`  peak RSS             ${median(all.map((f) => f.peakRssMb)).toFixed(0)} MB (largest single process)`);
  return wall;
};

const startups = [cucumberStartup(), cucumberStartup(), cucumberStartup()];
const walls: Array<[string, number]> = [];
for (const parallel of values.parallel ? values.parallel.split(',') : [undefined]) {
  const all: Figures[] = [];
  for (let i = 1; i <= runs; i++) {
    const f = once(i, parallel);
    all.push(f);
    console.log(`run ${i}${parallel ? ` (parallel ${parallel})` : ''}: ${f.wallS.toFixed(2)} s wall, ${f.scenarios} scenarios, peak RSS ${f.peakRssMb.toFixed(0)} MB`);
  }
  walls.push([parallel ?? 'config', report(all, parallel ? `at parallel ${parallel} ` : '')]);
}
console.log(`\ncucumber start-up      ${median(startups).toFixed(2)} s (median of 3 dry runs: configuration, support code, features)`);
if (walls.length > 1) {
  const [base, baseWall] = walls[0]!;
  for (const [p, w] of walls.slice(1)) console.log(`speed-up ${base} -> ${p} workers: ${(baseWall / w).toFixed(2)}x (${baseWall.toFixed(2)} s -> ${w.toFixed(2)} s)`);
}
