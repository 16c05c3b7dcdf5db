// Judge: a stream error with one of the accepted conditions, then '</stream:stream>', then the TCP
// close (RFC 3920 4.7.1).
import type { Client } from '../peer/client.ts';

/**
 * The stream error with one of `only` (any defined condition when null), '</stream:stream>' and
 * the TCP close, within the response bound. Returns the outcome line.
 *
 * No round-trip is sent behind the input here, although one would settle "no error came"
 * without the bound: a request that arrives while the target is closing stays unread, and a TCP
 * connection closed with unread data is reset, which can drop the '</stream:stream>' already
 * written. Measured on jabberd2 2.7 (tls-optional): a compliant error-then-close turned into a
 * reset. A judge must not make a compliant target fail, so the bound decides here; a target
 * that sends no error at all costs one bound of waiting.
 */
export async function streamErrorThenClose(c: Client, only: string[] | null): Promise<string> {
  return c.stream.expectStreamErrorAndClose(only);
}
