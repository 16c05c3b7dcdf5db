// "The target sends nothing": proved by a round-trip where the stream allows one, else by the
// configured quiet window; the outcome names which proof was used.
import { describe, XmppStream, type InboxEvent } from '../peer/stream.ts';
import { ExpectationFailed, Undecided } from '../errors.ts';
import { NS } from '../wire/element.ts';
import { violated } from './judge.ts';

export type SilenceProof = 'round-trip' | 'quiet-window';

const arrived = (e: InboxEvent): boolean => e.kind !== 'tcp-end' && e.kind !== 'tcp-closed';

/**
 * Nothing (but the end of TCP) arrives. With `canRoundTrip` (an authenticated stream that carries
 * stanzas) an IQ ping to `to` is sent and its answer awaited: the target handles its input in
 * order, so whatever it sent because of earlier input arrives before that answer. Otherwise the
 * quiet window of the configuration is waited out.
 */
export async function nothingArrives(s: XmppStream, canRoundTrip: boolean, to: string, what = 'nothing'): Promise<SilenceProof> {
  const accepted = [what];
  const before = s.unread().filter(arrived);
  if (before.length) violated({ summary: `the target sent something where the text allows ${what}`, accepted, actual: before.map(describe).join('\n  '), where: s.where() });
  if (canRoundTrip && !s.isEnded) {
    const id = await s.roundTrip(to);
    const extra = s.unread().filter(arrived);
    if (extra.length) violated({ summary: `before the answer to the round-trip ${id} the target sent something where the text allows ${what}`, accepted, actual: extra.map(describe).join('\n  '), where: s.where() });
    s.transcript.note(`silence proved by round-trip ${id}`);
    return 'round-trip';
  }
  const started = Date.now();
  try {
    const ev = await s.expect(arrived, what, s.opts.quietMs);
    s.putBack(ev); // keep the evidence for the message below and for unread()
  } catch (e) {
    if (e instanceof ExpectationFailed) {
      XmppStream.quietMsTotal += Date.now() - started;
      s.transcript.note(`silence observed for the quiet window of ${s.opts.quietMs} ms`);
      return 'quiet-window';
    }
    throw e;
  }
  violated({ summary: `during the quiet window of ${s.opts.quietMs} ms the target sent something where the text allows ${what}`, accepted, actual: s.unread().filter(arrived).map(describe).join('\n  ') || 'an event', where: s.where() });
}

/**
 * Settle what the target did with earlier input: an IQ ping to `to` on an authenticated stream,
 * whose answer arrives after everything that input caused; all of that stays in the inbox for the
 * judge. Whatever is already unread stays too (the ping is sent regardless). 'ended' when the
 * stream ended (a stream error, '</stream:stream>', the TCP close) before the answer. A ping with
 * no answer on an open stream settles nothing: the verdict is then undecided, never a pass.
 */
export async function settleByRoundTrip(s: XmppStream, to: string): Promise<'answered' | 'ended'> {
  const ended = () => s.isEnded || s.transport.isEnded || s.unread().some((e) => e.kind === 'close' || e.kind.startsWith('tcp') || (e.kind === 'element' && e.element.is('error', NS.stream)));
  if (ended()) return 'ended';
  try {
    await s.roundTrip(to);
    return 'answered';
  } catch (e) {
    if (!(e instanceof ExpectationFailed)) throw e;
    if (ended() || s.taint) return 'ended';
    throw new Undecided(`the round-trip ping to ${to} got no answer within ${s.opts.responseMs} ms, so what the target did with the input is not settled (${s.where()})`);
  }
}
