// Named hooks: requirement tags are checked against the registry before a scenario runs; after
// it, every connection's transcript and the outcomes are attached, and every socket is closed.
import { After, Before, setDefaultTimeout, setParallelCanAssign, parallelCanAssignHelpers, type ITestCaseHookParameter } from '@cucumber/cucumber';
import fs from 'node:fs';
// allure-cucumberjs installs the runtime that carries epic/label calls to the Allure formatter
import 'allure-cucumberjs';
import * as allure from 'allure-js-commons';
import { requirements, reqIdsOf, keywordOf, strength, SECTION_TITLES } from './requirements.ts';
import type { XmppWorld } from './world.ts';
import { stepTimeoutMs, suiteConfig, workerOf } from './world.ts';
import { s2sInParallel } from './config.ts';
import { current, TargetUnreachable } from './errors.ts';
import { describeReading, readingsOf } from './readings.ts';
import { PreflightSchema, type Preflight } from './peer/preflight.ts';
import { reproduceFailure } from './report/reproducer.ts';
import { ATTACH_CHECK, ATTACH_VIOLATIONS, checkConnections, describeViolations, schemasEnabled } from './report/schemas.ts';
import { ATTACH_RUNWIDE, ATTACH_RUNWIDE_VIOLATIONS, checkRunWide, describeRunWide, errorIdsSent } from './report/runwide.ts';


let preflightCache: Preflight | null | undefined;
function preflightResult(): Preflight | null {
  if (preflightCache === undefined) {
    const file = process.env.XMPP_PREFLIGHT;
    preflightCache = file && fs.existsSync(file) ? PreflightSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))) : null;
  }
  return preflightCache;
}

// A step's own waits are bounded by the config; this is the outer bound of one step, so that a
// hostile target can never hold a step longer than a few response timeouts.
setDefaultTimeout(stepTimeoutMs(suiteConfig()));

// s2s scenarios run in parallel when every worker has a peer lane of its own (its own domains and
// listener address: config.ts forWorker); with fewer lanes, never two at a time across workers
if (!s2sInParallel(suiteConfig(), workerOf(suiteConfig()).workers)) setParallelCanAssign(parallelCanAssignHelpers.atMostOnePicklePerTag(['@s2s']));

export const ATTACH = {
  outcome: 'outcome.txt',
  skip: 'not-applicable.txt',
  silence: 'silence-proof.txt',
} as const;

Before({ name: 'the scenario names known requirements' }, function (this: XmppWorld, { pickle }: ITestCaseHookParameter) {
  const tags = pickle.tags.map((t) => t.name);
  const ids = reqIdsOf(tags);
  const registry = requirements();
  const unknown = ids.filter((id) => !registry.has(id));
  if (unknown.length) throw new Error(`scenario '${pickle.name}' is tagged with unknown requirement id(s) ${unknown.join(', ')}`);
  if (!ids.length) throw new Error(`scenario '${pickle.name}' has no @req: tag`);
  const keyword = keywordOf(tags);
  if (!keyword) throw new Error(`scenario '${pickle.name}' has no keyword tag (@MUST, @SHOULD, ...)`);
  current.level = strength(keyword);
  // contested readings (support/readings.json): every failure of this scenario carries them
  current.requirements = ids.map((id) => `${id} (${registry.get(id)!.keyword}, RFC 3920 ${registry.get(id)!.section}): "${registry.get(id)!.text}"`);
  current.readings = readingsOf(ids).map(describeReading);
});

Before({ name: 'report labels: epic per section, keyword, requirements' }, async function ({ pickle }: ITestCaseHookParameter) {
  const tags = pickle.tags.map((t) => t.name);
  const first = requirements().get(reqIdsOf(tags)[0] ?? '');
  const top = first?.section.split('.')[0] ?? '';
  await allure.epic(`${top} ${SECTION_TITLES[top] ?? ''}`.trim());
  await allure.label('keyword', keywordOf(tags) ?? '');
  for (const id of reqIdsOf(tags)) await allure.label('requirement', id);
  await allure.severity(current.level === 'must' ? 'critical' : 'normal');
});

/**
 * Scenarios that need a TLS policy say so with a tag (@tls-required, @tls-optional, @tls-none);
 * against a target configured with another policy they are not applicable: skipped, with why.
 */
Before({ name: 'the scenario applies to the configured TLS policy' }, function (this: XmppWorld, { pickle }: ITestCaseHookParameter) {
  const wanted = pickle.tags.map((t) => t.name).filter((t) => /^@tls-(required|optional|none)$/.test(t)).map((t) => t.slice(5));
  if (wanted.length && !wanted.includes(this.cfg.tls.policy)) {
    return notApplicable(this, `needs a target whose TLS policy is ${wanted.join(' or ')}; this target's is '${this.cfg.tls.policy}' (tls.policy in the config)`);
  }
  return undefined;
});

Before({ name: 'server-to-server scenarios need an s2s port, and dialback ones a target that implements it' }, function (this: XmppWorld, { pickle }: ITestCaseHookParameter) {
  const tags = pickle.tags.map((t) => t.name);
  if (!tags.includes('@s2s')) return undefined;
  if (!this.cfg.s2s) return notApplicable(this, 'the config names no s2s host:port for the target (s2s in the config), so server-to-server behaviour cannot be exercised');
  const dialback = pickle.uri.includes('08-dialback') || tags.some((t) => t.startsWith('@req:core-8.'));
  if (dialback && !this.cfg.s2s.dialback) return notApplicable(this, 'the target does not implement server dialback (s2s.dialback=false in the config); dialback is optional to implement (RFC 3920 12.1)');
  return undefined;
});

Before({ name: 'the target was reachable at preflight' }, function (this: XmppWorld) {
  const p = preflightResult();
  if (p && !p.ok && p.problem === 'unreachable') {
    this.attach(p.transcript || '(no connection)', { mediaType: 'text/plain', fileName: 'preflight.xmpp.txt' });
    throw new TargetUnreachable(`the suite could not decide: ${p.message}`);
  }
});

After({ name: 'attach transcripts and close every connection' }, async function (this: XmppWorld, { pickle, result }: ITestCaseHookParameter) {
  await this.listener?.stop();
  const all = this.allStreams();
  for (const s of all) s.destroy();
  if (this.ledger.entries.length) this.attach(this.ledger.describe(), { mediaType: 'text/plain', fileName: 's2s-ledger.txt' });
  for (const s of all) {
    const text = s.transcript.render();
    this.attach(text || '(nothing was exchanged)', { mediaType: 'text/plain', fileName: `${s.label}.xmpp.txt` });
  }
  if (this.outcomes.length) this.attach(this.outcomes.join('\n'), { mediaType: 'text/plain', fileName: ATTACH.outcome });
  // a FAILED scenario's bytes as a replayable script: reproducer.json and reports/reproducers/
  reproduceFailure(this, pickle, result);
});

// Appendix C: what the target sent, against the draft's schemas. Evidence beside the
// verdict: a violation is attached and counted in compliance.json, and changes no scenario's result.
After({ name: 'check what the target sent against the Appendix C schemas' }, async function (this: XmppWorld) {
  if (!schemasEnabled()) return;
  const all = this.allStreams();
  if (!all.some((s) => s.received.length)) return;
  let check;
  try {
    check = await checkConnections(all);
  } catch (e) {
    // the check is evidence only: its own failure is reported, and never changes the verdict
    this.attach(`the schema check could not run: ${(e as Error).message}`, { mediaType: 'text/plain', fileName: ATTACH_VIOLATIONS });
    return;
  }
  this.attach(JSON.stringify(check), { mediaType: 'application/json', fileName: ATTACH_CHECK });
  if (check.violations.length) this.attach(describeViolations(check), { mediaType: 'text/plain', fileName: ATTACH_VIOLATIONS });
});

// Rules about every occurrence (support/report/runwide.ts): every stream error followed by
// '</stream:stream>' and the TCP close, its condition in the streams namespace, every stanza
// error's type as 9.3.3 gives it. Evidence beside the verdict, like the schema check: attached
// here, folded into the requirement's verdict in compliance.json; the scenario's result stays.
// Defined after the transcript hook, so it runs before that hook closes the connections.
After({ name: 'check every stream and stanza error the target sent (run-wide rules)' }, function (this: XmppWorld) {
  const all = this.allStreams();
  if (!all.some((s) => s.timeline.length)) return;
  const relayed = errorIdsSent(all.flatMap((s) => s.transcript.lines.filter((l) => l.dir === 'sent').map((l) => l.text)));
  const check = checkRunWide(
    all.map((s) => ({ label: s.label, timeline: s.timeline, boundMs: s.opts.responseMs, endedAt: Date.now() - s.transcript.startedAt })),
    relayed,
  );
  if (!check.observations.length) return;
  this.attach(JSON.stringify(check), { mediaType: 'application/json', fileName: ATTACH_RUNWIDE });
  if (check.observations.some((o) => o.outcome === 'violation')) this.attach(describeRunWide(check), { mediaType: 'text/plain', fileName: ATTACH_RUNWIDE_VIOLATIONS });
});

/** Not applicable: skipped with the reason, never passed. Use as `return notApplicable(this, '...')`. */
export function notApplicable(world: XmppWorld, reason: string): 'skipped' {
  world.attach(reason, { mediaType: 'text/plain', fileName: ATTACH.skip });
  return 'skipped';
}
