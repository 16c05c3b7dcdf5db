// Everything a user sets, in one zod schema. Read from a JSON file, then environment overrides
// (XMPP_TARGET_DOMAIN, XMPP_C2S_PORT, ...). Every problem is reported at once, each on its own
// line naming the field to fix, so that a config with three mistakes takes one run to fix.
import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const hostPort = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});

/** one peer of the suite: its two domains and its listener */
const lane = z.strictObject({ domain: z.string().min(1), secondDomain: z.string().min(1), listen: hostPort });

const account = z.strictObject({
  user: z.string().min(1),
  password: z.string().min(1),
});

export const ConfigSchema = z
  .object({
    /** the domain the target serves (the 'to' of every stream header) */
    domain: z.string().min(1),
    c2s: hostPort,
    /** the target's s2s port; without it the server-to-server scenarios are not applicable */
    s2s: hostPort.extend({
      /** false: the target does not implement server dialback (optional, RFC 3920 12.1): section 8 scenarios are skipped */
      dialback: z.boolean().default(true),
    }).strict().optional(),
    tls: z
      .strictObject({
        /** required: the target must require STARTTLS; optional: offered, not required; none: not offered */
        policy: z.enum(['required', 'optional', 'none']).default('required'),
        /** accept a certificate that does not chain to a trusted CA: an explicit switch, off by default */
        allowSelfSigned: z.boolean().default(false),
        /** a PEM file of a CA to trust for the target's certificate */
        caFile: z.string().optional(),
      })
      .prefault({}),
    /**
     * At least two accounts: stanza routing needs a sender and a recipient. Per worker, pairs. Or
     * how many to create by in-band registration (XEP-0077) for this run and remove after it.
     */
    accounts: z.union([
      z.array(account).min(2, 'needs at least two accounts (a sender and a recipient)'),
      z.number().int().min(2, 'register at least two accounts (a sender and a recipient)').max(32, 'register at most 32 accounts'),
    ]),
    peer: z
      .strictObject({
        /** the domain the suite plays as a peer server */
        domain: z.string().min(1).default('peer.test'),
        /** a second domain the peer serves, for piggybacking on a validated connection (8.3) */
        secondDomain: z.string().min(1).default('peer2.test'),
        listen: hostPort.default({ host: '127.0.0.2', port: 5269 }),
        /**
         * STARTTLS on server-to-server streams, as a deployed server does: the peer uses it when the
         * target offers it, and offers it on its listener (a self-signed certificate for its domain,
         * made at run time). false: the peer's s2s streams stay plaintext.
         */
        starttls: z.boolean().default(true),
        /**
         * A test CA the target trusts for server-to-server certificates (never a production CA):
         * its certificate and key, as PEM files. The suite issues the peer's certificates from it,
         * so that the target can validate the peer on STARTTLS and SASL EXTERNAL (RFC 3920 5, 6)
         * is possible both ways. Without it the peer's certificate is self-signed, and the
         * scenarios that need one the target trusts are not applicable. The embedded targets get
         * the lab's CA, made for the run.
         */
        pki: z
          .strictObject({
            caCert: z.string().min(1).refine((f) => fs.existsSync(f), 'no such file: give the PEM file of the CA certificate'),
            caKey: z.string().min(1).refine((f) => fs.existsSync(f), 'no such file: give the PEM file of the CA key'),
          })
          .optional(),
        /**
         * More peers, each with its own two domains and listener address, so that server-to-server
         * scenarios run in parallel, one per worker: without enough of them (one fewer than
         * `parallel`), they run one at a time. Every domain needs the DNS records of the first peer
         * (SRV and A, to its own listener) where the target resolves names.
         */
        lanes: z
          .array(lane)
          .default([]),
      })
      .prefault({}),
    timeouts: z
      .strictObject({
        /** how long to wait for any answer the protocol requires */
        responseMs: z.number().int().min(50).max(120_000).default(5000),
        /** how long silence must last to count as 'sent nothing' where no round-trip can prove it */
        quietMs: z.number().int().min(50).max(60_000).default(800),
        /** TCP connect */
        connectMs: z.number().int().min(50).max(60_000).default(3000),
      })
      .prefault({}),
    sasl: z
      .strictObject({
        /**
         * RFC 3920 6.2 asks for "a configurable but reasonable number of retries (at least 2), after
         * which it MUST terminate the TCP connection": the number of failed or aborted SASL attempts on
         * one connection within which the target must have closed it. At least 3 (one attempt and the
         * two retries the text allows).
         */
        retries: z.number().int().min(3).max(100).default(10),
      })
      .prefault({}),
    /** another hostname the target serves, if any: for dialback over an already validated connection (8.3) */
    otherDomain: z.string().min(1).optional(),
    parallel: z.number().int().min(1).max(16).default(1),
    /** free text for the report: which software the target is, when it does not say itself */
    software: z.string().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    // each peer lane is a peer of its own: no domain or listener address twice
    const domains = new Set<string>();
    const listeners = new Set<string>();
    peerLanes(c).forEach((l, i) => {
      for (const d of [l.domain, l.secondDomain].map((x) => x.toLowerCase())) {
        if (domains.has(d)) ctx.addIssue({ code: 'custom', path: ['peer', 'lanes', i - 1], message: `the domain ${d} is already another peer's: each lane needs its own two domains` });
        domains.add(d);
      }
      const at = `${l.listen.host}:${l.listen.port}`;
      if (listeners.has(at)) ctx.addIssue({ code: 'custom', path: ['peer', 'lanes', i - 1], message: `the listener address ${at} is already another peer's: each lane needs its own` });
      listeners.add(at);
    });
  })
  // accounts given as a number become `register`, and `accounts` the list bin/conformance.ts fills in
  .transform(({ accounts, ...c }) => (typeof accounts === 'number' ? { ...c, accounts: [] as Account[], register: accounts } : { ...c, accounts, register: undefined as number | undefined }));

export type Config = z.infer<typeof ConfigSchema>;

/** One peer of the suite: its two domains and its listener; the first is `peer` itself. */
export type PeerLane = z.infer<typeof lane>;

/** Every peer the suite may play, the first one first. */
export function peerLanes(cfg: Pick<Config, 'peer'>): PeerLane[] {
  const { domain, secondDomain, listen } = cfg.peer;
  return [{ domain, secondDomain, listen }, ...cfg.peer.lanes];
}

/**
 * The config one worker sees: `peer` is that worker's own lane when there are enough lanes for
 * every worker (s2s scenarios then run in parallel), else the first (they run one at a time).
 */
export function forWorker(cfg: Config, worker: number, workers: number): Config {
  if (!s2sInParallel(cfg, workers)) return cfg;
  const lanes = peerLanes(cfg);
  return { ...cfg, peer: { ...cfg.peer, ...lanes[worker % lanes.length]! } };
}

/** Whether every worker has a peer lane of its own, so that s2s scenarios can run in parallel. */
export function s2sInParallel(cfg: Config, workers: number): boolean {
  return peerLanes(cfg).length >= workers;
}
export type Account = z.infer<typeof account>;

/** Environment overrides: name -> [path, type]. */
const ENV: Record<string, [string[], 'string' | 'number' | 'boolean']> = {
  XMPP_TARGET_DOMAIN: [['domain'], 'string'],
  XMPP_C2S_HOST: [['c2s', 'host'], 'string'],
  XMPP_C2S_PORT: [['c2s', 'port'], 'number'],
  XMPP_S2S_HOST: [['s2s', 'host'], 'string'],
  XMPP_S2S_PORT: [['s2s', 'port'], 'number'],
  XMPP_TLS_POLICY: [['tls', 'policy'], 'string'],
  XMPP_TLS_ALLOW_SELF_SIGNED: [['tls', 'allowSelfSigned'], 'boolean'],
  XMPP_PEER_DOMAIN: [['peer', 'domain'], 'string'],
  XMPP_RESPONSE_TIMEOUT_MS: [['timeouts', 'responseMs'], 'number'],
  XMPP_QUIET_MS: [['timeouts', 'quietMs'], 'number'],
  XMPP_PARALLEL: [['parallel'], 'number'],
  XMPP_SASL_RETRIES: [['sasl', 'retries'], 'number'],
};

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    if (typeof cur[key] !== 'object' || cur[key] === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

/** The value of an environment override, or the one-line problem with it. */
function coerce(name: string, raw: string, type: 'string' | 'number' | 'boolean'): { value: unknown } | { problem: string } {
  if (type === 'string') return { value: raw };
  if (type === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n) || raw.trim() === '') return { problem: `${name}=${raw}: expected a number` };
    return { value: n };
  }
  if (raw === 'true' || raw === '1') return { value: true };
  if (raw === 'false' || raw === '0') return { value: false };
  return { problem: `${name}=${raw}: expected true or false` };
}

/** One line for one problem zod found: the field's path, what is wrong, how to fix it. */
export function describeIssue(issue: z.core.$ZodIssue, source: string): string {
  if (issue.code === 'invalid_union' && issue.path.join('.') === 'accounts') {
    return `config error in ${source}: accounts: give at least two accounts as [{ "user": ..., "password": ... }, ...], or the number of accounts to create by in-band registration (XEP-0077)`;
  }
  const field = issue.path.length ? issue.path.join('.') : '(top level)';
  let fix = issue.message;
  if (issue.code === 'unrecognized_keys') fix = `unknown field(s) ${issue.keys.join(', ')}: remove or correct the spelling`;
  else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) fix = `missing: set ${field} (${issue.expected})`;
  else if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) fix = `empty: set ${field}`;
  return `config error in ${source}: ${field}: ${fix}`;
}

/**
 * A union's problem as the problems of the form the user meant: the one form whose value had the
 * right type (a list of accounts with a missing password is about that password, not the union).
 */
function issuesOf(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((i) => {
    if (i.code !== 'invalid_union') return [i];
    const meant = i.errors.filter((e) => !e.some((x) => x.code === 'invalid_type' && x.path.length === 0));
    return meant.length === 1 ? issuesOf(meant[0]!.map((x) => ({ ...x, path: [...i.path, ...x.path] }))) : [i];
  });
}

export function parseConfig(raw: unknown, source: string, env: NodeJS.ProcessEnv = {}): Config {
  const obj = (typeof raw === 'object' && raw !== null ? structuredClone(raw) : {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const [name, [path, type]] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    const c = coerce(name, v, type);
    if ('problem' in c) problems.push(`config error in the environment: ${c.problem}`);
    else setPath(obj, path, c.value);
  }
  const result = ConfigSchema.safeParse(obj);
  if (!result.success) problems.push(...issuesOf(result.error.issues).map((i) => describeIssue(i, source)));
  // every problem, each on its own line
  if (problems.length) throw new ConfigError([...new Set(problems)].join('\n'));
  return result.data!;
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`config error: cannot read ${file}: give an existing JSON file with --config`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config error in ${file}: not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
  return parseConfig(raw, file, env);
}

/** The secrets the transcripts must never show: passwords and what PLAIN would make of them. */
export function secretsOf(cfg: Config): string[] {
  const out: string[] = [];
  for (const a of cfg.accounts) {
    out.push(a.password);
    out.push(Buffer.from(`\0${a.user}\0${a.password}`).toString('base64'));
    out.push(Buffer.from(`${a.user}@${cfg.domain}\0${a.user}\0${a.password}`).toString('base64'));
  }
  return out;
}
