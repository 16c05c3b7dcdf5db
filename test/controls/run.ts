// npm run controls: every scenario, run against the embedded Prosody behind a rewriting proxy
// that makes it violate exactly that scenario's requirement (or repair a known departure).
// Prints one row per control and 'N passed, N failed'; exits 1 when a control does not hold.
// Runs inside the lab (it re-executes itself there). That every scenario has its control, and
// every control a scenario, is checked without the lab by test/unit/controls.test.ts.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTROLS, NOT_APPLICABLE_ON_CONTROLS_TARGET } from './controls.ts';
import { esc } from './mutations.ts';
import { Proxy, type Conn } from './proxy.ts';
import { featureScenarios } from '../features.ts';
import { loadConfig, peerLanes } from '../../support/config.ts';
import { DnsStub, peerRecords } from '../../support/wire/dns.ts';
import { peerCredentials, withLabCa } from '../../support/peer/pki.ts';
import { ensureInstalled, loadDriver, TARGETS_DIR } from '../../targets/target.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// the suite talks to proxies; the target's own connections to the peer reach the peer's listener through one too
const PROXY_PORT = 5223;
const S2S_PROXY_PORT = 5270;
const LISTENER_BEHIND_PROXY = { host: '127.0.0.3', port: 5269 };

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, quiet = true): Promise<number> {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit'], env });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

async function inside(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xmpp-controls-'));
  // the lab's CA, as in a --target run: the target trusts it for s2s, the peer's certificates come from it
  const base = withLabCa(loadConfig(path.join(TARGETS_DIR, 'prosody', 'config.json'), {}), path.join(tmp, 'pki'));
  const driver = await loadDriver('prosody');
  const runDir = path.join(TARGETS_DIR, 'prosody', 'run');
  const only = process.env.CONTROL ? new RegExp(process.env.CONTROL) : undefined;
  // the lab's resolver, as in a --target run: the target finds the peer domains (here: the listener's proxy) by SRV and A records
  const dns = new DnsStub(peerRecords(peerLanes(base)));
  await dns.start('127.0.0.1', 53);
  let pass = 0;
  let fail = 0;
  const rows: string[] = [];
  const titles = featureScenarios().map((s) => s.title);
  // that every scenario has its control and every control its scenario is test/unit/controls.test.ts's
  for (const t of NOT_APPLICABLE_ON_CONTROLS_TARGET) rows.push(`n/a   not applicable on the controls' target (Prosody offers no such mechanism): ${t}`);
  try {
    for (const profile of ['tls-required', 'tls-optional'] as const) {
      const mine = CONTROLS.filter((c) => (c.profile ?? 'tls-required') === profile && titles.includes(c.scenario) && (!only || only.test(c.scenario)));
      if (!mine.length) continue;
      const policy: 'optional' | 'required' = profile === 'tls-optional' ? 'optional' : 'required';
      const cfg = { ...base, tls: { ...base.tls, policy } };
      const target = await driver.start(cfg, { c2sTls: policy }, runDir);
      const cfgFile = path.join(tmp, `config-${profile}.json`);
      fs.writeFileSync(
        cfgFile,
        JSON.stringify({ ...cfg, c2s: { host: '127.0.0.1', port: PROXY_PORT }, s2s: { host: '127.0.0.1', port: S2S_PROXY_PORT }, peer: { ...cfg.peer, listen: LISTENER_BEHIND_PROXY }, parallel: 1 }),
        { mode: 0o600 },
      );
      const key = fs.readFileSync(path.join(runDir, 'certs', `${cfg.domain}.key`), 'utf8');
      const cert = fs.readFileSync(path.join(runDir, 'certs', `${cfg.domain}.crt`), 'utf8');
      try {
        for (const c of mine) {
          const conns: Conn[] = [];
          const common = { key, cert, mutation: c.mutation, conns };
          const proxies = [
            new Proxy({ ...common, kind: 'c2s', listenPort: PROXY_PORT, targetHost: cfg.c2s.host, targetPort: cfg.c2s.port }),
            // toward the target the proxy presents the peer's certificate, toward the peer's listener the target's
            new Proxy({ ...common, kind: 's2s', listenPort: S2S_PROXY_PORT, targetHost: cfg.s2s!.host, targetPort: cfg.s2s!.port, dialerCredentials: peerCredentials([cfg.peer.domain, cfg.peer.secondDomain], cfg.peer.pki) }),
            new Proxy({ ...common, kind: 'listener', reversed: true, listenHost: cfg.peer.listen.host, listenPort: cfg.peer.listen.port, targetHost: LISTENER_BEHIND_PROXY.host, targetPort: LISTENER_BEHIND_PROXY.port, dialerCredentials: { key, cert } }),
          ];
          for (const p of proxies) await p.start();
          const reports = path.join(ROOT, 'reports', 'controls', String(CONTROLS.indexOf(c) + 1));
          try {
            await exec(process.execPath, ['--import', 'tsx', 'bin/conformance.ts', '--config', cfgFile, '--name', `^${esc(c.scenario)}$`, '--no-preflight', '--no-render', '--fail-on', 'none', '--reports', reports]);
          } finally {
            for (const p of proxies) await p.stop();
          }
          const compliance = JSON.parse(fs.readFileSync(path.join(reports, 'compliance.json'), 'utf8')) as {
            scenarios: Array<{ name: string; status: string }>;
            schemas?: { namespaces: Record<string, { violations: Array<{ rule: string }> }> };
            requirements: Array<{ id: string; verdict: string; runWide?: { violations: number } }>;
          };
          const got = compliance.scenarios.find((s) => s.name === c.scenario)?.status ?? 'not run';
          const want = c.schemaViolation;
          const flagged = want ? (compliance.schemas?.namespaces[want.ns]?.violations.some((v) => want.rule.test(v.rule)) ?? false) : true;
          const rw = c.runWideViolation ? compliance.requirements.find((r) => r.id === c.runWideViolation) : undefined;
          const charged = c.runWideViolation ? rw?.verdict === 'failed' && (rw.runWide?.violations ?? 0) > 0 : true;
          const ok = got === c.expect && flagged && charged;
          if (ok) pass++;
          else fail++;
          const schemaNote =
            (want ? `; schema violation in ${want.ns} ${flagged ? 'flagged' : 'NOT flagged'}` : '') +
            (c.runWideViolation ? `; run-wide ${c.runWideViolation}: ${rw?.verdict ?? 'absent'} (${rw?.runWide?.violations ?? 0} violation(s); expected failed from a run-wide violation)` : '');
          rows.push(`${ok ? 'ok  ' : 'FAIL'}  ${want ? 'schema   ' : c.runWideViolation ? 'run-wide ' : c.also ? c.also : c.expect === 'failed' ? 'violation' : 'must pass'}: ${c.change}\n        -> ${c.scenario} (${profile}): ${got} (expected ${c.expect})${schemaNote}`);
        }
      } finally {
        await target.stop();
      }
    }
  } finally {
    await dns.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(rows.join('\n'));
  console.log(`controls: ${pass} passed, ${fail} failed`);
  return fail ? 1 : 0;
}

async function main(): Promise<number> {
  if (process.env.XMPP_IN_LAB === '1') return inside();
  ensureInstalled(await loadDriver('prosody'));
  const me = fileURLToPath(import.meta.url);
  return exec(path.join(TARGETS_DIR, 'lab', 'run.sh'), [process.execPath, '--import', 'tsx', me], { ...process.env, XMPP_IN_LAB: '1' }, false);
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`controls: ${(e as Error).message}`);
  process.exit(2);
});
