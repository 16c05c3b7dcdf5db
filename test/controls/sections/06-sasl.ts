// Controls for the scenarios of section 6 (SASL). The proxy sees SASL elements in plaintext
// (it terminates TLS), so it can rewrite a condition, corrupt a payload, answer in the target's
// place, or close the connection where the target would not.
//
// DIGEST-MD5 scenarios have no control: Prosody offers no DIGEST-MD5, so they are skipped as not
// applicable against the embedded target (listed in notApplicableOnProsody for the runner).
import type { Control } from '../controls.ts';
import type { Conn } from '../proxy.ts';

const SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const afterTls = (c: Conn) => /<proceed[\s/>]/.test(c.fromTarget);
const MECHANISMS = /<mechanisms\b[^>]*>[\s\S]*?<\/mechanisms>/;

/** Scenarios that are skipped as not applicable against Prosody (it offers no DIGEST-MD5): no control. */
export const notApplicableOnProsody: string[] = [
  'DIGEST-MD5 challenges are computed as RFC 2831 defines',
  'after SASL DIGEST-MD5 the new stream offers neither STARTTLS nor SASL',
];

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
      c.toClient(`<failure xmlns='${SASL}'><invalid-authzid/></failure>`);
      return t.replace(m[0], '');
    },
  };
}

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
    mutation: { toClient: (t) => t.replace(/<success\b/, '\n<success') },
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
      toClient: (t, c) => (afterTls(c) ? t : t.replace('</stream:features>', `<mechanisms xmlns='${SASL}'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`)),
    },
  },
  {
    scenario: 'SASL PLAIN before TLS is not accepted by a server that requires TLS',
    change: 'the proxy answers <auth/> before TLS with <success/>',
    expect: 'failed',
    mutation: {
      toTarget: (t, c) => {
        if (afterTls(c) || !/<auth\b/.test(t)) return t;
        c.toClient(`<success xmlns='${SASL}'/>`);
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
        c.toClient(`<failure xmlns='${SASL}'><encryption-required/></failure>`);
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
    mutation: { toClient: (t) => t.replace('<not-authorized/>', '<temporary-auth-failure/>') },
  },
  {
    scenario: 'an unknown mechanism is reported with <invalid-mechanism/>',
    change: '<invalid-mechanism/> replaced by <not-authorized/>',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace('<invalid-mechanism/>', '<not-authorized/>') },
  },
  {
    scenario: 'data that is not base64 is reported with <incorrect-encoding/>',
    change: '<incorrect-encoding/> replaced by <not-authorized/>',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace('<incorrect-encoding/>', '<not-authorized/>') },
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
      toClient: (t, c) => (c.authenticated && /<stream:features\b/.test(t) ? t.replace('</stream:features>', `<mechanisms xmlns='${SASL}'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`) : t),
    },
  },
  {
    scenario: 'after SASL SCRAM-SHA-1 the new stream offers neither STARTTLS nor SASL',
    change: '<starttls/> offered again in the features after SASL',
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (c.authenticated && /<stream:features\b/.test(t) ? t.replace('</stream:features>', "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>") : t),
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
];
