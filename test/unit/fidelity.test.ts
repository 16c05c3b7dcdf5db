// fidelity.ts: every report of a run compared with compliance.json. A small run (five scenarios,
// one of each verdict and both failure levels) is written as the suite writes it; the checker
// finds nothing to say. Then one report at a time is made to disagree, as a wrong mapping would,
// and the checker names that scenario or requirement, that report, and both verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requirementResults, summarise, writeCompliance, type Compliance, type ScenarioResult } from '../../support/report/compliance.ts';
import { writeAllureExtras, writeRequirementsPage } from '../../support/report/publish.ts';
import { checkFidelity, describe, type Disagreement } from '../../support/report/fidelity.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const sc = (name: string, uri: string, status: ScenarioResult['status'], tags: string[], extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  name,
  uri,
  keyword: tags.find((t) => !t.startsWith('@req:'))!.slice(1).replace(/_/g, ' '),
  status,
  durationMs: 10,
  tags,
  ...extra,
});

const SCENARIOS: ScenarioResult[] = [
  sc('the header is answered', 'features/a.feature', 'passed', ['@req:core-4.1-1', '@MUST']),
  sc("'from' is checked", 'features/a.feature', 'failed', ['@req:core-4.4-3', '@MUST'], { level: 'must', message: "MUST violated: expected <invalid-from/>; the target sent <host-unknown/>" }),
  sc("'to' is omitted", 'features/a.feature', 'failed', ['@req:core-4.4-2', '@SHOULD_NOT'], { level: 'should', message: "SHOULD not met: the header carries to='x'" }),
  sc('DIGEST-MD5 is computed as RFC 2831 defines', 'features/b.feature', 'skipped', ['@req:core-6.2-4', '@MUST'], { reason: 'the target does not offer SASL DIGEST-MD5' }),
  sc('the stream is answered', 'features/b.feature', 'broken', ['@req:core-4.2-1', '@MUST'], { message: 'no answer within 1000 ms' }),
];
const FEATURE: Record<string, string> = { 'features/a.feature': '4.4 Stream Attributes', 'features/b.feature': '6.2 Narrative' };
/** how each verdict arrives from cucumber: the exception's type (failed/broken) */
const TYPE: Partial<Record<ScenarioResult['status'], string>> = { failed: 'ExpectationFailed', broken: 'Undecided' };

function compliance(): Compliance {
  const reqs = requirementResults(SCENARIOS);
  return {
    schema: 'xmpp-core-conformance/compliance/1',
    suite: { name: 'xmpp-core-conformance', version: '0.0.0' },
    spec: 'draft-ietf-xmpp-core-23 (RFC 3920)',
    target: { domain: 'target.test', c2s: '127.0.0.1:5222', profile: 'fixture tls-required' },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 50,
    preflight: { ok: true },
    summary: summarise(SCENARIOS, reqs),
    requirements: reqs,
    scenarios: SCENARIOS,
  };
}

/** What allure-cucumberjs writes by itself: a thrown ExpectationFailed is broken, a Then step's 'skipped' leaves the scenario passed. */
function adapterResult(s: ScenarioResult): object {
  const status = s.status === 'failed' ? 'broken' : s.status === 'skipped' ? 'passed' : s.status;
  const err = s.message ? { message: `${TYPE[s.status]}: ${s.message}`, trace: `${TYPE[s.status]}: ${s.message}` } : {};
  return {
    uuid: `${s.name.length}-${s.uri}`,
    name: s.name,
    fullName: `xmpp-core-conformance:${s.uri}#${s.name}`,
    status,
    statusDetails: err,
    stage: 'finished',
    steps: [
      { name: 'Given a client', status: 'passed', statusDetails: {}, steps: [] },
      { name: 'Then the target answers', status: s.status === 'skipped' ? 'skipped' : status, statusDetails: err, steps: [] },
    ],
    labels: [{ name: 'framework', value: 'cucumberjs' }, ...s.tags.filter((t) => t.startsWith('@req:')).map((t) => ({ name: 'requirement', value: t.slice(5) }))],
    attachments: [],
    parameters: [],
  };
}

function junit(c: Compliance): string {
  const cases = c.scenarios.map((s) => {
    const child =
      s.status === 'skipped' ? '<skipped/>'
      : s.status === 'failed' || s.status === 'broken' ? `<failure type="${TYPE[s.status]}" message="${s.message!.replace(/</g, '&lt;')}"><![CDATA[${TYPE[s.status]}: ${s.message}]]></failure>`
      : '';
    return `  <testcase classname="${FEATURE[s.uri]}" name="a rule - ${s.name.replace(/</g, '&lt;')}" time="0.01">${child}</testcase>`;
  });
  const n = c.summary.scenarios;
  return `<?xml version="1.0"?>\n<testsuite name="xmpp-core-conformance" time="0.05" tests="${n.total}" skipped="${n.skipped}" failures="${n.failed + n.broken}" errors="0">\n${cases.join('\n')}\n</testsuite>\n`;
}

function cucumberJson(c: Compliance): object {
  return Object.entries(FEATURE).map(([uri, name]) => ({
    uri,
    name,
    keyword: 'Feature',
    elements: c.scenarios
      .filter((s) => s.uri === uri)
      .map((s) => ({
        name: s.name,
        type: 'scenario',
        keyword: 'Scenario',
        steps: [
          { keyword: 'Before', hidden: true, result: { status: 'passed' } },
          { keyword: 'Given ', name: 'a client', result: { status: 'passed' } },
          {
            keyword: 'Then ',
            name: 'the target answers',
            result: s.status === 'passed' ? { status: 'passed' } : s.status === 'skipped' ? { status: 'skipped' } : { status: 'failed', error_message: `${TYPE[s.status]}: ${s.message}\n    at step` },
          },
        ],
      })),
  }));
}

/** A correct set of reports, written the way the suite writes them where it can (Allure, requirements page, matrix). */
function correctRun(opts: { matrix?: boolean; align?: boolean } = {}): { dir: string; matrix?: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fidelity-'));
  const c = compliance();
  writeCompliance(path.join(dir, 'compliance.json'), c);
  const results = path.join(dir, 'allure-results');
  fs.mkdirSync(results);
  for (const s of c.scenarios) fs.writeFileSync(path.join(results, `${s.name.length}${s.status}-result.json`), JSON.stringify(adapterResult(s)));
  // a synthetic per-requirement result another part of the suite may add, and an evidence-only schema result
  fs.writeFileSync(path.join(results, 'runwide-result.json'), JSON.stringify({ name: 'core-4.4-3 over the whole run', status: 'failed', statusDetails: { message: 'MUST violated: x' }, labels: [{ name: 'xmpp-source', value: 'run-wide' }, { name: 'requirement', value: 'core-4.4-3' }] }));
  fs.writeFileSync(path.join(results, 'schema-result.json'), JSON.stringify({ name: 'schema', status: 'failed', statusDetails: { message: 'Schema violation (descriptive): 1' }, labels: [{ name: 'epic', value: 'Schemas' }] }));
  if (opts.align === false) {
    // the categories only: what the adapter alone leaves behind
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fidelity-cat-'));
    writeAllureExtras(tmp, { ...c, scenarios: [] });
    fs.copyFileSync(path.join(tmp, 'categories.json'), path.join(results, 'categories.json'));
  } else writeAllureExtras(results, c);
  fs.writeFileSync(path.join(dir, 'junit.xml'), junit(c));
  fs.writeFileSync(path.join(dir, 'cucumber.json'), JSON.stringify(cucumberJson(c)));
  writeRequirementsPage(path.join(dir, 'requirements.html'), c);
  if (!opts.matrix) return { dir };
  const matrix = path.join(dir, 'matrix');
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin/matrix.ts'), path.join(dir, 'compliance.json'), '--out', matrix], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { dir, matrix };
}

const check = (run: { dir: string; matrix?: string }) => checkFidelity(run.dir, { matrixDir: run.matrix, root: run.dir });
const edit = (file: string, from: string | RegExp, to: string) => {
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  assert.notEqual(next, text, `the fixture edit of ${path.basename(file)} changed nothing`);
  fs.writeFileSync(file, next);
};
const only = (ds: Disagreement[]) => {
  assert.equal(ds.length, 1, ds.map(describe).join('\n'));
  return ds[0]!;
};
function allureResultFile(dir: string, name: string): string {
  const results = path.join(dir, 'allure-results');
  const f = fs.readdirSync(results).find((x) => x.endsWith('-result.json') && (JSON.parse(fs.readFileSync(path.join(results, x), 'utf8')) as { name: string }).name === name);
  assert.ok(f, name);
  return path.join(results, f);
}

test('a correct set of reports (Allure aligned by the suite, JUnit, cucumber JSON, requirements page, matrix, badge) has no disagreement', () => {
  const run = correctRun({ matrix: true });
  assert.deepEqual(check(run).map(describe), []);
  const badge = JSON.parse(fs.readFileSync(path.join(run.matrix!, 'badges', fs.readdirSync(path.join(run.matrix!, 'badges'))[0]!), 'utf8')) as { message: string };
  // 4.1-1 passed, 4.4-2 (SHOULD NOT) is no MUST, 4.4-3 violated, 6.2-4 not applicable, 4.2-1 undecided
  assert.equal(badge.message, '1/2, 1 undecided');
});

test("the adapter's own mapping (failed shown broken, not applicable shown passed) is reported, scenario by scenario", () => {
  const ds = check(correctRun({ align: false })).filter((d) => d.report.startsWith('Allure results'));
  const got = ds.map((d) => `${d.subject.split(' (')[0]}: ${d.shows} / ${d.holds}`).sort();
  assert.deepEqual(got, [
    "'from' is checked: broken / failed (MUST)",
    "'to' is omitted: broken / failed (SHOULD)",
    'DIGEST-MD5 is computed as RFC 2831 defines: passed / skipped',
  ]);
});

test('Allure: a failed MUST in the SHOULD category, a not-applicable without its reason, a run-wide result off its requirement', () => {
  const run = correctRun();
  const f = allureResultFile(run.dir, "'from' is checked");
  edit(f, /"message":"MUST violated:/, '"message":"SHOULD not met:');
  let d = only(check(run));
  assert.match(d.subject, /'from' is checked/);
  assert.match(d.shows, /"SHOULD not met"/);
  assert.match(d.holds, /failed \(MUST\): "MUST violated"/);

  const run2 = correctRun();
  const s = allureResultFile(run2.dir, 'DIGEST-MD5 is computed as RFC 2831 defines');
  const r = JSON.parse(fs.readFileSync(s, 'utf8')) as { statusDetails: { message?: string } };
  delete r.statusDetails.message;
  fs.writeFileSync(s, JSON.stringify(r));
  d = only(check(run2));
  assert.match(d.shows, /skipped with message ""/);
  assert.match(d.holds, /does not offer SASL DIGEST-MD5/);

  const run3 = correctRun();
  edit(path.join(run3.dir, 'allure-results', 'runwide-result.json'), '"status":"failed"', '"status":"passed"');
  d = only(check(run3));
  assert.deepEqual([d.kind, d.subject, d.shows, d.holds], ['requirement', 'core-4.4-3', 'run-wide result passed', 'failed']);
});

test('JUnit: a failed scenario written as an error of another type, and a broken one as an ExpectationFailed, disagree', () => {
  const run = correctRun();
  edit(path.join(run.dir, 'junit.xml'), '<failure type="ExpectationFailed" message="MUST violated', '<failure type="TypeError" message="MUST violated');
  edit(path.join(run.dir, 'junit.xml'), '<failure type="Undecided"', '<failure type="ExpectationFailed"');
  const ds = check(run);
  assert.deepEqual(ds.map((x) => `${x.report} ${x.subject.split(' (')[0]}: ${x.shows} / ${x.holds}`).sort(), [
    'JUnit (junit.xml) \'from\' is checked: <failure type="TypeError"> / failed (MUST)',
    'JUnit (junit.xml) the stream is answered: <failure type="ExpectationFailed"> / broken',
  ]);
});

test('JUnit: a not-applicable scenario without <skipped/> disagrees, and so do the suite counts', () => {
  const run = correctRun();
  edit(path.join(run.dir, 'junit.xml'), '<skipped/>', '');
  edit(path.join(run.dir, 'junit.xml'), 'skipped="1"', 'skipped="0"');
  const ds = check(run).map(describe);
  assert.equal(ds.length, 2, ds.join('\n'));
  assert.match(ds[0]!, /DIGEST-MD5.*shows passed \(no failure, no skipped\); compliance.json holds skipped/);
  assert.match(ds[1]!, /testsuite skipped: shows 0; compliance.json holds 1/);
});

test('cucumber JSON: a skipped scenario whose steps all passed disagrees', () => {
  const run = correctRun();
  edit(path.join(run.dir, 'cucumber.json'), '"result":{"status":"skipped"}', '"result":{"status":"passed"}');
  const d = only(check(run));
  assert.deepEqual([d.report, d.shows, d.holds], ['cucumber JSON (cucumber.json)', 'passed', 'skipped']);
});

test('requirements page: a verdict cell that says passed for a MUST violated disagrees', () => {
  const run = correctRun();
  edit(path.join(run.dir, 'requirements.html'), /(<tr id="core-4\.4-3">(?:<td>[^<]*(?:<a[^>]*>[^<]*<\/a>)?<\/td>)*)<td class="failed">failed \(MUST\)/, '$1<td class="passed">passed');
  const d = only(check(run));
  assert.deepEqual([d.kind, d.subject, d.shows, d.holds], ['requirement', 'core-4.4-3', 'class "passed", "passed"', 'failed (MUST)']);
});

test('matrix and badge: a SHOULD failure drawn as a MUST violation, and a badge that counts it, disagree', () => {
  const run = correctRun({ matrix: true });
  edit(path.join(run.matrix!, 'index.html'), />✖ S</, '>✖<');
  const badgeFile = path.join(run.matrix!, 'badges', fs.readdirSync(path.join(run.matrix!, 'badges'))[0]!);
  edit(badgeFile, '"1/2, 1 undecided"', '"1/3"');
  const ds = check(run).map(describe);
  assert.equal(ds.length, 2, ds.join('\n'));
  assert.ok(ds.some((x) => /matrix \(index.html\): requirement core-4\.4-2: shows class "failed", "✖"; compliance.json holds failed \(SHOULD\): "✖ S"/.test(x)), ds.join('\n'));
  assert.ok(ds.some((x) => /badge: run .*: shows 1\/3; compliance.json holds 1\/2, 1 undecided/.test(x)), ds.join('\n'));
});

test('a report that lost a scenario, or holds one compliance.json does not, disagrees', () => {
  const run = correctRun();
  fs.rmSync(allureResultFile(run.dir, 'the header is answered'));
  edit(path.join(run.dir, 'cucumber.json'), '"name":"the stream is answered"', '"name":"the stream is answered twice"');
  const ds = check(run).map(describe);
  assert.ok(ds.some((x) => /Allure results.*the header is answered.*shows no result; compliance.json holds passed/.test(x)), ds.join('\n'));
  assert.ok(ds.some((x) => /cucumber JSON.*the stream is answered \(features\/b.feature\): shows no element/.test(x)), ds.join('\n'));
  assert.ok(ds.some((x) => /cucumber JSON.*the stream is answered twice: shows broken; compliance.json holds no such scenario/.test(x)), ds.join('\n'));
});

test("the single-file Allure report is read as the site would be: each embedded d('path','base64') file by its path", async () => {
  const { renderedAllureFiles } = await import('../../support/report/publish.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fidelity-single-'));
  fs.mkdirSync(path.join(dir, 'allure-single'));
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64');
  fs.writeFileSync(
    path.join(dir, 'allure-single', 'index.html'),
    `<script>d('data/test-cases/1.json','${b64({ name: 'a', status: 'failed' })}')\nd('widgets/summary.json','${b64({ statistic: { passed: 1 } })}')\nd('data/attachments/x.txt','${Buffer.from('t').toString('base64')}')\nd('history/history.json','${b64({})}')</script>`,
  );
  const files = renderedAllureFiles(dir, 'single')!;
  assert.deepEqual([...files.keys()].sort(), ['data/test-cases/1.json', 'history/history.json', 'widgets/summary.json']);
  assert.equal(JSON.parse(files.get('data/test-cases/1.json')!).status, 'failed');
  assert.equal(renderedAllureFiles(dir, 'site'), undefined, 'no site rendered');
  fs.rmSync(dir, { recursive: true, force: true });
});
