// Judges of RFC 3920 6 (SASL): the mechanisms offered, the outcome of an exchange, its failure
// conditions, the retries a target allows, and what the target sends during the exchange.
import type { XmppWorld } from '../world.ts';
import { conditionOf, NS, type XmlElement } from '../wire/element.ts';
import type { XmppStream } from '../peer/stream.ts';
import { Undecided } from '../errors.ts';
import { mechanismsOf } from '../peer/client.ts';
import { saslExchange, nextSaslAnswer, describeOutcome, isBase64, type SaslOutcome, type SaslPeer } from '../peer/auth.ts';
import { receivedSince, whitespaceBetweenElements } from '../peer/starttls.ts';
import { violated } from './judge.ts';

/** The outcome of the SASL exchange a When step ran. */
function outcomeOf(world: XmppWorld): SaslOutcome {
  const o = world.state.sasl;
  if (!o) throw new Undecided('no SASL exchange ran before this step');
  return o;
}

const where = (world: XmppWorld): string => world.client().stream.where();

/** RFC 3920 6.1 rule 3: the stream features hold <mechanisms/> listing one or more <mechanism/>. */
export function mechanismsOffered(world: XmppWorld): void {
  const f = world.client().features;
  const accepted = [`<mechanisms xmlns='${NS.sasl}'/> listing one or more <mechanism/> (RFC 3920 6.1 rule 3)`];
  const mechs = f?.child('mechanisms', NS.sasl);
  if (!mechs) violated({ summary: `the stream features hold no <mechanisms xmlns='${NS.sasl}'/> (RFC 3920 6.1 rule 3)`, accepted, actual: `${f}`, where: where(world) });
  const names = mechanismsOf(f);
  if (!names.length) violated({ summary: '<mechanisms/> lists no <mechanism/> (RFC 3920 6.1 rule 3: one or more)', accepted, actual: `${mechs}`, where: where(world) });
  world.outcome(`mechanisms offered: ${names.join(', ')}`);
}

/** RFC 3920 6.2 step 2: a target that requires TLS offers no SASL mechanism before TLS. */
export function noMechanismBeforeTls(world: XmppWorld): void {
  const f = world.client().features;
  const names = mechanismsOf(f);
  if (names.length) violated({ summary: `the target requires TLS, yet offers SASL mechanisms before TLS: ${names.join(', ')} (RFC 3920 6.2 step 2)`, accepted: ['stream features before TLS that offer no SASL mechanism (RFC 3920 6.2 step 2)'], actual: `${f}`, where: where(world) });
  world.outcome(`no SASL mechanism before TLS; features: ${f?.elements().map((e) => `<${e.local}>`).join(' ') || '(empty)'}`);
}

/** RFC 3920 6.2 step 3: the features of the stream restarted after SASL success offer neither STARTTLS nor SASL. */
export function neitherStarttlsNorSasl(world: XmppWorld, s: XmppStream = world.client().stream, f: XmlElement | undefined = world.client().features): void {
  const accepted = ['stream features after SASL success that offer neither <starttls/> nor <mechanisms/> (RFC 3920 6.2 step 3)'];
  if (!f) violated({ summary: 'no stream features after the restart', accepted, actual: `no <stream:features/>; received and not consumed: ${s.unreadText()}`, where: s.where() });
  const bad = [f.child('starttls', NS.tls), f.child('mechanisms', NS.sasl)].filter((x) => x);
  if (bad.length) violated({ summary: `after SASL success the new stream's features still offer ${bad.map((b) => `<${b!.local}/>`).join(' and ')} (RFC 3920 6.2 step 3)`, accepted, actual: `${f}`, where: s.where() });
  world.outcome(`features after SASL: ${f.elements().map((e) => `<${e.local} xmlns='${e.ns}'>`).join(' ') || '(empty)'}`);
}

/** RFC 3920 6.2: an exchange with a wrong password does not authenticate the client (judged on each attempt of a series). */
export function wrongPasswordRefused(world: XmppWorld, name: string, o: SaslOutcome): void {
  if (o.end === 'success') {
    violated({
      summary: `SASL ${name} with a wrong password was answered with <success/>`,
      accepted: ['<failure/>', 'a stream error', 'the connection ended'],
      actual: `${o.element}`,
      where: where(world),
    });
  }
}

/** RFC 3920 6.2: the target allows at least 2 retries; each failed attempt is answered with <failure/> holding `condition` (6.4). */
export function everyAttemptFailsWith(world: XmppWorld, condition: string): void {
  const all = world.state.attempts ?? [];
  // nothing was attempted: nothing is shown, so nothing passes
  if (!all.length) throw new Undecided('no SASL attempt was made, so no answer to one can be judged');
  const accepted = [`<failure/> with <${condition}/> to every attempt, the connection left open for a retry (RFC 3920 6.2, 6.4)`];
  all.forEach((o, i) => {
    if (o.end === 'closed') violated({ summary: `attempt ${i + 1} of ${all.length}: the target ended the connection instead of allowing a retry (RFC 3920 6.2: at least 2 retries)`, accepted, actual: describeOutcome(o), where: where(world) });
    if (o.end !== 'failure' || o.condition !== condition) violated({ summary: `attempt ${i + 1} of ${all.length} was not answered with <failure/> holding <${condition}/>`, accepted, actual: describeOutcome(o), where: where(world) });
  });
  world.outcome(`${all.length} attempts, each answered <failure><${condition}/></failure>`);
}

/** RFC 3920 6.2: after failed attempts the client can still authenticate on the same connection (at least 2 retries allowed). */
export async function stillAuthenticates(world: XmppWorld): Promise<void> {
  const c = world.client();
  const mech = c.pickMechanism();
  const o = await saslExchange(c, mech);
  if (o.end !== 'success') {
    violated({
      summary: `after ${world.need('attempts').length} failed attempts the retry with the right password was not accepted; the text wants at least 2 retries allowed (RFC 3920 6.2)`,
      accepted: [`<success/> to the retry with ${mech.name} on the same TCP connection`],
      actual: describeOutcome(o),
      where: c.stream.where(),
    });
  }
  world.outcome(`the retry with ${mech.name} succeeded on the same TCP connection`);
}

/**
 * RFC 3920 6.2: after a configurable but reasonable number of retries the target MUST terminate
 * the TCP connection; the count used is the config's sasl.retries.
 */
export async function closesWithinAttempts(world: XmppWorld): Promise<void> {
  const all = world.state.attempts ?? [];
  const retries = world.state.retries ?? all.length;
  const bound = `the count used: ${retries}, sasl.retries in the config (default 10)`;
  const s = world.client().stream;
  const r = await s.awaitClose();
  if (r.tcp === 'open') {
    violated({
      summary: `after ${all.length} SASL attempts on one connection, each ending in <failure/>, the target still kept the TCP connection open (RFC 3920 6.2: after a configurable but reasonable number of retries it MUST terminate the TCP connection; ${bound})`,
      accepted: [`the TCP connection closed by the target within ${retries} attempts (with or without </stream:stream>)`, `the TCP connection reset by the target within ${retries} attempts`],
      actual: `TCP still open ${s.opts.responseMs} ms after the last attempt; each attempt was answered: ${describeOutcome(all[all.length - 1]!)}`,
      where: s.where(),
    });
  }
  world.outcome(`TCP ${r.tcp} after ${all.length} attempt(s)${r.streamClosed ? ', with </stream:stream>' : ''} (${bound})`);
}

/** RFC 3920 6.2: SASL with the account's right password ends with <success/>. */
export function saslSucceeds(world: XmppWorld): void {
  const o = outcomeOf(world);
  const name = world.state.saslMechanism ?? '';
  if (o.end !== 'success') violated({ summary: `SASL ${name} with the account's right password did not end with <success/>`, accepted: [`<success/> to SASL ${name} with the account's right password`], actual: describeOutcome(o), where: where(world) });
  world.client().stage = 'sasl';
  world.outcome(`<success/> after ${o.challenges} challenge(s)`);
}

/** RFC 3920 6.2 step 4: the target's challenges and success data are computed as the mechanism defines. */
export function mechanismDataVerified(world: XmppWorld): void {
  const o = outcomeOf(world);
  const name = world.state.saslMechanism;
  const accepted = [`${name} challenges and success data computed as the mechanism defines, ending in <success/> (RFC 3920 6.2 step 4)`];
  if (o.mechanismError) violated({ summary: `the target's ${name} data is not computed as the mechanism defines (RFC 3920 6.2 step 4)`, accepted, actual: `${o.mechanismError}; the target's data: ${o.serverData.map((d) => JSON.stringify(d.slice(0, 200))).join(', ') || 'none'}`, where: where(world) });
  if (o.end !== 'success') violated({ summary: `SASL ${name} with the right password did not end with <success/>`, accepted, actual: describeOutcome(o), where: where(world) });
  world.client().stage = 'sasl';
  world.outcome(`${name}: ${o.challenges} challenge(s) verified${name === 'SCRAM-SHA-1' ? ' (nonce extends the client nonce, server signature checked)' : name === 'DIGEST-MD5' ? ' (nonce, qop=auth, md5-sess; rspauth checked)' : ''}`);
}

/** RFC 3920 6.2 step 2: the cause of a failure SHOULD be communicated in an appropriate child element of <failure/> (6.4). */
export function saslFailsWith(world: XmppWorld, condition: string): void {
  const o = outcomeOf(world);
  if (o.end === 'failure' && o.condition === condition) {
    world.outcome(`<failure/> with <${condition}/>`);
    return;
  }
  const accepted = [`<failure/> with <${condition}/> (RFC 3920 6.2 step 2, 6.4)`];
  if (o.end === 'success') violated({ summary: 'the target answered <success/> and authenticated the client (RFC 3920 6.2, 6.4)', accepted, actual: `${o.element}`, where: where(world) });
  violated({ summary: `the target did not answer with <failure/> holding <${condition}/> (RFC 3920 6.2 step 2: the cause SHOULD be communicated in an appropriate child element, 6.4)`, accepted, actual: describeOutcome(o), where: where(world) });
}

/** RFC 3920 6.2 step 2, 6.4: the request sent is answered at once with <failure/> holding `condition`, not a <challenge/>. */
export async function answersSaslRequestWithFailure(world: XmppWorld, condition: string, peer: SaslPeer = world.client()): Promise<void> {
  const a = await nextSaslAnswer(peer);
  const o: SaslOutcome = {
    end: a.kind === 'challenge' || a.kind === 'other' ? 'failure' : a.kind,
    condition: a.kind === 'challenge' ? 'a <challenge/>' : conditionOf(a.element, a.kind === 'stream-error' ? NS.streams : NS.sasl),
    element: a.element,
    serverData: [],
    challenges: 0,
  };
  world.state.sasl = o;
  const accepted = [`<failure/> with <${condition}/> (RFC 3920 6.2 step 2, 6.4)`];
  if (a.kind === 'challenge') violated({ summary: `the target went on with a <challenge/> instead of <failure/> with <${condition}/>`, accepted, actual: `${a.element}`, where: peer.stream.where() });
  if (o.end === 'failure' && o.condition === condition) {
    world.outcome(`<failure/> with <${condition}/>`);
    return;
  }
  violated({ summary: `the target did not answer with <failure/> holding <${condition}/> (RFC 3920 6.2 step 2: the cause SHOULD be communicated in an appropriate child element, 6.4)`, accepted, actual: describeOutcome(o), where: peer.stream.where() });
}

/** RFC 3920 6.1 rule 4: the target sends no white space between elements during SASL negotiation (up to <success/>). */
export function noWhitespaceDuringSasl(world: XmppWorld): void {
  const s = world.client().stream;
  const from = world.need('saslMark');
  const text = receivedSince(s, from);
  const end = /<([\w-]+:)?success\b[^>]*(\/>|>[^<]*<\/([\w-]+:)?success>)/.exec(text);
  const window = end ? text.slice(0, end.index + end[0].length) : text;
  const ws = whitespaceBetweenElements(window);
  if (ws.length) violated({ summary: 'the target sent white space between elements during SASL negotiation (RFC 3920 6.1 rule 4)', accepted: ['no white space between the elements the target sent during the SASL exchange, through <success/> (RFC 3920 6.1 rule 4)'], actual: ws.join('; '), where: s.where() });
  world.outcome(`no white space between elements in the ${window.length} characters the target sent during SASL`);
}

/** RFC 3920 6.1 rule 5: the character data of <challenge/> and <success/> is base64 as RFC 3548 section 3 defines it. */
export function serverDataBase64(world: XmppWorld): void {
  const o = outcomeOf(world);
  const bad = o.serverData.filter((d) => !isBase64(d));
  if (bad.length) violated({ summary: 'the target sent SASL character data that is not base64 as RFC 3548 section 3 defines it (RFC 3920 6.1 rule 5)', accepted: ['base64 (RFC 3548 section 3) in every piece of character data the target sent during SASL (RFC 3920 6.1 rule 5)'], actual: bad.map((b) => JSON.stringify(b.slice(0, 60))).join(', '), where: where(world) });
  world.outcome(`${o.serverData.length} piece(s) of character data, all base64`);
}

/** RFC 3920 6.2 step 2: a mechanism that needs TLS MUST NOT be offered before TLS, so each one offered before TLS works there. */
export function eachMechanismSucceeds(world: XmppWorld): void {
  const results = world.need('perMechanism');
  const bad = results.filter(([, o]) => o.end !== 'success');
  if (bad.length) {
    violated({
      summary: `the target offered ${bad.map(([n]) => n).join(', ')} before TLS but did not let the client use ${bad.length > 1 ? 'them' : 'it'} before TLS (RFC 3920 6.2 step 2: a mechanism that needs TLS MUST NOT be offered before TLS)`,
      accepted: ['<success/> with every mechanism offered before TLS that the suite speaks'],
      actual: bad.map(([n, o]) => `${n}: ${describeOutcome(o)}`).join('; '),
      // the When step ran the first mechanism on 'client', each other one on 'pre-tls-<name>'
      where: bad.map(([n]) => world.clients.get(n === results[0]![0] ? 'client' : `pre-tls-${n}`)?.stream.where()).filter((w) => w).join('; '),
    });
  }
  world.outcome(`usable before TLS: ${results.map(([n]) => n).join(', ')}`);
}

/** RFC 3920 6.2 step 2: a target that requires TLS and offered no mechanism before it does not authenticate a client before TLS. */
export function notAuthenticated(world: XmppWorld): void {
  const o = outcomeOf(world);
  if (o.end === 'success') {
    violated({
      summary: 'the target requires TLS and offered no mechanism before it, yet accepted SASL PLAIN before TLS',
      accepted: ['not authenticated: <failure/>', 'not authenticated: a stream error', 'not authenticated: the connection ended', 'not authenticated: no answer within the response time'],
      actual: `${o.element}`,
      where: where(world),
    });
  }
  world.outcome(`not authenticated: ${describeOutcome(o)}`);
}
