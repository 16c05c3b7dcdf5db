// The one SASL exchange of the peer (RFC 3920 6.2), reporting what happened instead of throwing:
// the scenarios about SASL hand the outcome to a verdict, Client.authenticate() (the set-up stage)
// turns anything but a verified <success/> into an error, and the replay player compares it.
import { conditionOf, el, NS, type XmlElement } from '../wire/element.ts';
import { b64, unb64, plain, scramSha1, digestMd5, type Mechanism } from './sasl.ts';
import type { XmppStream } from './stream.ts';

/** What an exchange runs on: a client, or any connection of the peer. */
export type SaslPeer = { stream: XmppStream };

export interface SaslOutcome {
  /** how the exchange ended */
  end: 'success' | 'failure' | 'stream-error' | 'closed' | 'no-answer';
  /** the <failure/> condition, or the stream error condition */
  condition?: string;
  element?: XmlElement;
  /** the character data of every <challenge/> and <success/> the target sent, as it arrived */
  serverData: string[];
  /** what the mechanism found wrong in the server's data (a bad signature, a malformed challenge) */
  mechanismError?: string;
  challenges: number;
}

/** The mechanisms the suite speaks, by name; `authzid` goes where the mechanism carries one. */
export function mechanismFor(name: string, user: string, password: string, domain: string, authzid?: string): Mechanism | undefined {
  if (name === 'PLAIN') return plain(user, password, authzid ?? '');
  if (name === 'SCRAM-SHA-1') return authzid ? undefined : scramSha1(user, password);
  if (name === 'DIGEST-MD5') return digestMd5(user, password, { host: domain, authzid });
  return undefined;
}

/** Wait for the next SASL element (or a stream error, or the end of the connection). */
export async function nextSaslAnswer(c: SaslPeer): Promise<{ kind: 'challenge' | 'success' | 'failure' | 'stream-error' | 'closed' | 'other'; element?: XmlElement }> {
  const ev = await c.stream.expect(
    (e) => (e.kind === 'element' && (e.element.ns === NS.sasl || e.element.is('error', NS.stream))) || e.kind === 'close' || e.kind.startsWith('tcp'),
    'a SASL <challenge/>, <success/> or <failure/>',
  );
  if (ev.kind !== 'element') return { kind: 'closed' };
  const e = ev.element;
  if (e.is('error', NS.stream)) return { kind: 'stream-error', element: e };
  for (const k of ['challenge', 'success', 'failure'] as const) if (e.is(k, NS.sasl)) return { kind: k, element: e };
  return { kind: 'other', element: e };
}


/**
 * The whole exchange: <auth/> (with the initial response, or `rawInitial` verbatim), answers to
 * challenges, until <success/>, <failure/>, a stream error or the end of the connection.
 */
export async function saslExchange(c: SaslPeer, mech: Mechanism, opts: { rawInitial?: string; abortAfterChallenge?: boolean } = {}): Promise<SaslOutcome> {
  const initial = mech.initial();
  const body = opts.rawInitial ?? (initial === undefined ? '' : b64(initial));
  c.stream.send(el('auth', { xmlns: NS.sasl, mechanism: mech.name }, ...(body === '' ? [] : [body])));
  const out: SaslOutcome = { end: 'closed', serverData: [], challenges: 0 };
  for (;;) {
    const a = await nextSaslAnswer(c);
    if (a.kind === 'challenge') {
      out.challenges++;
      out.serverData.push(a.element!.text());
      if (opts.abortAfterChallenge) {
        c.stream.send(el('abort', { xmlns: NS.sasl }));
        continue;
      }
      let answer = '';
      try {
        answer = mech.respond(unb64(a.element!.text()));
      } catch (e) {
        out.mechanismError = (e as Error).message;
        c.stream.send(el('abort', { xmlns: NS.sasl }));
        continue;
      }
      c.stream.send(el('response', { xmlns: NS.sasl }, b64(answer)));
      continue;
    }
    if (a.kind === 'success') {
      const data = a.element!.text();
      if (data.trim()) out.serverData.push(data);
      try {
        mech.verifySuccess(data.trim() ? unb64(data) : '');
      } catch (e) {
        out.mechanismError ??= (e as Error).message;
      }
      return { ...out, end: 'success', element: a.element };
    }
    if (a.kind === 'failure') return { ...out, end: 'failure', condition: conditionOf(a.element, NS.sasl), element: a.element };
    if (a.kind === 'stream-error') return { ...out, end: 'stream-error', condition: conditionOf(a.element, NS.streams), element: a.element };
    if (a.kind === 'closed') return { ...out, end: 'closed' };
    return { ...out, end: 'failure', condition: `unexpected <${a.element!.name}>`, element: a.element };
  }
}

/** A short description of an outcome for failure messages and outcome.txt. */
export function describeOutcome(o: SaslOutcome): string {
  if (o.end === 'success') return `<success/>${o.element ? `: ${o.element}` : ''}`;
  if (o.end === 'failure') return `<failure/> with ${o.condition ? `<${o.condition}/>` : 'no condition'}: ${o.element}`;
  if (o.end === 'stream-error') return `the stream error <${o.condition}/>: ${o.element}`;
  if (o.end === 'no-answer') return `no answer within the response time${o.condition ? ` (${o.condition})` : ''}`;
  return 'the connection ended';
}

/** RFC 3548 section 3: the base64 alphabet, padded to a multiple of four; '=' alone is RFC 3920's empty data. */
export function isBase64(s: string): boolean {
  const t = s.trim();
  if (t === '=' || t === '') return true;
  return t.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(t);
}

/**
 * Up to `n` SASL exchanges in a row on one connection, each made by `exchange(i)`, fewer when the
 * target ends the connection first; `after` sees each outcome as it comes (a judge may fail there).
 */
export async function exchangesInARow(c: SaslPeer, n: number, exchange: (i: number) => Promise<SaslOutcome>, after?: (o: SaslOutcome) => void): Promise<SaslOutcome[]> {
  const all: SaslOutcome[] = [];
  for (let i = 0; i < n; i++) {
    const o = await exchange(i);
    all.push(o);
    after?.(o);
    if (o.end === 'closed' || o.end === 'stream-error' || c.stream.isEnded) break;
  }
  return all;
}
