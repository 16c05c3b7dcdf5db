// The embedded targets: real servers from Debian packages, installed when missing, configured
// by the project's own files, started inside the lab and stopped by PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pTimeout from 'p-timeout';
import { secretsOf, type Config } from '../support/config.ts';
import { Client } from '../support/peer/client.ts';
import { Transport } from '../support/wire/transport.ts';

export const TARGETS_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface Profile {
  /** c2s TLS policy of this run: the target's config is rendered for it */
  c2sTls: 'required' | 'optional';
  /** in-band registration (XEP-0077) allowed, for the test of account provisioning (test/provision.test.ts); Prosody only */
  registration?: boolean;
}

export interface RunningTarget {
  name: string;
  pids: number[];
  runDir: string;
  stop(): Promise<void>;
}

export interface TargetDriver {
  name: string;
  /** Debian packages that provide it */
  packages: string[];
  /** the binary whose presence says the package is installed */
  binary: string;
  /** other commands the driver runs (provided by packages too): missing ones install the packages as well */
  requires?: string[];
  /** packages without a command of their own (a library the server loads): missing ones, by dpkg, install the packages too */
  libraries?: string[];
  start(cfg: Config, profile: Profile, runDir: string): Promise<RunningTarget>;
}

function log(line: string): void {
  process.stderr.write(`[target] ${line}\n`);
}

/** apt-get install when the binary is missing; outside the lab (it needs the package archive). */
export function ensureInstalled(driver: TargetDriver): void {
  const missing = [
    ...[driver.binary, ...(driver.requires ?? [])].filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0),
    ...(driver.libraries ?? []).filter((p) => !/^install ok installed/.test(spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout ?? '')),
  ];
  if (missing.length === 0) return;
  log(`${missing.join(', ')} not found: installing ${driver.packages.join(' ')} from Debian's packages`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...driver.packages], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0) {
    throw new Error(`could not install ${driver.packages.join(' ')} (apt-get exit ${install.status}): install it by hand, or run against your own server with --config`);
  }
}

/** A self-signed certificate for the target's domain (the suite trusts it by tls.allowSelfSigned): support/peer/pki.ts. */
export { makeCert } from '../support/peer/pki.ts';

/** Resolve when host:port accepts a connection; fail when the process dies or the bound passes. */
export async function waitForPort(host: string, port: number, child: ChildProcess, ms: number, what: string): Promise<void> {
  const started = Date.now();
  const attempt = () =>
    Transport.connect(host, port, ms).then(
      (t) => (t.destroy(), true),
      () => false,
    );
  const loop = async () => {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before ${host}:${port} accepted connections`);
      if (await attempt()) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const ready = await pTimeout(loop(), { milliseconds: ms, message: `${what} did not accept connections on ${host}:${port} within ${ms} ms` });
  log(`${what} ready on ${host}:${port} after ${ready} ms`);
}

export async function stopPid(pid: number, what: string, ms = 5000): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const gone = async () => {
    while (alive()) await new Promise((r) => setTimeout(r, 20));
  };
  try {
    await pTimeout(gone(), { milliseconds: ms });
  } catch {
    log(`${what} (pid ${pid}) ignored SIGTERM for ${ms} ms: SIGKILL`);
    process.kill(pid, 'SIGKILL');
  }
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
}

export function spawnServer(cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  return spawn(cmd, args, { env, stdio: ['ignore', out, out] });
}

export async function loadDriver(name: string): Promise<TargetDriver> {
  const file = path.join(TARGETS_DIR, name, 'target.ts');
  if (!fs.existsSync(file)) {
    const known = fs.readdirSync(TARGETS_DIR).filter((d) => fs.existsSync(path.join(TARGETS_DIR, d, 'target.ts')));
    throw new Error(`unknown target '${name}': known targets are ${known.join(', ')}`);
  }
  return ((await import(file)) as { driver: TargetDriver }).driver;
}

/**
 * Write `dest` from the template `src`, replacing every @NAME@ by vars[NAME]. A placeholder without
 * a value is an error (a half-rendered config would fail later, less clearly).
 */
export function renderTemplate(src: string, dest: string, vars: Record<string, string>, mode = 0o644): void {
  const text = fs.readFileSync(src, 'utf8').replace(/@([A-Z][A-Z0-9_]*)@/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`${path.basename(src)}: no value for ${whole}`);
    return v;
  });
  fs.writeFileSync(dest, text, { mode });
  fs.chmodSync(dest, mode);
}

/** Every live descendant of pid (children first), from /proc: a wrapper's real server, its helpers. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, ppid] of parent) if (ppid === p) out.push(child);
  };
  walk(pid);
  for (let i = 0; i < out.length; i++) walk(out[i]!);
  return out;
}

/** Peak resident set size (VmHWM) of the live pids, in kB; 0 for a pid already gone. */
export function peakRssKb(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      sum += m ? Number(m[1]) : 0;
    } catch {
      // gone
    }
  }
  return sum;
}

/**
 * Resolve when every account logs in (c2s stream, TLS per policy, SASL, bind); retry while the
 * server is still coming up; fail when `dead()` says a process has gone (e.g. 'jabberd2-sm exited with
 * code 1') or, with the last reason seen, when the bound passes.
 */
export async function waitForLogin(cfg: Config, ms: number, what: string, dead: () => string | undefined): Promise<void> {
  const started = Date.now();
  const secrets = secretsOf(cfg);
  let last = 'no attempt finished';
  let over = false;
  const login = async (account: Config['accounts'][number]) => {
    const client = await Client.connect(cfg, account, `login-check ${account.user}`, secrets);
    try {
      await client.negotiate('bind');
      client.stream.close();
    } finally {
      client.stream.destroy();
    }
  };
  const loop = async () => {
    while (!over) {
      const why = dead();
      if (why) throw new Error(`${why} before the accounts could log in to ${what}`);
      const results = await Promise.allSettled(cfg.accounts.map(login));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (!failure) return Date.now() - started;
      last = String((failure.reason as Error)?.message ?? failure.reason).split('\n')[0]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    return Date.now() - started;
  };
  // the message is built when the bound passes, so that it names the last reason seen
  const took = await pTimeout(loop(), {
    milliseconds: ms,
    fallback: () => {
      over = true;
      throw new Error(`the accounts could not log in to ${what} within ${ms} ms (last: ${last})`);
    },
  });
  log(`${what}: all ${cfg.accounts.length} accounts log in (${took} ms)`);
}

/** Spawn with stdout+stderr written to logFile up to maxBytes, then one line saying so and the rest dropped. */
export function spawnServerCapped(cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, maxBytes: number): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  let written = 0;
  let capped = false;
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const sink = (chunk: Buffer) => {
    if (capped) return;
    const room = maxBytes - written;
    if (chunk.length <= room) {
      fs.writeSync(out, chunk);
      written += chunk.length;
      return;
    }
    fs.writeSync(out, chunk.subarray(0, Math.max(0, room)));
    fs.writeSync(out, `\n[log capped at ${maxBytes} bytes by the suite; the rest is dropped]\n`);
    capped = true;
  };
  child.stdout!.on('data', sink);
  child.stderr!.on('data', sink);
  child.once('close', () => fs.closeSync(out));
  return child;
}

/** Like run(), without blocking: for account creation that needs many slow CLI calls at once. */
export function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (text += b.toString()));
    child.once('error', (e) => reject(new Error(`${what}: ${e.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${code}): ${text.trim().split('\n').pop() ?? ''}`));
    });
  });
}
