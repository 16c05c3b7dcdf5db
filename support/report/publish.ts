// Everything written beside compliance.json for people: the requirement page the Allure links
// open, Allure's environment and categories, and the rendered report.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import pTimeout from 'p-timeout';
import { createHash, randomUUID } from 'node:crypto';
import { requirements } from '../requirements.ts';
import type { Compliance } from './compliance.ts';
import { DESCRIPTIVE } from './schemas.ts';
import { packageFile } from '../packages.ts';
import { cacheDir } from '../cache.mjs';
import { escapeText } from '../wire/element.ts';
import { runWideAllureResults, type AllureResult as SyntheticResult } from './runwide.ts';

const esc = escapeText;

/** reports/requirements.html: every requirement, its sentence, keyword and verdict, anchored by id. */
export function writeRequirementsPage(file: string, c: Compliance): void {
  const verdicts = new Map(c.requirements.map((r) => [r.id, r]));
  const rows = [...requirements().values()].map((r) => {
    const v = verdicts.get(r.id);
    const verdict = v ? `${v.verdict}${v.level ? ` (${v.level.toUpperCase()})` : ''}` : '';
    return `<tr id="${r.id}"><td><a href="#${r.id}">${r.id}</a></td><td>${r.section}</td><td>${r.keyword}</td><td>${r.testable}</td><td class="${v?.verdict ?? ''}">${esc(verdict)}${v?.reason ? `<br><small>${esc(v.reason)}</small>` : ''}${v?.runWide ? `<br><small>${esc(v.runWide.note)}${v.runWide.evidence.slice(0, 5).map((e) => `<br>${esc(e.scenario)} / ${esc(e.connection)} (entry ${e.line}): ${esc(e.detail)}`).join('')}</small>` : ''}${v?.reading ? `<br><small class="reading">${esc(v.reading)}</small>` : ''}</td><td>${esc(r.text)}${r.changedIn23 ? ' <b>[changed in -23]</b>' : ''}</td></tr>`;
  });
  fs.writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><title>XMPP core requirements: ${esc(c.target.domain)}</title>
<style>body{font:14px sans-serif;margin:1em}td{vertical-align:top;border-bottom:1px solid #ddd;padding:4px}tr:target{background:#ffc}
.passed{color:#070}.failed{color:#b00}.broken{color:#a50}.skipped{color:#555}.not-covered{color:#888}</style>
<h1>draft-ietf-xmpp-core-23 requirements and verdicts for ${esc(c.target.domain)}</h1>
<table><tr><th>id</th><th>section</th><th>keyword</th><th>observable</th><th>verdict</th><th>sentence</th></tr>
${rows.join('\n')}</table>
${schemasTable(c)}\n`,
  );
}

/** Appendix C on the requirement page: per namespace, elements checked and violations. */
function schemasTable(c: Compliance): string {
  const s = c.schemas;
  if (!s?.enabled) return '';
  const rows = Object.entries(s.namespaces).map(
    ([ns, n]) =>
      `<tr><td>${esc(n.schema)}</td><td>${esc(ns)}</td><td>${n.checked}</td><td class="${n.violationCount ? 'failed' : 'passed'}">${n.violationCount}${n.violations
        .slice(0, 20)
        .map((v) => `<br><small>${esc(v.scenario)} / ${esc(v.connection)}: ${esc(v.rule)}<br><code>${esc(v.element)}</code></small>`)
        .join('')}</td></tr>`,
  );
  const other = Object.entries(s.notChecked).map(([ns, n]) => `${esc(ns)} ${n}`).join(', ');
  return `<h2 id="schemas">Appendix C schemas</h2><p>${esc(s.note)}</p>
<table><tr><th>schema</th><th>namespace</th><th>elements checked</th><th>violations</th></tr>
${rows.join('\n')}</table><p>Not checked (namespaces Appendix C does not define): ${other || 'none'}</p>`;
}

/**
 * Appendix C in Allure: one synthetic result per namespace under the epic "Schemas" (failed when
 * the target sent something that breaks the schema), in the category "Schema violation (descriptive)".
 */
function writeSchemaResults(resultsDir: string, c: Compliance): void {
  const s = c.schemas;
  if (!s?.enabled) return;
  for (const [ns, n] of Object.entries(s.namespaces)) {
    writeSyntheticResult(resultsDir, {
      historyKey: `schemas:${ns}`,
      name: `${n.schema}: what the target sent in ${ns}`,
      fullName: `Appendix C schemas: ${ns}`,
      status: n.violationCount ? 'failed' : n.checked ? 'passed' : 'skipped',
      message: n.violationCount
        ? `Schema violation (descriptive): ${n.violationCount} of ${n.checked} element(s) the target sent break ${n.schema}. ${DESCRIPTIVE}`
        : n.checked
          ? `${n.checked} element(s) the target sent are valid against ${n.schema}. ${DESCRIPTIVE}`
          : `the target sent no element of ${ns} in this run`,
      description: `${DESCRIPTIVE}\n\nElements checked: ${n.checked}; violations: ${n.violationCount}. Validator: ${s.validator}.`,
      labels: [
        { name: 'epic', value: 'Schemas' },
        { name: 'feature', value: 'Appendix C' },
        { name: 'story', value: ns },
        { name: 'severity', value: 'minor' },
      ],
      attachment: n.violations.length
        ? { name: 'schema-violations.txt', text: `${DESCRIPTIVE}\n\n${n.violations.map((v) => `${v.scenario}\n  connection: ${v.connection}\n  element:    ${v.element}\n  rule:       ${v.rule}`).join('\n\n')}\n` }
        : undefined,
    });
  }
}

/** One Allure result that no scenario produced (a schema namespace, a run-wide requirement), with its attachment. */
function writeSyntheticResult(resultsDir: string, r: SyntheticResult): void {
  const uuid = randomUUID();
  const attachments = [];
  if (r.attachment) {
    const source = `${uuid}-attachment.txt`;
    fs.writeFileSync(path.join(resultsDir, source), r.attachment.text);
    attachments.push({ name: r.attachment.name, source, type: 'text/plain' });
  }
  const now = Date.now();
  const result = {
    uuid,
    historyId: createHash('md5').update(r.historyKey).digest('hex'),
    name: r.name,
    fullName: r.fullName,
    status: r.status,
    statusDetails: { message: r.message },
    stage: 'finished',
    description: r.description,
    labels: r.labels,
    attachments,
    parameters: [],
    links: [],
    steps: [],
    start: now,
    stop: now,
  };
  fs.writeFileSync(path.join(resultsDir, `${uuid}-result.json`), JSON.stringify(result));
}

/**
 * Allure shows the verdicts compliance.json holds. The adapter decides each scenario's status by
 * itself, and two of its rules disagree with this suite's: a thrown error counts as *failed* only
 * when its name or message looks like an assertion library's (ExpectationFailed arrives as a
 * plain {name, message} object, so it comes out *broken*), and a scenario's status is its worst
 * step's with PASSED ranked above SKIPPED (a Then step that ends not applicable leaves the
 * scenario *passed*). A Before hook that throws leaves every step skipped (so: *skipped*).
 *
 * Rather than re-derive the verdict inside a subclass of the adapter (whose per-step hooks and
 * private maps change between its minor versions), each scenario's result file is rewritten
 * from the same ScenarioResult list that compliance.json is written from: one verdict function
 * (compliance.ts scenarioResults), the stable Allure result format, and nothing to keep in step
 * with the adapter. Failed: the failure message (its "MUST violated: " / "SHOULD not met: "
 * prefix puts it in its category); skipped: the not-applicable reason; broken: the adapter's own
 * message and trace. The failing step carries the scenario's status too.
 * Returns the number of scenarios that have no result file (0 when every scenario has one).
 */
export function alignAllureResults(resultsDir: string, c: Compliance): number {
  if (!fs.existsSync(resultsDir)) return c.scenarios.length;
  const byKey = new Map(c.scenarios.map((s) => [`${s.uri}#${s.name}`, s]));
  const seen = new Set<string>();
  for (const f of fs.readdirSync(resultsDir)) {
    if (!f.endsWith('-result.json')) continue;
    const file = path.join(resultsDir, f);
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as AllureResult;
    // fullName is "<project>:<uri>#<scenario name>" (the project part is absent without a package.json name)
    const full = r.fullName ?? '';
    const hash = full.indexOf('#');
    if (hash < 0) continue;
    const key = `${full.slice(0, hash).replace(/^[^:]*:/, '')}#${full.slice(hash + 1)}`;
    const s = byKey.get(key);
    if (!s) continue;
    seen.add(key);
    const status = s.status;
    const details = { ...(r.statusDetails ?? {}) };
    if (status === 'failed') details.message = s.message ?? details.message;
    else if (status === 'skipped') {
      details.message = s.reason;
      delete details.trace;
    } else if (status === 'passed') details.message = details.trace = undefined;
    else details.message ??= s.message;
    if (status === 'failed' || status === 'broken') {
      const step = (r.steps ?? []).find((st) => st.status === 'failed' || st.status === 'broken');
      if (step) step.status = status;
    }
    const aligned = { ...r, status, statusDetails: JSON.parse(JSON.stringify(details)) };
    fs.writeFileSync(file, JSON.stringify(aligned));
  }
  return c.scenarios.filter((s) => !seen.has(`${s.uri}#${s.name}`)).length;
}

interface AllureResult {
  fullName?: string;
  status?: string;
  statusDetails?: { message?: string; trace?: string };
  steps?: Array<{ status?: string }>;
}


/** Allure's environment and categories: MUST violated, SHOULD not met, not applicable, could not decide. */
export function writeAllureExtras(resultsDir: string, c: Compliance): void {
  fs.mkdirSync(resultsDir, { recursive: true });
  const env = {
    'Target.domain': c.target.domain,
    'Target.c2s': c.target.c2s,
    'Target.software': c.target.software ? `${c.target.software.name} ${c.target.software.version ?? ''}`.trim() : 'unknown (no jabber:iq:version answer)',
    'Target.profile': c.target.profile ?? '',
    Spec: c.spec,
    Suite: `${c.suite.name} ${c.suite.version}`,
  };
  fs.writeFileSync(path.join(resultsDir, 'environment.properties'), Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const categories = [
    { name: 'MUST violated', matchedStatuses: ['failed'], messageRegex: '(?s).*MUST violated:.*' },
    { name: 'SHOULD not met', matchedStatuses: ['failed'], messageRegex: '(?s).*SHOULD not met:.*' },
    { name: 'MAY (informative)', matchedStatuses: ['failed'], messageRegex: '(?s).*MAY \\(informative\\):.*' },
    // Allure puts a result in the first category that matches: the schema's "nothing to check" before "Not applicable"
    { name: 'Schema: nothing sent to check', matchedStatuses: ['skipped'], messageRegex: '(?s)the target sent no element of .* in this run' },
    { name: 'Not applicable', matchedStatuses: ['skipped'] },
    { name: 'Suite could not decide', matchedStatuses: ['broken'] },
    { name: 'Schema violation (descriptive)', matchedStatuses: ['failed'], messageRegex: '(?s).*Schema violation \\(descriptive\\):.*' },
  ];
  fs.writeFileSync(path.join(resultsDir, 'categories.json'), JSON.stringify(categories, null, 2));
  alignAllureResults(resultsDir, c);
  writeSchemaResults(resultsDir, c);
  writeRunWideResults(resultsDir, c);
}

/** Run-wide checks in Allure: one result per requirement they decide, with that requirement's verdict (support/report/runwide.ts). */
function writeRunWideResults(resultsDir: string, c: Compliance): void {
  for (const r of runWideAllureResults(c.requirements)) writeSyntheticResult(resultsDir, r);
}

/** Where the rendered Allure reports go under reports/: the single file (always) and the site (on request). */
export const ALLURE_SINGLE = 'allure-single';
export const ALLURE_SITE = 'allure-report';

/**
 * The files of a rendered Allure report by their path in the report ('data/test-cases/x.json',
 * 'widgets/summary.json', 'history/history.json', ...): read from the site's directory, or from
 * the single file, which holds each as d('path','base64') in one script.
 */
export function renderedAllureFiles(reportsDir: string, which: 'site' | 'single'): Map<string, string> | undefined {
  const files = new Map<string, string>();
  if (which === 'site') {
    const dir = path.join(reportsDir, ALLURE_SITE);
    if (!fs.existsSync(path.join(dir, 'data', 'test-cases'))) return undefined;
    for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
      if (/^(data\/test-cases|widgets|history)\/[^/]+\.json$/.test(f)) files.set(f, fs.readFileSync(path.join(dir, f), 'utf8'));
    }
    return files;
  }
  const file = path.join(reportsDir, ALLURE_SINGLE, 'index.html');
  if (!fs.existsSync(file)) return undefined;
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bd\('((?:data\/test-cases|widgets|history)\/[^']+\.json)','([A-Za-z0-9+/=]*)'\)/g)) {
    files.set(m[1]!, Buffer.from(m[2]!, 'base64').toString('utf8'));
  }
  return files;
}

/**
 * The JVM's class archive for the Allure rendering (Java 17's dynamic CDS): written by the first
 * rendering (-XX:ArchiveClassesAtExit, 0.6 s more, once), read by every later one, which then
 * starts without loading and verifying Allure's classes again. One per Java and Allure
 * installation: a JVM that cannot use an archive says so and runs without it.
 */
function classArchive(): { file: string; writing: string; ready: boolean } {
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'java')).find((f) => fs.existsSync(f));
  const javaId = java ? `${fs.realpathSync(java)}:${fs.statSync(java).mtimeMs}` : 'no java';
  const key = createHash('sha256').update(`${javaId}\0${packageFile('allure-commandline', 'package.json')}\0${fs.readFileSync(packageFile('allure-commandline', 'package.json'), 'utf8')}`).digest('hex').slice(0, 16);
  const dir = path.join(cacheDir(), 'allure');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `classes-${key}.jsa`);
  return { file, writing: `${file}.${process.pid}.tmp`, ready: fs.existsSync(file) };
}

/**
 * Render with Allure 2 (Java): the single file that opens from file:// and, with `site`, the
 * multi-file report beside it (the two read the same results and run at once, each one JVM;
 * each is bounded). The trend of earlier runs is carried over from the last report rendered
 * into this directory (the site's history/, or the history the single file holds); a site left
 * from an earlier run is removed when this run renders none, so that no report shows old verdicts.
 */
export async function renderAllure(reportsDir: string, { site = false, boundMs = 120_000 }: { site?: boolean; boundMs?: number } = {}): Promise<string[]> {
  const allure = packageFile('allure-commandline', 'bin/allure');
  const results = path.join(reportsDir, 'allure-results');
  const before = renderedAllureFiles(reportsDir, 'site') ?? renderedAllureFiles(reportsDir, 'single');
  for (const [f, text] of before ?? []) {
    if (!f.startsWith('history/')) continue;
    fs.mkdirSync(path.join(results, 'history'), { recursive: true });
    fs.writeFileSync(path.join(results, f), text);
  }
  if (!site) fs.rmSync(path.join(reportsDir, ALLURE_SITE), { recursive: true, force: true });
  const outputs: Array<[string, string[]]> = [[path.join(reportsDir, ALLURE_SINGLE), ['--single-file']]];
  if (site) outputs.push([path.join(reportsDir, ALLURE_SITE), []]);
  const archive = classArchive();
  const problems = await Promise.all(
    outputs.map(async ([out, extra], i) => {
      // a short-lived JVM: the client compiler and the serial collector halve its CPU time, the class archive takes
      // another 0.28 s of its 1.2 s (measured); a user's JAVA_OPTS wins
      const share = archive.ready ? `-XX:SharedArchiveFile=${archive.file}` : i === 0 ? `-XX:ArchiveClassesAtExit=${archive.writing}` : '';
      const env = { ...process.env, JAVA_OPTS: process.env.JAVA_OPTS ?? `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC ${share}` };
      const child = spawn(allure, ['generate', results, '-o', out, '--clean', ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      const exited = new Promise<number | null>((resolve) => {
        child.once('error', (e) => {
          text += String(e);
          resolve(null);
        });
        child.once('exit', (code) => resolve(code));
      });
      try {
        const code = await pTimeout(exited, { milliseconds: boundMs });
        if (!archive.ready && i === 0 && fs.existsSync(archive.writing)) {
          if (code === 0) fs.renameSync(archive.writing, archive.file);
          else fs.rmSync(archive.writing, { force: true });
        }
        return code === 0 ? undefined : `allure generate failed (${code}): ${text.trim().split('\n').pop()}`;
      } catch {
        child.kill('SIGKILL');
        return `allure generate did not finish within ${boundMs} ms and was stopped`;
      }
    }),
  );
  return problems.filter((p): p is string => p !== undefined);
}
