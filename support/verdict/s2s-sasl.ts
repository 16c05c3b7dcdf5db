// Judges of SASL between servers (RFC 3920 5.1, 6.1, 6.2, 8.1) with the target as initiating
// server: its own connection to the peer's listener, which presents a certificate from the CA
// the target trusts and offers SASL EXTERNAL (support/peer/server.ts, policy.external). And the
// target as receiving entity of a peer that presents such a certificate.
import type { XmppWorld } from '../world.ts';
import { conditionOf, el, isStanza, NS, type XmlElement } from '../wire/element.ts';
import { nextSaslAnswer } from '../peer/auth.ts';
import { mechanismsOf } from '../peer/client.ts';
import { authenticateExternal, dialbackBound, isDb, type LedgerEntry, type S2sAuth } from '../peer/server.ts';
import { notApplicable } from '../hooks.ts';
import { ExpectationFailed, Undecided } from '../errors.ts';
import { violated } from './judge.ts';

/** Why a scenario that needs a certificate the target trusts cannot run, or undefined. */
export function pkiMissing(world: XmppWorld): string | undefined {
  if (!world.cfg.peer.starttls) return 'the peer uses no TLS on server-to-server streams (peer.starttls is false in the config), so it has no certificate to present';
  if (!world.cfg.peer.pki) return 'the config names no CA the target trusts for server-to-server certificates (peer.pki), so the peer cannot present a certificate the target can validate';
  return undefined;
}

/** What the target did on its first connection to the listener, once it is settled. */
interface OwnConnection {
  entry: LedgerEntry;
  auth?: S2sAuth;
  /** the index in entry.received of the target's first <db:result/>, -1 without one */
  dialback: number;
  /** the index of the target's <starttls/>, -1 without one */
  starttls: number;
}

/**
 * Wait, bounded, until the target's first connection to the listener shows how it authenticates:
 * an <auth/>, a <db:result/>, or the connection's end; then until the message it connected for
 * has arrived (Ledger.settle). Broken (undecided) when the target opens no connection at all.
 */
async function ownConnection(world: XmppWorld): Promise<OwnConnection> {
  const l = await world.startListener();
  const ms = dialbackBound(world.cfg);
  const first = () => world.ledger.entries.find((e) => e.initiator === 'target');
  // no connection at all is not this judge's to charge: delivery to a remote domain is section 10's
  if (!(await world.ledger.until(first, ms))) {
    throw new Undecided(`the target opened no connection to the peer's listener ${world.cfg.peer.listen.host}:${world.cfg.peer.listen.port} within ${ms} ms of the client's message, so the negotiation on it could not be observed`);
  }
  const authOf = (e: LedgerEntry) => l.auths.find((a) => a.label === e.label && a.outcome !== 'challenged');
  const settled = (e: LedgerEntry) => authOf(e) || e.received.some((x) => isDb(x, 'result')) || e.stream.isEnded || e.stream.transport.isEnded;
  await world.ledger.until(() => {
    const e = first();
    return e && settled(e) ? e : undefined;
  }, ms);
  const entry = first()!;
  await world.ledger.settle(world.need('messageId'), ms);
  return { entry, auth: authOf(entry), dialback: entry.received.findIndex((x) => isDb(x, 'result')), starttls: entry.received.findIndex((x) => x.is('starttls', NS.tls)) };
}

const sent = (c: OwnConnection) => c.entry.received.map((e) => `<${e.name}>`).join(' ') || 'nothing';

/** 5.1 rule 12: "If the TLS negotiation is successful, the initiating entity MUST continue with SASL negotiation." */
export async function saslAfterTls(world: XmppWorld): Promise<'skipped' | undefined> {
  const c = await ownConnection(world);
  const s = c.entry.stream;
  const accepted = ['<auth/> (SASL) on the stream the target restarted after TLS, with the EXTERNAL the peer offered there', '<db:result/> instead (a server that negotiates no SASL between servers: not applicable)'];
  if (!s.tls) return notApplicable(world, `the target did not negotiate TLS on ${c.entry.label} (it sent ${sent(c)}), so no TLS negotiation succeeded for SASL to follow (core-5.1-2 decides whether it should have)`);
  if (c.auth) {
    world.outcome(`the target went on with SASL after TLS on ${c.entry.label}: <auth mechanism='${c.auth.mechanism}'/>, answered ${c.auth.outcome}`);
    return undefined;
  }
  if (c.dialback >= 0) {
    return notApplicable(
      world,
      `the target went on with dialback (<db:result/>) after TLS on ${c.entry.label} although the peer offered SASL EXTERNAL there: it negotiates no SASL between servers, and section 8 provides dialback for servers that do not. Read as binding every initiating entity, rule 12 would fail it`,
    );
  }
  return violated({ summary: `after TLS succeeded on ${c.entry.label} the target went on with neither SASL nor dialback within ${dialbackBound(world.cfg)} ms (RFC 3920 5.1 rule 12)`, accepted, actual: `the target sent ${sent(c)}${s.isEnded || s.transport.isEnded ? ', then the connection ended' : ''}`, where: s.where() });
}

/** 5.1 rule 7: "If the initiating entity chooses to use TLS, TLS negotiation MUST be completed before proceeding to SASL negotiation". */
export async function tlsBeforeSasl(world: XmppWorld): Promise<'skipped' | undefined> {
  const c = await ownConnection(world);
  const s = c.entry.stream;
  const accepted = ['<starttls/>, the TLS handshake, then <auth/> on the new stream', 'no <starttls/> at all (the target did not choose TLS: not applicable)'];
  const auth = world.listener!.auths.find((a) => a.label === c.entry.label);
  if (!auth) return notApplicable(world, `the target started no SASL negotiation on ${c.entry.label} (it sent ${sent(c)}), so there is no order of TLS and SASL to judge`);
  if (!auth.secured && c.starttls >= 0) {
    return violated({ summary: `the target started SASL (<auth mechanism='${auth.mechanism}'/>) on ${c.entry.label} before completing the TLS it chose (RFC 3920 5.1 rule 7)`, accepted, actual: `the target sent, in order: ${sent(c)}`, where: s.where() });
  }
  if (!auth.secured) return notApplicable(world, `the target did not choose TLS on ${c.entry.label}: it sent <auth/> with no <starttls/> (core-5.1-2 decides whether it should have used TLS)`);
  world.outcome(`offered STARTTLS and EXTERNAL together, the target negotiated TLS on ${c.entry.label} first (${s.tls!.protocol}) and sent <auth mechanism='${auth.mechanism}'/> on the new stream`);
  return undefined;
}

/**
 * An authorization identity as a report may show it: SASL payloads are never written, so only
 * its form and its domain part (a public name) appear, the node and resource masked.
 */
function authzidForm(authzid: string): string {
  const at = authzid.indexOf('@');
  const domainPart = authzid.slice(at + 1).split('/')[0]!;
  return `${at >= 0 ? '[node]@' : ''}${domainPart}${authzid.slice(at + 1).includes('/') ? '/[resource]' : ''}`;
}

/** 6.1 rule 7: "If provided, the value of the authorization identity MUST be of the form <domain> ... for servers". */
export async function authzidIsDomain(world: XmppWorld): Promise<'skipped' | undefined> {
  const c = await ownConnection(world);
  if (!c.auth) return notApplicable(world, `the target started no SASL negotiation on ${c.entry.label} (it sent ${sent(c)}), so it provided no authorization identity`);
  const a = c.auth;
  const data = a.response ?? a.initial;
  const carried = a.response !== undefined ? 'its <response/> to the empty challenge' : '<auth/>';
  const accepted = ['no authorization identity (no initial response, or "=")', 'an authorization identity of the form <domain>: no node and no resource'];
  if (a.authzid === undefined) {
    return violated({ summary: `the SASL data of the target's ${carried} on ${c.entry.label} is not base64 (RFC 3920 6.1 rule 5), so no authorization identity can be read from it`, accepted, actual: `${data?.length ?? 0} characters that are not base64 (SASL data is not written to reports)`, where: c.entry.stream.where() });
  }
  if (a.authzid === '') {
    world.outcome(`the target provided no authorization identity (${data === undefined ? 'no initial response' : `"=" in ${carried}`})`);
    return undefined;
  }
  if (/[@/]/.test(a.authzid) || !/^[^\s.][^\s]*$/.test(a.authzid)) {
    return violated({ summary: `the authorization identity the target provided in ${carried} on ${c.entry.label} is not of the form <domain> (RFC 3920 6.1 rule 7)`, accepted, actual: `an authorization identity of the form ${authzidForm(a.authzid)} (node and resource masked: SASL data is not written to reports)`, where: c.entry.stream.where() });
  }
  world.outcome(`the target provided in ${carried} an authorization identity of the form <domain>${a.authzid === a.from ? `: its own sending domain ${a.from}` : `, not its sending domain ${a.from}`}`);
  return undefined;
}

/**
 * 6.1 rule 7: "If the initiating entity does not wish to act on behalf of another entity, it MUST
 * NOT provide an authorization identity." The target sends its own client's message, so it acts
 * for itself; under the reading applied, its own sending domain names itself (6.3), any other
 * entity does not.
 */
export async function noOtherAuthzid(world: XmppWorld): Promise<'skipped' | undefined> {
  const c = await ownConnection(world);
  if (!c.auth) return notApplicable(world, `the target started no SASL negotiation on ${c.entry.label} (it sent ${sent(c)}), so it provided no authorization identity`);
  const a = c.auth;
  const accepted = ['no authorization identity (no initial response, or "=")', `its own sending domain (${a.from}), which names the target itself`];
  if (a.authzid === undefined) return notApplicable(world, `the target's SASL data on ${c.entry.label} is not base64, so no authorization identity can be read from it (core-6.1-10 judges that)`);
  if (a.authzid === '') {
    world.outcome(`the target provided no authorization identity on ${c.entry.label}`);
    return undefined;
  }
  if (a.authzid !== a.from) {
    return violated({ summary: `the target, sending its own client's message, provided on ${c.entry.label} an authorization identity that names another entity than itself (RFC 3920 6.1 rule 7)`, accepted, actual: `an authorization identity of the form ${authzidForm(a.authzid)} (node and resource masked: SASL data is not written to reports), not ${a.from}`, where: c.entry.stream.where() });
  }
  world.outcome(`the target provided its own sending domain ${a.from} as authorization identity on ${c.entry.label}: it names itself`);
  return undefined;
}

/** 8.1: "If SASL is used for server-to-server authentication, dialback SHOULD NOT be used since it is unnecessary." */
export async function noDialbackAfterSasl(world: XmppWorld, stanzaId: string): Promise<'skipped' | undefined> {
  const c = await ownConnection(world);
  if (c.auth?.outcome !== 'success') return notApplicable(world, `SASL did not authenticate ${c.entry.label} (${c.auth ? `the listener answered ${c.auth.outcome}` : `the target sent ${sent(c)}`}), so there is no SASL-authenticated stream on which dialback would be unnecessary`);
  // the stanza the scenario sent is what the target was connecting for: its arrival ends the wait
  const ms = dialbackBound(world.cfg);
  const arrived = (x: XmlElement) => isStanza(x) && x.attr('id') === stanzaId;
  const dialbackAfter = () => world.ledger.entries.filter((e) => e.initiator === 'target').flatMap((e) => e.received.filter((x) => isDb(x, 'result')).map((x) => ({ e, x })));
  await world.ledger.until(() => (world.ledger.entries.some((e) => e.received.some(arrived)) || dialbackAfter().length ? true : undefined), ms);
  const db = dialbackAfter();
  if (db.length) {
    return violated({ summary: `after SASL EXTERNAL succeeded on ${c.entry.label}, the target still used dialback (RFC 3920 8.1: it SHOULD NOT, since it is unnecessary)`, accepted: ['the stanza over the SASL-authenticated stream, with no <db:result/> on any connection the target opened'], actual: db.map(({ e, x }) => `${x} on ${e.label}`).join('; '), where: db[0]!.e.stream.where() });
  }
  const hit = world.ledger.entries.find((e) => e.received.some(arrived));
  if (!hit) return violated({ summary: `the stanza '${stanzaId}' did not reach the peer within ${ms} ms after SASL succeeded on ${c.entry.label}`, accepted: [`the stanza '${stanzaId}' over the SASL-authenticated stream, with no dialback`], actual: world.ledger.describe(), where: c.entry.stream.where() });
  world.outcome(`SASL EXTERNAL authenticated ${c.entry.label}; the stanza '${stanzaId}' arrived over ${hit.label} and the target sent no <db:result/> on any of its connections (proof: the stanza's arrival)`);
  return undefined;
}

/** 6.2 step 2: "If the initiating entity presents a valid certificate during prior TLS negotiation, the receiving entity SHOULD offer the SASL EXTERNAL mechanism". */
export function offersExternal(world: XmppWorld): 'skipped' | undefined {
  const s = world.peerStream();
  if (!s.tls) return notApplicable(world, `the target offered the peer no STARTTLS, so the peer presented no certificate`);
  const f = world.state.s2sFeatures;
  const mechs = mechanismsOf(f);
  if (!mechs.length) {
    return notApplicable(
      world,
      `the target offers no SASL mechanism at all to a peer server after TLS (features: ${f ? f.toString().slice(0, 300) : 'none'}): it negotiates no SASL between servers, and section 8 provides dialback for servers that do not. Read as binding every receiving server, the SHOULD would be unmet`,
    );
  }
  if (!mechs.includes('EXTERNAL')) {
    return violated({ summary: `the peer presented a certificate for ${world.cfg.peer.domain} from a CA the target trusts, and the target offered SASL mechanisms after TLS but not EXTERNAL (RFC 3920 6.2 step 2: it SHOULD)`, accepted: ['<mechanism>EXTERNAL</mechanism> among the mechanisms after TLS', 'no SASL mechanism at all (a server that negotiates no SASL between servers: not applicable)'], actual: f ? f.toString() : 'no stream features', where: s.where() });
  }
  world.outcome(`after TLS with the peer's certificate for ${world.cfg.peer.domain}, the target offered ${mechs.join(', ')}`);
  return undefined;
}

/**
 * 6.2 step 7: "Upon receiving the <success/> element, the initiating entity MUST initiate a new
 * stream by sending an opening XML stream header to the receiving entity". The target as
 * initiating server: its first data after the listener's <success/> on its own connection.
 */
export async function newStreamAfterSuccess(world: XmppWorld): Promise<'skipped' | undefined> {
  const c = await ownConnection(world);
  const a = c.auth;
  if (a?.outcome !== 'success') return notApplicable(world, `SASL did not succeed on ${c.entry.label} (${a ? `the listener answered ${a.outcome}` : `the target sent ${sent(c)}`}), so no <success/> was sent to the target`);
  const s = c.entry.stream;
  const next = s.received[a.receivedBefore!];
  const accepted = ["an opening stream header (<stream:stream>) as the target's first data after <success/> (a closing </stream:stream> first is not needed)"];
  if (!next) violated({ summary: `after the listener's <success/> on ${c.entry.label} the target sent no new stream header (RFC 3920 6.2 step 7)`, accepted, actual: `nothing more${s.isEnded || s.transport.isEnded ? '; the connection ended' : ''}`, where: s.where() });
  if (next.kind !== 'header' || !next.element.is('stream', NS.stream)) violated({ summary: `after the listener's <success/> on ${c.entry.label} the target sent <${next.element.name}> instead of a new stream header (RFC 3920 6.2 step 7)`, accepted, actual: next.element.toString().slice(0, 300), where: s.where() });
  world.outcome(`after <success/> on ${c.entry.label} the target opened a new stream: ${next.element.toString().replace(/>[\s\S]*$/, '>')}`);
  return undefined;
}

/**
 * 6.2 step 5 between servers: "The receiving entity reports failure of the handshake by sending a
 * <failure/> element ... (the particular cause of failure SHOULD be communicated in an appropriate
 * child element ...)". A certificate the target cannot validate is EXTERNAL's wrong password: the
 * peer asks for EXTERNAL with it, offered or not, and the target must refuse, with the cause. What
 * the target offered that certificate (EXTERNAL, dialback) is recorded. A target that offered no
 * SASL at all and ends the stream, or leaves the request unanswered, is not applicable.
 */
export async function refusesBadCertificate(world: XmppWorld, kind: string): Promise<'skipped' | undefined> {
  const s = world.peerStream();
  if (!s.tls) return notApplicable(world, `the target offered the peer no STARTTLS, so no certificate was presented`);
  const f = world.state.s2sFeatures;
  const offered = mechanismsOf(f);
  const fallback = f?.child('dialback', 'urn:xmpp:features:dialback') ? 'dialback offered' : 'no dialback offered';
  const seen = `to a certificate that is ${kind}, the target offered ${offered.length ? `SASL ${offered.join(', ')}` : 'no SASL mechanism'} (${fallback})`;
  s.send(el('auth', { xmlns: NS.sasl, mechanism: 'EXTERNAL' }, '='));
  const causes = offered.includes('EXTERNAL') ? ['not-authorized'] : ['not-authorized', 'invalid-mechanism'];
  const accepted = causes.map((c) => `<failure/> with <${c}/>`);
  // a target that offered no SASL may leave a request for it unanswered: the bound then ends the wait
  const a = await nextSaslAnswer({ stream: s }).catch((e: unknown) => {
    if (offered.length || !(e instanceof ExpectationFailed)) throw e;
    return { kind: 'silence' as const, element: undefined };
  });
  if (a.kind === 'silence') return notApplicable(world, `${seen}, and left the request for EXTERNAL unanswered for ${world.cfg.timeouts.responseMs} ms: with no SASL offered there is no SASL failure to report`);
  const cond = a.kind === 'failure' ? conditionOf(a.element, NS.sasl) : undefined;
  if (a.kind === 'failure' && cond && causes.includes(cond)) {
    world.outcome(`${seen}; asked for EXTERNAL anyway, it answered <failure/> with <${cond}/>`);
    return undefined;
  }
  if (a.kind === 'success') violated({ summary: `the target granted SASL EXTERNAL to a peer whose certificate is ${kind} (RFC 3920 6.2 step 5: the handshake fails and the failure is reported)`, accepted, actual: `<success/>; ${seen}`, where: s.where() });
  if (a.kind === 'failure') violated({ summary: `the target refused SASL EXTERNAL for a certificate that is ${kind} without the cause (RFC 3920 6.2 step 5: it SHOULD be communicated in an appropriate child element, 6.4)`, accepted, actual: `${a.element}; ${seen}`, where: s.where() });
  if (!offered.length && (a.kind === 'stream-error' || a.kind === 'closed')) {
    return notApplicable(world, `${seen}, and answered the request for EXTERNAL with ${a.kind === 'stream-error' ? `the stream error ${a.element}` : 'the end of the connection'}: with no SASL offered there is no SASL failure to report`);
  }
  return violated({ summary: `the target answered a request for SASL EXTERNAL with a certificate that is ${kind} with neither <success/> nor <failure/> (RFC 3920 6.2 step 5)`, accepted, actual: `${a.kind === 'closed' ? 'the connection ended' : String(a.element)}; ${seen}`, where: s.where() });
}

/**
 * The peer authenticates its connection with SASL EXTERNAL ("=", 6.2 step 3) and opens the new
 * stream. Not applicable where the target offered the peer no EXTERNAL after TLS; undecided where
 * it offered EXTERNAL to a certificate from the CA it trusts and then refused it, since what
 * follows a successful exchange is then out of reach.
 */
export async function peerAuthenticatesExternal(world: XmppWorld): Promise<'skipped' | undefined> {
  const s = world.peerStream();
  const f = world.state.s2sFeatures;
  if (!s.tls || !mechanismsOf(f).includes('EXTERNAL')) return notApplicable(world, `the target offered the peer no SASL EXTERNAL after TLS (${f ? `features: ${f}` : 'no features'}), so the peer cannot authenticate with it`);
  const { answer, features } = await authenticateExternal(s, { from: world.cfg.peer.domain, to: world.cfg.domain });
  if (!features) throw new Undecided(`the target offered SASL EXTERNAL to the peer's certificate from the CA it trusts, then answered ${answer} instead of <success/>: what follows a successful exchange cannot be observed`);
  world.state.s2sFeatures = features;
  return undefined;
}

/** A SASL request of the peer's own (`bytes`), where the target offered the peer SASL after TLS; not applicable where it offered none. */
export function peerRequestsSasl(world: XmppWorld, bytes: string): 'skipped' | undefined {
  const s = world.peerStream();
  const f = world.state.s2sFeatures;
  if (!s.tls || !mechanismsOf(f).length) return notApplicable(world, `the target offered the peer no SASL mechanism after TLS (${f ? `features: ${f}` : 'no features'}): with no SASL negotiation between servers there is no failure of one to report`);
  s.sendRaw(bytes);
  return undefined;
}

