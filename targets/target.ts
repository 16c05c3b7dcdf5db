// The embedded targets: real servers from Debian packages, installed when missing, configured
// by the project's own files, started inside the lab and stopped by PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pTimeout from 'p-timeout';
import type { Config } from '../support/config.ts';

export const TARGETS_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface Profile {
  /** c2s TLS policy of this run: the target's config is rendered for it */
  c2sTls: 'required' | 'optional';
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
  start(cfg: Config, profile: Profile, runDir: string): Promise<RunningTarget>;
}

function log(line: string): void {
  process.stderr.write(`[target] ${line}\n`);
}

/** apt-get install when the binary is missing; outside the lab (it needs the package archive). */
export function ensureInstalled(driver: TargetDriver): void {
  if (spawnSync('sh', ['-c', `command -v ${driver.binary}`]).status === 0) return;
  log(`${driver.binary} not found: installing ${driver.packages.join(' ')} from Debian's packages`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...driver.packages], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0) {
    throw new Error(`could not install ${driver.packages.join(' ')} (apt-get exit ${install.status}): install it by hand, or run against your own server with --config`);
  }
}

/** A self-signed certificate for the target's domain (the suite trusts it by tls.allowSelfSigned). */
export function makeCert(dir: string, domain: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const key = path.join(dir, `${domain}.key`);
  const crt = path.join(dir, `${domain}.crt`);
  if (fs.existsSync(key) && fs.existsSync(crt)) return;
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', `/CN=${domain}`,
    '-addext', `subjectAltName=DNS:${domain},DNS:*.${domain}`, '-keyout', key, '-out', crt,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`openssl could not make a certificate for ${domain}: ${r.stderr}`);
  fs.writeFileSync(path.join(dir, `${domain}.pem`), fs.readFileSync(key, 'utf8') + fs.readFileSync(crt, 'utf8'));
}

/** Resolve when host:port accepts a connection; fail when the process dies or the bound passes. */
export async function waitForPort(host: string, port: number, child: ChildProcess, ms: number, what: string): Promise<void> {
  const started = Date.now();
  const attempt = () =>
    new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
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
