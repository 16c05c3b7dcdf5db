// Controls for the scenarios of section 6 (SASL). The proxy sees SASL elements in plaintext
// (it terminates TLS), so it can rewrite a condition, corrupt a payload, answer in the target's
// place, or close the connection where the target would not.
//
// Prosody offers no DIGEST-MD5: for the DIGEST-MD5 scenarios the proxy offers it in Prosody's
// place and plays its server side (digestInProsodysPlace), and bends exactly what the scenario checks.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Control } from '../controls.ts';
import type { Conn, Mutation } from '../proxy.ts';
import { afterListenerSuccess, afterTls, answerInstead, AUTH, FIRST_HEADER, rewrite, SASL_NS, TLS_NS } from '../mutations.ts';
import { parseDigestChallenge } from '../../../support/peer/sasl.ts';
import { TARGETS_DIR } from '../../../targets/target.ts';

const MECHANISMS = /<mechanisms\b[^>]*>[\s\S]*?<\/mechanisms>/;
/** PLAIN, offered where a control makes the target offer SASL it must not */
const OFFER_PLAIN = `<mechanisms xmlns='${SASL_NS}'><mechanism>PLAIN</mechanism></mechanisms>`;

/** Scenarios that cannot be staged against Prosody at all: none, since the proxy plays DIGEST-MD5. */
export const notApplicableOnProsody: string[] = [];

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const md5 = (data: Buffer | string) => crypto.createHash('md5').update(data).digest();
const hex = (b: Buffer) => b.toString('hex');

/**
 * DIGEST-MD5 in Prosody's place (RFC 2831, qop=auth, algorithm=md5-sess): the proxy adds it to the
 * mechanisms offered after TLS, answers <auth mechanism='DIGEST-MD5'/> with a challenge, and turns
 * the client's digest-response into a PLAIN login towards Prosody with the account's password
 * (from the embedded target's config); Prosody's <success/> then carries the rspauth. `bend`
 * changes the one thing a control violates.
 */
function digestInProsodysPlace(bend: { challenge?: (c: string) => string; featuresAfterSuccess?: (t: string) => string }): Mutation {
  const cfg = JSON.parse(fs.readFileSync(path.join(TARGETS_DIR, 'prosody', 'config.json'), 'utf8')) as { domain: string; accounts: Array<{ user: string; password: string }> };
  const passwords = new Map(cfg.accounts.map((a) => [a.user, a.password]));
  const state = new WeakMap<Conn, { nonce: string; rspauth?: string; succeeded?: boolean }>();
  return {
    toClient: (t, c) => {
      const s = state.get(c);
      if (s?.rspauth && /<success\b/.test(t)) {
        const rspauth = s.rspauth;
        s.rspauth = undefined;
        s.succeeded = true;
        return t.replace(/<success\b[^>]*?(?:\/>|>[^<]*<\/success>)/, `<success xmlns='${SASL_NS}'>${b64(`rspauth=${rspauth}`)}</success>`);
      }
      if (s?.succeeded && bend.featuresAfterSuccess && /<stream:features/.test(t)) return bend.featuresAfterSuccess(t);
      if (!c.authenticated && afterTls(c)) return t.replace(/(<mechanisms\b[^>]*>)/, '$1<mechanism>DIGEST-MD5</mechanism>');
      return t;
    },
    toTarget: (t, c) => {
      const auth = /<auth\b[^>]*mechanism='DIGEST-MD5'[^>]*?(?:\/>|>[^<]*<\/auth>)/.exec(t);
      if (auth) {
        const nonce = crypto.randomBytes(12).toString('hex');
        state.set(c, { nonce });
        const challenge = `realm="${cfg.domain}",nonce="${nonce}",qop="auth",charset=utf-8,algorithm=md5-sess`;
        c.toClient(`<challenge xmlns='${SASL_NS}'>${b64(bend.challenge ? bend.challenge(challenge) : challenge)}</challenge>`);
        return t.replace(auth[0], '');
      }
      const s = state.get(c);
      const response = /<response\b[^>]*>([^<]+)<\/response>/.exec(t);
      if (!s || !response) return t;
      const r = parseDigestChallenge(Buffer.from(response[1]!, 'base64').toString('utf8'));
      const [user, realm, cnonce, nc, uri] = [r.username?.[0] ?? '', r.realm?.[0] ?? cfg.domain, r.cnonce?.[0] ?? '', r.nc?.[0] ?? '', r['digest-uri']?.[0] ?? ''];
      const password = passwords.get(user) ?? '';
      const ha1 = hex(md5(Buffer.concat([md5(`${user}:${realm}:${password}`), Buffer.from(`:${s.nonce}:${cnonce}`)])));
      s.rspauth = hex(md5(`${ha1}:${s.nonce}:${nc}:${cnonce}:auth:${hex(md5(`:${uri}`))}`));
      return t.replace(response[0], `<auth xmlns='${SASL_NS}' mechanism='PLAIN'>${b64(`\0${user}\0${password}`)}</auth>`);
    },
  };
}

/** Close the connection right after the target's n-th <failure/> holding `condition` (a target that allows n-1 retries). */
function closeAfter(n: number, condition: string): Control['mutation'] {
  const seen = new WeakMap<Conn, number>();
  return {
    toClient: (t, c) => {
      if (t.includes(`<${condition}/>`) || t.includes(`<${condition}>`)) {
        const k = (seen.get(c) ?? 0) + 1;
        seen.set(c, k);
        if (k >= n) setImmediate(() => c.end());
      }
      return t;
    },
  };
}

/** Rewrite the base64 character data of the first `<name>` element in `t`. */
function rewritePayload(t: string, name: string, fn: (decoded: string) => string): string {
  return t.replace(new RegExp(`(<${name}\\b[^>]*>)([^<]*)(</${name}>)`), (_m, open: string, data: string, close: string) => {
    const decoded = Buffer.from(data, 'base64').toString('utf8');
    return `${open}${Buffer.from(fn(decoded), 'utf8').toString('base64')}${close}`;
  });
}

/** Repair: a PLAIN <auth/> whose authzid is not empty is answered <failure><invalid-authzid/></failure> in the target's place. */
function answerAuthzidWithInvalidAuthzid(): Control['mutation'] {
  return {
    toTarget: (t, c) => {
      const m = /<auth\b[^>]*mechanism='PLAIN'[^>]*>([^<]*)<\/auth>/.exec(t);
      if (!m || Buffer.from(m[1]!, 'base64').toString('utf8').split('\0')[0] === '') return t;
      c.toClient(`<failure xmlns='${SASL_NS}'><invalid-authzid/></failure>`);
      return t.replace(m[0], '');
    },
  };
}

/** The peer's <auth mechanism='EXTERNAL'/> on its s2s connection answered with <success/> in the target's place. */
const grantExternal = answerInstead(/mechanism='EXTERNAL'/, `<success xmlns='${SASL_NS}'/>`, 'end');

export const controls: Control[] = [
  {
    scenario: 'SASL mechanisms are advertised on the stream where authentication happens',
    change: '<mechanisms/> removed from the stream features',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(MECHANISMS, '') },
  },
  {
    scenario: 'SASL mechanisms are advertised on the first stream when TLS is optional',
    change: '<mechanisms/> removed from the stream features',
    expect: 'failed',
    profile: 'tls-optional',
    mutation: { toClient: (t) => t.replace(MECHANISMS, '') },
  },
  {
    scenario: 'the target sends no white space between elements during SASL',
    change: 'a line feed sent before <success/>',
    expect: 'failed',
    mutation: rewrite(/<success\b/, '\n<success'),
  },
  {
    scenario: "the target's SASL character data is base64",
    change: 'a space (outside the base64 alphabet) inserted into the <challenge/> data',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(/(<challenge\b[^>]*>[A-Za-z0-9+/]{4})/, '$1 ') },
  },
  {
    scenario: 'a server that requires TLS offers no SASL mechanism before TLS',
    change: 'PLAIN offered in the features before TLS',
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (afterTls(c) ? t : t.replace('</stream:features>', `${OFFER_PLAIN}</stream:features>`)),
    },
  },
  {
    scenario: 'SASL PLAIN before TLS is not accepted by a server that requires TLS',
    change: 'the proxy answers <auth/> before TLS with <success/>',
    expect: 'failed',
    mutation: {
      toTarget: (t, c) => {
        if (afterTls(c) || !/<auth\b/.test(t)) return t;
        c.toClient(`<success xmlns='${SASL_NS}'/>`);
        return '';
      },
    },
  },
  {
    scenario: 'every mechanism offered before TLS can be used before TLS',
    change: "the proxy answers PLAIN before TLS with <failure><encryption-required/></failure>",
    expect: 'failed',
    profile: 'tls-optional',
    mutation: {
      toTarget: (t, c) => {
        if (afterTls(c) || !/<auth\b[^>]*mechanism='PLAIN'/.test(t)) return t;
        c.toClient(`<failure xmlns='${SASL_NS}'><encryption-required/></failure>`);
        return '';
      },
    },
  },
  {
    scenario: 'SCRAM-SHA-1 challenges are computed as RFC 5802 defines',
    change: 'the SCRAM server signature (v=) in <success/> replaced by 20 zero bytes',
    expect: 'failed',
    mutation: { toClient: (t) => rewritePayload(t, 'success', (d) => d.replace(/^v=.*/, `v=${Buffer.alloc(20).toString('base64')}`)) },
  },
  {
    scenario: 'an aborted exchange may be retried at least twice on the same connection',
    change: 'the connection is closed after the first <aborted/> (no retry allowed)',
    expect: 'failed',
    mutation: closeAfter(1, 'aborted'),
  },
  {
    scenario: 'aborting again and again ends with the TCP connection closed',
    change: 'repair: the connection is closed after the third <aborted/>',
    expect: 'passed',
    mutation: closeAfter(3, 'aborted'),
  },
  {
    scenario: 'a wrong password is reported with <not-authorized/>',
    change: '<not-authorized/> replaced by <temporary-auth-failure/>',
    expect: 'failed',
    mutation: rewrite('<not-authorized/>', '<temporary-auth-failure/>'),
  },
  {
    scenario: 'an unknown mechanism is reported with <invalid-mechanism/>',
    change: '<invalid-mechanism/> replaced by <not-authorized/>',
    expect: 'failed',
    mutation: rewrite('<invalid-mechanism/>', '<not-authorized/>'),
  },
  {
    scenario: 'data that is not base64 is reported with <incorrect-encoding/>',
    change: '<incorrect-encoding/> replaced by <not-authorized/>',
    expect: 'failed',
    mutation: rewrite('<incorrect-encoding/>', '<not-authorized/>'),
  },
  {
    scenario: 'an authorization identity the account may not use is reported with <invalid-authzid/>',
    change: 'repair: the proxy answers a PLAIN <auth/> carrying an authzid with <failure><invalid-authzid/></failure>',
    expect: 'passed',
    mutation: answerAuthzidWithInvalidAuthzid(),
  },
  {
    scenario: 'an authorization identity that is not of the form node@domain is reported with <invalid-authzid/>',
    change: 'repair: the proxy answers a PLAIN <auth/> carrying an authzid with <failure><invalid-authzid/></failure>',
    expect: 'passed',
    mutation: answerAuthzidWithInvalidAuthzid(),
  },
  {
    scenario: 'a wrong password may be retried at least twice on the same connection',
    change: 'the connection is closed after the first <not-authorized/> (no retry allowed)',
    expect: 'failed',
    mutation: closeAfter(1, 'not-authorized'),
  },
  {
    scenario: 'failing again and again ends with the TCP connection closed',
    change: 'repair: the connection is closed after the third <not-authorized/>',
    expect: 'passed',
    mutation: closeAfter(3, 'not-authorized'),
  },
  {
    scenario: 'after SASL success the target takes a new stream header without a closing tag first',
    change: "'</stream:stream>' for the old stream sent before the new response header after SASL",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.authenticated && /<stream:stream\b/.test(t) ? `</stream:stream>${t}` : t) },
  },
  {
    scenario: 'after SASL PLAIN the new stream offers neither STARTTLS nor SASL',
    change: '<mechanisms/> offered again in the features after SASL',
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (c.authenticated && /<stream:features\b/.test(t) ? t.replace('</stream:features>', `${OFFER_PLAIN}</stream:features>`) : t),
    },
  },
  {
    scenario: 'after SASL SCRAM-SHA-1 the new stream offers neither STARTTLS nor SASL',
    change: '<starttls/> offered again in the features after SASL',
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (c.authenticated && /<stream:features\b/.test(t) ? t.replace('</stream:features>', `<starttls xmlns='${TLS_NS}'/></stream:features>`) : t),
    },
  },
  {
    scenario: 'the stream after SASL carries a new stream id',
    change: 'the response header after SASL reuses the id of the stream before it',
    expect: 'failed',
    mutation: {
      toClient: (t, c) => {
        if (!c.authenticated || !/<stream:stream\b/.test(t)) return t;
        const ids = [...c.fromTarget.matchAll(/<stream:stream\b[^>]*\bid='([^']*)'/g)].map((m) => m[1]!);
        const previous = ids[ids.length - 2];
        return previous ? t.replace(/(<stream:stream\b[^>]*\bid=')[^']*'/, `$1${previous}'`) : t;
      },
    },
  },
  // the emulation itself must be sound: played faithfully, both DIGEST-MD5 scenarios pass
  { scenario: 'DIGEST-MD5 challenges are computed as RFC 2831 defines', change: "DIGEST-MD5 offered and played faithfully in the target's place", expect: 'passed', also: 'played-in-place', mutation: digestInProsodysPlace({}) },
  { scenario: 'after SASL DIGEST-MD5 the new stream offers neither STARTTLS nor SASL', change: "DIGEST-MD5 offered and played faithfully in the target's place", expect: 'passed', also: 'played-in-place', mutation: digestInProsodysPlace({}) },
  {
    scenario: 'DIGEST-MD5 challenges are computed as RFC 2831 defines',
    change: "DIGEST-MD5 offered and played in the target's place, its challenge carrying two nonces (RFC 2831 2.1.1: exactly one)",
    expect: 'failed',
    mutation: digestInProsodysPlace({ challenge: (c) => `${c},nonce="${crypto.randomBytes(6).toString('hex')}"` }),
  },
  {
    scenario: 'after SASL DIGEST-MD5 the new stream offers neither STARTTLS nor SASL',
    change: "DIGEST-MD5 offered and played in the target's place; the features of the stream after <success/> offer <mechanisms/> again",
    expect: 'failed',
    mutation: digestInProsodysPlace({ featuresAfterSuccess: (t) => t.replace(/(<stream:features\b[^>]*>)/, `$1${OFFER_PLAIN}`) }),
  },
  {
    scenario: 'the authorization identity the target provides to a peer server is a domain',
    change: "the target's <auth mechanism='EXTERNAL'/> on its connection to the peer carries the authorization identity 'someone@target.test' (base64), a JID of a client's form",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 'listener' ? t.replace(AUTH, `<auth xmlns='${SASL_NS}' mechanism='EXTERNAL'>${b64('someone@target.test')}</auth>`) : t) },
  },
  {
    scenario: 'the target offers SASL EXTERNAL to a peer server that presented a valid certificate',
    change: "EXTERNAL removed from the mechanisms the target offers the peer after TLS (the proxy presents the peer's certificate to the target)",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 's2s' ? t.replace(/<mechanism>EXTERNAL<\/mechanism>/, '<mechanism>X-NONE</mechanism>') : t) },
  },
  {
    scenario: "after SASL EXTERNAL the target's new stream offers the peer neither STARTTLS nor SASL",
    change: 'EXTERNAL offered again in the features of the s2s stream restarted after <success/>',
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 's2s' && c.authenticated && !/<success\b/.test(t) ? t.replace('</stream:features>', `<mechanisms xmlns='${SASL_NS}'><mechanism>EXTERNAL</mechanism></mechanisms></stream:features>`) : t) },
  },
  {
    scenario: "after the peer's <success/> the target opens a new stream on its own connection",
    change: "the stream header the target sends after the listener's <success/> on its own connection never reaches the listener",
    expect: 'failed',
    mutation: afterListenerSuccess((t) => t.replace(FIRST_HEADER, '')),
  },
  {
    scenario: 'an unknown mechanism from a peer server is reported with <invalid-mechanism/>',
    change: "the cause removed from the target's SASL <failure/> on the peer's s2s connection",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 's2s' ? t.replace(/<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[\s\S]*?<\/failure>/, `<failure xmlns='${SASL_NS}'/>`) : t) },
  },
  {
    scenario: "an authorization identity the peer's certificate does not cover is reported with <invalid-authzid/>",
    change: "the target's SASL <failure/> on the peer's s2s connection answered as <success/> instead",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 's2s' ? t.replace(/<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[\s\S]*?<\/failure>/, `<success xmlns='${SASL_NS}'/>`) : t) },
  },
  {
    scenario: 'the target names no other entity as its authorization identity when it sends for itself',
    change: "the target's <auth mechanism='EXTERNAL'/> on its connection to the peer carries the authorization identity 'other.test' (base64), a domain other than its own",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 'listener' ? t.replace(AUTH, `<auth xmlns='${SASL_NS}' mechanism='EXTERNAL'>${b64('other.test')}</auth>`) : t) },
  },
  {
    scenario: 'SASL EXTERNAL with a certificate that is self-signed is refused with its cause',
    change: "the peer's request for EXTERNAL with a certificate that is self-signed answered with <success/> in the target's place",
    expect: 'failed',
    mutation: grantExternal,
  },
  {
    scenario: 'SASL EXTERNAL with a certificate that is expired is refused with its cause',
    change: "the peer's request for EXTERNAL with a certificate that is expired answered with <success/> in the target's place",
    expect: 'failed',
    mutation: grantExternal,
  },
  {
    scenario: 'SASL EXTERNAL with a certificate that is for another domain is refused with its cause',
    change: "the peer's request for EXTERNAL with a certificate that is for another domain answered with <success/> in the target's place",
    expect: 'failed',
    mutation: grantExternal,
  },
  {
    scenario: 'SASL EXTERNAL with a certificate that is from a CA the target does not trust is refused with its cause',
    change: "the peer's request for EXTERNAL with a certificate that is from a CA the target does not trust answered with <success/> in the target's place",
    expect: 'failed',
    mutation: grantExternal,
  },
];
