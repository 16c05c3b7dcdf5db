// STARTTLS in pieces (RFC 3920 5.2), for scenarios that stop or misbehave between the steps:
// request, answer, handshake, and what the target sent in plaintext around <proceed/>.
// Client.starttls() stays the one-call stage; these are the same moves, one at a time.
import fs from 'node:fs';
import { el, NS, type XmlElement } from '../wire/element.ts';
import type { Client } from './client.ts';
import type { XmppStream, InboxEvent } from './stream.ts';
import type { TlsInfo } from '../wire/transport.ts';

/** RFC 3920 5.2 step 5: the answer to <starttls/> is <proceed/> or <failure/> in the TLS namespace; a stream error or a close is returned as found. */
export async function awaitStarttlsAnswer(c: Client): Promise<{ kind: 'proceed' | 'failure' | 'stream-error' | 'closed' | 'other'; element?: XmlElement }> {
  const ev = await c.stream.expect(
    (e) => (e.kind === 'element' && (e.element.ns === NS.tls || e.element.is('error', NS.stream))) || e.kind === 'close' || e.kind.startsWith('tcp'),
    '<proceed/> or <failure/> qualified by urn:ietf:params:xml:ns:xmpp-tls',
  );
  if (ev.kind !== 'element') return { kind: 'closed' };
  const e = ev.element;
  if (e.is('proceed', NS.tls)) return { kind: 'proceed', element: e };
  if (e.is('failure', NS.tls)) return { kind: 'failure', element: e };
  if (e.is('error', NS.stream)) return { kind: 'stream-error', element: e };
  return { kind: 'other', element: e };
}

export function sendStarttls(c: Client): void {
  c.stream.send(el('starttls', { xmlns: NS.tls }));
}

/** The index of the next transcript line: what arrives from now on can be read back raw. */
export function mark(stream: XmppStream): number {
  return stream.transcript.lines.length;
}

/** Everything the target sent as text since `from` (transcript lines; SASL payloads already redacted). */
export function receivedSince(stream: XmppStream, from: number, until = stream.transcript.lines.length): string {
  return stream.transcript.lines.slice(from, until).filter((l) => l.dir === 'recv').map((l) => l.text).join('');
}

/** The plaintext that arrived after the '>' of <proceed/> and before the TLS handshake began. */
export function plaintextAfterProceed(stream: XmppStream): string | undefined {
  const lines = stream.transcript.lines;
  const tlsAt = lines.findIndex((l) => l.dir === 'note' && l.text === 'TLS handshake begins');
  const end = tlsAt < 0 ? lines.length : tlsAt;
  const text = lines.slice(0, end).filter((l) => l.dir === 'recv').map((l) => l.text).join('');
  const m = /<([\w-]+:)?proceed\b[^>]*>/.exec(text);
  if (!m) return undefined;
  let rest = text.slice(m.index + m[0].length);
  if (!m[0].endsWith('/>')) rest = rest.replace(/^\s*<\/([\w-]+:)?proceed>/, '');
  return rest;
}

/** White space standing between elements (or before the first) in raw received text, with where it stood. */
export function whitespaceBetweenElements(text: string): string[] {
  const out: string[] = [];
  const re = />(\s+)</g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(`${JSON.stringify(m[1])} after ${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 1))}`);
  const lead = /^\s+</.exec(text);
  if (lead) out.unshift(`${JSON.stringify(lead[0].slice(0, -1))} at the start`);
  return out;
}

/** RFC 3920 5.2 step 5: the TLS handshake over the same TCP connection, right after <proceed/>. */
export function handshake(c: Client, cfg: { domain: string; tls: { allowSelfSigned: boolean; caFile?: string } }): Promise<TlsInfo> {
  return c.stream.startTls({
    servername: cfg.domain,
    allowSelfSigned: cfg.tls.allowSelfSigned,
    ca: cfg.tls.caFile ? fs.readFileSync(cfg.tls.caFile, 'utf8') : undefined,
  });
}

/** A TLS record holding a fatal handshake_failure alert (RFC 5246 7.2), in the place of a ClientHello. */
export const TLS_FATAL_ALERT = Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28]);

/**
 * After bytes that are not TLS (or a failed handshake) the target answers in TLS records, not XML:
 * whatever the reader makes of them is no evidence. This waits, bounded, for the TCP connection
 * to end, looking only at the connection events (RFC 3920 5.1 rule 13, 5.2 step 7).
 */
export async function awaitTcpEnd(stream: XmppStream, ms: number): Promise<'closed' | 'reset' | 'open'> {
  const ending = (ev: InboxEvent): 'closed' | 'reset' | undefined =>
    ev.kind === 'tcp-reset' ? 'reset' : ev.kind === 'tcp-end' || ev.kind === 'tcp-closed' ? 'closed' : undefined;
  const end = await stream.until(() => {
    for (const ev of stream.unread()) {
      const r = ending(ev);
      if (r) return r;
    }
    return stream.isEnded || stream.transport.isEnded ? 'closed' : undefined;
  }, ms);
  return end ?? 'open';
}
