#!/usr/bin/env -S node --import tsx
// npm run replay -- FILE [--config my-server.json] [--start-target NAME]
// Replays a reproducer (reports/reproducers/*.json, or a failed scenario's reproducer.json
// attachment) against the server the config names (default: the embedded Prosody's config).
// Starts nothing, unless --start-target NAME: then, like `npm run conformance` does for the
// embedded targets, it re-runs itself inside the lab (targets/lab/run.sh), starts that target
// with its driver, replays, and stops it. Exit 0 when it ran (a replay is evidence, not a
// verdict), 2 on a bad file, a bad config or an unreachable target (one line).
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, peerLanes, type Config } from '../support/config.ts';
import { ConfigError, TargetUnreachable } from '../support/errors.ts';
import { ReproducerSchema, type Reproducer } from '../support/report/reproducer.ts';
import { renderReplay, replay } from '../support/peer/replay.ts';
import { ensureInstalled, loadDriver, TARGETS_DIR } from '../targets/target.ts';
import { DnsStub, peerRecords } from '../support/wire/dns.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

class BadFile extends Error {}

function loadReproducer(file: string): Reproducer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new BadFile(`replay: cannot read ${file}: give the path of a reproducer (reports/reproducers/*.json)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BadFile(`replay: ${file} is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
  const parsed = ReproducerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadFile(`replay: ${file} is not a reproducer: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The embedded target runs with the TLS policy the recording had, where it has that profile. */
function profileFor(r: Reproducer): { c2sTls: 'required' | 'optional' } {
  return { c2sTls: r.recorded.tlsPolicy === 'optional' ? 'optional' : 'required' };
}

async function run(file: string, cfg: Config): Promise<void> {
  const r = loadReproducer(file);
  const results = await replay(r, cfg);
  process.stdout.write(`${renderReplay(r, results, cfg)}\n`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: {
      config: { type: 'string' },
      'start-target': { type: 'string' },
      'inside-lab': { type: 'boolean', default: false },
      'resolved-config': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new BadFile('usage: npm run replay -- FILE [--config my-server.json] [--start-target prosody]');
  const file = path.resolve(positionals[0]!);
  const target = values['start-target'];

  if (values['inside-lab']) {
    // inside the lab: start the embedded target, replay, stop it (the lab ends anything left)
    const cfg = loadConfig(values['resolved-config']!, {});
    const r = loadReproducer(file);
    const driver = await loadDriver(target!);
    const dns = new DnsStub(peerRecords(peerLanes(cfg)));
    await dns.start('127.0.0.1', 53);
    const started = await driver.start(cfg, profileFor(r), path.join(TARGETS_DIR, target!, 'run'));
    try {
      await run(file, cfg);
    } finally {
      await started.stop();
      await dns.stop();
    }
    return 0;
  }

  const r = loadReproducer(file);
  const cfg = loadConfig(values.config ?? path.join(TARGETS_DIR, target ?? 'prosody', 'config.json'));
  if (!target) {
    await run(file, cfg);
    return 0;
  }
  // --start-target: the embedded target, configured for the recording's TLS policy, inside the lab
  if (values.config === undefined) cfg.tls.policy = profileFor(r).c2sTls;
  ensureInstalled(await loadDriver(target));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xmpp-replay-'));
  const cfgFile = path.join(tmp, 'config.json');
  fs.writeFileSync(cfgFile, JSON.stringify(cfg), { mode: 0o600 });
  try {
    const child = spawn(
      path.join(TARGETS_DIR, 'lab', 'run.sh'),
      [process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), file, '--start-target', target, '--inside-lab', '--resolved-config', cfgFile],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    return await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const err = e as Error;
    if (e instanceof TargetUnreachable) {
      process.stderr.write(`${err.message.split('\n')[0]} (is the target running? replay starts nothing: give --config for your server, or --start-target prosody)\n`);
    } else if (e instanceof BadFile || e instanceof ConfigError || err?.name === 'ConfigError') {
      process.stderr.write(`${err.message.split('\n')[0]}\n`);
    } else process.stderr.write(`replay: ${err?.message ?? e}\n`);
    process.exit(2);
  },
);
