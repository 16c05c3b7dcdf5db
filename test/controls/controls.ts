// One control per scenario. A negative control makes the real target violate exactly the
// requirement the scenario decides: the scenario must then fail. Where the unmodified target
// already departs from the text (an expected failure), a positive control repairs exactly that
// departure: the scenario must then pass, so the check is shown to be able to go both ways.
import type { Mutation } from './proxy.ts';
import { controls as streams } from './sections/04-streams.ts';
import { controls as dialback } from './sections/08-dialback.ts';
import { controls as tls } from './sections/05-tls.ts';
import { controls as sasl, notApplicableOnProsody as saslNotApplicable } from './sections/06-sasl.ts';
import { controls as addressing } from './sections/03-addressing.ts';
import { controls as binding } from './sections/07-binding.ts';
import { controls as stanzas } from './sections/09-stanzas.ts';
import { controls as routing } from './sections/10-routing.ts';
import { controls as xml } from './sections/11-xml.ts';

export interface Control {
  scenario: string;
  /** the violation (negative) or the repair (positive), in words, for the controls listing */
  change: string;
  expect: 'failed' | 'passed' | 'skipped';
  mutation: Mutation;
  /** the embedded target's TLS policy this control runs under (default: required) */
  profile?: 'tls-required' | 'tls-optional';
  /**
   * A schema control (Appendix C's schemas, support/schemas/): the run's compliance.json must also list a violation
   * of this namespace's schema whose libxml2 message matches `rule`.
   */
  schemaViolation?: { ns: string; rule: RegExp };
  /**
   * A run-wide control (a rule about every occurrence, support/report/runwide.ts): the run's compliance.json must fail this requirement
   * from a run-wide observation (runWide.violations > 0), whatever the scenario's own result.
   */
  runWideViolation?: string;
  /**
   * A further control of a scenario that has its own (every scenario has exactly one without this
   * field), and what it shows: 'replay', that support/step.ts's second attempt after an
   * <internal-server-error/> goes both ways; 'accepted-outcome', that another outcome the text
   * allows passes; 'played-in-place', that the scenario passes when the proxy plays, faithfully, a
   * feature the controls' target lacks (so that its violation control is not failing for that).
   */
  also?: 'replay' | 'accepted-outcome' | 'played-in-place';
}


/** One file per section under sections/, so that each section's controls live beside each other. */
export const CONTROLS: Control[] = [...streams, ...dialback, ...tls, ...sasl, ...addressing, ...binding, ...stanzas, ...routing, ...xml];

/**
 * Scenarios the controls' target (the embedded Prosody) cannot exercise at all, even with the
 * proxy's help: the runner lists them as such instead of counting them as missing controls.
 * None today (DIGEST-MD5, which Prosody does not offer, is played by the proxy in its place).
 */
export const NOT_APPLICABLE_ON_CONTROLS_TARGET: string[] = [...saslNotApplicable];
