// Run-wide checks (support/report/runwide.ts): every stream error followed by </stream:stream> and the
// TCP close, its condition in the streams namespace, every stanza error's type per 9.3.3; folded
// into the requirement verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamReader } from '../../support/wire/reader.ts';
import type { TimelineEntry } from '../../support/peer/stream.ts';
import { checkRunWide, errorIdsSent, foldRunWide, runWideAllureResults, runWideObservations, ATTACH_RUNWIDE, type Connection } from '../../support/report/runwide.ts';
import type { RequirementResult } from '../../support/report/compliance.ts';

const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='c2s_1' from='example.com' version='1.0'>";
const ERR = "<stream:error><xml-not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";

/** A connection's timeline: chunks the target sent (each one transcript entry, 100 ms apart), and events. */
function conn(parts: Array<string | TimelineEntry['kind']>, endedAt = 10_000, boundMs = 5000): Connection {
  const timeline: TimelineEntry[] = [];
  let line = 0;
  let t = 0;
  const reader = new StreamReader((ev) => {
    if (ev.kind === 'header' || ev.kind === 'element') timeline.push({ kind: ev.kind, element: ev.element, t, line });
    if (ev.kind === 'close') timeline.push({ kind: 'close', t, line });
  });
  for (const p of parts) {
    line++;
    t += 100;
    if (p.startsWith('<')) reader.write(p);
    else timeline.push({ kind: p as TimelineEntry['kind'], t, line });
  }
  return { label: 'client-1', timeline, boundMs, endedAt };
}

const outcomes = (c: Connection, rule = 'core-4.7.1-1') => checkRunWide([c]).observations.filter((o) => o.rule === rule).map((o) => o.outcome);

test('4.7.1-1: error, </stream:stream>, TCP close is clean; a reset also ends the connection', () => {
  assert.deepEqual(outcomes(conn([HEADER, ERR, '</stream:stream>', 'tcp-end'])), ['ok']);
  assert.deepEqual(outcomes(conn([HEADER, ERR + '</stream:stream>', 'peer-close', 'tcp-reset'])), ['ok']);
});

test('4.7.1-1: a stanza after the error is a violation, whoever closed first', () => {
  const c = conn([HEADER, ERR, "<message from='example.com'><body>still here</body></message>", 'peer-destroy']);
  const o = checkRunWide([c]).observations.find((x) => x.rule === 'core-4.7.1-1')!;
  assert.equal(o.outcome, 'violation');
  assert.match(o.message!, /^MUST violated: core-4\.7\.1-1 "It is assumed that all stream-level errors/);
  assert.match(o.message!, /accepted: after the stream error, '<\/stream:stream>' and the TCP connection closed/);
  assert.match(o.message!, /arrived: {2}<message from='example.com'>.*after the stream error \(client-1, transcript entry 3/);
});

test('4.7.1-1: TCP closed without </stream:stream> is a violation', () => {
  assert.deepEqual(outcomes(conn([HEADER, ERR, 'tcp-end'])), ['violation']);
});

test("4.7.1-1: an abrupt close while the suite's round-trip request was in flight is not decidable", () => {
  assert.deepEqual(outcomes(conn([HEADER, 'peer-probe', ERR, 'tcp-reset'])), ['undecided']);
  assert.deepEqual(outcomes(conn([HEADER, ERR, 'peer-probe', 'tcp-end'])), ['undecided']);
  // a probe answered before the error is not in flight at the close
  assert.deepEqual(outcomes(conn([HEADER, 'peer-probe', "<iq type='result' id='rt-1'/>", ERR, 'tcp-end'])), ['violation']);
});

test('4.7.1-1: still open: a violation once the bound was waited, not decidable before it or when the suite closed first', () => {
  assert.deepEqual(outcomes(conn([HEADER, ERR], 10_000)), ['violation']);
  assert.deepEqual(outcomes(conn([HEADER, ERR], 1_000)), ['undecided']);
  assert.deepEqual(outcomes(conn([HEADER, ERR, 'peer-close', 'peer-end'], 60_000)), ['undecided']);
  assert.deepEqual(outcomes(conn([HEADER, ERR, '</stream:stream>'], 1_000)), ['undecided']);
});

test('4.7.2-3: a defined condition in the streams namespace; another namespace or a later name is a violation', () => {
  assert.deepEqual(outcomes(conn([HEADER, ERR, '</stream:stream>', 'tcp-end']), 'core-4.7.2-3'), ['ok']);
  const other = "<stream:error><xml-not-well-formed xmlns='urn:example:other'/></stream:error>";
  const later = "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
  const o = checkRunWide([conn([HEADER, other, '</stream:stream>', 'tcp-end'])]).observations.find((x) => x.rule === 'core-4.7.2-3')!;
  assert.equal(o.outcome, 'violation');
  assert.match(o.detail, /no defined condition in urn:ietf:params:xml:ns:xmpp-streams; the children are <xml-not-well-formed xmlns='urn:example:other'\/>/);
  assert.deepEqual(outcomes(conn([HEADER, later, '</stream:stream>', 'tcp-end']), 'core-4.7.2-3'), ['violation']);
});

test('9.3.3: each stanza error condition is checked against its type; relayed errors are not the target\'s', () => {
  const good = "<iq type='error' id='a'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
  const bad = "<message type='error' id='b'><error type='cancel'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>";
  const undef = "<iq type='error' id='c'><error type='wait'><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
  const c = conn([HEADER, good, bad, undef]);
  const obs = checkRunWide([c]).observations;
  assert.deepEqual(obs.map((o) => [o.rule, o.outcome]), [['core-9.3.3-19', 'ok'], ['core-9.3.3-1', 'violation'], ['core-9.3.3-21', 'violation']]);
  assert.match(obs[1]!.message!, /^SHOULD not met: core-9\.3\.3-1 .*\n {2}accepted: <bad-request\/> with type 'modify' \(9\.3\.3\)\n {2}arrived: {2}<bad-request\/> with type 'cancel'/);
  assert.deepEqual(checkRunWide([c], errorIdsSent(["<message to='x' id='b' type='error'><error type='cancel'/></message>"])).observations.map((o) => o.rule), ['core-9.3.3-19', 'core-9.3.3-21']);
});

function req(id: string, verdict: RequirementResult['verdict'], extra: Partial<RequirementResult> = {}): RequirementResult {
  const section = id.replace(/^core-/, '').replace(/-\d+$/, '');
  return { id, section, keyword: 'SHOULD', testable: 'both', changedIn23: false, verdict, scenarios: [], ...extra };
}

test('fold: a violation fails the requirement with evidence; clean occurrences pass; unseen 9.3.3 stays not covered', () => {
  const c = conn([
    HEADER,
    "<iq type='error' id='a'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    "<iq type='error' id='b'><error type='modify'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    "<iq type='error' id='c'><error type='wait'><recipient-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
  ]);
  const obs = checkRunWide([c]).observations.map((o) => ({ ...o, scenario: 'sc' }));
  const reqs = [
    req('core-9.3.3-19', 'skipped', { reason: 'another condition' }),
    req('core-9.3.3-2', 'not-covered', { reason: 'no scenario' }),
    req('core-9.3.3-5', 'not-covered', { reason: 'no scenario' }),
    req('core-9.3.3-13', 'skipped', { reason: 'n/a' }),
    req('core-4.4-1', 'passed'),
  ];
  const r = Object.fromEntries(foldRunWide(reqs, obs).map((x) => [x.id, x]));
  assert.equal(r['core-9.3.3-19']!.verdict, 'passed');
  assert.match(r['core-9.3.3-19']!.runWide!.note, /decided from 1 occurrence\(s\) in this run/);
  assert.equal(r['core-9.3.3-19']!.reason, undefined);
  assert.equal(r['core-9.3.3-2']!.verdict, 'failed');
  assert.equal(r['core-9.3.3-2']!.level, 'should');
  assert.equal(r['core-9.3.3-2']!.runWide!.evidence[0]!.scenario, 'sc');
  assert.equal(r['core-9.3.3-5']!.verdict, 'not-covered');
  assert.match(r['core-9.3.3-5']!.reason!, /^not seen in this run/);
  // the type part alone does not pass a sentence with another part
  assert.equal(r['core-9.3.3-13']!.verdict, 'skipped');
  assert.equal(r['core-4.4-1']!.runWide, undefined);
  const allure = runWideAllureResults(Object.values(r));
  const a2 = allure.find((a) => a.labels.some((l) => l.name === 'requirement' && l.value === 'core-9.3.3-2'))!;
  assert.equal(a2.status, 'failed');
  assert.match(a2.message, /^SHOULD not met: core-9\.3\.3-2/);
  assert.ok(a2.labels.some((l) => l.name === 'xmpp-source' && l.value === 'run-wide'));
  assert.ok(a2.labels.some((l) => l.name === 'epic' && l.value === '9 XML Stanzas'));
  assert.equal(allure.find((a) => a.fullName === 'run-wide: core-9.3.3-5')!.status, 'skipped');
});

test('the run\'s observations are read from the attachments, retried attempts left out', () => {
  const check = JSON.stringify({ observations: [{ rule: 'core-4.7.1-1', connection: 'client-1', line: 3, t: 200, element: '<stream:error/>', outcome: 'ok', detail: 'closed', level: 'must' }] });
  const ndjson = [
    { pickle: { id: 'p1', name: 'scenario one' } },
    { testCase: { id: 'c1', pickleId: 'p1' } },
    { testCaseStarted: { id: 's1', testCaseId: 'c1' } },
    { attachment: { testCaseStartedId: 's1', fileName: ATTACH_RUNWIDE, body: check } },
    { testCaseFinished: { testCaseStartedId: 's1', willBeRetried: true } },
    { testCaseStarted: { id: 's2', testCaseId: 'c1' } },
    { attachment: { testCaseStartedId: 's2', fileName: ATTACH_RUNWIDE, body: check } },
    { testCaseFinished: { testCaseStartedId: 's2', willBeRetried: false } },
  ].map((m) => JSON.stringify(m)).join('\n');
  const o = runWideObservations(ndjson);
  assert.equal(o.length, 1);
  assert.equal(o[0]!.scenario, 'scenario one');
});
