// Judge: a stream error with one of the accepted conditions, then '</stream:stream>', then the TCP
// close (RFC 3920 4.7.1), settled by the target's own answer where the stream allows one.
import { failed } from '../errors.ts';
import { STAGES, type Client } from '../peer/client.ts';
import { describe, type Probe } from '../peer/stream.ts';

/**
 * The request that settles "no stream error came" on this client's stream: an IQ ping once it is
 * bound; an <auth/> nobody offers before authentication, where SASL is on offer; none otherwise
 * (the bound of the wait decides then).
 */
export function probeFor(c: Client): Probe | undefined {
  const at = STAGES.indexOf(c.stage);
  if (at >= STAGES.indexOf('bind')) return 'iq';
  if (at < STAGES.indexOf('sasl') && c.mechanisms.length) return 'sasl';
  return undefined;
}

/**
 * The stream error with one of `only` (any defined condition when null), '</stream:stream>' and
 * the TCP close. Where a probe exists it is sent right behind the input under test: its answer
 * arriving first, with no stream error before it, shows that the target handled the input and
 * sent none, so the verdict does not rest on a timer. Returns the outcome line.
 */
export async function streamErrorThenClose(c: Client, only: string[] | null, to: string): Promise<string> {
  const s = c.stream;
  const probe = s.isEnded || s.transport.isEnded ? undefined : probeFor(c);
  if (probe && (await s.probe(probe, to)) === 'answered') {
    const alternatives = only ? only.map((x) => `<${x}/>`).join(' or ') : 'a stream error (any condition)';
    const before = s.unread().map(describe);
    failed(
      `expected ${alternatives}, then </stream:stream> and the TCP connection closed (RFC 3920 4.7.1); the target handled the input and answered a later ${probe === 'iq' ? 'IQ ping' : '<auth/>'} (the round-trip) with no stream error before it.` +
        `\nReceived before the round-trip's answer: ${before.length ? before.join('; ') : 'nothing'}`,
    );
  }
  const outcome = await s.expectStreamErrorAndClose(only);
  return probe ? `${outcome} (a round-trip ${probe === 'iq' ? 'IQ ping' : '<auth/>'} was sent behind the input; the error came first)` : outcome;
}
