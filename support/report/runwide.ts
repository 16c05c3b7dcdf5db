// Rules about every occurrence, checked on everything the target sent in the
// whole run, as the Appendix C schema check is: after each scenario, on every connection of it
// (c2s, the peer's s2s connections, the target's connections to the peer's listener).
//  - core-4.7.1-1: every stream error is followed by '</stream:stream>' and the TCP close, and
//    by nothing else;
//  - core-4.7.2-3: every stream error holds a defined condition qualified by the streams namespace;
//  - core-9.3.3-N: every stanza error carries the type 9.3.3 gives its condition (and
//    <undefined-condition/> comes with an application-specific one).
// The evidence is attached to the scenario where it arrived; the scenario's own result does not
// change: the defect is charged once, to the rule's requirement, in compliance.json. Nothing here
// touches a socket or waits: a connection is judged on what it recorded by the scenario's end.
import { z } from 'zod';
import { requirements, strength, SECTION_TITLES } from '../requirements.ts';
import { NS, type XmlElement } from '../wire/element.ts';
import type { TimelineEntry } from '../peer/stream.ts';
import { STREAM_CONDITIONS, LATER_NAMES } from '../verdict/stream-error.ts';
import { STANZA_CONDITIONS, CONDITION_REQ } from '../verdict/stanza-error.ts';
import type { RequirementResult } from './compliance.ts';
import { attachmentsNamed } from './attachments.ts';

export const ATTACH_RUNWIDE = 'run-wide-check.json';
export const ATTACH_RUNWIDE_VIOLATIONS = 'run-wide-violations.txt';
export const STREAM_ERROR_CLOSE = 'core-4.7.1-1';
export const STREAM_ERROR_NS = 'core-4.7.2-3';
/** 9.3.3 sentences with a part the type check does not decide: clean types alone do not pass them */
const PARTIAL: Readonly<Record<string, string>> = {
  'core-9.3.3-13': "the MUST NOT (no <recipient-unavailable/> that reveals availability) is decided by its scenarios; the run-wide check decides the type part only",
  'core-9.3.3-14': "the MUST (the alternate address is a valid JID) is not checked run-wide; the run-wide check decides the type part only",
};
/** every requirement the run-wide checks decide */
export const RUNWIDE_IDS: readonly string[] = [STREAM_ERROR_CLOSE, STREAM_ERROR_NS, ...Object.values(CONDITION_REQ)];

const MAX_SHOWN = 400;
const shown = (e: XmlElement) => {
  const s = e.toString();
  return s.length > MAX_SHOWN ? s.slice(0, MAX_SHOWN) + '...' : s;
};

export const ObservationSchema = z.object({
  rule: z.string(),
  connection: z.string(),
  /** the transcript entry (1-based) and time ('+0.123s' in the transcript) where the element arrived */
  line: z.number(),
  t: z.number(),
  element: z.string(),
  outcome: z.enum(['ok', 'violation', 'undecided']),
  /** what happened, in words */
  detail: z.string(),
  /** for a violation: requirement, sentence, accepted outcomes, what arrived */
  message: z.string().optional(),
  level: z.enum(['must', 'should', 'may']),
});
export type Observation = z.infer<typeof ObservationSchema>;
export const RunWideCheckSchema = z.object({ observations: z.array(ObservationSchema) });
export type RunWideCheck = z.infer<typeof RunWideCheckSchema>;

/** compliance.json: a requirement's run-wide observations (optional field of a requirement). */
export const RunWideSchema = z.object({
  /** occurrences decided clean */
  clean: z.number(),
  violations: z.number(),
  /** occurrences the run could not decide (the suite closed the connection first, the scenario ended before the bound) */
  undecided: z.number(),
  note: z.string(),
  evidence: z.array(ObservationSchema.omit({ outcome: true }).extend({ scenario: z.string() })),
});
export type RunWide = z.infer<typeof RunWideSchema>;

export interface Connection {
  label: string;
  timeline: readonly TimelineEntry[];
  /** the bound the suite waits for an answer (responseMs) */
  boundMs: number;
  /** ms since the connection's transcript began, at the scenario's end */
  endedAt: number;
}

function sentence(id: string): string {
  return requirements().get(id)?.text ?? '';
}

function violationMessage(id: string, level: 'must' | 'should' | 'may', accepted: string, arrived: string, where: string): string {
  const prefix = level === 'must' ? 'MUST violated' : 'SHOULD not met';
  return `${prefix}: ${id} "${sentence(id)}"\n  accepted: ${accepted}\n  arrived:  ${arrived}\n  where:    ${where}`;
}

const isStreamError = (e: XmlElement) => e.local === 'error' && e.ns === NS.stream;
const where = (c: Connection, e: TimelineEntry) => `${c.label}, transcript entry ${e.line} (+${(e.t / 1000).toFixed(3)}s)`;
const SUITE = new Set(['peer-close', 'peer-end', 'peer-destroy']);
const TCP = new Set(['tcp-end', 'tcp-reset', 'tcp-closed']);

/** 4.7.1-1 on one stream error: '</stream:stream>' and the TCP close follow, nothing else. */
function afterStreamError(c: Connection, i: number): Observation {
  const err = c.timeline[i]!;
  const base = { rule: STREAM_ERROR_CLOSE, connection: c.label, line: err.line, t: err.t, element: shown(err.element!), level: 'must' as const };
  const accepted = `after the stream error, '</stream:stream>' and the TCP connection closed by the target (within ${c.boundMs} ms), and no other element`;
  const after = c.timeline.slice(i + 1);
  const more = after.find((e) => e.kind === 'element' || e.kind === 'header');
  if (more) {
    const arrived = `${more.kind === 'header' ? 'a stream header' : shown(more.element!)} after the stream error (${where(c, more)})`;
    return { ...base, outcome: 'violation', detail: arrived, message: violationMessage(STREAM_ERROR_CLOSE, 'must', accepted, arrived, where(c, err)) };
  }
  const close = after.findIndex((e) => e.kind === 'close');
  const tcp = after.findIndex((e) => TCP.has(e.kind));
  const suite = after.findIndex((e) => SUITE.has(e.kind));
  if (close >= 0 && tcp >= 0 && close < tcp) return { ...base, outcome: 'ok', detail: `'</stream:stream>' and TCP ${after[tcp]!.kind === 'tcp-reset' ? 'reset' : 'closed'} by the target` };
  if (tcp >= 0) {
    // a round-trip request of the suite's, unread when the target closed, makes TCP reset and can drop a '</stream:stream>' the target wrote
    let lastBefore = i - 1;
    while (lastBefore >= 0 && c.timeline[lastBefore]!.kind !== 'element' && c.timeline[lastBefore]!.kind !== 'header') lastBefore--;
    const probe = c.timeline.slice(lastBefore + 1, i + 1 + tcp).find((e) => e.kind === 'peer-probe');
    if (probe) return { ...base, outcome: 'undecided', detail: `the TCP connection ended without '</stream:stream>' while a round-trip request of the suite's (${where(c, probe)}) was in flight: unread data makes TCP reset, so the close is not decidable here` };
    const arrived = `the target ${after[tcp]!.kind === 'tcp-reset' ? 'reset' : 'closed'} the TCP connection without sending '</stream:stream>' (${where(c, after[tcp]!)})`;
    return { ...base, outcome: 'violation', detail: arrived, message: violationMessage(STREAM_ERROR_CLOSE, 'must', accepted, arrived, where(c, err)) };
  }
  // still open when the suite closed it or the scenario ended: decided only when the bound was waited
  const until = suite >= 0 ? after[suite]! : undefined;
  const waited = (until?.t ?? c.endedAt) - err.t;
  const missing = close >= 0 ? 'the TCP connection was still open' : "no '</stream:stream>' had arrived and the TCP connection was still open";
  const by = until ? `when the suite ${until.kind === 'peer-close' ? "sent its own '</stream:stream>'" : until.kind === 'peer-end' ? 'half-closed the connection' : 'tore the connection down'}` : 'when the scenario ended';
  if (waited < c.boundMs) return { ...base, outcome: 'undecided', detail: `${missing} ${by}, ${waited} ms after the error (before the bound of ${c.boundMs} ms): not decidable here` };
  const arrived = `${missing} ${waited} ms after the stream error (${by})`;
  return { ...base, outcome: 'violation', detail: arrived, message: violationMessage(STREAM_ERROR_CLOSE, 'must', accepted, arrived, where(c, err)) };
}

/** 4.7.2-3 on one stream error: a defined condition qualified by the streams namespace. */
function streamCondition(c: Connection, err: TimelineEntry): Observation {
  const el = err.element!;
  const base = { rule: STREAM_ERROR_NS, connection: c.label, line: err.line, t: err.t, element: shown(el), level: 'must' as const };
  const inNs = el.elements().filter((x) => x.ns === NS.streams && x.local !== 'text');
  const defined = inNs.find((x) => (STREAM_CONDITIONS as readonly string[]).includes(x.local));
  if (defined) return { ...base, outcome: 'ok', detail: `<${defined.local} xmlns='${NS.streams}'/>` };
  const accepted = `one of the conditions of 4.7.3 (${STREAM_CONDITIONS.map((n) => `<${n}/>`).join(', ')}) qualified by ${NS.streams}`;
  const later = inNs.find((x) => LATER_NAMES[x.local]);
  const arrived = later
    ? `<${later.local}/>, the name RFC 6120 gave the condition later (under draft-ietf-xmpp-core-23 it is <${LATER_NAMES[later.local]}/>)`
    : el.elements().length
      ? `no defined condition in ${NS.streams}; the children are ${el.elements().map((x) => `<${x.local} xmlns='${x.ns}'/>`).join(', ')}`
      : 'an empty <stream:error/>';
  return { ...base, outcome: 'violation', detail: arrived, message: violationMessage(STREAM_ERROR_NS, 'must', accepted, arrived, where(c, err)) };
}

/** 9.3.3 on one stanza error: the type its condition is given (<undefined-condition/>: an application-specific condition beside it). */
function stanzaErrorType(c: Connection, e: TimelineEntry): Observation[] {
  const stanza = e.element!;
  const error = stanza.elements().find((x) => x.local === 'error');
  if (!error) return [];
  const out: Observation[] = [];
  for (const cond of error.elements().filter((x) => x.ns === NS.stanzas && x.local !== 'text' && x.local in STANZA_CONDITIONS)) {
    const id = CONDITION_REQ[cond.local]!;
    const base = { rule: id, connection: c.label, line: e.line, t: e.t, element: shown(stanza), level: 'should' as const };
    const type = error.attr('type') ?? '';
    const want = STANZA_CONDITIONS[cond.local];
    if (want === undefined) {
      const app = error.elements().filter((x) => x.ns !== NS.stanzas);
      if (app.length) out.push({ ...base, outcome: 'ok', detail: `<undefined-condition/> with <${app[0]!.local} xmlns='${app[0]!.ns}'/>` });
      else {
        const arrived = `<undefined-condition/> with no application-specific condition (type '${type}')`;
        out.push({ ...base, outcome: 'violation', detail: arrived, message: violationMessage(id, 'should', '<undefined-condition/> together with an application-specific condition (any type)', arrived, where(c, e)) });
      }
      continue;
    }
    if (type === want) out.push({ ...base, outcome: 'ok', detail: `<${cond.local}/> with type '${type}'` });
    else {
      const arrived = `<${cond.local}/> with type '${type}'`;
      out.push({ ...base, outcome: 'violation', detail: arrived, message: violationMessage(id, 'should', `<${cond.local}/> with type '${want}' (9.3.3)`, arrived, where(c, e)) });
    }
  }
  return out;
}

const STANZAS = new Set(['message', 'presence', 'iq']);

/**
 * Every connection of a scenario. `relayed` holds the ids of error stanzas the suite itself sent
 * in the scenario: the target passing one of those on is not its own error.
 */
export function checkRunWide(connections: readonly Connection[], relayed: ReadonlySet<string> = new Set()): RunWideCheck {
  const observations: Observation[] = [];
  for (const c of connections) {
    c.timeline.forEach((e, i) => {
      if (e.kind !== 'element' || !e.element) return;
      const el = e.element;
      if (isStreamError(el)) {
        observations.push(afterStreamError(c, i), streamCondition(c, e));
      } else if (STANZAS.has(el.local) && (el.ns === NS.client || el.ns === NS.server) && el.attr('type') === 'error' && !relayed.has(el.attr('id') ?? '\0')) {
        observations.push(...stanzaErrorType(c, e));
      }
    });
  }
  return { observations };
}

/** The ids of the error stanzas the suite sent on these connections (from what it wrote). */
export function errorIdsSent(sentTexts: readonly string[]): Set<string> {
  const ids = new Set<string>();
  for (const t of sentTexts) {
    for (const m of t.matchAll(/<(?:message|presence|iq)\b[^>]*>/g)) {
      if (!/\btype=['"]error['"]/.test(m[0])) continue;
      const id = /\bid=['"]([^'"]*)['"]/.exec(m[0])?.[1];
      if (id !== undefined) ids.add(id);
    }
  }
  return ids;
}

export function describeRunWide(check: RunWideCheck): string {
  const v = check.observations.filter((o) => o.outcome === 'violation');
  return [
    'Run-wide checks: rules about every occurrence, checked on everything the target sent. A violation is charged to the requirement, not to this scenario.',
    '',
    ...v.map((o) => `${o.message}\n  element:  ${o.element}`),
  ].join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// The run's figures: every scenario's run-wide-check.json, from cucumber's message stream, folded
// into the requirement verdicts.

const MAX_LISTED = 50;

export function runWideObservations(ndjson: string): Array<Observation & { scenario: string }> {
  return attachmentsNamed(ndjson, ATTACH_RUNWIDE).flatMap(({ scenario, body }) => RunWideCheckSchema.parse(JSON.parse(body)).observations.map((o) => ({ ...o, scenario })));
}

const RANK = { must: 3, should: 2, may: 1 } as const;

/**
 * The run-wide observations folded into the requirement verdicts: a violation anywhere fails the
 * requirement (at the level of the part violated); clean occurrences pass one that no scenario of
 * its own failed (or could not decide); a 9.3.3 condition never seen stays not covered.
 */
export function foldRunWide(reqs: readonly RequirementResult[], observations: ReadonlyArray<Observation & { scenario: string }>, selected = true): RequirementResult[] {
  return reqs.map((r) => {
    if (!RUNWIDE_IDS.includes(r.id)) return r;
    const mine = observations.filter((o) => o.rule === r.id);
    const bad = mine.filter((o) => o.outcome === 'violation');
    const clean = mine.filter((o) => o.outcome === 'ok').length;
    const undecided = mine.filter((o) => o.outcome === 'undecided').length;
    const evidence = bad.slice(0, MAX_LISTED).map(({ outcome: _o, ...rest }) => rest);
    const scenarios = new Set(mine.map((o) => o.scenario)).size;
    const partial = PARTIAL[r.id];
    const counted = `${clean} clean, ${bad.length} violating${undecided ? `, ${undecided} not decidable (the suite closed the connection, or the scenario ended, before the bound, or a round-trip request of the suite's was in flight at the close)` : ''} occurrence(s) in ${scenarios} scenario(s)`;
    if (bad.length) {
      const partLevel = bad.map((o) => o.level).sort((a, b) => RANK[b] - RANK[a])[0]!;
      const level = r.verdict === 'failed' && r.level && RANK[r.level] > RANK[partLevel] ? r.level : partLevel;
      const first = bad[0]!;
      const note = `run-wide: ${counted}; first violation in '${first.scenario}' on ${first.connection}`;
      const { reason: _r, ...rest } = r;
      return { ...rest, verdict: 'failed', level, runWide: { clean, violations: bad.length, undecided, note, evidence } };
    }
    if (!clean) {
      const note = mine.length ? `run-wide: ${counted}; none decided` : 'run-wide: not seen in this run';
      const reason = r.verdict === 'not-covered' && selected ? `not seen in this run: no scenario provoked it, and the target sent no occurrence the run-wide check could decide${partial ? ` (${partial})` : ''}` : r.reason;
      return { ...r, ...(reason ? { reason } : {}), runWide: { clean, violations: 0, undecided, note, evidence } };
    }
    const own = r.verdict === 'passed' || r.verdict === 'failed' || r.verdict === 'broken';
    const note = `run-wide: ${counted}${own ? '' : `; decided from ${clean} occurrence(s) in this run`}${partial ? `; ${partial}` : ''}`;
    if (r.verdict === 'failed' || r.verdict === 'broken' || partial) return { ...r, runWide: { clean, violations: 0, undecided, note, evidence } };
    const { reason: _r, ...rest } = r;
    return { ...rest, verdict: 'passed', runWide: { clean, violations: 0, undecided, note, evidence } };
  });
}

// ---------------------------------------------------------------------------------------------
// Allure: one synthetic result per run-wide requirement, labelled as such, with its verdict.

export interface AllureResult {
  name: string;
  fullName: string;
  historyKey: string;
  status: 'passed' | 'failed' | 'skipped' | 'broken';
  message: string;
  description: string;
  labels: Array<{ name: string; value: string }>;
  attachment?: { name: string; text: string };
}

export function runWideAllureResults(reqs: readonly RequirementResult[]): AllureResult[] {
  const out: AllureResult[] = [];
  for (const r of reqs) {
    if (!r.runWide) continue;
    const rw = r.runWide;
    const top = r.section.split('.')[0]!;
    const status = r.verdict === 'failed' ? 'failed' : r.verdict === 'passed' ? 'passed' : r.verdict === 'broken' ? 'broken' : 'skipped';
    const prefix = r.verdict === 'failed' ? `${r.level === 'must' ? 'MUST violated' : r.level === 'should' ? 'SHOULD not met' : 'MAY'}: ` : '';
    const why = rw.violations ? rw.evidence[0]?.message?.split('\n').slice(1).join('; ').replace(/\s+/g, ' ') ?? '' : r.verdict === 'failed' ? 'decided by its own scenario(s)' : (r.reason ?? '');
    out.push({
      name: `${r.id} (run-wide): every occurrence the target sent`,
      fullName: `run-wide: ${r.id}`,
      historyKey: `run-wide:${r.id}`,
      status,
      message: `${prefix}${r.id} ${rw.note}${why ? `. ${why}` : ''}`,
      description: `"${sentence(r.id)}"\n\nChecked after every scenario on every connection, on everything the target sent. ${rw.note}.`,
      labels: [
        { name: 'epic', value: `${top} ${SECTION_TITLES[top] ?? ''}`.trim() },
        { name: 'feature', value: 'Run-wide checks' },
        { name: 'story', value: r.id },
        { name: 'requirement', value: r.id },
        { name: 'xmpp-source', value: 'run-wide' },
        { name: 'keyword', value: r.keyword },
        { name: 'severity', value: strength(r.keyword) === 'must' ? 'critical' : 'normal' },
      ],
      ...(rw.evidence.length
        ? { attachment: { name: ATTACH_RUNWIDE_VIOLATIONS, text: rw.evidence.map((e) => `${e.scenario}\n${e.message ?? e.detail}\n  element:  ${e.element}`).join('\n\n') + '\n' } }
        : {}),
    });
  }
  return out;
}
