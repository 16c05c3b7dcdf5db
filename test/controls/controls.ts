// One control per scenario. A negative control makes the real target violate exactly the
// requirement the scenario decides: the scenario must then fail. Where the unmodified target
// already departs from the text (an expected failure), a positive control repairs exactly that
// departure: the scenario must then pass, so the check is shown to be able to go both ways.
import type { Mutation } from './proxy.ts';
import { controls as streams } from './sections/04-streams.ts';

export interface Control {
  scenario: string;
  /** the violation (negative) or the repair (positive), in words, for the controls listing */
  change: string;
  expect: 'failed' | 'passed';
  mutation: Mutation;
  /** the embedded target's TLS policy this control runs under (default: required) */
  profile?: 'tls-required' | 'tls-optional';
}


/** One file per section under sections/, so that each section's controls live beside each other. */
export const CONTROLS: Control[] = [...streams];
