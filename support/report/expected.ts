// targets/<name>/expected.json: the verdicts a target is known to reach, each expected failure
// with the spec sentence that justifies it and what the target does instead. A changed verdict
// (better or worse) is a difference the project's tests report.
import fs from 'node:fs';
import { z } from 'zod';
import { requirements } from '../requirements.ts';
import type { Compliance } from './compliance.ts';
import { describeReading, readings } from '../readings.ts';

const Entry = z.discriminatedUnion('verdict', [
  z.object({ verdict: z.literal('passed') }).strict(),
  z.object({ verdict: z.literal('skipped'), reason: z.string().min(10) }).strict(),
  z.object({
    verdict: z.literal('failed'),
    level: z.enum(['must', 'should', 'may']),
    /** the requirement's sentence, as in requirements.json */
    sentence: z.string(),
    /** what the target does instead, and why that departs from the sentence */
    because: z.string().min(20),
    /** where the verdict rests on a contested reading: support/readings.json's, as compliance.json states it */
    reading: z.string().optional(),
  }).strict(),
]);

export const ExpectedSchema = z.object({
  target: z.string(),
  profile: z.string(),
  software: z.string(),
  /** every requirement a scenario decides; ids not listed are expected to be not-covered */
  verdicts: z.record(z.string(), Entry),
}).strict();
export type Expected = z.infer<typeof ExpectedSchema>;

export function loadExpected(file: string): Expected {
  return ExpectedSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** Differences between a run and its baseline, one line each; empty when they agree. */
export function compareWithExpected(c: Compliance, e: Expected): string[] {
  const diffs: string[] = [];
  const reqs = requirements();
  for (const [id, entry] of Object.entries(e.verdicts)) {
    const r = reqs.get(id);
    if (!r) diffs.push(`${id}: in expected.json but not a requirement id`);
    else if (entry.verdict === 'failed' && entry.sentence !== r.text) diffs.push(`${id}: the expected failure's sentence is not the requirement's text`);
    else if (entry.verdict === 'failed' && entry.reading !== readingLine(id)) diffs.push(`${id}: the expected failure's reading is not support/readings.json's (${readingLine(id) ? 'npm run baseline writes it' : 'no contested reading is registered for it'})`);
  }
  for (const r of c.requirements) {
    const want = e.verdicts[r.id];
    const wantVerdict = want?.verdict ?? 'not-covered';
    const wantLevel = want?.verdict === 'failed' ? want.level : undefined;
    if (r.verdict !== wantVerdict || (r.verdict === 'failed' && r.level !== wantLevel)) {
      const got = r.verdict === 'failed' ? `failed (${r.level})` : r.verdict;
      const exp = wantVerdict === 'failed' ? `failed (${wantLevel})` : wantVerdict;
      const why = r.verdict === 'failed' || r.verdict === 'broken' ? `: ${c.scenarios.find((s) => r.scenarios.includes(s.name) && s.status === r.verdict)?.message?.split('\n')[0] ?? r.runWide?.evidence[0]?.detail ?? ''}` : '';
      diffs.push(`${r.id}: expected ${exp}, got ${got}${why}`);
    }
  }
  return diffs;
}

/** The registered reading of a contested requirement, as compliance.json states it; undefined if none. */
function readingLine(id: string): string | undefined {
  const r = readings().get(id);
  return r ? describeReading(r) : undefined;
}

/** A baseline from a run, keeping the reasons already written for failures that stay. */
export function baselineFrom(c: Compliance, previous: Expected | undefined, target: string, profile: string): Expected {
  const reqs = requirements();
  const verdicts: Expected['verdicts'] = {};
  for (const r of c.requirements) {
    if (r.verdict === 'passed') verdicts[r.id] = { verdict: 'passed' };
    else if (r.verdict === 'skipped') verdicts[r.id] = { verdict: 'skipped', reason: r.reason ?? 'not applicable to this target' };
    else if (r.verdict === 'failed') {
      const old = previous?.verdicts[r.id];
      verdicts[r.id] = {
        verdict: 'failed',
        level: r.level ?? 'must',
        sentence: reqs.get(r.id)!.text,
        because: old?.verdict === 'failed' ? old.because : `TODO: say what ${target} does instead`,
        ...(readingLine(r.id) ? { reading: readingLine(r.id) } : {}),
      };
    }
  }
  const software = c.target.software ? `${c.target.software.name} ${c.target.software.version ?? ''}`.trim() : previous?.software ?? target;
  return { target, profile, software, verdicts };
}

export interface KnownFailures {
  /** failed requirements the user's file expects to fail: reported, not gated */
  known: string[];
  /** requirements the user's file expects to fail that passed in this run */
  nowPassing: string[];
  /** the run as the gate sees it: known failures counted as passed */
  gated: Compliance;
}

/**
 * The user's own expectation file (the format of expected.json): failures it lists with a reason
 * do not fail the gate; a listed failure that now passes is reported so the file can shrink.
 */
export function applyKnownFailures(c: Compliance, e: Expected): KnownFailures {
  const listed = new Set(Object.entries(e.verdicts).filter(([, v]) => v.verdict === 'failed').map(([id]) => id));
  const known = c.requirements.filter((r) => r.verdict === 'failed' && listed.has(r.id)).map((r) => r.id);
  const nowPassing = c.requirements.filter((r) => r.verdict === 'passed' && listed.has(r.id)).map((r) => r.id);
  const requirements = c.requirements.map((r) => (known.includes(r.id) ? { ...r, verdict: 'passed' as const, level: undefined } : r));
  const failedMust = requirements.filter((r) => r.verdict === 'failed' && r.level === 'must').length;
  const failedShould = requirements.filter((r) => r.verdict === 'failed' && r.level === 'should').length;
  const gated: Compliance = {
    ...c,
    requirements,
    summary: { ...c.summary, requirements: { ...c.summary.requirements, failedMust, failedShould } },
  };
  return { known, nowPassing, gated };
}
