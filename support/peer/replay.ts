// The replay player: a scripted peer that plays a reproducer (support/report/reproducer.ts)
// against a target: every connection the peer opened, concurrently, step by step, with the
// peer's bounded wait (XmppStream.until) and its one SASL exchange (saslExchange). A replay is evidence, not a
// verdict: it reports, per connection, whether what the target sent now has the same shape
// (element names, error conditions; ids and random values ignored) as what was recorded.
import fs from 'node:fs';
import { Transport } from '../wire/transport.ts';
import { StreamReader, type ReaderEvent } from '../wire/reader.ts';
import { NS, type XmlElement } from '../wire/element.ts';
import { XmppStream, describe, type InboxEvent } from './stream.ts';
import type { Mechanism } from './sasl.ts';
import { mechanismFor, saslExchange, type SaslOutcome } from './auth.ts';
import { mechanismsOf } from './client.ts';
import { secretsOf, type Account, type Config } from '../config.ts';
import { ExpectationFailed, TargetUnreachable } from '../errors.ts';
import type { Reproducer, ReproducerConnection } from '../report/reproducer.ts';

export interface ConnectionResult {
  label: string;
  kind: ReproducerConnection['kind'];
  verdict: 'same' | 'differs' | 'not replayed';
  /** the first difference, or why it was not replayed */
  difference?: string;
  /** recorded vs live, step by step */
  log: string[];
  /** the live connection, in the form of Transcript.render() */
  transcript: string;
}

type Unit = ReaderEvent | InboxEvent;
const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}...` : s);

/** The units compared: stream headers, top-level elements, the closing tag, anything unparseable. */
function counts(ev: Unit): boolean {
  if (ev.kind === 'text') return ev.text.trim() !== '';
  return ev.kind !== 'xmldecl' && !ev.kind.startsWith('tcp');
}

function conditions(e: XmlElement): string[] {
  return e.elements().filter((c) => c.local !== 'text').map((c) => c.local);
}

/** The shape of one unit: its name and namespace, and the condition children of any error or failure. */
export function signature(ev: Unit): string {
  switch (ev.kind) {
    case 'header':
      return `stream header <${ev.element.local}>`;
    case 'element': {
      const e = ev.element;
      const parts = [`<${e.local} xmlns='${e.ns}'${e.attr('type') === 'error' ? " type='error'" : ''}>`];
      if (e.local === 'error' || e.local === 'failure') parts.push(conditions(e).map((c) => `<${c}/>`).join(''));
      const err = e.elements().find((c) => c.local === 'error');
      if (err && e.attr('type') === 'error') parts.push(`error ${conditions(err).map((c) => `<${c}/>`).join('')}`);
      return parts.filter(Boolean).join(' ');
    }
    case 'close':
      return '</stream:stream>';
    case 'xml-error':
      return 'XML that is not well-formed';
    default:
      return ev.kind;
  }
}

function boundary(s: string): RegExp {
  return new RegExp(`(?<![\\w.-])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g');
}

function accountFor(conn: ReproducerConnection, cfg: Config): Account | undefined {
  return cfg.accounts.find((a) => a.user === conn.account) ?? (conn.account !== undefined ? cfg.accounts[conn.accountIndex ?? 0] : undefined);
}

function replayMechanism(name: string, account: Account, cfg: Config): Mechanism {
  // a mechanism the suite does not speak: the <auth/> goes out empty, as recorded bytes could not say more
  return mechanismFor(name, account.user, account.password, cfg.domain) ?? { name, initial: () => undefined, respond: () => '', verifySuccess: () => undefined };
}

/**
 * The SASL step, performed live with the peer's SASL exchange, as the reproducer writes its
 * result: 'success', 'failure:<condition>' (or 'failure'), or what came instead.
 */
async function saslResult(stream: XmppStream, mech: Mechanism, ms: number): Promise<string> {
  // the exchange reads the inbox, which the replay otherwise leaves alone: only the connection's end is kept
  for (const ev of stream.drain().reverse()) if (ev.kind.startsWith('tcp')) stream.putBack(ev);
  let o: SaslOutcome;
  try {
    o = await saslExchange({ stream }, mech);
  } catch (e) {
    if (!(e instanceof ExpectationFailed)) throw e;
    if (stream.taint) return `not a SASL answer: ${clip(stream.taint, 200)}`;
    return stream.isEnded ? 'the connection ended' : `no answer within ${ms} ms`;
  }
  if (o.mechanismError && o.end !== 'success') return `a challenge the client refused (${o.mechanismError})`;
  if (o.end === 'success') return 'success';
  if (o.end === 'stream-error') return `not a SASL answer: ${clip(o.element!.toString().slice(0, 400), 200)}`;
  if (o.end !== 'failure') return 'the connection ended';
  if (!o.element!.is('failure', NS.sasl)) return `<${o.element!.local}/>`;
  return o.condition ? `failure:${o.condition}` : 'failure';
}

async function replayConnection(r: Reproducer, conn: ReproducerConnection, cfg: Config): Promise<ConnectionResult> {
  const log: string[] = [];
  const result: ConnectionResult = { label: conn.label, kind: conn.kind, verdict: 'same', log, transcript: '' };
  const differ = (what: string) => {
    log.push(`  !! ${what}`);
    if (result.verdict === 'same') {
      result.verdict = 'differs';
      result.difference = what;
    }
  };
  const account = conn.kind === 'c2s' ? accountFor(conn, cfg) : undefined;
  // the recording's domains and user become the replay config's
  const rewrites: Array<[RegExp, string]> = [];
  if (conn.account && account && conn.account !== account.user) rewrites.push([boundary(`${conn.account}@${r.recorded.domain}`), `${account.user}@${cfg.domain}`]);
  if (r.recorded.domain !== cfg.domain) rewrites.push([boundary(r.recorded.domain), cfg.domain]);
  if (r.recorded.peerDomain !== cfg.peer.domain) rewrites.push([boundary(r.recorded.peerDomain), cfg.peer.domain]);
  const rewrite = (s: string) => rewrites.reduce((t, [re, to]) => t.replace(re, to), s);
  if (rewrites.length) log.push(`  (sent bytes rewritten: ${r.recorded.domain} -> ${cfg.domain}${account && conn.account !== account.user ? `, ${conn.account} -> ${account.user}` : ''})`);

  const where = conn.kind === 'c2s' ? cfg.c2s : cfg.s2s;
  if (!where) throw new TargetUnreachable(`the reproducer has a server-to-server connection (${conn.label}), but the config names no s2s host:port: set s2s in the config`);
  const transport = await Transport.connect(where.host, where.port, cfg.timeouts.connectMs);
  const stream = new XmppStream(transport, {
    label: conn.label,
    responseMs: cfg.timeouts.responseMs,
    quietMs: cfg.timeouts.quietMs,
    secrets: secretsOf(cfg),
    contentNs: conn.kind === 'c2s' ? NS.client : NS.server,
  });
  const live: Unit[] = [];
  let consumed = 0;
  stream.observers.push((ev) => counts(ev) && live.push(ev));
  /** wait, bounded, until `n` unconsumed units arrived or the connection ended; at the bound the caller compares what arrived */
  const waitFor = (n: number, ms: number) => stream.until(() => (live.length - consumed >= n || stream.isEnded ? true : undefined), ms);
  const extras = (when: string) => {
    const more = live.slice(consumed);
    consumed = live.length;
    if (more.length) differ(`${when}, the target sent what the recording does not have: ${more.map(describe).map((d) => clip(d, 200)).join(' ')}`);
  };
  const recorded: Unit[] = [];
  const rec = new StreamReader((ev) => {
    if (counts(ev)) recorded.push(ev);
  });
  let lastFeatures: XmlElement | undefined;

  try {
    let n = 0;
    for (const step of conn.steps) {
      n++;
      if ('send' in step) {
        const text = rewrite(step.send);
        log.push(`#${n} send ${clip(text)}`);
        stream.sendRaw(text);
      } else if ('recv' in step) {
        const before = recorded.length;
        rec.write(step.recv);
        const want = recorded.slice(before);
        log.push(`#${n} recv recorded: ${clip(step.recv)}`);
        if (want.length === 0) continue; // the rest of an element arrives in a later chunk
        await waitFor(want.length, cfg.timeouts.responseMs);
        const got = live.slice(consumed, consumed + want.length);
        consumed += got.length;
        for (const g of got) if (g.kind === 'element' && g.element.local === 'features') lastFeatures = g.element;
        log.push(`     live:     ${got.length ? got.map(describe).map((d) => clip(d, 300)).join(' ') : `nothing within ${cfg.timeouts.responseMs} ms${stream.isEnded ? ' (the connection ended)' : ''}`}`);
        for (let k = 0; k < want.length; k++) {
          const w = signature(want[k]!);
          const g = got[k];
          if (!g) {
            differ(`step #${n}: recorded ${w}, live ${stream.isEnded ? 'the connection ended' : `nothing within ${cfg.timeouts.responseMs} ms`}`);
            break;
          }
          if (signature(g) !== w) {
            differ(`step #${n}: recorded ${w}, live ${signature(g)}`);
            break;
          }
        }
      } else if ('tls' in step) {
        extras(`before the TLS handshake (step #${n})`);
        log.push(`#${n} tls  (TLS handshake)`);
        try {
          await stream.startTls({ servername: cfg.domain, allowSelfSigned: cfg.tls.allowSelfSigned, ca: cfg.tls.caFile ? fs.readFileSync(cfg.tls.caFile, 'utf8') : undefined });
        } catch (e) {
          differ(`step #${n}: the TLS handshake failed: ${(e as Error).message.split('\n')[0]}`);
          break;
        }
        stream.restart();
        rec.reset();
      } else if ('auth' in step) {
        extras(`before the SASL exchange (step #${n})`);
        if (!account) {
          differ(`step #${n}: SASL ${step.auth}: the config has no account for '${conn.account ?? '(none recorded)'}'`);
          break;
        }
        const offered = mechanismsOf(lastFeatures);
        const liveResult = await saslResult(stream, replayMechanism(step.auth, account, cfg), cfg.timeouts.responseMs);
        // the exchange took its answers from the inbox; what else arrived meanwhile is compared as extras
        const during = live.slice(consumed).filter((u) => !(u.kind === 'element' && (u.element.ns === NS.sasl || u.element.is('error', NS.stream))));
        consumed = live.length;
        log.push(`#${n} auth ${step.auth} as ${account.user}${offered.length && !offered.includes(step.auth) ? ` (the target now offers ${offered.join(', ')})` : ''}: recorded ${step.result ?? 'no answer'}, live ${liveResult}`);
        if ((step.result ?? 'no answer') !== liveResult) differ(`step #${n}: SASL ${step.auth}: recorded ${step.result ?? 'no answer'}, live ${liveResult}`);
        if (during.length) differ(`during the SASL exchange (step #${n}), the target sent what the recording does not have: ${during.map(describe).map((d) => clip(d, 200)).join(' ')}`);
        if (liveResult === 'success') {
          stream.restart();
          rec.reset();
        }
      } else {
        log.push(`#${n} note (recorded) ${step.note}`);
      }
    }
    // what the target sends after the last recorded step: waited for one quiet window
    await waitFor(1, cfg.timeouts.quietMs);
    extras('after the last recorded step');
  } finally {
    stream.destroy();
    result.transcript = stream.transcript.render();
  }
  return result;
}

/**
 * Replay every connection the peer opened, concurrently. Throws TargetUnreachable when a
 * connection cannot be opened (nothing else is decided then).
 */
export async function replay(r: Reproducer, cfg: Config): Promise<ConnectionResult[]> {
  const runs = r.connections.map((c) =>
    c.kind === 'target-opened'
      ? Promise.resolve<ConnectionResult>({ label: c.label, kind: c.kind, verdict: 'not replayed', difference: 'the target opened it (listed for information)', log: [], transcript: '' })
      : replayConnection(r, c, cfg),
  );
  const settled = await Promise.allSettled(runs);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<ConnectionResult>).value);
}

/** The printed report: per connection the steps (recorded vs live) and the live transcript, then one line each. */
export function renderReplay(r: Reproducer, results: ConnectionResult[], cfg: Config): string {
  const out: string[] = [];
  out.push(`replay of: ${r.scenario}`);
  out.push(`requirements: ${r.requirements.join(', ')}`);
  out.push(`recorded ${r.recorded.at} against ${r.recorded.domain}; failure then: ${clip(r.failure.split('\n')[0] ?? '', 400)}`);
  out.push(`replayed against ${cfg.domain} (c2s ${cfg.c2s.host}:${cfg.c2s.port}${cfg.s2s ? `, s2s ${cfg.s2s.host}:${cfg.s2s.port}` : ''})`);
  for (const res of results) {
    const conn = r.connections.find((c) => c.label === res.label);
    out.push('');
    out.push(`=== ${res.label} (${res.kind}${conn?.account ? `, account ${conn.account}` : ''})`);
    if (res.kind === 'target-opened') {
      out.push('  opened by the target during the recording; not replayed. Recorded steps:');
      for (const s of conn?.steps ?? []) out.push(`  ${clip(JSON.stringify(s), 300)}`);
      continue;
    }
    out.push(...res.log);
    out.push(`--- live transcript of ${res.label}`);
    out.push(res.transcript || '(nothing was exchanged)');
  }
  out.push('');
  out.push('summary (a replay is evidence, not a verdict):');
  for (const res of results) out.push(`${res.label}: ${res.verdict}${res.difference && res.verdict !== 'same' ? `: ${res.difference}` : ''}`);
  return out.join('\n');
}
