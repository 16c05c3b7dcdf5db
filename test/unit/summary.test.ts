// The end-of-run summary (console and summary.md) and the progress line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Envelope } from '@cucumber/messages';
import { requirementResults, summarise, type Compliance, type ScenarioResult } from '../../support/report/compliance.ts';
import { arrivedInstead, consoleSummary, LINE_MAX, markdownSummary } from '../../support/report/summary.ts';
import { Progress } from '../../support/report/progress.ts';

const sc = (name: string, status: ScenarioResult['status'], tags: string[], extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  name,
  uri: 'features/x.feature',
  keyword: tags.find((t) => !t.startsWith('@req:'))!.slice(1).replace(/_/g, ' '),
  status,
  durationMs: 10,
  tags,
  ...extra,
});

// messages as the verdict layer writes them (taken from a Prosody run)
const NOTHING =
  "SHOULD not met: expected a stream error <not-authorized/> within 1000 ms; nothing matching arrived.\nReceived and not consumed (client-1.xmpp.txt, up to transcript entry 12):\n  <message type='error' id='early-2' from='target.test'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>\nRequirement: core-4.3-3 (MUST NOT, RFC 3920 4.3): \"An entity ...\"";
const SENT = "MUST violated: expected <invalid-namespace/>; the target sent <unsupported-stanza-type/>.\nReceived: <stream:error><unsupported-stanza-type xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>\nRequirement: core-8.3-2 (MUST, RFC 3920 8.3): \"...\"";
const NEW_SENT =
  "MUST violated: after the peer's listener answered <db:verify from='peer.test' type='valid'/> on target-in-1: the target sent <unsupported-stanza-type/>\nExpected: a stream error <host-unknown/>\nActual: <stream:error><unsupported-stanza-type xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>\nWhere: target-in-1.xmpp.txt, up to transcript entry 9\nRequirement: core-8.3-19 (MUST, RFC 3920 8.3): \"...\"";
const NEW_NOTHING =
  "MUST violated: expected a stream error <invalid-from/> within 1000 ms; nothing matching arrived\nExpected: a stream error <invalid-from/>\nActual: <db:verify to='peer2.test' id='0123' type='invalid'>0123</db:verify>\nWhere: peer-out-1.xmpp.txt, up to transcript entry 6\nRequirement: core-8.3-17 (MUST, RFC 3920 8.3): \"...\"";
const LONG =
  "MUST violated: after 10 SASL attempts on one connection, each ending in <failure/>, the target still kept the TCP connection open (RFC 3920 6.2: after a configurable but reasonable number of retries it MUST terminate the TCP connection; the count used: 10, sasl.retries in the config (default 10)). Each attempt was answered: <failure/> with <aborted/>: <failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted/></failure>";

const SCENARIOS = [
  sc('early stanza', 'failed', ['@req:core-4.3-3', '@SHOULD'], { level: 'should', message: NOTHING }),
  sc('wrong dialback namespace', 'failed', ['@req:core-8.3-2', '@MUST'], { level: 'must', message: SENT }),
  sc('retries are bounded', 'failed', ['@req:core-6.2-6', '@MUST'], { level: 'must', message: LONG }),
  sc('the stream is answered', 'passed', ['@req:core-4.2-1', '@MUST']),
  sc('bind', 'broken', ['@req:core-7-1', '@MUST'], { message: 'no answer within 1000 ms' }),
];

function compliance(): Compliance {
  const reqs = requirementResults(SCENARIOS);
  return {
    schema: 'xmpp-core-conformance/compliance/1',
    suite: { name: 'xmpp-core-conformance', version: '0.0.0' },
    spec: 'draft-ietf-xmpp-core-23 (RFC 3920)',
    target: { domain: 'target.test', c2s: '127.0.0.1:5222', software: { name: 'Prosody', version: '0.12.4' }, profile: 'prosody tls-required' },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 35_000,
    preflight: { ok: true },
    summary: summarise(SCENARIOS, reqs),
    requirements: reqs,
    scenarios: SCENARIOS,
  };
}

test('what arrived comes first, the expectation after it', () => {
  assert.equal(arrivedInstead(SENT), 'sent <unsupported-stanza-type/>; expected <invalid-namespace/>');
  assert.equal(arrivedInstead(NOTHING), "got <message type='error' from='target.test'> (<service-unavailable/>), not a stream error <not-authorized/> within 1000 ms");
  // the verdict layer's Expected / Actual / Where form
  assert.equal(arrivedInstead(NEW_SENT), 'sent <unsupported-stanza-type/>; expected a stream error <host-unknown/>');
  assert.equal(arrivedInstead(NEW_NOTHING), "got <db:verify to='peer2.test' type='invalid'>, not a stream error <invalid-from/> within 1000 ms");
  assert.equal(arrivedInstead(NEW_NOTHING.replace(/Actual: .*/, 'Actual: nothing')), 'nothing arrived, not a stream error <invalid-from/> within 1000 ms');
  assert.equal(arrivedInstead('MUST violated: expected <x/> within 5 ms; nothing matching arrived.\nReceived and not consumed (c, up to transcript entry 5): nothing'), 'nothing arrived, not <x/> within 5 ms');
  // remarks citing the text are dropped from the one-line form
  assert.doesNotMatch(arrivedInstead(LONG), /RFC 3920/);
});

test('the console names every failed requirement, grouped by section, each line under 120 characters', () => {
  const c = compliance();
  const lines = consoleSummary(c, 'reports');
  for (const r of c.requirements.filter((x) => x.verdict === 'failed')) {
    const line = lines.find((l) => l.includes(r.id));
    assert.ok(line, `${r.id} is not on the console`);
    assert.match(line, r.level === 'must' ? /\bMUST\b/ : /\bSHOULD\b/);
  }
  for (const l of lines) assert.ok(l.length < 120 || !/core-/.test(l) || /^Undecided/.test(l), `too long: ${l}`);
  assert.ok(lines.every((l) => !/core-/.test(l) || l.length <= LINE_MAX || /^Undecided/.test(l)));
  // grouped: the section heading comes before its requirements, in catalogue order
  const at = (s: string) => lines.findIndex((l) => l.startsWith(s));
  assert.ok(at('4 XML Streams') < lines.findIndex((l) => l.includes('core-4.3-3')));
  assert.ok(at('6 Use of SASL') < at('8 Server Dialback'));
  assert.ok(lines.some((l) => /Undecided.*core-7-1/.test(l)));
  assert.ok(lines.some((l) => /^requirements \(275\): 1 passed, 2 MUST violated, 1 SHOULD not met/.test(l)));
  assert.match(lines.at(-1)!, /^reports: reports\/summary\.md/);
  // no transcript: the received elements stay in the reports
  assert.ok(lines.every((l) => !l.includes('xmpp-sasl')));
});

test('a failed preflight is on the console; one skipped with --no-preflight is not', () => {
  const c = compliance();
  c.preflight = { ok: false, message: 'SASL failed: SASL PLAIN as ...' };
  assert.ok(consoleSummary(c, 'reports').includes('target problem: SASL failed: SASL PLAIN as ...'));
  c.preflight = { ok: false, message: 'skipped (--no-preflight)' };
  assert.ok(!consoleSummary(c, 'reports').some((l) => l.startsWith('target problem:')));
});

test('summary.md holds the same rows and counts as the console', () => {
  const c = compliance();
  const md = markdownSummary(c);
  for (const r of c.requirements.filter((x) => x.verdict === 'failed')) assert.match(md, new RegExp(`\\| ${r.id} \\| ${r.level!.toUpperCase()} \\|`));
  assert.match(md, /sent &lt;unsupported-stanza-type\/&gt;; expected &lt;invalid-namespace\/&gt;/);
  assert.match(md, /### 8 Server Dialback/);
  assert.match(md, /requirements \(275\): 1 passed, 2 MUST violated/);
});

test('progress counts scenarios done of total, failed and broken, ignoring retried attempts', () => {
  const p = new Progress(0);
  const env = (e: object) => p.onEnvelope(e as Envelope);
  for (const id of ['a', 'b', 'c']) env({ testCase: { id, pickleId: id } });
  const step = (id: string, status: string, type?: string) => env({ testStepFinished: { testCaseStartedId: id, testStepResult: { status, exception: type ? { type } : undefined } } });
  const finish = (id: string, willBeRetried = false) => env({ testCaseFinished: { testCaseStartedId: id, willBeRetried } });
  step('1', 'FAILED', 'ExpectationFailed');
  assert.equal(finish('1'), true);
  step('2', 'FAILED', 'Undecided');
  assert.equal(finish('2', true), false);
  step('3', 'FAILED', 'Undecided');
  finish('3');
  assert.equal(p.line(75_000), 'scenarios 2/3 done, 1 failed, 1 broken, 1 min 15 s');
});

test('the fidelity checker compares summary.md with compliance.json', async () => {
  const { checkFidelity } = await import('../../support/report/fidelity.ts');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-fid-'));
  try {
    const c = compliance();
    fs.writeFileSync(path.join(dir, 'compliance.json'), JSON.stringify(c));
    const md = markdownSummary(c);
    const ofSummary = () => checkFidelity(dir).filter((d) => d.report === 'summary.md');
    fs.writeFileSync(path.join(dir, 'summary.md'), md);
    assert.deepEqual(ofSummary(), []);
    fs.writeFileSync(path.join(dir, 'summary.md'), md.replace('| core-8.3-2 | MUST |', '| core-8.3-2 | SHOULD |').replace(/^\| core-4\.3-3 .*\n/m, ''));
    assert.deepEqual(ofSummary().map((d) => d.subject).sort(), ['core-4.3-3', 'core-8.3-2']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
