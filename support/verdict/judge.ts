// The core of the verdict layer: a judge accepts every outcome the text allows and
// names the one that happened; otherwise it fails with what the text accepts, what arrived
// instead, and where. The requirement ids, their sentences and the contested reading are added
// by ExpectationFailed from the scenario's tags (support/errors.ts).
import { ExpectationFailed } from '../errors.ts';

export interface Violation {
  /** one line: what the target did against the sentence, with its RFC 3920 section */
  summary: string;
  /** every outcome the text accepts, each as a phrase */
  accepted: string[];
  /** what arrived instead */
  actual: string;
  /** where it arrived: the connection's transcript and the entry up to which it was read */
  where?: string;
}

export function formatViolation(v: Violation): string {
  const expected = v.accepted.length === 1 ? `Expected: ${v.accepted[0]}` : `Expected, any one of:\n${v.accepted.map((a) => `  - ${a}`).join('\n')}`;
  return `${v.summary}\n${expected}\nActual: ${v.actual}${v.where ? `\nWhere: ${v.where}` : ''}`;
}

/** The target's behaviour is none of the outcomes the text accepts: the scenario fails. */
export function violated(v: Violation): never {
  throw new ExpectationFailed(formatViolation(v));
}

export interface Alternative<T> {
  /** the outcome as the report names it when it happened */
  outcome: string;
  holds: (x: T) => boolean;
}

/**
 * Graded alternatives: the first that holds names the outcome; when none holds, the failure
 * lists every one of them and what arrived.
 */
export function expectOneOf<T>(x: T, alternatives: Alternative<T>[], miss: Omit<Violation, 'accepted'>): string {
  const hit = alternatives.find((a) => a.holds(x));
  if (hit) return hit.outcome;
  violated({ ...miss, accepted: alternatives.map((a) => a.outcome) });
}
