// ejabberd 23.01 from Debian: the ejabberdctl wrapper (bash) runs beam.smp as its child; accounts
// live in mnesia and are created through the running node (ejabberdctl register).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pTimeout from 'p-timeout';
import type { Config } from '../../support/config.ts';
import {
  descendants, makeCert, peakRssKb, renderTemplate, runAsync, spawnServer, stopPid, waitForLogin, waitForPort,
  type Profile, type RunningTarget, type TargetDriver,
} from '../target.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
/** ejabberdctl refuses to run the node as root: it runs as the package's system user */
const USER = 'ejabberd';
/** Erlang distribution port (loopback, inside the lab's own network namespace) */
const DIST_PORT = 5210;

function log(line: string): void {
  process.stderr.write(`[target] ${line}\n`);
}

function ids(user: string): { uid: number; gid: number } {
  const r = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error(`the system user '${user}' (made by the ejabberd package) does not exist: reinstall ejabberd`);
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** The first directory on the way to `dir` that the user uid:gid may not enter (no search permission for it), if any. */
function untraversable(dir: string, uid: number, gid: number): { dir: string; mode: string } | undefined {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const d = path.sep + parts.slice(0, i).join(path.sep);
    if (!fs.existsSync(d)) break;
    const st = fs.statSync(d);
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return { dir: d, mode: (st.mode & 0o777).toString(8) };
  }
  return undefined;
}

export const driver: TargetDriver = {
  name: 'ejabberd',
  packages: ['ejabberd'],
  binary: 'ejabberdctl',
  async start(cfg: Config, profile: Profile, runDir: string): Promise<RunningTarget> {
    const t0 = Date.now();
    const { uid, gid } = ids(USER);
    const blocked = untraversable(runDir, uid, gid);
    if (blocked) throw new Error(`ejabberd runs as the user '${USER}', which cannot enter ${blocked.dir} (mode ${blocked.mode}) on the way to ${runDir}: put the project where other users can reach it (for example chmod o+x ${blocked.dir}), or leave ejabberd out (SELFTEST_RUNS)`);
    const etc = path.join(runDir, 'etc');
    const spool = path.join(runDir, 'db');
    const logs = runDir;
    fs.rmSync(runDir, { recursive: true, force: true });
    for (const d of [etc, spool]) fs.mkdirSync(d, { recursive: true });
    const domains = [cfg.domain, ...(cfg.otherDomain ? [cfg.otherDomain] : [])];
    const certs = path.join(runDir, 'certs');
    // issued by the CA the run's peers are issued by (the lab's), self-signed without one
    for (const d of domains) makeCert(certs, d, 'rsa', [], cfg.peer.pki);
    // the CA ejabberd checks other servers' certificates against (s2s_cafile), readable by its user
    const cafile = path.join(certs, 'ca.crt');
    if (cfg.peer.pki) fs.copyFileSync(cfg.peer.pki.caCert, cafile);
    // the node writes its spool, its logs and (as HOME) anything Erlang keeps per user under the run dir
    fs.chownSync(runDir, uid, gid);
    fs.chownSync(spool, uid, gid);
    for (const d of domains) {
      fs.chownSync(path.join(certs, `${d}.pem`), uid, gid);
      fs.chmodSync(path.join(certs, `${d}.pem`), 0o600);
    }
    const q = (s: string) => JSON.stringify(s);
    renderTemplate(path.join(here, 'ejabberd.yml'), path.join(etc, 'ejabberd.yml'), {
      HOSTS: `[${domains.map(q).join(', ')}]`,
      CERTFILES: `[${domains.map((d) => q(path.join(certs, `${d}.pem`))).join(', ')}]`,
      C2S_PORT: String(cfg.c2s.port),
      S2S_PORT: String(cfg.s2s?.port ?? 5269),
      C2S_TLS_REQUIRED: String(profile.c2sTls === 'required'),
      // without a CA, ejabberd's default: the system's
      S2S_CAFILE: cfg.peer.pki ? q(cafile) : q('/etc/ssl/certs/ca-certificates.crt'),
    });
    renderTemplate(path.join(here, 'ejabberdctl.cfg'), path.join(etc, 'ejabberdctl.cfg'), {
      DIST_PORT: String(DIST_PORT),
      COOKIE: crypto.randomBytes(18).toString('hex'),
    }, 0o640);
    fs.chownSync(path.join(etc, 'ejabberdctl.cfg'), 0, gid);
    renderTemplate(path.join(here, 'inetrc'), path.join(etc, 'inetrc'), {});

    const env: NodeJS.ProcessEnv = { ...process.env, HOME: spool };
    const ctl = (...args: string[]) => [
      `--reuid=${USER}`, `--regid=${USER}`, '--init-groups', 'ejabberdctl',
      '--config-dir', etc, '--config', path.join(etc, 'ejabberd.yml'), '--ctl-config', path.join(etc, 'ejabberdctl.cfg'),
      '--logs', logs, '--spool', spool, ...args,
    ];
    const logFile = path.join(runDir, 'ejabberd.log');
    const shown = path.relative(process.cwd(), logFile);
    const wrapper = spawnServer('setpriv', ctl('foreground'), env, path.join(runDir, 'console.log'));
    const wrapperPid = wrapper.pid!;
    let beam: number | undefined;
    const all = () => [...new Set([...(beam ? [beam] : []), ...descendants(wrapperPid), wrapperPid])];
    let peak = 0;
    const stop = async () => {
      const pids = all();
      peak = Math.max(peak, peakRssKb(pids));
      // SIGTERM to beam.smp is a clean init:stop(); the wrapper then exits by itself
      if (beam) await stopPid(beam, 'ejabberd beam.smp', 10_000);
      for (const pid of all()) await stopPid(pid, 'ejabberd');
      await stopPid(wrapperPid, 'ejabberdctl');
      if (peak) log(`ejabberd stopped; peak RSS ${(peak / 1024).toFixed(1)} MB`);
    };
    try {
      try {
        await waitForPort(cfg.c2s.host, cfg.c2s.port, wrapper, 20_000, 'ejabberd');
      } catch (e) {
        throw new Error(`${(e as Error).message}: see ${shown}`);
      }
      const up = Date.now() - t0;
      // the wrapper's child is the Erlang VM (erl execs erlexec, which execs beam.smp)
      beam = descendants(wrapperPid).find((p) => fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim().startsWith('beam'));
      if (!beam) throw new Error(`ejabberd accepts connections but its beam.smp process was not found under pid ${wrapperPid}`);
      // one Erlang VM per ejabberdctl call (~0.2 s each): all accounts at once
      const t1 = Date.now();
      await pTimeout(
        Promise.all(cfg.accounts.map((a) => runAsync('setpriv', ctl('register', a.user, cfg.domain, a.password), env, `ejabberdctl register ${a.user}@${cfg.domain}`))),
        { milliseconds: 30_000, message: `ejabberdctl register did not finish within 30000 ms: see ${shown}` },
      );
      const registered = Date.now() - t1;
      await waitForLogin(cfg, 15_000, 'ejabberd', () => (wrapper.exitCode !== null ? `ejabberd exited with code ${wrapper.exitCode}` : undefined));
      peak = peakRssKb(all());
      log(`ejabberd (wrapper ${wrapperPid}, beam.smp ${beam}) up in ${up} ms, ${cfg.accounts.length} accounts registered in ${registered} ms, ready ${Date.now() - t0} ms after start; RSS ${(peak / 1024).toFixed(1)} MB`);
    } catch (e) {
      await stop();
      throw new Error(`${(e as Error).message.includes(shown) ? (e as Error).message : `${(e as Error).message}: see ${shown}`}`);
    }
    return {
      name: 'ejabberd',
      get pids() {
        return all();
      },
      runDir,
      stop,
    };
  },
};
