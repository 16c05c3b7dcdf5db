#!/usr/bin/env -S node --import tsx
// npm run conformance [-- --config my-server.json | --target prosody] [--tags EXPR]
//                     [--fail-on must|should|none] [--parallel N] [--reports DIR] [--profile P]
//                     [--verbose] [--help] [--version]   (HELP below lists them all)
// With no --config: installs and starts the embedded target inside the lab, runs every scenario,
// stops it. With --config: runs against that server, starting nothing. Then writes
// reports/compliance.json, the requirement page and the Allure report, and applies the gate.
import { parseArgs } from 'node:util';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pTimeout from 'p-timeout';
import { loadConfig, peerLanes, secretsOf, type Account, type Config } from '../support/config.ts';
import { ConfigError } from '../support/errors.ts';
import { preflight, PreflightSchema } from '../support/peer/preflight.ts';
import { ComplianceSchema, gateProblems, requirementResults, scenarioResults, summarise, writeCompliance, type Compliance, type Gate } from '../support/report/compliance.ts';
import { consoleSummary, markdownSummary } from '../support/report/summary.ts';
import { renderAllure, writeAllureExtras, writeRequirementsPage } from '../support/report/publish.ts';
import { schemasSection, schemasSummary } from '../support/report/schemas.ts';
import { foldRunWide, runWideObservations } from '../support/report/runwide.ts';
import { applyKnownFailures, loadExpected, type KnownFailures } from '../support/report/expected.ts';
import { ensureInstalled, loadDriver, TARGETS_DIR } from '../targets/target.ts';
import { DnsStub, peerRecords } from '../support/wire/dns.ts';
import { packageFile } from '../support/packages.ts';
import { freshAccounts, registerAccounts, removeAccounts } from '../support/peer/register.ts';
import { withLabCa } from '../support/peer/pki.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const PROFILES = { 'tls-required': { c2sTls: 'required' }, 'tls-optional': { c2sTls: 'optional' } } as const;
type ProfileName = keyof typeof PROFILES;

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The child in progress: the scenario run (cucumber), or the lab run of an embedded target; stopped when the user interrupts. */
let running: ChildProcess | undefined;
/** The signal that interrupted the run: no scenario run starts after it, and no report is written. */
let interrupted: NodeJS.Signals | undefined;

interface Options {
  config?: string;
  target: string;
  tags?: string;
  name?: string;
  preflight: boolean;
  knownFailures?: string;
  failOn: Gate;
  parallel?: number;
  reports: string;
  profile: ProfileName;
  insideLab: boolean;
  render: boolean;
  site: boolean;
  verbose: boolean;
  cfgFile?: string;
}

const HELP = `Usage: xmpp-conformance [options]
       npm run conformance -- [options]

Runs the XMPP core conformance suite (draft-ietf-xmpp-core-23 / RFC 3920) and writes its
reports. Without --config it installs, starts and stops an embedded target (root needed).

Options:
  --config FILE          run against your server, as FILE describes (README: "Point it at your server")
  --target NAME          embedded target: prosody (default), ejabberd, jabberd2
  --profile P            embedded target's TLS policy: tls-required (default), tls-optional
  --tags EXPR            cucumber tag expression, e.g. '@MUST and @c2s' or @req:core-4.3-3
  --name REGEX           only scenarios whose name matches
  --fail-on G            exit 1 on: must (default: a MUST violated or a scenario broken),
                         should (adds SHOULD failures), none (only when no scenario ran)
  --known-failures FILE  failures listed there (targets/*/expected.json format) do not fail the gate
  --parallel N           cucumber workers, 1 to 16 (default: the config's 'parallel')
  --reports DIR          where the reports go (default: reports/ in the current directory)
  --no-preflight         skip the reachability and login check before the scenarios
  --no-render            do not render the Allure report (needs Java 17)
  --allure-site          also render the Allure report as a site (reports/allure-report/), beside the single file
  --verbose              cucumber's own console: every failed scenario with its steps and transcripts
  --help                 this text
  --version              the suite's version

Exit codes: 0 the gate passed, 1 the gate failed, 2 a mistake in the options or the config.`;

/** A mistake on the command line: one line naming it, pointing at --help. */
function usageError(e: unknown): ConfigError {
  const err = e as { code?: string; message?: string };
  const opt = /'(-[^' ]+)/.exec(err.message ?? '')?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new ConfigError(`unknown option ${opt}: see --help for the options`);
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new ConfigError(`${String(err.message).split('.')[0]}: options only (see --help)`);
  return new ConfigError(`${String(err.message ?? e).split('\n')[0]}: see --help`);
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      target: { type: 'string', default: 'prosody' },
      tags: { type: 'string' },
      name: { type: 'string' },
      'no-preflight': { type: 'boolean', default: false },
      'known-failures': { type: 'string' },
      'fail-on': { type: 'string', default: 'must' },
      parallel: { type: 'string' },
      reports: { type: 'string', default: 'reports' },
      profile: { type: 'string', default: 'tls-required' },
      'no-render': { type: 'boolean', default: false },
      'allure-site': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      'inside-lab': { type: 'boolean', default: false },
      'resolved-config': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'V', default: false },
    },
    strict: true,
  });
}

function options(argv: string[]): Options {
  let parsed;
  try {
    parsed = parseOptions(argv);
  } catch (e) {
    throw usageError(e);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  if (values.version) {
    process.stdout.write(`${PKG.name} ${PKG.version} (draft-ietf-xmpp-core-23 / RFC 3920)\n`);
    process.exit(0);
  }
  const failOn = values['fail-on'];
  if (failOn !== 'must' && failOn !== 'should' && failOn !== 'none') throw new ConfigError(`--fail-on ${failOn}: use must, should or none`);
  const targets = fs.readdirSync(TARGETS_DIR).filter((t) => fs.existsSync(path.join(TARGETS_DIR, t, 'config.json')));
  if (!values.config && !targets.includes(values.target!)) throw new ConfigError(`--target ${values.target}: use ${targets.join(', ')}, or --config FILE for your own server`);
  if (!(values.profile in PROFILES)) throw new ConfigError(`--profile ${values.profile}: use ${Object.keys(PROFILES).join(' or ')}`);
  const parallel = values.parallel === undefined ? undefined : Number(values.parallel);
  if (parallel !== undefined && !(Number.isInteger(parallel) && parallel >= 1 && parallel <= 16)) throw new ConfigError(`--parallel ${values.parallel}: use a whole number from 1 to 16`);
  return {
    config: values.config,
    target: values.target!,
    tags: values.tags,
    name: values.name,
    preflight: !values['no-preflight'],
    knownFailures: values['known-failures'],
    failOn,
    parallel,
    reports: path.resolve(values.reports!),
    profile: values.profile as ProfileName,
    insideLab: values['inside-lab']!,
    render: !values['no-render'],
    site: values['allure-site']!,
    verbose: values.verbose!,
    cfgFile: values['resolved-config'],
  };
}

/** Preflight, then cucumber with every formatter; the run is bounded as a whole. */
async function runSuite(cfg: Config, cfgFile: string, o: Options): Promise<void> {
  fs.mkdirSync(o.reports, { recursive: true });
  if (o.preflight) {
    const pre = await preflight(cfg);
    fs.writeFileSync(path.join(o.reports, 'preflight.json'), JSON.stringify(pre, null, 2));
    if (!pre.ok) say(`target problem: ${pre.message}`);
  }
  const args = [packageFile('@cucumber/cucumber', 'bin/cucumber.js'), '--config', 'cucumber.mjs', '--parallel', String(o.parallel ?? cfg.parallel)];
  if (interrupted) return;
  if (o.tags) args.push('--tags', o.tags);
  if (o.name) args.push('--name', o.name);
  const child = (running = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, XMPP_CONSOLE: o.verbose ? 'verbose' : 'progress', XMPP_WORKERS: String(o.parallel ?? cfg.parallel), XMPP_CONFORMANCE_CONFIG: cfgFile, XMPP_REPORTS_DIR: o.reports, XMPP_PREFLIGHT: path.join(o.reports, 'preflight.json') },
  }));
  const boundMs = Number(process.env.XMPP_RUN_BOUND_MS ?? 15 * 60_000);
  try {
    await pTimeout(new Promise<void>((resolve) => child.once('exit', () => resolve())), { milliseconds: boundMs });
  } catch {
    say(`the scenario run exceeded its bound of ${boundMs} ms and was stopped`);
    child.kill('SIGKILL');
  }
  running = undefined;
}

/**
 * Accounts given as a number: registered (XEP-0077) before `run`, removed after it, also when it
 * throws or the user interrupts (SIGINT, SIGTERM: the scenario run is stopped, the accounts removed,
 * and the exit code is 128 + the signal's number; a second signal leaves at once).
 */
async function withAccounts(cfg: Config, run: () => Promise<void>): Promise<void> {
  if (!cfg.register) return run();
  const wanted = freshAccounts(cfg.register);
  const secrets = secretsOf({ ...cfg, accounts: wanted });
  const created: Account[] = [];
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      say(`${signal} again: leaving without removing the accounts ${created.map((a) => a.user).join(', ') || '(none yet)'} of ${cfg.domain}`);
      process.exit(128 + os.constants.signals[signal]);
    }
    interrupted = signal;
    say(`${signal}: stopping the run, then removing the ${created.length} registered account(s)`);
    running?.kill('SIGINT');
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    await registerAccounts(cfg, wanted, created, secrets);
    cfg.accounts = created;
    // what the workers read (the resolved config) has them as a list
    cfg.register = undefined;
    say(`accounts: registered ${created.length} on ${cfg.domain} by in-band registration (XEP-0077), ${created[0]!.user} to ${created.at(-1)!.user}; removed when the run ends`);
    if (!interrupted) await run();
  } finally {
    if (created.length) {
      const problems = await removeAccounts(cfg, created, secrets);
      if (problems.length) say(`accounts: ${problems.length} of ${created.length} registered account(s) could not be removed, remove them by hand: ${problems.join('; ')}`);
      else say(`accounts: the ${created.length} registered account(s) were removed`);
    }
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

async function insideLab(o: Options): Promise<void> {
  const cfg = loadConfig(o.cfgFile!, {});
  const driver = await loadDriver(o.target);
  const runDir = path.join(TARGETS_DIR, o.target, 'run');
  // the lab's resolver: every DNS query the target makes ends here, on loopback, and is logged
  const dns = new DnsStub(peerRecords(peerLanes(cfg)));
  await dns.start('127.0.0.1', 53);
  const started = await driver.start(cfg, PROFILES[o.profile], runDir);
  try {
    await runSuite(cfg, o.cfgFile!, o);
  } finally {
    await started.stop();
    await dns.stop();
    fs.mkdirSync(o.reports, { recursive: true });
    fs.writeFileSync(path.join(o.reports, 'dns-queries.json'), JSON.stringify(dns.queries, null, 2));
  }
}

function labRun(argv: string[], cfgFile: string, reports: string): Promise<number> {
  const script = fileURLToPath(import.meta.url);
  const child = (running = spawn(path.join(TARGETS_DIR, 'lab', 'run.sh'), [process.execPath, '--import', 'tsx', script, ...argv, '--inside-lab', '--resolved-config', cfgFile, '--reports', reports], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  }));
  // SIGINT or SIGTERM ends the lab: unshare, killed, kills the run inside (the first process of its
  // PID namespace, which ignores other signals), and the namespace ends every process in it; then
  // the resolved config and the lab's CA go with the temporary directory
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    say(`${signal}: stopping the lab run`);
    child.kill('SIGKILL');
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      running = undefined;
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      resolve(code ?? 1);
    }),
  );
}

function report(cfg: Config, o: Options, startedAt: Date): Compliance {
  const ndjsonFile = path.join(o.reports, 'cucumber.ndjson');
  const ndjson = fs.existsSync(ndjsonFile) ? fs.readFileSync(ndjsonFile, 'utf8') : '';
  const scenarios = scenarioResults(ndjson);
  const selected = o.tags || o.name ? `no selected scenario decides it (--tags/--name)` : undefined;
  const reqs = foldRunWide(requirementResults(scenarios, selected), runWideObservations(ndjson), !selected);
  const preFile = path.join(o.reports, 'preflight.json');
  const pre = fs.existsSync(preFile) ? PreflightSchema.parse(JSON.parse(fs.readFileSync(preFile, 'utf8'))) : undefined;
  const c: Compliance = {
    schema: 'xmpp-core-conformance/compliance/1',
    suite: { name: PKG.name, version: PKG.version },
    spec: 'draft-ietf-xmpp-core-23 (RFC 3920)',
    target: {
      domain: cfg.domain,
      c2s: `${cfg.c2s.host}:${cfg.c2s.port}`,
      s2s: cfg.s2s ? `${cfg.s2s.host}:${cfg.s2s.port}` : undefined,
      software: pre?.software ?? (cfg.software ? { name: cfg.software } : undefined),
      profile: o.config ? undefined : `${o.target} ${o.profile}`,
    },
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    preflight: { ok: pre?.ok ?? false, message: pre?.message ?? (pre ? undefined : o.preflight ? 'the run ended before the preflight check' : 'skipped (--no-preflight)') },
    summary: summarise(scenarios, reqs),
    requirements: reqs,
    scenarios,
    schemas: schemasSection(ndjson),
  };
  writeCompliance(path.join(o.reports, 'compliance.json'), c);
  writeRequirementsPage(path.join(o.reports, 'requirements.html'), c);
  writeAllureExtras(path.join(o.reports, 'allure-results'), c);
  return c;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const o = options(argv);
  if (o.insideLab) {
    await insideLab(o);
    return 0;
  }
  const startedAt = new Date();
  const cfg = o.config ? loadConfig(o.config) : loadConfig(path.join(TARGETS_DIR, o.target, 'config.json'));
  // the embedded target is configured for the profile, and the suite told which policy to expect
  if (!o.config) cfg.tls.policy = PROFILES[o.profile].c2sTls;
  for (const sub of ['allure-results', 'cucumber.ndjson', 'compliance.json', 'preflight.json', 'reproducers']) fs.rmSync(path.join(o.reports, sub), { recursive: true, force: true });
  fs.mkdirSync(o.reports, { recursive: true });
  // the resolved config holds passwords: it lives outside reports/, readable by us only
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xmpp-conformance-'));
  const cfgFile = path.join(tmp, 'config.json');
  try {
    if (o.config) {
      await withAccounts(cfg, async () => {
        fs.writeFileSync(cfgFile, JSON.stringify(cfg), { mode: 0o600 });
        await runSuite(cfg, cfgFile, o);
      });
    } else {
      // the lab's CA, made for this run: the target trusts it for s2s, the peer's certificates come from it
      fs.writeFileSync(cfgFile, JSON.stringify(withLabCa(cfg, path.join(tmp, 'pki'))), { mode: 0o600 });
      ensureInstalled(await loadDriver(o.target));
      const code = await labRun(argv, cfgFile, o.reports);
      if (code !== 0 && !interrupted) say(`the lab run ended with exit code ${code}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (interrupted) {
    say(`interrupted by ${interrupted}: no report written`);
    return 128 + os.constants.signals[interrupted];
  }
  const c = report(cfg, o, startedAt);
  if (o.render) for (const p of await renderAllure(o.reports, { site: o.site })) say(p);
  // the console and summary.md are rendered from compliance.json as written, so they cannot disagree with it
  const written = ComplianceSchema.parse(JSON.parse(fs.readFileSync(path.join(o.reports, 'compliance.json'), 'utf8')));
  fs.writeFileSync(path.join(o.reports, 'summary.md'), markdownSummary(written));
  const shown = path.relative(process.cwd(), o.reports) || '.';
  const lines = consoleSummary(written, shown.startsWith('..') ? o.reports : shown, o.render);
  if (written.schemas) lines.splice(lines.length - 1, 0, schemasSummary(written.schemas));
  for (const line of lines) say(line);
  let known: KnownFailures | undefined;
  if (o.knownFailures) {
    known = applyKnownFailures(c, loadExpected(o.knownFailures));
    for (const id of known.nowPassing) say(`known failure now passes: ${id} (remove it from ${o.knownFailures})`);
    if (known.known.length) say(`known failures (${o.knownFailures}), not counted by the gate: ${known.known.join(', ')}`);
    fs.writeFileSync(path.join(o.reports, 'known-failures.json'), JSON.stringify(known, null, 2));
  }
  const problems = gateProblems(known ? known.gated : c, o.failOn);
  if (problems.length) {
    say(`gate (--fail-on ${o.failOn}) failed: ${problems.join('; ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ConfigError || ['ConfigError', 'RegistrationFailed'].includes((e as Error)?.name)) say(String((e as Error).message));
    else say(`error: ${(e as Error)?.message ?? e}`);
    process.exit(2);
  },
);
