// jabberd2 2.7 from Debian: four daemons (router first, then sm, c2s, s2s), configs rendered from
// the XML templates here into the run dir, accounts as rows of the sqlite authreg table.
import { spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Config } from '../../support/config.ts';
import {
  makeCert, peakRssKb, renderTemplate, spawnServerCapped, stopPid, waitForLogin, waitForPort,
  type Profile, type RunningTarget, type TargetDriver,
} from '../target.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const ROUTER_PORT = 5347;
const SCHEMA = '/usr/share/doc/jabberd2/db-setup.sqlite.gz';
/** each daemon's log is capped: jabberd2-s2s can log a million lines in seconds (reconnect storm) */
const LOG_CAP = 8 * 1024 * 1024;
const DAEMONS = ['router', 'sm', 'c2s', 's2s'] as const;
type Daemon = (typeof DAEMONS)[number];

function log(line: string): void {
  process.stderr.write(`[target] ${line}\n`);
}

function libDir(): string {
  for (const base of ['/usr/lib', '/usr/lib64']) {
    if (!fs.existsSync(base)) continue;
    for (const d of [path.join(base, 'jabberd2'), ...fs.readdirSync(base).map((a) => path.join(base, a, 'jabberd2'))]) {
      if (fs.existsSync(path.join(d, 'authreg_sqlite.so'))) return d;
    }
  }
  throw new Error('jabberd2 modules (authreg_sqlite.so) not found under /usr/lib: reinstall jabberd2');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;

export const driver: TargetDriver = {
  name: 'jabberd2',
  packages: ['jabberd2', 'sqlite3'],
  binary: 'jabberd2-router',
  requires: ['sqlite3'],
  async start(cfg: Config, profile: Profile, runDir: string): Promise<RunningTarget> {
    const t0 = Date.now();
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.mkdirSync(runDir, { recursive: true });
    const domains = [cfg.domain, ...(cfg.otherDomain ? [cfg.otherDomain] : [])];
    const certs = path.join(runDir, 'certs');
    // issued by the CA the run's peers are issued by (the lab's), self-signed without one; jabberd2
    // negotiates no SASL between servers, so it needs no CA of its own to check theirs
    for (const d of domains) makeCert(certs, d, 'rsa', [], cfg.peer.pki);

    // storage: the package's sqlite schema, then one authreg row per account (plaintext password)
    const db = path.join(runDir, 'jabberd2.db');
    const inserts = cfg.accounts.map((a) => `INSERT INTO authreg (username, realm, password) VALUES (${sql(a.user)}, ${sql(cfg.domain)}, ${sql(a.password)});`);
    const schema = zlib.gunzipSync(fs.readFileSync(SCHEMA)).toString('utf8');
    const made = spawnSync('sqlite3', ['-bail', db], { input: `${schema}\nBEGIN;\n${inserts.join('\n')}\nCOMMIT;\n`, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`sqlite3 could not create ${path.relative(process.cwd(), db)}: ${(made.stderr || made.stdout).trim().split('\n').pop()}`);

    const vars: Record<string, string> = {
      RUN_DIR: runDir,
      LIB_DIR: libDir(),
      DOMAIN: cfg.domain,
      ROUTER_PORT: String(ROUTER_PORT),
      ROUTER_SECRET: crypto.randomBytes(18).toString('hex'),
      DIALBACK_SECRET: crypto.randomBytes(18).toString('hex'),
      C2S_PORT: String(cfg.c2s.port),
      S2S_PORT: String(cfg.s2s?.port ?? 5269),
      // the s2s certificate a real deployment has (the package's s2s.xml: "If this is commented out [...] no
      // attempt will be made to establish encrypted connections with other servers")
      S2S_PEMFILE: path.join(certs, `${cfg.domain}.pem`),
      SM_IDS: domains.map((d) => `<id>${xml(d)}</id>`).join('\n    '),
      C2S_IDS: domains
        .map((d) => `<id realm='${xml(d)}' pemfile='${xml(path.join(certs, `${d}.pem`))}'${profile.c2sTls === 'required' ? " require-starttls='mu'" : ''}>${xml(d)}</id>`)
        .join('\n    '),
    };
    for (const f of ['router.xml', 'router-users.xml', 'sm.xml', 'c2s.xml', 's2s.xml']) renderTemplate(path.join(here, f), path.join(runDir, f), vars, 0o600);

    const children = new Map<Daemon, ChildProcess>();
    const logOf = (d: Daemon) => path.relative(process.cwd(), path.join(runDir, `${d}.log`));
    const launch = (d: Daemon) => {
      const child = spawnServerCapped(`jabberd2-${d}`, ['-c', path.join(runDir, `${d}.xml`)], process.env, path.join(runDir, `${d}.log`), LOG_CAP);
      children.set(d, child);
      return child;
    };
    const pids = () => [...children.values()].map((c) => c.pid!).filter(Boolean);
    let peak = 0;
    const stop = async () => {
      peak = Math.max(peak, peakRssKb(pids()));
      // the components first (s2s may be in a reconnect storm: it still ends on SIGTERM), the router last
      await Promise.all((['s2s', 'c2s', 'sm'] as const).map((d) => children.get(d)).filter((c) => c !== undefined).map((c) => stopPid(c.pid!, `jabberd2 (pid ${c.pid})`)));
      const router = children.get('router');
      if (router) await stopPid(router.pid!, 'jabberd2-router');
      if (peak) log(`jabberd2 stopped; peak RSS ${(peak / 1024).toFixed(1)} MB (router+sm+c2s+s2s)`);
    };
    /** the first daemon that has exited, as words for an error line */
    const dead = () => {
      for (const [d, c] of children) if (c.exitCode !== null || c.signalCode !== null) return `jabberd2-${d} exited with ${c.exitCode !== null ? `code ${c.exitCode}` : c.signalCode}`;
      return undefined;
    };
    let current: Daemon = 'router';
    try {
      const router = launch('router');
      await waitForPort('127.0.0.1', ROUTER_PORT, router, 10_000, 'jabberd2-router');
      for (const d of ['sm', 'c2s', 's2s'] as const) launch(d);
      current = 'c2s';
      await waitForPort(cfg.c2s.host, cfg.c2s.port, children.get('c2s')!, 10_000, 'jabberd2-c2s');
      current = 's2s';
      if (cfg.s2s) await waitForPort(cfg.s2s.host, cfg.s2s.port, children.get('s2s')!, 10_000, 'jabberd2-s2s');
      current = 'sm';
      // c2s accepts TCP before the sm has registered the domain with the router: log in to be sure
      await waitForLogin(cfg, 15_000, 'jabberd2', dead);
      peak = peakRssKb(pids());
      log(`jabberd2 (router ${children.get('router')!.pid}, sm ${children.get('sm')!.pid}, c2s ${children.get('c2s')!.pid}, s2s ${children.get('s2s')!.pid}) ready ${Date.now() - t0} ms after start; RSS ${(peak / 1024).toFixed(1)} MB`);
    } catch (e) {
      const why = dead();
      const culprit = why ? (/jabberd2-(\w+)/.exec(why)![1] as Daemon) : current;
      await stop();
      throw new Error(`${(e as Error).message}: see ${logOf(culprit)}`);
    }
    return {
      name: 'jabberd2',
      get pids() {
        return pids();
      },
      runDir,
      stop,
    };
  },
};
