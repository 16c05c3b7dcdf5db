// Stanza-level checks and small peer capabilities of RFC 3920 section 9 (stanza errors, IQ
// answers) used by the binding, stanza and routing steps. Pure functions over XmlElement.
import { NS, el, type XmlElement } from '../wire/element.ts';
import { failed } from '../errors.ts';
import type { Client } from './client.ts';

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
 * defined condition qualified by urn:ietf:params:xml:ns:xmpp-stanzas. Fails naming what is wrong.
 */
export function checkStanzaError(stanza: XmlElement, kind: string | undefined, allowed: string[] | null): StanzaErrorOutcome {
  const alternatives = allowed ? allowed.map((c) => `<${c}/>`).join(' or ') : 'a stanza error';
  if (kind && stanza.local !== kind) failed(`expected a <${kind}/> error stanza (9.3.1: the same kind as the offending stanza); the target answered with <${stanza.local}/>.\nReceived: ${stanza}`);
  if (stanza.attr('type') !== 'error') failed(`expected ${alternatives}; the target answered with type='${stanza.attr('type') ?? ''}'.\nReceived: ${stanza}`);
  const error = stanza.elements().find((e) => e.local === 'error');
  if (!error) failed(`the error stanza holds no <error/> child (9.3.1).\nReceived: ${stanza}`);
  const type = error.attr('type') ?? '';
  if (!(ERROR_TYPES as readonly string[]).includes(type)) failed(`the <error/> element's type='${type}' is not one of ${ERROR_TYPES.join(', ')} (9.3.2).\nReceived: ${stanza}`);
  const defined = error.elements().filter((c) => c.ns === NS.stanzas && c.local !== 'text');
  if (!defined.length) {
    const wrongNs = error.elements().find((c) => c.local in STANZA_CONDITIONS);
    if (wrongNs) failed(`the condition <${wrongNs.local}/> is qualified by '${wrongNs.ns}', not ${NS.stanzas} (9.3.2).\nReceived: ${stanza}`);
    failed(`the <error/> element holds no defined condition qualified by ${NS.stanzas} (9.3.2).\nReceived: ${stanza}`);
  }
  const condition = defined[0]!.local;
  if (allowed && !allowed.includes(condition)) failed(`expected ${alternatives}; the target sent <${condition}/>.\nReceived: ${stanza}`);
  const text = error.elements().find((c) => c.local === 'text');
  const appSpecific = error.elements().filter((c) => c.ns !== NS.stanzas);
  return { stanza, error, type, condition, text, appSpecific };
}

/** RFC 3066 language tag (the NMTOKEN subset it allows). */
export const LANGTAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/**
 * Initial presence on a bound client, with what it brings consumed: whatever the server sends
 * back because of it (its own reflection, probes' answers) arrives before the answer to a ping
 * sent right after, and is discarded. Returns the number of stanzas discarded.
 */
export async function sendInitialPresence(c: Client, domain: string): Promise<number> {
  c.stream.send(el('presence'));
  await c.stream.roundTrip(domain);
  let n = 0;
  for (const ev of c.stream.drain()) {
    if (ev.kind === 'element' && ev.element.is('presence')) n++;
  }
  return n;
}
