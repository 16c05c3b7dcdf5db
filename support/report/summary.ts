// The end of a run for people: the failed requirements grouped by section, one line each (id,
// MUST or SHOULD, what arrived instead), then the counts and where the reports are. The console
// and reports/summary.md are both rendered from compliance.json (read back from the file by
// bin/conformance.ts), so neither can say something compliance.json does not.
import { SECTION_TITLES } from '../requirements.ts';
import { escapeText } from '../wire/element.ts';
import type { Compliance, RequirementResult } from './compliance.ts';

/** The console's width for one requirement line (the issue asks for under 120 characters). */
export const LINE_MAX = 119;

const LEVEL = { must: 'MUST', should: 'SHOULD', may: 'MAY' } as const;

/** "4.7.2" -> "4" */
const chapter = (section: string) => section.split('.')[0]!;

/**
 * An element in a few words: its start tag without ids and namespace declarations, and the
 * error condition it carries, if any: `<message type='error'> (<service-unavailable/>)`.
 */
function startTag(xml: string): string {
  const t = xml.trim();
  const m = /^<[^>]*>/.exec(t);
  if (!m) return t;
  const tag = m[0].replace(/\/>$/, '>').replace(/ id='[^']*'/g, '');
  const cond = /<([\w-]+) xmlns='urn:ietf:params:xml:ns:xmpp-(?:stanzas|streams)'/.exec(t)?.[1];
  return cond && !tag.startsWith('<stream:error') ? `${tag} (<${cond}/>)` : cond ? `<stream:error> (<${cond}/>)` : tag;
}

/** Parenthesised remarks that cite the text or explain at length: kept in the reports, dropped on a one-line summary. */
function withoutRemarks(s: string): string {
  let out = '';
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') {
      if (depth++ === 0) start = i;
    } else if (s[i] === ')' && depth > 0 && --depth === 0) {
      const inner = s.slice(start + 1, i);
      if (!(inner.length > 32 || /\b(RFC|draft|SHOULD|MUST|config)\b/.test(inner))) out += s.slice(start, i + 1);
      else out = out.replace(/\s+$/, '');
    } else if (depth === 0) out += s[i];
  }
  return depth ? s : out;
}

/**
 * What arrived instead, from a failed scenario's message (support/verdict/judge.ts writes
 * "expected A; the target sent B." with the received elements on the lines that follow): the
 * actual first, so that a shortened line keeps it.
 */
export function arrivedInstead(message: string): string {
  return withoutNamespaces(arrived(message));
}

/** Namespace declarations say little on one line and take most of it. */
const withoutNamespaces = (s: string) => s.replace(/ xmlns(?::[\w-]+)?=(?:'[^']*'|"[^"]*")/g, '');

function arrived(message: string): string {
  const lines = message.split('\n');
  let first = lines[0]!.replace(/^(MUST violated|SHOULD not met|MAY \(informative\)): /, '').trim();
  first = withoutRemarks(first).replace(/\.$/, '');
  // the verdict layer's "Expected: ... / Actual: ..." lines (support/verdict/judge.ts)
  const field = (k: string) => {
    const i = lines.findIndex((l) => l.startsWith(`${k}: `));
    return i < 0 ? [] : [lines[i]!.slice(k.length + 2), ...lines.slice(i + 1).filter((l, j, all) => /^\s+\S/.test(l) && all.slice(0, j).every((x) => /^\s+\S/.test(x)))].map((l) => l.trim());
  };
  const expected = field('Expected')[0];
  // "nothing matching arrived": say what did (the first element received and not consumed), if anything
  if (/nothing matching arrived/.test(first)) {
    const i = lines.findIndex((l) => /^Received and not consumed/.test(l));
    const received = [...field('Actual'), ...(i < 0 ? [] : [/:\s*(<.*)$/.exec(lines[i]!)?.[1], ...lines.slice(i + 1).filter((l) => /^\s+</.test(l))])]
      .map((l) => l?.trim())
      .filter((l): l is string => !!l && l.startsWith('<'));
    // past a stream header, which says little about what was demanded
    const got = received.find((l) => !l.startsWith('<stream:stream')) ?? received[0];
    const want = /^(?:.*?: )?expected (.+?);/.exec(first)?.[1] ?? expected;
    if (want) return got ? `got ${startTag(got)}, not ${want}` : `nothing arrived, not ${want}`;
  }
  // "[after ...: ]expected A; the target sent B" -> "sent B; expected A"
  const m = /^(after .*?: )?expected (.+?); (.+)$/.exec(first);
  if (m) return `${m[3]!.replace(/^the target /, '')}; expected ${m[2]}`;
  // "[after ...: ]the target sent B" with "Expected: A" -> "sent B; expected A"
  const n = /^(?:after .*?: )?the target (sent .+)$/.exec(first);
  if (n && expected) return `${n[1]}; expected ${expected}`;
  return first;
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** What arrived instead of what a failed requirement demands: its failing scenario's message, else the run-wide evidence. */
export function failureText(c: Compliance, r: RequirementResult): string {
  const mine = c.scenarios.filter((s) => s.status === 'failed' && r.scenarios.includes(s.name) && s.tags.includes(`@req:${r.id}`));
  const s = mine.find((x) => x.level === r.level) ?? mine[0];
  if (s?.message) return arrivedInstead(s.message);
  const e = r.runWide?.evidence[0];
  if (e) return `${startTag(e.detail)} (run-wide, ${r.runWide!.violations} occurrence(s); first in '${e.scenario}')`;
  return r.runWide?.note ?? 'failed (see compliance.json)';
}

export interface SummaryGroup {
  chapter: string;
  title: string;
  rows: Array<{ id: string; level: string; text: string }>;
}

/** Failed requirements grouped by top-level section, in the catalogue's order. */
export function failedGroups(c: Compliance): SummaryGroup[] {
  const groups = new Map<string, SummaryGroup>();
  for (const r of c.requirements) {
    if (r.verdict !== 'failed') continue;
    const ch = chapter(r.section);
    const g = groups.get(ch) ?? groups.set(ch, { chapter: ch, title: SECTION_TITLES[ch] ?? '', rows: [] }).get(ch)!;
    g.rows.push({ id: r.id, level: LEVEL[r.level ?? 'must'], text: failureText(c, r) });
  }
  return [...groups.values()];
}

function countsLines(c: Compliance): string[] {
  const s = c.summary;
  return [
    `requirements (${s.requirements.total}): ${s.requirements.passed} passed, ${s.requirements.failedMust} MUST violated, ${s.requirements.failedShould} SHOULD not met, ` +
      `${s.requirements.skipped} not applicable, ${s.requirements.broken} undecided, ${s.requirements.notCovered} not covered`,
    `scenarios (${s.scenarios.total}): ${s.scenarios.passed} passed, ${s.scenarios.failed} failed, ${s.scenarios.skipped} skipped, ${s.scenarios.broken} broken`,
  ];
}

function targetLine(c: Compliance): string {
  const sw = c.target.software ? `${c.target.software.name} ${c.target.software.version ?? ''}`.trim() : 'software unknown';
  return `${sw} at ${c.target.c2s} (${c.target.domain}${c.target.profile ? `, ${c.target.profile}` : ''}), ${(c.durationMs / 1000).toFixed(0)} s`;
}

/** A preflight that ran and failed (one skipped with --no-preflight is no problem of the target's). */
const preflightProblem = (c: Compliance) => !c.preflight.ok && !!c.preflight.message && !/^skipped\b|^the run ended before/.test(c.preflight.message);

/** Broken requirements: listed up to this many (a target that cannot be reached breaks them all; the preflight line says why). */
const BROKEN_LISTED = 5;

/** The console's summary: every failed requirement on its own line, grouped; then counts; then where the reports are. */
export function consoleSummary(c: Compliance, reportsDir: string, rendered = true): string[] {
  const out: string[] = [''];
  const groups = failedGroups(c);
  const s = c.summary.requirements;
  if (groups.length) out.push(`Failed requirements (${s.failedMust} MUST violated, ${s.failedShould} SHOULD not met):`);
  for (const g of groups) {
    out.push(`${g.chapter} ${g.title}`);
    for (const r of g.rows) {
      const head = `  ${r.id.padEnd(13)} ${r.level.padEnd(6)} `;
      out.push(head + cut(r.text, LINE_MAX - head.length));
    }
  }
  const broken = c.requirements.filter((r) => r.verdict === 'broken');
  if (broken.length) {
    out.push(`Undecided (broken) requirements: ${broken.slice(0, BROKEN_LISTED).map((r) => r.id).join(', ')}${broken.length > BROKEN_LISTED ? ` and ${broken.length - BROKEN_LISTED} more` : ''}`);
  }
  if (preflightProblem(c)) out.push(`target problem: ${c.preflight.message}`);
  out.push('', targetLine(c), ...countsLines(c));
  out.push(`reports: ${reportsDir}/summary.md, requirements.html, ${rendered ? 'allure-single/index.html, ' : ''}compliance.json, junit.xml`);
  return out;
}

const mdEscape = (s: string) => escapeText(s).replace(/\|/g, '\\|');

/** reports/summary.md: the same summary, as Markdown (for a CI job summary). */
export function markdownSummary(c: Compliance): string {
  const out: string[] = [`# XMPP core conformance: ${mdEscape(targetLine(c))}`, ''];
  out.push(`${c.spec}; suite ${c.suite.name} ${c.suite.version}; started ${c.startedAt}.`, '');
  if (preflightProblem(c)) out.push(`**Target problem:** ${mdEscape(c.preflight.message!)}`, '');
  for (const l of countsLines(c)) out.push(`- ${mdEscape(l)}`);
  out.push('');
  const groups = failedGroups(c);
  if (groups.length) {
    out.push(`## Failed requirements`, '');
    for (const g of groups) {
      out.push(`### ${g.chapter} ${mdEscape(g.title)}`, '', '| requirement | level | what arrived instead |', '| --- | --- | --- |');
      for (const r of g.rows) out.push(`| ${r.id} | ${r.level} | ${mdEscape(r.text)} |`);
      out.push('');
    }
  } else out.push('No requirement failed.', '');
  const broken = c.requirements.filter((r) => r.verdict === 'broken');
  if (broken.length) out.push(`## Undecided (broken)`, '', broken.map((r) => r.id).join(', '), '');
  out.push('The evidence (transcripts, reproducers) is in the Allure report, `requirements.html` and `compliance.json`.', '');
  return out.join('\n');
}
