// compliance.json: a verdict for every requirement id, built once from cucumber's message stream.
// Reports never re-run anything: this reads reports/cucumber.ndjson and the preflight result.
import fs from 'node:fs';
import { z } from 'zod';
import { requirements, reqIdsOf, keywordOf, strength } from '../requirements.ts';
import { SchemasSectionSchema } from './schemas.ts';
import { describeReading, readings } from '../readings.ts';
import { RunWideSchema } from './runwide.ts';
import { scenarioRuns } from './attachments.ts';

export const VERDICTS = ['passed', 'failed', 'skipped', 'broken', 'not-covered'] as const;
export type Verdict = (typeof VERDICTS)[number];
export const Level = z.enum(['must', 'should', 'may']);

export const ScenarioResultSchema = z.object({
  name: z.string(),
  uri: z.string(),
  keyword: z.string(),
  status: z.enum(['passed', 'failed', 'skipped', 'broken']),
  level: Level.optional(),
  message: z.string().optional(),
  outcome: z.string().optional(),
  reason: z.string().optional(),
  silence: z.string().optional(),
  durationMs: z.number(),
  tags: z.array(z.string()),
});
export type ScenarioResult = z.infer<typeof ScenarioResultSchema>;

export const RequirementResultSchema = z.object({
  id: z.string(),
  section: z.string(),
  keyword: z.string(),
  testable: z.string(),
  changedIn23: z.boolean(),
  verdict: z.enum(VERDICTS),
  /** for failed: whether a MUST was violated or only a SHOULD not met */
  level: Level.optional(),
  /** for skipped and not-covered: why */
  reason: z.string().optional(),
  /** a contested reading the verdict rests on (support/readings.json): "Reading: …; another reading would conclude …" */
  reading: z.string().optional(),
  scenarios: z.array(z.string()),
  /** rules about every occurrence (4.7.1-1, 4.7.2-3, 9.3.3-*): what the target sent in the whole run, with the evidence (support/report/runwide.ts) */
  runWide: RunWideSchema.optional(),
});
export type RequirementResult = z.infer<typeof RequirementResultSchema>;

const counts = z.object({ passed: z.number(), failed: z.number(), skipped: z.number(), broken: z.number() });

export const ComplianceSchema = z.object({
  schema: z.literal('xmpp-core-conformance/compliance/1'),
  suite: z.object({ name: z.string(), version: z.string() }),
  spec: z.string(),
  target: z.object({
    domain: z.string(),
    c2s: z.string(),
    s2s: z.string().optional(),
    software: z.object({ name: z.string(), version: z.string().optional(), os: z.string().optional() }).optional(),
    profile: z.string().optional(),
  }),
  startedAt: z.string(),
  durationMs: z.number(),
  preflight: z.object({ ok: z.boolean(), message: z.string().optional() }),
  summary: z.object({
    scenarios: counts.extend({ total: z.number() }),
    requirements: counts.extend({ notCovered: z.number(), failedMust: z.number(), failedShould: z.number(), total: z.number() }),
  }),
  requirements: z.array(RequirementResultSchema),
  scenarios: z.array(ScenarioResultSchema),
  /** Appendix C: per namespace, elements the target sent that were validated, and the violations (evidence, not verdicts) */
  schemas: SchemasSectionSchema.optional(),
});
export type Compliance = z.infer<typeof ComplianceSchema>;

/** Errors that are verdicts; any other error means the suite could not decide. */
const VERDICT_ERRORS = new Set(['ExpectationFailed', 'AssertionError']);

export function scenarioResults(ndjson: string): ScenarioResult[] {
  const out: ScenarioResult[] = [];
  for (const s of scenarioRuns(ndjson)) {
    const p = s.pickle;
    const tags = p.tags.map((t) => t.name);
    const keyword = keywordOf(tags) ?? '?';
    let status: ScenarioResult['status'] = 'passed';
    let message: string | undefined;
    for (const r of s.steps) {
      if (r.status === 'FAILED') {
        status = VERDICT_ERRORS.has(r.exception?.type ?? '') ? 'failed' : 'broken';
        message = r.exception?.message ?? r.message?.split('\n')[0];
        break;
      }
      if (r.status === 'UNDEFINED' || r.status === 'AMBIGUOUS' || r.status === 'PENDING') {
        status = 'broken';
        message = `step ${r.status.toLowerCase()}`;
        break;
      }
      if (r.status === 'SKIPPED') status = 'skipped';
    }
    const reason = s.files.get('not-applicable.txt');
    out.push({
      name: p.name,
      uri: p.uri,
      keyword,
      status,
      level: status === 'failed' ? strength(keyword) : undefined,
      message,
      outcome: s.files.get('outcome.txt'),
      reason: status === 'skipped' ? (reason ?? 'skipped') : undefined,
      silence: s.files.get('silence-proof.txt'),
      durationMs: Math.round((s.end ?? s.at) - s.at),
      tags,
    });
  }
  return out;
}

const RANK: Record<'must' | 'should' | 'may', number> = { must: 3, should: 2, may: 1 };

/** Written reasons for requirements no scenario decides: support/not-covered.json. */
export const NotCoveredSchema = z.record(z.string().regex(/^core-[\d.]+-\d+$/), z.string().min(20));
let notCoveredCache: Record<string, string> | undefined;
export function notCoveredReasons(): Record<string, string> {
  if (!notCoveredCache) {
    const file = new URL('../not-covered.json', import.meta.url);
    notCoveredCache = NotCoveredSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  }
  return notCoveredCache;
}

export function requirementResults(scenarios: ScenarioResult[], notSelectedReason?: string): RequirementResult[] {
  const byId = new Map<string, ScenarioResult[]>();
  for (const s of scenarios) for (const id of reqIdsOf(s.tags)) (byId.get(id) ?? byId.set(id, []).get(id)!).push(s);
  const out: RequirementResult[] = [];
  for (const r of requirements().values()) {
    const mine = byId.get(r.id) ?? [];
    const reading = readings().get(r.id);
    const base = { id: r.id, section: r.section, keyword: r.keyword, testable: r.testable, changedIn23: r.changedIn23, ...(reading ? { reading: describeReading(reading) } : {}), scenarios: mine.map((s) => s.name) };
    if (!mine.length) {
      const written = notCoveredReasons()[r.id];
      const reason =
        r.testable === 'no'
          ? `not observable from the wire: ${r.reason ?? 'the statement binds behaviour a peer cannot see'}`
          : (notSelectedReason ?? (written ? `not observable by the suite: ${written}` : 'no scenario decides it yet'));
      out.push({ ...base, verdict: 'not-covered', reason });
      continue;
    }
    const failed = mine.filter((s) => s.status === 'failed');
    if (failed.length) {
      const level = failed.map((s) => s.level ?? 'must').sort((a, b) => RANK[b] - RANK[a])[0]!;
      out.push({ ...base, verdict: 'failed', level });
    } else if (mine.some((s) => s.status === 'broken')) out.push({ ...base, verdict: 'broken' });
    else if (mine.some((s) => s.status === 'passed')) out.push({ ...base, verdict: 'passed' });
    else out.push({ ...base, verdict: 'skipped', reason: mine.map((s) => s.reason).filter(Boolean).join('; ') });
  }
  return out;
}

export function summarise(scenarios: ScenarioResult[], reqs: RequirementResult[]): Compliance['summary'] {
  const sc = { total: scenarios.length, passed: 0, failed: 0, skipped: 0, broken: 0 };
  for (const s of scenarios) sc[s.status]++;
  const rq = { total: reqs.length, passed: 0, failed: 0, skipped: 0, broken: 0, notCovered: 0, failedMust: 0, failedShould: 0 };
  for (const r of reqs) {
    if (r.verdict === 'not-covered') rq.notCovered++;
    else rq[r.verdict]++;
    if (r.verdict === 'failed' && r.level === 'must') rq.failedMust++;
    if (r.verdict === 'failed' && r.level === 'should') rq.failedShould++;
  }
  return { scenarios: sc, requirements: rq };
}

export function writeCompliance(file: string, c: Compliance): void {
  const valid = ComplianceSchema.parse(c);
  fs.writeFileSync(file, JSON.stringify(valid, null, 2) + '\n');
}

export type Gate = 'must' | 'should' | 'none';

/** The exit decision: which problems fail the run under the user's gate. Empty list: pass. */
export function gateProblems(c: Compliance, gate: Gate): string[] {
  const problems: string[] = [];
  const s = c.summary;
  if (s.scenarios.total === 0) problems.push('no scenario ran (check --tags and the feature paths)');
  if (gate === 'none') return problems;
  if (s.requirements.failedMust) problems.push(`${s.requirements.failedMust} MUST requirement(s) violated`);
  if (gate === 'should' && s.requirements.failedShould) problems.push(`${s.requirements.failedShould} SHOULD requirement(s) not met`);
  if (s.scenarios.broken) problems.push(`${s.scenarios.broken} scenario(s) broken: the suite could not decide`);
  return problems;
}
