// Report fidelity: every report of a run shows the verdict compliance.json holds, for every
// scenario and every requirement. Each report is read as its reader would read it (the files on
// disk, nothing shared with the code that wrote them) and compared with compliance.json; the
// answer is the list of disagreements, empty when every report tells the same story.
//
//   npx tsx support/report/fidelity.ts <reports dir> [--matrix <matrix dir>]
//
// What each report can express, and what it must show for each compliance verdict:
//
//  Allure results (allure-results/*-result.json) and the rendered reports (the single file
//  allure-single/index.html, and the site allure-report/ where rendered: data/test-cases)
//    passed  -> status passed, in no category
//    failed  -> status failed, in exactly one category: "MUST violated" (level must),
//               "SHOULD not met" (level should), "MAY (informative)" (level may)
//    skipped -> status skipped, category "Not applicable", statusDetails.message = the reason
//    broken  -> status broken, category "Suite could not decide"
//    Categories are decided as Allure decides them: the first entry of categories.json whose
//    statuses hold the result's and whose messageRegex matches its whole message (else Allure's
//    defaults: "Product defects" for failed, "Test defects" for broken). A synthetic per-requirement result (label xmpp-source =
//    run-wide) is compared with the requirement's verdict: passed->passed, failed->failed,
//    skipped and not-covered->skipped, broken->broken. Synthetic schema results (epic "Schemas")
//    are evidence, not verdicts: not compared.
//
//  JUnit (junit.xml, cucumber's junit formatter). It writes, per testcase, the most severe step
//  result: nothing (PASSED), <skipped/> (SKIPPED), else <failure type="<exception constructor
//  name>" message="..."> (FAILED, and also UNDEFINED/AMBIGUOUS/PENDING, without a type); it never
//  writes <error>, and the suite's errors="0" always. So JUnit tells failed from broken only by
//  the type attribute:
//    passed  -> no child          failed -> <failure type="ExpectationFailed" | "AssertionError">
//    skipped -> <skipped/>        broken -> <failure> with any other type or none (or <error>)
//  and the testsuite's tests / skipped / failures(+errors) equal total / skipped / failed+broken.
//  The testcase name is "<Rule> - <scenario>" (or the scenario alone), classname the feature name.
//
//  cucumber JSON (cucumber.json): step statuses (hooks included, as hidden steps) and, for a failed
//  step, error_message = the exception's stack, which for this suite begins "<Type>: ". Read as
//  compliance.ts reads cucumber's messages: the first failed step decides (ExpectationFailed or
//  AssertionError -> failed, else broken); an undefined/ambiguous/pending step -> broken; else any
//  skipped step -> skipped; else passed.
//
//  requirements.html: one row per requirement (id="core-..."), its verdict cell has class=<verdict>
//  and the text "<verdict>" (failed: "failed (MUST)" / "failed (SHOULD)" / "failed (MAY)").
//
//  The matrix (bin/matrix.ts, where given): this run's column (the cells whose link opens this
//  run's requirements.html) has class=<verdict> and symbol ✔ passed, ✖ failed (+" S" SHOULD,
//  +" MAY" MAY), – skipped, ? broken, · not-covered; matrix.md the same column holds
//  "<symbol> <verdict>[ (LEVEL)]"; the column header's counts equal compliance's summary; the
//  badge named in the header shows "<MUST met>/<MUST met + MUST violated>" with MUST violated =
//  the summary's failedMust, and, when MUST-level requirements are undecided (broken), how many.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseFragment } from '../wire/reader.ts';
import { ComplianceSchema, type Compliance, type RequirementResult, type ScenarioResult } from './compliance.ts';
import { ALLURE_SINGLE, ALLURE_SITE, renderedAllureFiles } from './publish.ts';

export interface Disagreement {
  /** 'scenario' (its name and feature file), 'requirement' (its id), or 'run' (a count or a file) */
  kind: 'scenario' | 'requirement' | 'run';
  subject: string;
  /** the report and the file that was read */
  report: string;
  /** what that report shows */
  shows: string;
  /** what compliance.json holds */
  holds: string;
}

export interface FidelityOptions {
  /** the matrix output directory (bin/matrix.ts --out) to check this run's column and badge in */
  matrixDir?: string;
  /** where the feature files are, to tell JUnit testcases with the same name apart (default: the project root) */
  root?: string;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LEVEL_CATEGORY = { must: 'MUST violated', should: 'SHOULD not met', may: 'MAY (informative)' } as const;
const VERDICT_ERROR = /^(ExpectationFailed|AssertionError)\b/;

/** The category a scenario's verdict belongs in (none for passed). */
function expectedCategory(s: { status: string; level?: keyof typeof LEVEL_CATEGORY }): string | undefined {
  if (s.status === 'failed') return LEVEL_CATEGORY[s.level ?? 'must'];
  if (s.status === 'skipped') return 'Not applicable';
  if (s.status === 'broken') return 'Suite could not decide';
  return undefined;
}

/** A requirement's verdict as a single Allure status (synthetic per-requirement results). */
function allureStatusOfRequirement(r: RequirementResult): string {
  return r.verdict === 'not-covered' ? 'skipped' : r.verdict;
}

const scenarioKey = (s: { uri: string; name: string }) => `${s.uri}#${s.name}`;
const subjectOf = (s: ScenarioResult) => `${s.name} (${s.uri})`;
const verdictText = (s: { status: string; level?: string }) => (s.status === 'failed' ? `failed (${(s.level ?? 'must').toUpperCase()})` : s.status);

export function checkFidelity(reportsDir: string, opts: FidelityOptions = {}): Disagreement[] {
  const c = ComplianceSchema.parse(JSON.parse(fs.readFileSync(path.join(reportsDir, 'compliance.json'), 'utf8')));
  const out: Disagreement[] = [];
  out.push(...checkAllureResults(reportsDir, c));
  for (const which of ['single', 'site'] as const) {
    const files = renderedAllureFiles(reportsDir, which);
    if (files) out.push(...checkAllureRendered(which === 'single' ? `${ALLURE_SINGLE}/index.html` : ALLURE_SITE, files, c));
  }
  out.push(...checkJunit(reportsDir, c, opts.root ?? ROOT));
  out.push(...checkCucumberJson(reportsDir, c));
  out.push(...checkRequirementsPage(reportsDir, c));
  out.push(...checkSummary(reportsDir, c));
  if (opts.matrixDir) out.push(...checkMatrix(opts.matrixDir, reportsDir, c));
  return out;
}

/**
 * summary.md (support/report/summary.ts): a row for every failed requirement with its level, no
 * row for any other, and the counts line. Absent (a run that stopped before its report): nothing to compare.
 */
function checkSummary(dir: string, c: Compliance): Disagreement[] {
  const file = path.join(dir, 'summary.md');
  if (!fs.existsSync(file)) return [];
  const md = fs.readFileSync(file, 'utf8');
  const rows = new Map([...md.matchAll(/^\| (core-[\d.]+-\d+) \| (MUST|SHOULD|MAY) \|/gm)].map((m) => [m[1]!, m[2]!]));
  const out: Disagreement[] = [];
  for (const r of c.requirements) {
    const want = r.verdict === 'failed' ? (r.level ?? 'must').toUpperCase() : undefined;
    if (rows.get(r.id) !== want) out.push({ kind: 'requirement', subject: r.id, report: 'summary.md', shows: rows.has(r.id) ? `failed (${rows.get(r.id)})` : 'no row', holds: reqVerdictText(r) });
  }
  const s = c.summary.requirements;
  const counts = `requirements (${s.total}): ${s.passed} passed, ${s.failedMust} MUST violated, ${s.failedShould} SHOULD not met, ${s.skipped} not applicable, ${s.broken} undecided, ${s.notCovered} not covered`;
  if (!md.includes(counts)) out.push({ kind: 'run', subject: 'requirement counts', report: 'summary.md', shows: /^- requirements .*$/m.exec(md)?.[0] ?? 'no counts line', holds: counts });
  return out;
}

function missingFile(report: string, file: string): Disagreement {
  return { kind: 'run', subject: path.basename(file), report, shows: 'no such file', holds: 'a verdict for every scenario' };
}

// ---------------------------------------------------------------------------------------------
// Allure

interface AllureLike {
  name?: string;
  fullName?: string;
  status?: string;
  message?: string;
  labels?: Array<{ name: string; value: string }>;
}
interface Category {
  name: string;
  matchedStatuses?: string[];
  messageRegex?: string;
  traceRegex?: string;
}

/**
 * Allure 2's matching: the first category (in categories.json's order) whose matchedStatuses list
 * the status and whose messageRegex matches the whole message; none matching, a failed result goes
 * to "Product defects" and a broken one to "Test defects".
 */
function categoriesOf(r: AllureLike, categories: Category[]): string[] {
  const full = (re: string, text: string) => {
    const dotall = re.startsWith('(?s)');
    return new RegExp(`^(?:${dotall ? re.slice(4) : re})$`, dotall ? 's' : '').test(text);
  };
  const first = categories.find((cat) => (!cat.matchedStatuses || cat.matchedStatuses.includes(r.status ?? '')) && (!cat.messageRegex || full(cat.messageRegex, r.message ?? '')));
  if (first) return [first.name];
  return r.status === 'failed' ? ['Product defects'] : r.status === 'broken' ? ['Test defects'] : [];
}

/** "<project>:<uri>#<name>" -> "<uri>#<name>" */
function keyOfFullName(fullName: string | undefined): string | undefined {
  if (!fullName) return undefined;
  const hash = fullName.indexOf('#');
  if (hash < 0) return undefined;
  return `${fullName.slice(0, hash).replace(/^[^:]*:/, '')}#${fullName.slice(hash + 1)}`;
}

const label = (r: AllureLike, name: string) => r.labels?.filter((l) => l.name === name).map((l) => l.value) ?? [];

/** Compare Allure results (raw or rendered) with compliance.json; `cats` gives each result's categories. */
function compareAllure(report: string, results: AllureLike[], c: Compliance, cats: (r: AllureLike) => string[]): Disagreement[] {
  const out: Disagreement[] = [];
  const scenarios = new Map(c.scenarios.map((s) => [scenarioKey(s), s]));
  const reqs = new Map(c.requirements.map((r) => [r.id, r]));
  const seen = new Set<string>();
  for (const r of results) {
    if (label(r, 'epic').includes('Schemas')) continue;
    if (label(r, 'xmpp-source').includes('run-wide')) {
      for (const id of label(r, 'requirement')) {
        const q = reqs.get(id);
        if (!q) out.push({ kind: 'requirement', subject: id, report, shows: `a run-wide result (${r.status})`, holds: 'no such requirement' });
        else if (r.status !== allureStatusOfRequirement(q)) out.push({ kind: 'requirement', subject: id, report, shows: `run-wide result ${r.status}`, holds: q.verdict });
      }
      continue;
    }
    const key = keyOfFullName(r.fullName);
    const s = key ? scenarios.get(key) : undefined;
    if (!s) {
      out.push({ kind: 'scenario', subject: r.fullName ?? r.name ?? '?', report, shows: `a result (${r.status})`, holds: 'no such scenario' });
      continue;
    }
    seen.add(key!);
    if (r.status !== s.status) {
      out.push({ kind: 'scenario', subject: subjectOf(s), report, shows: r.status ?? 'no status', holds: verdictText(s) });
      continue;
    }
    const want = expectedCategory(s);
    const got = cats(r);
    if (want ? got.length !== 1 || got[0] !== want : got.length !== 0) {
      out.push({ kind: 'scenario', subject: subjectOf(s), report, shows: `${r.status} in categor${got.length === 1 ? 'y' : 'ies'} ${got.map((g) => `"${g}"`).join(', ') || 'none'}`, holds: `${verdictText(s)}: ${want ? `"${want}"` : 'no category'}` });
    }
    if (s.status === 'skipped' && s.reason && (r.message ?? '').trim() !== s.reason.trim()) {
      out.push({ kind: 'scenario', subject: subjectOf(s), report, shows: `skipped with message ${JSON.stringify(r.message ?? '')}`, holds: `skipped: ${s.reason}` });
    }
  }
  for (const s of c.scenarios) if (!seen.has(scenarioKey(s))) out.push({ kind: 'scenario', subject: subjectOf(s), report, shows: 'no result', holds: verdictText(s) });
  return out;
}

function checkAllureResults(dir: string, c: Compliance): Disagreement[] {
  const report = 'Allure results (allure-results/*-result.json)';
  const resultsDir = path.join(dir, 'allure-results');
  if (!fs.existsSync(resultsDir)) return [missingFile(report, resultsDir)];
  const catFile = path.join(resultsDir, 'categories.json');
  const categories = fs.existsSync(catFile) ? (JSON.parse(fs.readFileSync(catFile, 'utf8')) as Category[]) : [];
  const results: AllureLike[] = fs
    .readdirSync(resultsDir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => {
      const r = JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')) as AllureLike & { statusDetails?: { message?: string } };
      return { ...r, message: r.statusDetails?.message };
    });
  return compareAllure(report, results, c, (r) => categoriesOf(r, categories));
}

/** One rendered Allure report (`where`: the single file or the site), from its files (publish.ts renderedAllureFiles). */
function checkAllureRendered(where: string, files: Map<string, string>, c: Compliance): Disagreement[] {
  const report = `Allure report (${where}: data/test-cases)`;
  const catsOf = new Map<AllureLike, string[]>();
  const results = [...files]
    .filter(([f]) => f.startsWith('data/test-cases/'))
    .map(([, text]) => {
      const t = JSON.parse(text) as AllureLike & { statusMessage?: string; extra?: { categories?: Array<{ name: string }> } };
      const r: AllureLike = { ...t, message: t.statusMessage };
      catsOf.set(r, (t.extra?.categories ?? []).map((x) => x.name));
      return r;
    });
  const out = compareAllure(report, results, c, (r) => catsOf.get(r) ?? []);
  // the overview (donut and counts): the scenarios' verdicts plus the synthetic results, as rendered
  const summary = files.get('widgets/summary.json');
  if (summary !== undefined) {
    const stat = (JSON.parse(summary) as { statistic: Record<string, number> }).statistic;
    const want: Record<string, number> = { passed: 0, failed: 0, broken: 0, skipped: 0 };
    for (const s of c.scenarios) want[s.status]!++;
    for (const r of results) if (label(r, 'epic').includes('Schemas') || label(r, 'xmpp-source').includes('run-wide')) want[r.status ?? 'unknown'] = (want[r.status ?? 'unknown'] ?? 0) + 1;
    for (const k of ['passed', 'failed', 'broken', 'skipped']) {
      if ((stat[k] ?? 0) !== want[k]) out.push({ kind: 'run', subject: `${k} count`, report: `Allure overview (${where}: widgets/summary.json)`, shows: String(stat[k] ?? 0), holds: `${want[k]} (scenarios ${k} plus synthetic results ${k})` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JUnit

interface JunitCase {
  classname: string;
  name: string;
  outcome: 'passed' | 'skipped' | 'failure' | 'error';
  type?: string;
  used?: boolean;
}

export function parseJunit(xml: string): { suite: Record<string, string>; cases: JunitCase[] } {
  const root = parseFragment(xml, '');
  const suites = root.local === 'testsuite' ? [root] : root.elements().filter((e) => e.local === 'testsuite');
  const cases: JunitCase[] = [];
  for (const t of suites.flatMap((x) => x.elements().filter((e) => e.local === 'testcase'))) {
    const c: JunitCase = { classname: t.attr('classname') ?? '', name: t.attr('name') ?? '', outcome: 'passed' };
    // the last of <skipped/>, <failure/>, <error/> decides, as a streaming reader would see them
    for (const e of t.elements()) if (e.local === 'skipped' || e.local === 'failure' || e.local === 'error') Object.assign(c, { outcome: e.local, type: e.attr('type') });
    cases.push(c);
  }
  return { suite: { ...(suites.at(-1)?.attrs ?? {}) }, cases };
}

const featureNames = new Map<string, string | undefined>();
function featureName(root: string, uri: string): string | undefined {
  const file = path.resolve(root, uri);
  if (!featureNames.has(file)) featureNames.set(file, fs.existsSync(file) ? /^\s*Feature:\s*(.+?)\s*$/m.exec(fs.readFileSync(file, 'utf8'))?.[1] : undefined);
  return featureNames.get(file);
}

function checkJunit(dir: string, c: Compliance, root: string): Disagreement[] {
  const report = 'JUnit (junit.xml)';
  const file = path.join(dir, 'junit.xml');
  if (!fs.existsSync(file)) return [missingFile(report, file)];
  const { suite, cases } = parseJunit(fs.readFileSync(file, 'utf8'));
  const out: Disagreement[] = [];
  const shown = (t: JunitCase) => (t.outcome === 'passed' ? 'passed (no failure, no skipped)' : `<${t.outcome}${t.type ? ` type="${t.type}"` : ''}>`);
  for (const s of c.scenarios) {
    let cands = cases.filter((t) => !t.used && (t.name === s.name || t.name.endsWith(` - ${s.name}`)));
    if (cands.length > 1) {
      const feature = featureName(root, s.uri);
      cands = cands.filter((t) => t.classname === feature);
    }
    if (cands.length !== 1) {
      out.push({ kind: 'scenario', subject: subjectOf(s), report, shows: cands.length ? `${cands.length} testcases of that name` : 'no testcase', holds: verdictText(s) });
      continue;
    }
    const t = cands[0]!;
    t.used = true;
    const ok =
      s.status === 'passed' ? t.outcome === 'passed'
      : s.status === 'skipped' ? t.outcome === 'skipped'
      : s.status === 'failed' ? t.outcome === 'failure' && VERDICT_ERROR.test(t.type ?? '')
      : (t.outcome === 'failure' && !VERDICT_ERROR.test(t.type ?? '')) || t.outcome === 'error';
    if (!ok) out.push({ kind: 'scenario', subject: subjectOf(s), report, shows: shown(t), holds: verdictText(s) });
  }
  for (const t of cases) if (!t.used) out.push({ kind: 'scenario', subject: `${t.classname} / ${t.name}`, report, shows: shown(t), holds: 'no such scenario' });
  const sum = c.summary.scenarios;
  const counts: Array<[string, number, number]> = [
    ['tests', Number(suite.tests), sum.total],
    ['skipped', Number(suite.skipped), sum.skipped],
    ['failures + errors', Number(suite.failures) + Number(suite.errors ?? 0), sum.failed + sum.broken],
  ];
  for (const [what, got, want] of counts) if (got !== want) out.push({ kind: 'run', subject: `testsuite ${what}`, report, shows: String(got), holds: String(want) });
  return out;
}

// ---------------------------------------------------------------------------------------------
// cucumber JSON

interface CucumberStep {
  keyword?: string;
  result?: { status: string; error_message?: string };
}
interface CucumberElement {
  name: string;
  type?: string;
  steps?: CucumberStep[];
  before?: CucumberStep[];
  after?: CucumberStep[];
}

function cucumberJsonStatus(e: CucumberElement): string {
  const steps = [...(e.before ?? []), ...(e.steps ?? []), ...(e.after ?? [])];
  let status = 'passed';
  for (const st of steps) {
    const r = st.result?.status ?? 'undefined';
    if (r === 'failed') return VERDICT_ERROR.test(st.result?.error_message ?? '') ? 'failed' : 'broken';
    if (r === 'undefined' || r === 'ambiguous' || r === 'pending') return 'broken';
    if (r === 'skipped') status = 'skipped';
  }
  return status;
}

function checkCucumberJson(dir: string, c: Compliance): Disagreement[] {
  const report = 'cucumber JSON (cucumber.json)';
  const file = path.join(dir, 'cucumber.json');
  if (!fs.existsSync(file)) return [missingFile(report, file)];
  const features = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ uri: string; elements?: CucumberElement[] }>;
  const found = new Map<string, string[]>();
  for (const f of features) for (const e of f.elements ?? []) if (e.type !== 'background') (found.get(`${f.uri}#${e.name}`) ?? found.set(`${f.uri}#${e.name}`, []).get(`${f.uri}#${e.name}`)!).push(cucumberJsonStatus(e));
  const out: Disagreement[] = [];
  for (const s of c.scenarios) {
    const got = found.get(scenarioKey(s));
    if (!got?.length) out.push({ kind: 'scenario', subject: subjectOf(s), report, shows: 'no element', holds: verdictText(s) });
    else {
      const shows = got.shift()!;
      if (shows !== s.status) out.push({ kind: 'scenario', subject: subjectOf(s), report, shows, holds: verdictText(s) });
    }
  }
  for (const [key, rest] of found) for (const st of rest) out.push({ kind: 'scenario', subject: key, report, shows: st, holds: 'no such scenario' });
  return out;
}

// ---------------------------------------------------------------------------------------------
// requirements.html

const VERDICT_CLASSES = ['passed', 'failed', 'skipped', 'broken', 'not-covered'];
const stripTags = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim();
const reqVerdictText = (r: RequirementResult) => `${r.verdict}${r.verdict === 'failed' ? ` (${(r.level ?? 'must').toUpperCase()})` : ''}`;

function checkRequirementsPage(dir: string, c: Compliance): Disagreement[] {
  const report = 'requirements page (requirements.html)';
  const file = path.join(dir, 'requirements.html');
  if (!fs.existsSync(file)) return [missingFile(report, file)];
  const html = fs.readFileSync(file, 'utf8');
  const rows = new Map<string, string[]>();
  for (const m of html.matchAll(/<tr id="(core-[^"]+)"[^>]*>([\s\S]*?)<\/tr>/g)) (rows.get(m[1]!) ?? rows.set(m[1]!, []).get(m[1]!)!).push(m[2]!);
  const out: Disagreement[] = [];
  for (const r of c.requirements) {
    const found = rows.get(r.id) ?? [];
    if (found.length !== 1) {
      out.push({ kind: 'requirement', subject: r.id, report, shows: `${found.length} rows`, holds: reqVerdictText(r) });
      continue;
    }
    const cell = [...found[0]!.matchAll(/<td class="([^"]*)"[^>]*>([\s\S]*?)<\/td>/g)].find((m) => m[1]!.split(/\s+/).some((k) => VERDICT_CLASSES.includes(k)));
    const cls = cell?.[1]!.split(/\s+/).find((k) => VERDICT_CLASSES.includes(k));
    const text = cell ? stripTags(cell[2]!.split(/<br\s*\/?>/)[0]!) : '';
    if (cls !== r.verdict || text !== reqVerdictText(r)) out.push({ kind: 'requirement', subject: r.id, report, shows: cell ? `class "${cls}", "${text}"` : 'no verdict cell', holds: reqVerdictText(r) });
    // a contested reading is disclosed beside the verdict it decides
    const note = cell ? /<small class="reading">([\s\S]*?)<\/small>/.exec(cell[2]!)?.[1] : undefined;
    if ((note === undefined ? undefined : stripTags(note)) !== r.reading?.trim()) out.push({ kind: 'requirement', subject: `${r.id} reading`, report, shows: note === undefined ? 'no reading' : 'a reading', holds: r.reading === undefined ? 'no reading' : 'a reading' });
  }
  for (const id of rows.keys()) if (!c.requirements.some((r) => r.id === id)) out.push({ kind: 'requirement', subject: id, report, shows: 'a row', holds: 'no such requirement' });
  return out;
}

// ---------------------------------------------------------------------------------------------
// matrix and badges

const SYMBOL: Record<string, string> = { passed: '✔', failed: '✖', skipped: '–', broken: '?', 'not-covered': '·' };
const LEVEL_MARK: Record<string, string> = { must: '', should: ' S', may: ' MAY' };
const isMustKeyword = (k: string) => /^(MUST|REQUIRED|SHALL)/.test(k);

/**
 * What the badge of a run must say, from compliance.json's fields: "<met>/<met + violated>", where
 * violated = requirements failed at level must (the summary's failedMust), met = MUST-keyword
 * requirements passed or failed only at a lower level (their MUST part held), and ", N undecided"
 * for MUST-keyword requirements that are broken.
 */
export function expectedBadgeMessage(c: Compliance): string {
  const violated = c.requirements.filter((r) => r.verdict === 'failed' && r.level === 'must').length;
  const must = c.requirements.filter((r) => isMustKeyword(r.keyword));
  const met = must.filter((r) => r.verdict === 'passed' || (r.verdict === 'failed' && r.level !== 'must')).length;
  const broken = must.filter((r) => r.verdict === 'broken').length;
  if (violated !== c.summary.requirements.failedMust) throw new Error(`compliance.json is inconsistent: ${violated} requirements failed at level must, its summary says ${c.summary.requirements.failedMust}`);
  return `${met}/${met + violated}${broken ? `, ${broken} undecided` : ''}`;
}

function checkMatrix(matrixDir: string, runDir: string, c: Compliance): Disagreement[] {
  const out: Disagreement[] = [];
  const htmlFile = path.join(matrixDir, 'index.html');
  const mdFile = path.join(matrixDir, 'matrix.md');
  if (!fs.existsSync(htmlFile)) return [missingFile('matrix (index.html)', htmlFile)];
  const html = fs.readFileSync(htmlFile, 'utf8');
  const mine = path.resolve(runDir, 'requirements.html');
  let column = -1;
  const cells = new Map<string, { cls: string; symbol: string }>();
  for (const row of html.matchAll(/<tr data-keyword="[^"]*"[^>]*><td[^>]*>(core-[^<]+)<\/td>([\s\S]*?)<\/tr>/g)) {
    const tds = [...row[2]!.matchAll(/<td(?: class="([^"]*)")?>([\s\S]*?)<\/td>/g)].slice(2); // keyword, -23, then one per run
    tds.forEach((td, i) => {
      const href = /href="([^"#]*)#/.exec(td[2]!)?.[1];
      if (!href || path.resolve(matrixDir, stripTags(href)) !== mine) return;
      column = i;
      cells.set(row[1]!, { cls: td[1] ?? '', symbol: stripTags(td[2]!) });
    });
  }
  if (column < 0) return [{ kind: 'run', subject: runDir, report: 'matrix (index.html)', shows: 'no column for this run', holds: `${c.requirements.length} verdicts` }];
  for (const r of c.requirements) {
    const cell = cells.get(r.id);
    // a verdict that rests on a contested reading is marked † (support/readings.json)
    const symbol = SYMBOL[r.verdict]! + (r.verdict === 'failed' ? LEVEL_MARK[r.level ?? 'must'] : '') + (r.reading ? ' †' : '');
    if (!cell || cell.cls !== r.verdict || cell.symbol !== symbol) out.push({ kind: 'requirement', subject: r.id, report: 'matrix (index.html)', shows: cell ? `class "${cell.cls}", "${cell.symbol}"` : 'no cell', holds: `${reqVerdictText(r)}: "${symbol}"` });
  }
  // the column header: counts and the badge's file
  const ths = [...html.matchAll(/<th>([\s\S]*?)<\/th>/g)].map((m) => m[1]!).filter((t) => t.includes('badge:'));
  const th = ths[column];
  const s = c.summary.requirements;
  const head = th ? stripTags(th.replace(/<br>/g, ' ')) : '';
  const wantHead: Array<[string, number]> = [['passed', s.passed], ['MUST violated', s.failedMust], ['SHOULD not met', s.failedShould], ['n/a', s.skipped], ['undecided', s.broken], ['not covered', s.notCovered]];
  for (const [what, n] of wantHead) {
    const got = new RegExp(`(\\d+) ${what.replace(/[/]/g, '\\/')}`).exec(head)?.[1];
    if (Number(got) !== n) out.push({ kind: 'run', subject: `header: ${what}`, report: 'matrix (index.html)', shows: got ?? 'absent', holds: String(n) });
  }
  const badgeRel = /badge:\s*(\S+\.json)/.exec(head)?.[1];
  if (!badgeRel || !fs.existsSync(path.join(matrixDir, badgeRel))) out.push(missingFile('badge', path.join(matrixDir, badgeRel ?? 'badges/?')));
  else {
    const badge = JSON.parse(fs.readFileSync(path.join(matrixDir, badgeRel), 'utf8')) as { message: string };
    const want = expectedBadgeMessage(c);
    if (badge.message !== want) out.push({ kind: 'run', subject: badgeRel, report: 'badge', shows: badge.message, holds: want });
  }
  if (!fs.existsSync(mdFile)) out.push(missingFile('matrix (matrix.md)', mdFile));
  else {
    const md = new Map<string, string>();
    for (const line of fs.readFileSync(mdFile, 'utf8').split('\n')) {
      const parts = line.split('|').slice(1, -1).map((p) => p.trim());
      if (/^core-/.test(parts[0] ?? '')) md.set(parts[0]!, parts[3 + column] ?? '');
    }
    for (const r of c.requirements) {
      const want = `${SYMBOL[r.verdict]} ${reqVerdictText(r)}${r.reading ? ' †' : ''}`;
      if (md.get(r.id) !== want) out.push({ kind: 'requirement', subject: r.id, report: 'matrix (matrix.md)', shows: md.get(r.id) ?? 'no row', holds: want });
    }
  }
  return out;
}

export function describe(d: Disagreement): string {
  return `${d.report}: ${d.kind} ${d.subject}: shows ${d.shows}; compliance.json holds ${d.holds}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { matrix: { type: 'string' } } });
  let bad = 0;
  for (const dir of positionals.length ? positionals : ['reports']) {
    const ds = checkFidelity(path.resolve(dir), { matrixDir: values.matrix && path.resolve(values.matrix) });
    for (const d of ds) console.log(describe(d));
    console.log(`${dir}: ${ds.length} disagreement(s) with compliance.json`);
    bad += ds.length;
  }
  process.exit(bad ? 1 : 0);
}
