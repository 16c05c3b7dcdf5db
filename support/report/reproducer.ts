// The reproducer of a failed scenario: the exact bytes the peer sent and received on every
// connection it opened, as steps `npm run replay -- FILE` plays against a target. Built from the
// redacted transcripts (nothing unredacted is ever read here); a redacted SASL exchange becomes
// one { auth } step, performed live at replay with the replay config's account.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { REDACTED, type Direction } from '../wire/transcript.ts';

export const SCHEMA_ID = 'xmpp-core-conformance/reproducer/1';

/** characters of step text kept per connection: small enough to paste into a bug tracker */
export const MAX_CONNECTION_CHARS = 64 * 1024;

export const StepSchema = z.union([
  z.strictObject({ send: z.string() }),
  z.strictObject({ recv: z.string() }),
  z.strictObject({ tls: z.literal(true) }),
  /** a SASL exchange, redacted in the record: replay authenticates live with this mechanism */
  z.strictObject({ auth: z.string().min(1), result: z.string().optional() }),
  /** information only (how the connection ended, a silence proof, a limit) */
  z.strictObject({ note: z.string() }),
]);
export type Step = z.infer<typeof StepSchema>;

export const ConnectionSchema = z.strictObject({
  label: z.string(),
  kind: z.enum(['c2s', 's2s', 'target-opened']),
  /** c2s: the user of the account the connection used (never its password) */
  account: z.string().optional(),
  /** c2s: that account's place in the recording config's account list, for a config with other users */
  accountIndex: z.number().int().min(0).optional(),
  steps: z.array(StepSchema),
  /** the connection's text passed MAX_CONNECTION_CHARS: the steps stop there */
  truncated: z.boolean().optional(),
});
export type ReproducerConnection = z.infer<typeof ConnectionSchema>;

export const ReproducerSchema = z.strictObject({
  schema: z.literal(SCHEMA_ID),
  scenario: z.string(),
  requirements: z.array(z.string()),
  failure: z.string(),
  recorded: z.strictObject({
    at: z.string(),
    /** the target's domain and the peer's domain at recording: replay rewrites them to its config's */
    domain: z.string(),
    peerDomain: z.string(),
    tlsPolicy: z.string(),
  }),
  connections: z.array(ConnectionSchema),
});
export type Reproducer = z.infer<typeof ReproducerSchema>;

/** What buildReproducer reads of a world: XmppWorld has it, and so can a synthetic test object. */
export interface TranscriptLike {
  exchanges(): Array<{ dir: Direction; text: string }>;
  readonly startedAt?: number;
}
export interface StreamLike {
  readonly label: string;
  readonly transcript: TranscriptLike;
}
export interface WorldLike {
  readonly cfg: { domain: string; peer: { domain: string }; tls: { policy: string }; accounts: Array<{ user: string }> };
  readonly secrets: string[];
  readonly streams: readonly StreamLike[];
  readonly clients: ReadonlyMap<string, { stream: StreamLike; account: { user: string } }>;
  readonly ledger: { entries: ReadonlyArray<{ initiator: 'peer' | 'target'; stream: StreamLike }> };
}

const SASL_NS = 'urn:ietf:params:xml:ns:xmpp-sasl';
const AUTH_RE = /<(?:[\w.-]+:)?auth\b[^>]*\bmechanism=(['"])([^'"]*)\1[^>]*>/;
const SASL_END_RE = /<(?:([\w.-]+):)?(success|failure)\b[^>]*?(\/>|>)/;

/**
 * The first SASL <success>/<failure> received at or after line `from`: the line and offset where
 * it ends (it may be split over several received segments), and what it said.
 */
function saslEnd(lines: Array<{ dir: Direction; text: string }>, from: number): { line: number; end: number; result: string } | undefined {
  // the received text from `from` on, as one string, with where each line begins in it
  const idx: number[] = [];
  const starts: number[] = [];
  let joined = '';
  for (let j = from; j < lines.length; j++) {
    if (lines[j]!.dir !== 'recv') continue;
    idx.push(j);
    starts.push(joined.length);
    joined += lines[j]!.text;
  }
  const re = new RegExp(SASL_END_RE.source, 'g');
  for (let m = re.exec(joined); m; m = re.exec(joined)) {
    if (m[0].includes('xmlns') && !m[0].includes(SASL_NS)) continue;
    const local = m[2]!;
    const prefix = m[1] ? `${m[1]}:` : '';
    let end = m.index + m[0].length;
    let inner = '';
    if (m[3] === '>') {
      const closeTag = `</${prefix}${local}>`;
      const close = joined.indexOf(closeTag, end);
      inner = joined.slice(end, close < 0 ? joined.length : close);
      end = close < 0 ? joined.length : close + closeTag.length;
    }
    const condition = local === 'failure' ? /<([\w-]+)[\s/>]/.exec(inner.replace(/<text\b[\s\S]*?(<\/text>|\/>)/g, ''))?.[1] : undefined;
    // the line holding the last character of the element
    let k = starts.length - 1;
    while (k > 0 && starts[k]! >= end) k--;
    return { line: idx[k]!, end: end - starts[k]!, result: condition ? `failure:${condition}` : local };
  }
  return undefined;
}

/**
 * Turn one transcript into steps: 'sent' -> send, 'recv' -> recv, the TLS note -> tls, other
 * notes (how the connection ended, silence proofs) -> note. A SASL exchange whose payload was
 * redacted, from the <auth mechanism='X'> sent through the <success/> or <failure/> received,
 * becomes one { auth: X }. An exchange with nothing redacted stays verbatim: those are exact bytes.
 */
export function stepsOf(lines: Array<{ dir: Direction; text: string }>): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.dir === 'note') {
      if (line.text === 'TLS handshake begins') steps.push({ tls: true });
      else if (!line.text.startsWith('TLS established') && !line.text.startsWith('connection ')) steps.push({ note: line.text });
      i++;
      continue;
    }
    if (line.dir === 'sent') {
      const auth = AUTH_RE.exec(line.text);
      if (auth) {
        // the end of the exchange: the first <success/> or <failure/> received after it
        const end = saslEnd(lines, i + 1);
        const last = end ? end.line : lines.length - 1;
        const range = lines.slice(i, last + 1);
        if (range.some((l) => l.dir !== 'note' && l.text.includes(REDACTED))) {
          const before = line.text.slice(0, auth.index);
          if (before) steps.push({ send: before });
          steps.push(end ? { auth: auth[2]!, result: end.result } : { auth: auth[2]! });
          if (end) {
            const rest = lines[last]!.text.slice(end.end);
            if (rest) steps.push({ recv: rest });
          }
          i = last + 1;
          continue;
        }
      }
      steps.push({ send: line.text });
      i++;
      continue;
    }
    steps.push({ recv: line.text });
    i++;
  }
  return steps;
}

/** Cap the text of one connection's steps at `max` characters; says where it stopped. */
export function capSteps(steps: Step[], max = MAX_CONNECTION_CHARS): { steps: Step[]; truncated: boolean } {
  const out: Step[] = [];
  let used = 0;
  for (let k = 0; k < steps.length; k++) {
    const s = steps[k]!;
    const text = 'send' in s ? s.send : 'recv' in s ? s.recv : undefined;
    if (text === undefined || used + text.length <= max) {
      out.push(s);
      used += text?.length ?? 0;
      continue;
    }
    const room = max - used;
    if (room > 0) out.push('send' in s ? { send: text.slice(0, room) } : { recv: text.slice(0, room) });
    const dropped = text.length - room + steps.slice(k + 1).reduce((n, r) => n + ('send' in r ? r.send.length : 'recv' in r ? r.recv.length : 0), 0);
    out.push({ note: `${dropped} more characters not included (reproducer limit ${max} characters per connection); replay stops here` });
    return { steps: out, truncated: true };
  }
  return { steps: out, truncated: false };
}

/** Replace every configured secret (and nothing else) in every string of a JSON value. */
export function scrubSecrets<T>(value: T, secrets: string[]): T {
  const list = secrets.filter((x) => x.length >= 3);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return list.reduce((s, secret) => s.split(secret).join(REDACTED), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

export function buildReproducer(world: WorldLike, scenarioName: string, requirementIds: string[], failureMessage: string): Reproducer {
  const accountOf = new Map<StreamLike, string>();
  for (const c of world.clients.values()) accountOf.set(c.stream, c.account.user);
  type Opened = { stream: StreamLike; kind: 'c2s' | 's2s' | 'target-opened'; seq: number };
  const opened: Opened[] = [];
  let seq = 0;
  for (const s of world.streams) opened.push({ stream: s, kind: 'c2s', seq: seq++ });
  for (const e of world.ledger.entries) {
    if (world.streams.includes(e.stream)) continue;
    opened.push({ stream: e.stream, kind: e.initiator === 'peer' ? 's2s' : 'target-opened', seq: seq++ });
  }
  // in the order they were opened; the listing order breaks ties (and orders streams without a start time)
  opened.sort((a, b) => (a.stream.transcript.startedAt ?? 0) - (b.stream.transcript.startedAt ?? 0) || a.seq - b.seq);
  const connections: ReproducerConnection[] = opened.map(({ stream, kind }) => {
    const { steps, truncated } = capSteps(stepsOf(stream.transcript.exchanges()));
    const conn: ReproducerConnection = { label: stream.label, kind, steps };
    if (kind === 'c2s') {
      const user = accountOf.get(stream);
      if (user !== undefined) {
        conn.account = user;
        const idx = world.cfg.accounts.findIndex((a) => a.user === user);
        if (idx >= 0) conn.accountIndex = idx % 2;
      }
    }
    if (truncated) conn.truncated = true;
    return conn;
  });
  const r: Reproducer = {
    schema: SCHEMA_ID,
    scenario: scenarioName,
    requirements: requirementIds,
    failure: failureMessage,
    recorded: { at: new Date().toISOString(), domain: world.cfg.domain, peerDomain: world.cfg.peer.domain, tlsPolicy: world.cfg.tls.policy },
    connections,
  };
  return ReproducerSchema.parse(scrubSecrets(r, world.secrets));
}

export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80)
      .replace(/-+$/, '') || 'scenario'
  );
}

/** reports/reproducers/<slug>.json; returns the path written. */
export function writeReproducer(r: Reproducer, reportsDir = process.env.XMPP_REPORTS_DIR ?? 'reports'): string {
  const dir = path.join(reportsDir, 'reproducers');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${slug(r.scenario)}.json`);
  fs.writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

/** The After hook's part: for a FAILED scenario, attach the reproducer and write it under reports/. */
export function reproduceFailure(
  world: WorldLike & { attach(data: string, opts: { mediaType: string; fileName: string }): void },
  pickle: { name: string; tags: ReadonlyArray<{ name: string }> },
  result: { status: string; message?: string } | undefined,
): void {
  if (result?.status !== 'FAILED') return;
  const ids = pickle.tags.map((t) => t.name).filter((t) => t.startsWith('@req:')).map((t) => t.slice(5));
  // the message without the stack trace: what the draft demands and what arrived
  const message = (result.message ?? '').split('\n').filter((l) => !/^\s+at /.test(l)).join('\n').trim().replace(/^\w*Error(?: \[\w+\])?: /, '');
  const r = buildReproducer(world, pickle.name, ids, message);
  world.attach(JSON.stringify(r, null, 2), { mediaType: 'application/json', fileName: 'reproducer.json' });
  writeReproducer(r);
}
