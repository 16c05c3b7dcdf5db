// Two kinds of error, and only two: the target did something the text does not allow
// (ExpectationFailed: the scenario *failed*), or the suite could not decide (anything else:
// the scenario is *broken*). Allure and the compliance report tell them apart by type.
import { AssertionError } from 'node:assert';

/**
 * The keyword of the scenario running now (set by a Before hook; a worker runs one scenario at a
 * time), so that every failure says whether a MUST was violated or a SHOULD not met; and the
 * contested readings of its requirement ids (support/readings.json), so that the failure says
 * which reading it rests on and what the other one would conclude.
 */
export const current = {
  level: '' as '' | 'must' | 'should' | 'may',
  /** the requirement ids the scenario decides, each as `core-x (KEYWORD): "sentence"` */
  requirements: [] as string[],
  readings: [] as string[],
};

export const LEVEL_PREFIX = { must: 'MUST violated: ', should: 'SHOULD not met: ', may: 'MAY (informative): ', '': '' } as const;

/** The target's behaviour violates the requirement under test: a verdict, with evidence. */
export class ExpectationFailed extends AssertionError {
  /** what the target did against the sentence, without the level, requirements and readings added around it */
  readonly detail: string;
  constructor(message: string) {
    const readings = [...new Set(current.readings)].filter((r) => !message.includes(r));
    const reqs = current.requirements.length ? `\nRequirement${current.requirements.length > 1 ? 's' : ''}: ${current.requirements.join('; ')}` : '';
    super({ message: LEVEL_PREFIX[current.level] + message + reqs + (readings.length ? `\n${readings.join(' ')}` : '') });
    this.detail = message;
    this.name = 'ExpectationFailed';
    // a verdict's evidence is its message and the transcripts: the suite's own call stack is noise in every report
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** The message of a failed expectation without its "MUST violated: " (or SHOULD) prefix: for reasons that are not verdicts. */
export function withoutLevel(e: ExpectationFailed): string {
  return e.detail;
}

/** The target could not be reached, or closed before the suite could decide anything. */
export class TargetUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUnreachable';
  }
}

/** A wait ended without an answer that would decide the requirement either way. */
export class Undecided extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Undecided';
  }
}

/** The user's configuration cannot work: one line, naming the field to fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
