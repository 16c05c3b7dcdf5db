// Prosody 0.12 from Debian: one process, file-based accounts, config from the environment.
import fs from 'node:fs';
import path from 'node:path';
import pTimeout from 'p-timeout';
import { peerLanes, type Account, type Config } from '../../support/config.ts';
import { makeCert, runAsync, spawnServer, stopPid, waitForPort, type Profile, type RunningTarget, type TargetDriver } from '../target.ts';

const here = path.dirname(new URL(import.meta.url).pathname);

export const driver: TargetDriver = {
  name: 'prosody',
  // lua-unbound: Debian's prosody package recommends it (apt installs recommends by default), and
  // Prosody's documentation recommends it for DNS; without it Prosody's fallback resolver delays
  // every query by a random fraction of a second
  packages: ['prosody', 'lua-unbound'],
  binary: 'prosody',
  libraries: ['lua-unbound'],
  async start(cfg: Config, profile: Profile, runDir: string): Promise<RunningTarget> {
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(runDir, 'data'), { recursive: true });
    // issued by the CA the run's peers are issued by (the lab's), self-signed without one
    const ca = cfg.peer.pki;
    makeCert(path.join(runDir, 'certs'), cfg.domain, 'ec', [], ca);
    if (cfg.otherDomain) makeCert(path.join(runDir, 'certs'), cfg.otherDomain, 'ec', [], ca);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TARGET_RUN_DIR: runDir,
      TARGET_DOMAIN: cfg.domain,
      TARGET_C2S_PORT: String(cfg.c2s.port),
      TARGET_S2S_PORT: String(cfg.s2s?.port ?? 5269),
      TARGET_C2S_TLS: profile.c2sTls,
      // every domain of every peer lane (config.ts peerLanes), space-separated
      TARGET_PEER_DOMAINS: peerLanes(cfg).flatMap((l) => [l.domain, l.secondDomain]).join(' '),
      TARGET_OTHER_DOMAIN: cfg.otherDomain ?? '',
      TARGET_REGISTRATION: profile.registration ? 'true' : '',
      // the CA Prosody trusts for s2s certificates besides the system's
      TARGET_CA_FILE: ca?.caCert ?? '',
    };
    const configFile = path.join(here, 'prosody.cfg.lua');
    // accounts are files under data/: prosodyctl writes them directly, before the server starts;
    // the first one alone (it makes the host's directories), then the others at once (0.17 s -> 0.07 s for eight)
    const register = (a: Account) => runAsync('prosodyctl', ['--config', configFile, 'register', a.user, cfg.domain, a.password], env, `prosodyctl register ${a.user}@${cfg.domain}`);
    const [first, ...others] = cfg.accounts;
    const registered = async () => {
      if (first) await register(first);
      await Promise.all(others.map(register));
    };
    await pTimeout(registered(), { milliseconds: 30_000, message: 'prosodyctl register did not finish within 30000 ms' });
    const child = spawnServer('prosody', ['-F', '--config', configFile], env, path.join(runDir, 'console.log'));
    await waitForPort(cfg.c2s.host, cfg.c2s.port, child, 10_000, 'prosody');
    const pid = child.pid!;
    return {
      name: 'prosody',
      pids: [pid],
      runDir,
      stop: () => stopPid(pid, 'prosody'),
    };
  },
};
