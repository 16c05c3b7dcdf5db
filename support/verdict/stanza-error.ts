// Judges of RFC 3920 9.3 (stanza errors): the error stanza's kind and type, its <error/> child's
// type, and one defined condition qualified by the stanzas namespace.
import { NS, type XmlElement } from '../wire/element.ts';
import { violated } from './judge.ts';

/** RFC 3920 9.3.2: the values of the <error/> element's 'type'. */
export const ERROR_TYPES = ['cancel', 'continue', 'modify', 'auth', 'wait'] as const;

/** RFC 3920 9.3.3: the defined stanza error conditions, with the type each SHOULD carry. */
export const STANZA_CONDITIONS: Record<string, string | undefined> = {
  'bad-request': 'modify', conflict: 'cancel', 'feature-not-implemented': 'cancel', forbidden: 'auth', gone: 'modify',
  'internal-server-error': 'wait', 'item-not-found': 'cancel', 'jid-malformed': 'modify', 'not-acceptable': 'modify',
  'not-allowed': 'cancel', 'not-authorized': 'auth', 'payment-required': 'auth', 'recipient-unavailable': 'wait',
  redirect: 'modify', 'registration-required': 'auth', 'remote-server-not-found': 'cancel', 'remote-server-timeout': 'wait',
  'resource-constraint': 'wait', 'service-unavailable': 'cancel', 'subscription-required': 'auth',
  'undefined-condition': undefined, 'unexpected-request': 'wait',
};

/** Which requirement of 9.3.3 associates a type with each condition (core-9.3.3-N). */
export const CONDITION_REQ: Record<string, string> = Object.fromEntries(
  Object.keys(STANZA_CONDITIONS).map((c, i) => [c, `core-9.3.3-${i + 1}`]),
);

/** RFC 3066 language tag (the NMTOKEN subset it allows). */
export const LANGTAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

export interface StanzaErrorOutcome {
  stanza: XmlElement;
  error: XmlElement;
  type: string;
  condition: string;
  text?: XmlElement;
  /** children of <error/> outside the stanzas namespace: application-specific conditions */
  appSpecific: XmlElement[];
}

/**
 * RFC 3920 9.3.1 / 9.3.2: an error stanza is of the kind of the stanza it answers, has
 * type='error', holds an <error/> whose 'type' is one of five values and which contains one
 * defined condition qualified by urn:ietf:params:xml:ns:xmpp-stanzas, one of `allowed` when given.
 */
export function stanzaError(stanza: XmlElement, kind: string | undefined, allowed: string[] | null, where?: string): StanzaErrorOutcome {
  const accepted = allowed ? allowed.map((c) => `${kind ? `a <${kind} type='error'/>` : 'an error stanza'} with <${c}/>`) : [`${kind ? `a <${kind} type='error'/>` : 'an error stanza'} with any condition of RFC 3920 9.3.3`];
  const fail = (summary: string): never => violated({ summary, accepted, actual: stanza.toString(), where });
  if (kind && stanza.local !== kind) fail(`the target answered with <${stanza.local}/>, not a <${kind}/> error stanza (9.3.1: the same kind as the offending stanza)`);
  if (stanza.attr('type') !== 'error') fail(`the target answered with type='${stanza.attr('type') ?? ''}', not an error stanza (9.3.1)`);
  const error = stanza.elements().find((e) => e.local === 'error');
  if (!error) return fail('the error stanza holds no <error/> child (9.3.1)');
  const type = error.attr('type') ?? '';
  if (!(ERROR_TYPES as readonly string[]).includes(type)) fail(`the <error/> element's type='${type}' is not one of ${ERROR_TYPES.join(', ')} (9.3.2)`);
  const defined = error.elements().filter((c) => c.ns === NS.stanzas && c.local !== 'text');
  if (!defined.length) {
    const wrongNs = error.elements().find((c) => c.local in STANZA_CONDITIONS);
    if (wrongNs) fail(`the condition <${wrongNs.local}/> is qualified by '${wrongNs.ns}', not ${NS.stanzas} (9.3.2)`);
    fail(`the <error/> element holds no defined condition qualified by ${NS.stanzas} (9.3.2)`);
  }
  const condition = defined[0]!.local;
  if (allowed && !allowed.includes(condition)) fail(`the target sent <${condition}/>`);
  const text = error.elements().find((c) => c.local === 'text');
  const appSpecific = error.elements().filter((c) => c.ns !== NS.stanzas);
  return { stanza, error, type, condition, text, appSpecific };
}
