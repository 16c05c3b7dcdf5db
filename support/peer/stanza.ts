// Small peer capabilities of RFC 3920 section 9 used by the binding, stanza and routing steps
// (the stanza-error judge is support/verdict/stanza-error.ts).
import { el } from '../wire/element.ts';
import type { Client } from './client.ts';

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
