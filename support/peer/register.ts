// Test accounts by in-band registration (XEP-0077), for a config that gives `accounts` as a
// number: each is created on its own stream before the run (3.1: ask for the form, then send
// username and password) and removed after it by its own login (3.2: <remove/>), also when the
// run fails or is interrupted (bin/conformance.ts). A refusal is one line saying how to create
// the accounts by hand instead.
import crypto from 'node:crypto';
import { Client, nextId } from './client.ts';
import { conditionOf, el, NS, type XmlElement } from '../wire/element.ts';
import type { Account, Config } from '../config.ts';

export const NS_REGISTER = 'jabber:iq:register';

/** The target would not register an account, or the suite could not reach it to ask: one line. */
export class RegistrationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistrationFailed';
  }
}

/** `n` accounts for this run: names no one else uses (xc, six random hex digits, a number), random passwords. */
export function freshAccounts(n: number): Account[] {
  const run = crypto.randomBytes(3).toString('hex');
  return Array.from({ length: n }, (_, i) => ({ user: `xc${run}-${i + 1}`, password: crypto.randomBytes(18).toString('base64url') }));
}

/** What to do instead, for the line that reports a refusal. */
function byHand(cfg: Config, n: number): string {
  return `allow in-band registration on ${cfg.domain} (Prosody: allow_registration = true, with mod_register), or create ${n} accounts by hand and list them in the config as "accounts": [{ "user": ..., "password": ... }, ...]`;
}

const first = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0]!;

/** One IQ and its answer (by id). */
async function iq(c: Client, type: 'get' | 'set', query: XmlElement): Promise<XmlElement> {
  const id = nextId('reg');
  c.stream.send(el('iq', { type, id }, query));
  return c.stream.answerTo(id, `the answer to the registration request ${id}`);
}

const errorText = (answer: XmlElement) => `<${conditionOf(answer.child('error'), NS.stanzas) ?? 'no condition'}/>`;

/** XEP-0077 3.1 for one account, on a stream secured as the config's TLS policy says, before SASL. */
async function registerOne(cfg: Config, a: Account, secrets: string[]): Promise<void> {
  const c = await Client.connect(cfg, a, `register ${a.user}`, secrets);
  try {
    await c.negotiate('tls');
    const form = await iq(c, 'get', el('query', { xmlns: NS_REGISTER }));
    if (form.attr('type') !== 'result') throw new RegistrationFailed(`the target refused in-band registration (XEP-0077): it answered the request for the form with ${errorText(form)}`);
    const fields = form.child('query', NS_REGISTER)?.elements().map((f) => f.local) ?? [];
    if (!fields.includes('username') || !fields.includes('password')) {
      throw new RegistrationFailed(`the target's registration form asks for ${fields.filter((f) => f !== 'instructions').join(', ') || 'nothing'}, not a username and a password`);
    }
    const done = await iq(c, 'set', el('query', { xmlns: NS_REGISTER }, el('username', {}, a.user), el('password', {}, a.password)));
    if (done.attr('type') !== 'result') throw new RegistrationFailed(`the target refused to register ${a.user}@${cfg.domain} with ${errorText(done)}`);
  } catch (e) {
    throw e instanceof RegistrationFailed ? e : new RegistrationFailed(`registering ${a.user}@${cfg.domain} failed: ${first(e)}`);
  } finally {
    c.stream.close();
    c.stream.destroy();
  }
}

/**
 * Registers every account, one after another (a server may throttle registrations from one
 * address), each pushed onto `created` as soon as it exists, so that whoever removes them later
 * removes exactly those, also after a failure halfway.
 */
export async function registerAccounts(cfg: Config, accounts: Account[], created: Account[], secrets: string[]): Promise<void> {
  try {
    for (const a of accounts) {
      await registerOne(cfg, a, secrets);
      created.push(a);
    }
  } catch (e) {
    throw new RegistrationFailed(`accounts: ${first(e)}: ${byHand(cfg, accounts.length)}`);
  }
}

/** XEP-0077 3.2 for one account: log in as it and ask the server to remove it. The problem, if any, in a line. */
async function removeOne(cfg: Config, a: Account, secrets: string[]): Promise<string | undefined> {
  let c: Client | undefined;
  try {
    c = await Client.connect(cfg, a, `unregister ${a.user}`, secrets);
    await c.negotiate('session');
    const done = await iq(c, 'set', el('query', { xmlns: NS_REGISTER }, el('remove')));
    return done.attr('type') === 'result' ? undefined : `${a.user}: the target answered <remove/> with ${errorText(done)}`;
  } catch (e) {
    return `${a.user}: ${first(e)}`;
  } finally {
    c?.stream.close();
    c?.stream.destroy();
  }
}

/** Removes every account (at once); the lines of those that could not be removed. */
export async function removeAccounts(cfg: Config, accounts: Account[], secrets: string[]): Promise<string[]> {
  const problems = await Promise.all(accounts.map((a) => removeOne(cfg, a, secrets)));
  return problems.filter((p): p is string => !!p);
}
