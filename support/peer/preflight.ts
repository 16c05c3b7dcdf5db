// Before any scenario: can the suite reach the target and log in with the configured accounts?
// The answer is one line naming what to fix; when the target cannot be reached at all, every
// scenario is then reported broken at once instead of each waiting out its own timeouts.
import { z } from 'zod';
import { Client } from './client.ts';
import { el, NS } from '../wire/element.ts';
import { secretsOf, type Config } from '../config.ts';
import { ExpectationFailed, TargetUnreachable, Undecided } from '../errors.ts';

export const PreflightSchema = z.object({
  ok: z.boolean(),
  /** 'unreachable': no TCP or no stream at all; 'setup': reachable but an account or TLS setting is wrong */
  problem: z.enum(['unreachable', 'setup']).optional(),
  message: z.string().optional(),
  software: z.object({ name: z.string(), version: z.string().optional(), os: z.string().optional() }).optional(),
  offered: z.object({ starttls: z.boolean(), mechanisms: z.array(z.string()) }).optional(),
  transcript: z.string(),
});
export type Preflight = z.infer<typeof PreflightSchema>;

/**
 * One check of the target before the scenarios. A target that ends the check's set-up with
 * <internal-server-error/>, or by closing the connection, gets one more try on new connections;
 * the transcript of the first try is kept in front of the second's.
 */
export async function preflight(cfg: Config): Promise<Preflight> {
  const first = await preflightOnce(cfg);
  const ended = first.transcript.includes('<internal-server-error') ? 'with <internal-server-error/>' : /the connection ended first/.test(first.message ?? '') ? 'by closing the connection' : undefined;
  if (first.ok || first.problem !== 'setup' || !ended) return first;
  const second = await preflightOnce(cfg);
  return { ...second, transcript: `${first.transcript}\n-- the target ended the set-up ${ended}; tried once more on a new connection\n${second.transcript}` };
}

async function preflightOnce(cfg: Config): Promise<Preflight> {
  const secrets = secretsOf(cfg);
  let client: Client | undefined;
  try {
    client = await Client.connect(cfg, cfg.accounts[0]!, 'preflight', secrets);
    try {
      await client.openStream();
    } catch (e) {
      throw new TargetUnreachable(
        `${cfg.c2s.host}:${cfg.c2s.port} accepts TCP but did not answer a stream header for '${cfg.domain}' within ${cfg.timeouts.responseMs} ms: is it an XMPP c2s port, and is 'domain' right? (${firstLine(e)})`,
      );
    }
    const offered = { starttls: !!client.features?.child('starttls', NS.tls), mechanisms: client.mechanisms };
    await client.negotiate('session');
    const id = 'preflight-version';
    client.stream.send(el('iq', { type: 'get', id, to: cfg.domain }, el('query', { xmlns: NS.version })));
    const answer = await client.stream.expectElement((e) => e.is('iq') && e.attr('id') === id, 'the jabber:iq:version answer');
    const q = answer.child('query', NS.version);
    const name = q?.child('name', NS.version)?.text().trim();
    const software = name ? { name, version: q?.child('version', NS.version)?.text().trim(), os: q?.child('os', NS.version)?.text().trim() } : undefined;
    client.stream.close();
    // the second account must log in too: routing scenarios need a recipient
    const second = await Client.connect(cfg, cfg.accounts[1]!, 'preflight-2', secrets);
    try {
      await second.negotiate('sasl');
      second.stream.close();
    } finally {
      second.stream.destroy();
    }
    return { ok: true, software, offered, transcript: done(client) };
  } catch (e) {
    const message = firstLine(e);
    const problem = e instanceof TargetUnreachable ? 'unreachable' : 'setup';
    if (!(e instanceof TargetUnreachable || e instanceof Undecided || e instanceof ExpectationFailed)) {
      // a socket error (reset, broken pipe) means the target cannot be talked to at all
      const network = typeof (e as NodeJS.ErrnoException)?.code === 'string';
      return { ok: false, problem: network ? 'unreachable' : 'setup', message: `the connection to the target failed: ${message}`, transcript: client ? done(client) : '' };
    }
    return { ok: false, problem, message, transcript: client ? done(client) : '' };
  }
}

function done(client: Client): string {
  client.stream.destroy();
  return client.stream.transcript.render();
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}
