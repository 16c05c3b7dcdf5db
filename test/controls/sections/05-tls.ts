// Controls for the scenarios of section 5 (STARTTLS). The proxy terminates TLS on both sides, so
// it sees the plaintext before and after <proceed/>; `afterProceed: 'swallow'` plays a target
// that neither completes nor fails the handshake and never closes.
import type { Control } from '../controls.ts';
import { afterTls, afterTlsFromSuite, AUTH, FEATURES, rewrite, SASL_NS, TLS_NS } from '../mutations.ts';

const PROCEED = /<proceed\b[^>]*\/>/;

export const controls: Control[] = [
  {
    scenario: 'the target secures its own connection to the peer with TLS',
    change: "<starttls/> removed from the peer listener's features on the target's connections, and a <starttls/> the target sends anyway refused with <failure/>, so the target cannot secure them",
    expect: 'failed',
    mutation: {
      toTarget: (t, c) => (c.kind === 'listener' ? t.replace(/<starttls\b[^>]*\/>/, '') : t),
      toClient: (t, c) => {
        if (c.kind !== 'listener' || !/<starttls\b/.test(t)) return t;
        c.toTarget(`<failure xmlns='${TLS_NS}'/></stream:stream>`);
        return t.replace(/<starttls\b[^>]*\/>/, '');
      },
    },
  },
  {
    scenario: 'a version 1.0 stream is offered STARTTLS',
    change: '<starttls/> removed from the stream features',
    expect: 'failed',
    mutation: rewrite(/<starttls\b[^>]*\/>|<starttls\b[^>]*>[\s\S]*?<\/starttls>/, ''),
  },
  {
    scenario: 'the target sends no white space between elements during TLS negotiation',
    change: 'a line feed sent between </stream:features> and <proceed/>',
    expect: 'failed',
    mutation: rewrite('<proceed', '\n<proceed'),
  },
  {
    scenario: 'the target treats the byte right after <proceed/> as the start of TLS',
    change: 'a line feed sent in plaintext right after <proceed/>',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(PROCEED, (p) => `${p}\n`) },
  },
  {
    scenario: 'STARTTLS is not offered again after TLS',
    change: '<starttls/> added to the features of the stream restarted after TLS',
    expect: 'failed',
    mutation: { toClient: (t, c) => (afterTls(c) && !c.authenticated ? t.replace('</stream:features>', `<starttls xmlns='${TLS_NS}'/></stream:features>`) : t) },
  },
  {
    scenario: 'bytes that are not TLS after <proceed/> make the target close the connection',
    change: 'after <proceed/> the bytes that are not TLS are swallowed and the connection is held open',
    expect: 'failed',
    mutation: { afterProceed: 'swallow' },
  },
  {
    scenario: 'a server that requires TLS marks STARTTLS <required/>',
    change: '<required/> removed from <starttls/>',
    expect: 'failed',
    mutation: rewrite(/<required\s*\/>|<required><\/required>/, ''),
  },
  {
    scenario: '<starttls/> is answered with <proceed/> or <failure/>',
    change: '<proceed/> renamed <ready/> (still in the TLS namespace)',
    expect: 'failed',
    mutation: rewrite('<proceed', '<ready'),
  },
  {
    scenario: '<starttls/> with unexpected content is answered with <proceed/> or <failure/>',
    change: '<proceed/> renamed <ready/> (still in the TLS namespace)',
    expect: 'failed',
    mutation: rewrite('<proceed', '<ready'),
  },
  {
    scenario: 'a <failure/> to STARTTLS is followed by closing the stream and the TCP connection',
    change: "'</stream:stream>' removed after the TLS <failure/> and the TCP connection held open",
    expect: 'failed',
    mutation: { toClient: (t) => (/<failure\b[^>]*xmpp-tls/.test(t) ? t.replace('</stream:stream>', '') : t), holdOpen: true },
  },
  {
    scenario: 'after <proceed/> the target completes the TLS handshake',
    change: 'after <proceed/> the ClientHello is swallowed: no handshake, connection held open',
    expect: 'failed',
    mutation: { afterProceed: 'swallow' },
  },
  {
    scenario: 'after <proceed/> the target sends no XML until the handshake is complete',
    change: "a plaintext <message/> sent right after <proceed/>",
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(PROCEED, (p) => `${p}<message xmlns='jabber:client' id='early'/>`) },
  },
  {
    scenario: 'a fatal TLS alert instead of a ClientHello makes the target close the TCP connection',
    change: 'after <proceed/> the alert is swallowed and the connection held open',
    expect: 'failed',
    mutation: { afterProceed: 'swallow' },
  },
  {
    scenario: 'after TLS the target takes a new stream header without a closing tag first',
    change: "'</stream:stream>' for the old stream sent before the new response header after TLS",
    expect: 'failed',
    mutation: { toClient: (t, c) => (afterTls(c) && !c.authenticated && /<stream:stream\b/.test(t) ? `</stream:stream>${t}` : t) },
  },
  {
    scenario: 'after TLS the target answers with a new header and features without STARTTLS',
    change: 'the stream features after TLS dropped (header only)',
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (afterTls(c) && !c.authenticated ? t.replace(FEATURES, '') : t),
    },
  },
  {
    scenario: 'the stream after TLS carries a new stream id',
    change: 'the response header after TLS reuses the id of the stream before TLS',
    expect: 'failed',
    mutation: {
      toClient: (t, c) => {
        if (!afterTls(c) || c.authenticated || !/<stream:stream\b/.test(t)) return t;
        const first = /<stream:stream\b[^>]*\bid='([^']*)'/.exec(c.fromTarget)?.[1];
        return first ? t.replace(/(<stream:stream\b[^>]*\bid=')[^']*'/, `$1${first}'`) : t;
      },
    },
  },
  {
    scenario: 'the target completes TLS before SASL on its own connection to the peer',
    change: "an <auth mechanism='EXTERNAL'/> sent in the target's place right before its <starttls/> on its connection to the peer, and the listener's refusal of it kept from the target",
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (c.kind === 'listener' && !afterTlsFromSuite(c) ? t.replace(/<starttls\b[^>]*\/>/, (s) => `<auth xmlns='${SASL_NS}' mechanism='EXTERNAL'>=</auth>${s}`) : t),
      toTarget: (t, c) => (c.kind === 'listener' ? t.replace(/<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[\s\S]*?<\/failure>/, '') : t),
    },
  },
  {
    scenario: 'the target goes on with SASL after TLS on its own connection to the peer',
    change: "the <auth/> the target sends after TLS on its connection to the peer never reaches the peer's listener",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 'listener' ? t.replace(AUTH, '') : t) },
  },
  {
    scenario: "the target starts the TLS handshake right after the peer's <proceed/>",
    change: "a line feed sent in plaintext in the target's place right after the listener's <proceed/>, before the target's TLS handshake",
    expect: 'failed',
    mutation: { plaintextAfterProceed: '\n' },
  },
  {
    scenario: 'STARTTLS is not offered again to a peer server after TLS',
    change: "<starttls/> added to the features of the peer's s2s stream restarted after TLS",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 's2s' && afterTls(c) && !PROCEED.test(t) ? t.replace('</stream:features>', `<starttls xmlns='${TLS_NS}'/></stream:features>`) : t) },
  },
];
