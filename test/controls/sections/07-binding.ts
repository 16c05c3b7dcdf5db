// Controls for the scenarios of section 7 (resource binding).
import type { Control } from '../controls.ts';
import { ALL_FEATURES, bound, editStanza, JID, rewrite, STANZAS_NS, stanzaRe, withCondition, withErrorType } from '../mutations.ts';

const BIND_RESULT = /<iq\b[^>]*type='result'[^>]*><bind [\s\S]*?<\/iq>/;
const toError = (cond: string, type: string) => (t: string) =>
  t.replace(BIND_RESULT, (iq) => `${iq.slice(0, iq.indexOf('>') + 1).replace("type='result'", "type='error'")}<error type='${type}'><${cond} xmlns='${STANZAS_NS}'/></error></iq>`);

export const controls: Control[] = [
  {
    scenario: 'a requested resource is bound and the full JID returned',
    change: 'the <jid/> is removed from the bind result',
    expect: 'failed',
    mutation: rewrite(/<jid>[^<]*<\/jid>/, ''),
  },
  {
    // Appendix C (support/schemas/): the binding schema allows one <jid/>; the schemas are descriptive, so
    // the scenario's own verdict does not change, and the schema check must flag the element
    scenario: 'a requested resource is bound and the full JID returned',
    change: 'the bind result carries its <jid/> twice (schema-invalid, requirement intact)',
    expect: 'passed',
    schemaViolation: { ns: 'urn:ietf:params:xml:ns:xmpp-bind', rule: /\}jid': This element is not expected/ },
    mutation: { toClient: (t) => t.replace(/<jid>[^<]*<\/jid>/, (j) => j + j) },
  },
  {
    scenario: 'a requested resource is accepted, or overridden without a stanza error',
    change: 'the bind result becomes a <forbidden/> stanza error',
    expect: 'failed',
    mutation: { toClient: toError('forbidden', 'auth') },
  },
  // Run-wide (support/report/runwide.ts): the older session's <conflict/> stream error is evidence for the
  // rules about every stream error; the scenario accepts any error there, so its result stays.
  {
    scenario: 'a resource already in use is overridden or refused with <conflict/>',
    change: "after the older session's <conflict/> stream error, a message arrives before </stream:stream> (core-4.7.1-1, run-wide)",
    expect: 'passed',
    runWideViolation: 'core-4.7.1-1',
    mutation: {
      toClient: (t, c, p) =>
        c === p.conns[0] && bound(c) ? t.replace('</stream:error>', "</stream:error><message from='target.test' to='alice@target.test' type='chat'><body>after the stream error</body></message>") : t,
    },
  },
  {
    scenario: 'a resource already in use is overridden or refused with <conflict/>',
    change: "the older session's <conflict/> stream condition is qualified by urn:example:not-streams (core-4.7.2-3, run-wide)",
    expect: 'passed',
    runWideViolation: 'core-4.7.2-3',
    mutation: {
      toClient: (t, c, p) =>
        c === p.conns[0] && bound(c) ? t.replace(/(<stream:error>[\s\S]*?)xmlns='urn:ietf:params:xml:ns:xmpp-streams'/, "$1xmlns='urn:example:not-streams'") : t,
    },
  },
  {
    scenario: 'the bound JID is the authenticated bare JID with the negotiated resource',
    change: "the bound JID's node becomes 'mallory'",
    expect: 'failed',
    mutation: rewrite(/<jid>[^@<]*@/, '<jid>mallory@'),
  },
  {
    scenario: 'a bind request without a resource gets one the server generated',
    change: 'the bound JID loses its resource (a bare JID)',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(JID, '<jid>$1</jid>') },
  },
  {
    scenario: 'two resources generated for one account differ',
    change: "every generated resource becomes 'same'",
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(JID, '<jid>$1/same</jid>') },
  },
  {
    scenario: 'a resource already in use is overridden or refused with <conflict/>',
    change: "the older session keeps its stream: the <conflict/> stream error and the close are hidden from it",
    expect: 'failed',
    mutation: {
      holdOpen: true,
      toClient: (t, c, p) => (c === p.conns[0] && bound(c) ? t.replace(/<stream:error>[\s\S]*?<\/stream:error>/, '').replace('</stream:stream>', '') : t),
    },
  },
  {
    scenario: 'a resource that fails Resourceprep is never bound',
    change: 'the bound JID carries the resource as requested, U+E000 included',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(JID, '<jid>$1/bad\uE000res</jid>') },
  },
  {
    scenario: "a <bad-request/> for a malformed resource carries type 'modify'",
    change: "the bind result becomes <bad-request/> with type 'cancel'",
    expect: 'failed',
    mutation: { toClient: toError('bad-request', 'cancel') },
  },
  {
    scenario: 'a message sent after SASL but before binding is not processed',
    change: 'the unbound message is delivered to every bound connection',
    expect: 'failed',
    mutation: {
      toTarget: (t, c, proxy) => {
        if (c.authenticated && !bound(c)) {
          const m = stanzaRe('unbound-1').exec(t);
          if (m) for (const other of proxy.conns) if (other !== c && bound(other)) other.toClient(m[0]);
        }
        return t;
      },
    },
  },
  {
    scenario: 'a message sent after SASL but before binding gets a <not-authorized/> stanza error',
    change: "repair: the error becomes <not-authorized/> with type 'auth'",
    expect: 'passed',
    mutation: editStanza('unbound-2', (s) => withErrorType(withCondition(s, 'not-authorized'), 'auth')),
  },
];

controls.unshift(
  {
    scenario: 'the stream restarted after SASL is answered with a header and stream features',
    change: '<stream:features/> removed from the stream restarted after SASL',
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.authenticated ? t.replace(ALL_FEATURES, '') : t) },
  },
  {
    scenario: 'the stream features after SASL offer resource binding',
    change: '<bind/> removed from the features after SASL',
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.authenticated ? t.replace(/<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'(?:\/>|>[\s\S]*?<\/bind>)/, '') : t) },
  },
);
