// Before any scenario: can the suite reach the target and log in with the configured accounts?
// Step by step (TCP connect, stream header, features, STARTTLS, SASL, bind), the answer is one
// line naming the first step that failed, what the target did instead, and what to fix. When
// the target cannot be reached at all, every scenario is then reported broken at once instead of
// each waiting out its own timeouts.
import { z } from 'zod';
import { Client } from './client.ts';
import type { XmppStream } from './stream.ts';
import { el, NS } from '../wire/element.ts';
import { secretsOf, type Config } from '../config.ts';
import { ExpectationFailed, TargetUnreachable, Undecided } from '../errors.ts';

export const STEPS = ['TCP connect', 'stream header', 'features', 'STARTTLS', 'SASL', 'bind', 'software version', 'second account'] as const;
export type Step = (typeof STEPS)[number];

export const PreflightSchema = z.object({
  ok: z.boolean(),
  /** 'unreachable': no TCP or no stream at all; 'setup': reachable but an account or TLS setting is wrong */
  problem: z.enum(['unreachable', 'setup']).optional(),
  /** the first step that failed */
  step: z.enum(STEPS).optional(),
  message: z.string().optional(),
  software: z.object({ name: z.string(), version: z.string().optional(), os: z.string().optional() }).optional(),
  offered: z.object({ starttls: z.boolean(), mechanisms: z.array(z.string()) }).optional(),
  transcript: z.string(),
});
export type Preflight = z.infer<typeof PreflightSchema>;

/** A failed attempt, and whether the target itself ended it (closed, reset, <internal-server-error/>): worth one more try. */
type Attempt = Preflight & { endedByTarget?: boolean };

/**
 * One check of the target before the scenarios. A target that ends the check's set-up with
 * <internal-server-error/>, or by closing the connection, gets one more try on new connections;
 * the transcript of the first try is kept in front of the second's.
 */
export async function preflight(cfg: Config): Promise<Preflight> {
  const { endedByTarget, ...first } = await preflightOnce(cfg);
  if (first.ok || first.problem !== 'setup' || !endedByTarget) return first;
  const { endedByTarget: _, ...second } = await preflightOnce(cfg);
  const how = first.transcript.includes('<internal-server-error') ? 'with <internal-server-error/>' : 'by closing the connection';
  return { ...second, transcript: `${first.transcript}\n-- the target ended the set-up ${how}; tried once more on a new connection\n${second.transcript}` };
}

/** Where a step began on a stream: what the target sends from then on is what the step got. */
interface Mark {
  stream: XmppStream;
  received: number;
  timeline: number;
  lines: number;
}
const markOf = (stream: XmppStream): Mark => ({ stream, received: stream.received.length, timeline: stream.timeline.length, lines: stream.transcript.lines.length });

const short = (s: string, max = 140) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** What the target did since the step began: what it sent, then how the connection ended (or that nothing came). */
export function whatArrived(m: Mark, waitedMs: number): { text: string; ended: boolean } {
  const s = m.stream;
  if (s.taint) {
    if (s.taint.startsWith('XML the peer could not parse')) return { text: `the target sent ${s.taint.replace('the peer', 'the suite')}`, ended: false };
    return { text: `the target sent ${short(s.taint, 80)}, which no XMPP stream may carry (RFC 3920 11.1)`, ended: false };
  }
  const got = s.received.slice(m.received).map((r) => (r.kind === 'header' ? 'its stream header' : short(r.element.toString())));
  const since = s.timeline.slice(m.timeline);
  const ends = since.filter((t) => t.kind === 'tcp-reset' || t.kind === 'tcp-end' || t.kind === 'tcp-closed');
  const closed = since.some((t) => t.kind === 'close');
  const how = ends.some((t) => t.kind === 'tcp-reset') ? 'reset the TCP connection' : ends.length ? `closed the TCP connection${closed ? " (after '</stream:stream>')" : ''}` : undefined;
  if (!got.length) {
    // nothing in this step: say what came before it, if anything (a header, then a close)
    const before = s.received[m.received - 1];
    const prior = before ? (before.kind === 'header' ? 'its stream header' : short(before.element.toString(), 80)) : undefined;
    // bytes that make no whole element yet (a target that sends slowly, or stops mid-element)
    const partial = s.transcript.lines.slice(m.lines).filter((l) => l.dir === 'recv').map((l) => l.text).join('');
    const then = partial ? `only ${partial.length} byte(s) of an unfinished element (${JSON.stringify(short(partial, 40))})` : 'nothing';
    if (how) return { text: prior ? `the target sent ${prior}, then ${partial ? `${then}, then ` : ''}${how}` : partial ? `the target sent ${then}, then ${how}` : `the target ${how} without sending anything`, ended: true };
    return { text: `the target sent ${prior ? `${prior}, then ` : ''}${then} within ${waitedMs} ms`, ended: false };
  }
  return { text: `the target sent ${got.join(', ')}${how ? `, then ${how}` : ''}`, ended: !!how || got.some((g) => g.includes('internal-server-error')) };
}

/** The certificate problem named in words, and the config field that fixes it (Node's authorizationError codes). */
export function certificateProblem(code: string, domain: string): string {
  const fix = 'set tls.caFile to the PEM file of the CA that issued it, or tls.allowSelfSigned to true';
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT') return `its certificate is self-signed (${code}): ${fix}`;
  if (code === 'CERT_HAS_EXPIRED') return `its certificate has expired (${code}): renew it, or set tls.allowSelfSigned to true`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altname|hostname/i.test(code)) return `its certificate does not name '${domain}' (${code}): set domain to the name the certificate is for, or tls.allowSelfSigned to true`;
  return `its certificate does not chain to a trusted CA (${code}): ${fix}`;
}

class StepFailed extends Error {
  constructor(
    readonly step: Step,
    readonly problem: 'unreachable' | 'setup',
    message: string,
    readonly endedByTarget = false,
  ) {
    super(`${step} failed: ${message}`);
  }
}

async function preflightOnce(cfg: Config): Promise<Attempt> {
  const secrets = secretsOf(cfg);
  const wait = cfg.timeouts.responseMs;
  const at = `${cfg.c2s.host}:${cfg.c2s.port}`;
  let client: Client | undefined;
  let second: Client | undefined;
  /** run one step; anything it throws becomes that step's one line */
  const step = async <T>(name: Step, stream: XmppStream, problem: 'unreachable' | 'setup', fn: () => Promise<T>, explain: (arrived: string, e: unknown) => string = (a) => a): Promise<T> => {
    const m = markOf(stream);
    try {
      return await fn();
    } catch (e) {
      if (e instanceof StepFailed) throw e;
      const a = whatArrived(m, wait);
      // an untrusted certificate or a socket error: nothing can be talked to, so every scenario is broken at once
      const verdict = e instanceof ExpectationFailed || e instanceof Undecided;
      const unreachable = e instanceof TargetUnreachable || (!verdict && typeof (e as NodeJS.ErrnoException)?.code === 'string');
      throw new StepFailed(name, unreachable ? 'unreachable' : problem, explain(a.text, e), a.ended);
    }
  };
  const authenticate = async (cl: Client, i: number, name: Step): Promise<void> => {
    const who = `as '${cl.account.user}' (accounts[${i}])`;
    let mech = '';
    await step(name, cl.stream, 'setup', async () => {
      const m = cl.pickMechanism();
      mech = m.name;
      await cl.authenticate(m);
    }, (a, e) => {
      const msg = String((e as Error)?.message ?? e).split('\n')[0]!;
      if (e instanceof Undecided && /offers no SASL mechanism/.test(msg)) return `SASL: ${msg}`;
      const cond = /failed with (<[^>]+>)/.exec(msg)?.[1];
      if (cond) return `SASL ${mech} ${who} was refused with ${cond}: check that ${cl.account.user}@${cfg.domain} exists with the password in accounts[${i}]`;
      return `SASL ${mech} ${who}: ${a}`;
    });
  };
  try {
    try {
      client = await Client.connect(cfg, cfg.accounts[0]!, 'preflight', secrets);
    } catch (e) {
      const why = String((e as Error).message).replace(/^cannot reach [^:]+:\d+: /, '');
      throw new StepFailed('TCP connect', 'unreachable', `${at}: ${why}: is the server running, and are c2s.host and c2s.port right?`);
    }
    const c = client;
    const s = c.stream;
    const header = await step('stream header', s, 'unreachable', async () => {
      s.openStream({ to: cfg.domain });
      return s.expectHeader();
    }, (a) => (/^the target sent (nothing|only)/.test(a) ? `${at} accepts TCP but ${a.replace(/^the target /, '')} in answer to a stream header for '${cfg.domain}': is it an XMPP c2s port (c2s.port), and is domain right?` : a));
    c.streamIds.push(header.attr('id'));
    c.stage = 'header';
    c.features = await step('features', s, 'unreachable', () => s.expectFeatures(), (a) => `${a}; expected <stream:features/>`);
    c.stage = 'features';
    const offered = { starttls: !!c.features.child('starttls', NS.tls), mechanisms: c.mechanisms };
    await step('STARTTLS', s, 'setup', () => c.starttls(), (a, e) => {
      const msg = String((e as Error)?.message ?? e).split('\n')[0]!;
      const code = /certificate is not trusted \(([^)]+)\)/.exec(msg)?.[1];
      if (code) return certificateProblem(code, cfg.domain);
      if (/does not offer STARTTLS/.test(msg)) return `the target does not offer STARTTLS, but tls.policy is '${cfg.tls.policy}': set tls.policy to 'none' if the server has no TLS`;
      if (/TLS handshake/.test(msg)) return msg.replace(/^.*?(the TLS handshake)/, '$1');
      return a;
    });
    await authenticate(c, 0, 'SASL');
    await step('bind', s, 'setup', async () => {
      await c.bind();
      await c.session();
    }, (a) => `${a}; expected a bound resource (RFC 3920 7)`);
    const id = 'preflight-version';
    const software = await step('software version', s, 'setup', async () => {
      s.send(el('iq', { type: 'get', id, to: cfg.domain }, el('query', { xmlns: NS.version })));
      const answer = await s.answerTo(id, 'the jabber:iq:version answer');
      const q = answer.child('query', NS.version);
      const name = q?.child('name', NS.version)?.text().trim();
      return name ? { name, version: q?.child('version', NS.version)?.text().trim(), os: q?.child('os', NS.version)?.text().trim() } : undefined;
    }, (a) => `${a}; expected an answer to a jabber:iq:version request (any IQ get must be answered, RFC 3920 9.2.3)`);
    s.close();
    // the second account must log in too: routing scenarios need a recipient
    try {
      second = await Client.connect(cfg, cfg.accounts[1]!, 'preflight-2', secrets);
    } catch (e) {
      throw new StepFailed('second account', 'setup', `a second connection to ${at} failed: ${String((e as Error).message)}`);
    }
    const s2 = second;
    await step('second account', s2.stream, 'setup', () => s2.negotiate('tls'));
    await authenticate(s2, 1, 'second account');
    s2.stream.close();
    return { ok: true, software, offered, transcript: done(c) };

  } catch (e) {
    const transcript = [client, second].filter((x): x is Client => !!x).map(done).join('\n');
    if (e instanceof StepFailed) return { ok: false, problem: e.problem, step: e.step, message: e.message, transcript, endedByTarget: e.endedByTarget };
    // not a step's failure: the suite's own fault, said as it is
    return { ok: false, problem: e instanceof TargetUnreachable ? 'unreachable' : 'setup', message: `the preflight check failed: ${firstLine(e)}`, transcript };
  } finally {
    second?.stream.destroy();
  }
}

function done(client: Client): string {
  client.stream.destroy();
  return client.stream.transcript.render();
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}
