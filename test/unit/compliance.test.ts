// compliance.ts: scenario verdicts from cucumber's message stream, requirement aggregation, gates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  scenarioResults,
  requirementResults,
  summarise,
  gateProblems,
  type Compliance,
  type ScenarioResult,
  type RequirementResult,
} from '../../support/report/compliance.ts';

interface StepResult {
  status: string;
  message?: string;
  exception?: { type: string; message?: string };
}
interface Sc {
  name: string;
  tags: string[];
  steps: StepResult[];
  files?: Record<string, string>;
  retried?: boolean;
}

let seq = 0;
/** The envelopes cucumber writes for each scenario, one JSON object per line. */
function ndjson(scenarios: Sc[]): string {
  const lines: unknown[] = [];
  const ids = scenarios.map(() => ++seq);
  scenarios.forEach((s, i) => {
    const n = ids[i]!;
    lines.push({ pickle: { id: `p${n}`, uri: `features/x${n}.feature`, name: s.name, tags: s.tags.map((name) => ({ name })) } });
    lines.push({ testCase: { id: `tc${n}`, pickleId: `p${n}` } });
  });
  scenarios.forEach((s, i) => {
    const tcs = `tcs${ids[i]}`;
    lines.push({ testCaseStarted: { id: tcs, testCaseId: `tc${ids[i]}`, timestamp: { seconds: 100, nanos: 0 } } });
    for (const r of s.steps) lines.push({ testStepFinished: { testCaseStartedId: tcs, testStepResult: r } });
    for (const [fileName, body] of Object.entries(s.files ?? {})) {
      lines.push({ attachment: { testCaseStartedId: tcs, body, mediaType: 'text/plain', fileName } });
    }
    lines.push({ testCaseFinished: { testCaseStartedId: tcs, timestamp: { seconds: 100, nanos: 250_000_000 }, willBeRetried: s.retried ?? false } });
  });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

const PASSED: StepResult = { status: 'PASSED' };
const SKIPPED: StepResult = { status: 'SKIPPED' };
const fail = (type: string, message = `${type} happened`): StepResult => ({ status: 'FAILED', message: `${message}\n    at stack`, exception: { type, message } });

const one = (s: Sc): ScenarioResult => {
  const r = scenarioResults(ndjson([s]));
  assert.equal(r.length, 1);
  return r[0]!;
};

test('ExpectationFailed: failed, level from the @MUST / @SHOULD_NOT tag', () => {
  const must = one({ name: 'm', tags: ['@req:core-4.4-3', '@MUST'], steps: [PASSED, fail('ExpectationFailed', 'MUST violated: from'), SKIPPED] });
  assert.equal(must.status, 'failed');
  assert.equal(must.level, 'must');
  assert.equal(must.keyword, 'MUST');
  assert.equal(must.message, 'MUST violated: from');
  assert.equal(must.durationMs, 250);
  assert.equal(must.uri.endsWith('.feature'), true);
  const should = one({ name: 's', tags: ['@req:core-4.4-2', '@SHOULD_NOT'], steps: [fail('ExpectationFailed')] });
  assert.equal(should.status, 'failed');
  assert.equal(should.level, 'should');
  assert.equal(should.keyword, 'SHOULD NOT');
});

test('TargetUnreachable, Error, undefined steps: broken, no level', () => {
  for (const type of ['TargetUnreachable', 'Error', 'Undecided', 'TypeError']) {
    const r = one({ name: type, tags: ['@MUST'], steps: [fail(type)] });
    assert.equal(r.status, 'broken', type);
    assert.equal(r.level, undefined);
    assert.equal(r.message, `${type} happened`);
  }
  assert.equal(one({ name: 'u', tags: ['@MUST'], steps: [{ status: 'UNDEFINED' }] }).status, 'broken');
  const noException = one({ name: 'n', tags: ['@MUST'], steps: [{ status: 'FAILED', message: 'first line\nsecond' }] });
  assert.equal(noException.status, 'broken');
  assert.equal(noException.message, 'first line');
});

test('SKIPPED with not-applicable.txt: skipped with that reason; other attachments kept', () => {
  const r = one({
    name: 'na',
    tags: ['@req:core-4.4-3', '@MUST'],
    steps: [PASSED, SKIPPED],
    files: { 'not-applicable.txt': 'the target offers no s2s', 'outcome.txt': 'o', 'silence-proof.txt': 'quiet-window' },
  });
  assert.equal(r.status, 'skipped');
  assert.equal(r.reason, 'the target offers no s2s');
  assert.equal(r.outcome, 'o');
  assert.equal(r.silence, 'quiet-window');
  assert.equal(one({ name: 'plain skip', tags: [], steps: [SKIPPED] }).reason, 'skipped');
  assert.equal(one({ name: 'pass', tags: [], steps: [PASSED] }).reason, undefined);
});

test('a retried attempt is dropped; the final one counts', () => {
  const text = ndjson([
    { name: 'flaky', tags: ['@MUST'], steps: [fail('Error')], retried: true },
    { name: 'flaky', tags: ['@MUST'], steps: [PASSED] },
  ]);
  assert.deepEqual(scenarioResults(text).map((r) => r.status), ['passed']);
});

const sc = (name: string, status: ScenarioResult['status'], tags: string[], extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  name,
  uri: 'f.feature',
  keyword: 'MUST',
  status,
  durationMs: 1,
  tags,
  ...extra,
});

const byId = (rs: RequirementResult[]) => new Map(rs.map((r) => [r.id, r]));

test('requirement aggregation: failed > broken > passed > skipped; not-covered with reasons', () => {
  const scenarios = [
    sc('a', 'failed', ['@req:core-4.4-3'], { level: 'should' }),
    sc('b', 'failed', ['@req:core-4.4-3'], { level: 'must' }),
    sc('c', 'broken', ['@req:core-4.4-3']),
    sc('d', 'failed', ['@req:core-4.4-2'], { level: 'should' }),
    sc('e', 'passed', ['@req:core-4.4-2']),
    sc('f', 'broken', ['@req:core-3.2-3']),
    sc('g', 'passed', ['@req:core-3.2-3']),
    sc('h', 'passed', ['@req:core-3.1-1']),
    sc('i', 'skipped', ['@req:core-3.1-1'], { reason: 'x' }),
    sc('j', 'skipped', ['@req:core-3.2-1'], { reason: 'no s2s' }),
    sc('k', 'skipped', ['@req:core-3.2-1'], { reason: 'no tls' }),
  ];
  const r = byId(requirementResults(scenarios));
  assert.deepEqual(
    { verdict: r.get('core-4.4-3')!.verdict, level: r.get('core-4.4-3')!.level, keyword: r.get('core-4.4-3')!.keyword, scenarios: r.get('core-4.4-3')!.scenarios },
    { verdict: 'failed', level: 'must', keyword: 'MUST', scenarios: ['a', 'b', 'c'] },
  );
  assert.equal(r.get('core-4.4-2')!.verdict, 'failed');
  assert.equal(r.get('core-4.4-2')!.level, 'should');
  assert.equal(r.get('core-4.4-2')!.keyword, 'SHOULD NOT');
  assert.equal(r.get('core-3.2-3')!.verdict, 'broken');
  assert.equal(r.get('core-3.1-1')!.verdict, 'passed');
  assert.equal(r.get('core-3.2-1')!.verdict, 'skipped');
  assert.equal(r.get('core-3.2-1')!.reason, 'no s2s; no tls');

  const untested = r.get('core-3.2-4')!;
  assert.equal(untested.verdict, 'not-covered');
  assert.ok(untested.reason && untested.reason.length > 0);
  const unobservable = r.get('core-4.7.2-1')!;
  assert.equal(unobservable.testable, 'no');
  assert.equal(unobservable.verdict, 'not-covered');
  assert.match(unobservable.reason!, /^not observable/);

  const filtered = byId(requirementResults([], 'not selected by --tags'));
  assert.equal(filtered.get('core-3.2-4')!.reason, 'not selected by --tags');
  assert.match(filtered.get('core-4.7.2-1')!.reason!, /^not observable/);
});

test('summarise counts scenarios and requirements', () => {
  const scenarios = [sc('a', 'failed', ['@req:core-4.4-3'], { level: 'must' }), sc('b', 'failed', ['@req:core-4.4-2'], { level: 'should' }), sc('c', 'broken', []), sc('d', 'passed', ['@req:core-3.1-1'])];
  const reqs = requirementResults(scenarios);
  const s = summarise(scenarios, reqs);
  assert.deepEqual(s.scenarios, { total: 4, passed: 1, failed: 2, skipped: 0, broken: 1 });
  assert.equal(s.requirements.total, reqs.length);
  assert.equal(s.requirements.failed, 2);
  assert.equal(s.requirements.failedMust, 1);
  assert.equal(s.requirements.failedShould, 1);
  assert.equal(s.requirements.passed, 1);
  assert.equal(s.requirements.notCovered, reqs.length - 3);
});

function compliance(scenarios: ScenarioResult[]): Compliance {
  const reqs = requirementResults(scenarios);
  return { summary: summarise(scenarios, reqs), requirements: reqs, scenarios } as unknown as Compliance;
}

test('gateProblems under must / should / none', () => {
  const clean = compliance([sc('p', 'passed', ['@req:core-4.4-3'])]);
  for (const gate of ['must', 'should', 'none'] as const) assert.deepEqual(gateProblems(clean, gate), [], gate);

  const shouldOnly = compliance([sc('s', 'failed', ['@req:core-4.4-2'], { level: 'should' })]);
  assert.deepEqual(gateProblems(shouldOnly, 'must'), []);
  assert.equal(gateProblems(shouldOnly, 'should').length, 1);
  assert.match(gateProblems(shouldOnly, 'should')[0]!, /1 SHOULD/);
  assert.deepEqual(gateProblems(shouldOnly, 'none'), []);

  const mustAndBroken = compliance([sc('m', 'failed', ['@req:core-4.4-3'], { level: 'must' }), sc('b', 'broken', ['@req:core-3.2-3'])]);
  const must = gateProblems(mustAndBroken, 'must');
  assert.equal(must.length, 2);
  assert.match(must[0]!, /1 MUST/);
  assert.match(must[1]!, /1 scenario\(s\) broken/);
  assert.equal(gateProblems(mustAndBroken, 'should').length, 2);
  assert.deepEqual(gateProblems(mustAndBroken, 'none'), []);
});

test("'no scenario ran' is a problem under every gate", () => {
  const empty = compliance([]);
  for (const gate of ['must', 'should', 'none'] as const) {
    const p = gateProblems(empty, gate);
    assert.equal(p.length, 1, gate);
    assert.match(p[0]!, /no scenario ran/);
  }
});
