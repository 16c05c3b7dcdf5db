// Controls for the scenarios of section 8 (server dialback). Three proxies carry every byte:
// the suite's c2s connections ('c2s'), the peer's connections to the target's s2s port
// ('s2s'), and the target's connections to the peer's listener ('listener'). toClient is
// always target -> suite, toTarget suite -> target, whichever side opened the connection.
import type { Control } from '../controls.ts';
import type { Conn, Mutation } from '../proxy.ts';
import { afterListenerSuccess, deliverAnyway, ERR, FIRST_HEADER, headerOn, moveOntoPeerConnection, s2sConns, SASL_NS, STANZAS_NS } from '../mutations.ts';

/** Repair: the target's condition renamed to the one the draft defines, on connections of one kind. */
const rename = (from: string, to: string, kind: Conn['kind'] = 's2s'): Mutation => ({
  toClient: (t, c) => (c.kind === kind ? t.replace(`<${from} `, `<${to} `) : t),
});

/**
 * Repair: when the suite sends what matches `trigger` on a connection of one kind, answer with
 * the stream error the draft names and end the connection; if the target's own header has not
 * passed yet, the error follows it (a stream error before the header would not be XML).
 */
const refuse = (trigger: RegExp, condition: string, kind: Conn['kind'] = 's2s'): Mutation => {
  const pending = new WeakSet<Conn>();
  const send = (c: Conn) => {
    c.toClient(ERR(condition));
    c.end();
  };
  return {
    toTarget: (t, c) => {
      if (c.kind !== kind || !trigger.test(t)) return t;
      // what came before the trigger in the same chunk (the suite's stream header) still goes through
      const before = t.slice(0, t.search(trigger));
      if (c.fromTarget.includes('<stream:stream')) send(c);
      else pending.add(c);
      return before;
    },
    toClient: (t, c) => {
      if (!pending.has(c) || !t.includes('<stream:stream')) return t;
      pending.delete(c);
      setImmediate(() => send(c));
      return t;
    },
  };
};

/** Repair: right after the target sends what matches `re` on an s2s connection, the stream and the connection are ended. */
const endAfter = (re: RegExp): Mutation => ({
  toClient: (t, c) => {
    if (c.kind !== 's2s' || !re.test(t)) return t;
    c.toClient(t + '</stream:stream>');
    c.end();
    return '';
  },
});

export const controls: Control[] = [
  {
    scenario: "the target answers the peer's stream header with a stream id",
    change: "the id removed from the target's response header on s2s",
    expect: 'failed',
    mutation: headerOn('s2s', (h) => h.replace(/\sid='[^']*'/, '')),
  },
  {
    scenario: "a connection the authoritative server confirms is validated and carries the peer's stanzas",
    change: 'the validated message is not delivered to the local recipient',
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 'c2s' ? t.replace(/<message\b[^>]*id='s2s-in-1'[\s\S]*?<\/message>/, '') : t) },
  },
  {
    scenario: 'a connection the authoritative server declares invalid is closed, stream and TCP',
    change: "repair: after <db:result type='invalid'/> the stream and the TCP connection are ended",
    expect: 'passed',
    mutation: endAfter(/<db:result\b[^>]*type='invalid'/),
  },
  {
    scenario: 'a stanza sent over s2s before validation is not delivered',
    change: 'the message sent before validation is delivered to the recipient anyway',
    expect: 'failed',
    mutation: deliverAnyway('s2s-early-1'),
  },
  {
    scenario: 'a stanza sent over s2s before validation is silently dropped',
    change: 'the target answers the early message with an error stanza',
    expect: 'failed',
    mutation: {
      toTarget: (t, c) => {
        if (c.kind === 's2s' && /id='s2s-early-2'/.test(t)) {
          c.toClient(`<message type='error' id='s2s-early-2' from='nobody@target.test' to='someone@peer.test/x'><error type='cancel'><service-unavailable xmlns='${STANZAS_NS}'/></error></message>`);
        }
        return t;
      },
    },
  },
  {
    scenario: 'to send to the peer, the target opens its own connection and validates it by dialback',
    change: "the target's message is moved onto a connection the peer opened",
    expect: 'failed',
    mutation: moveOntoPeerConnection,
  },
  {
    scenario: 'the target sends no stanza before its connection to the peer is declared valid',
    change: "a stanza from the target follows its <db:result/> before the peer's answer",
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (c.kind === 'listener' && /<db:result\b(?![^>]*type=)[^>]*>/.test(t) ? `${t}<message from='alice@target.test' to='someone@peer.test' id='too-early'><body>early</body></message>` : t),
    },
  },
  {
    scenario: 'the target, as authoritative server, confirms the key it issued',
    change: "the target's answer to a verification request turned to type='invalid'",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 's2s' ? t.replace(/(<db:verify\b[^>]*type=')valid'/, "$1invalid'") : t) },
  },
  {
    scenario: 'the target, as authoritative server, refuses a forged key',
    change: "the target's refusal of a verification request turned to type='valid'",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 's2s' ? t.replace(/(<db:verify\b[^>]*type=')invalid'/, "$1valid'") : t) },
  },
  {
    scenario: 'the target, as authoritative server, refuses its own key for another stream id',
    change: "the target's refusal of a verification request turned to type='valid'",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 's2s' ? t.replace(/(<db:verify\b[^>]*type=')invalid'/, "$1valid'") : t) },
  },
  {
    scenario: 'a dialback namespace other than jabber:server:dialback gets <invalid-namespace/>',
    change: 'repair: the request under the wrong dialback namespace is answered with <invalid-namespace/>',
    expect: 'passed',
    mutation: refuse(/<db:result\b/, 'invalid-namespace'),
  },
  {
    scenario: 'a dialback key addressed to a host the target does not serve gets <host-unknown/>',
    change: 'repair: <unsupported-stanza-type/> renamed <host-unknown/>',
    expect: 'passed',
    mutation: rename('unsupported-stanza-type', 'host-unknown'),
  },
  {
    scenario: 'an authoritative answer addressed to a host the target does not serve gets <host-unknown/>',
    change: "repair: the authoritative answer <db:verify to='no-such-host.invalid'/> is refused with <host-unknown/> on the connection that carried it",
    expect: 'passed',
    mutation: refuse(/<db:verify\b[^>]*to='no-such-host\.invalid'/, 'host-unknown', 'listener'),
  },
  {
    scenario: "an authoritative answer from a domain other than the originating server's gets <invalid-from/>",
    change: "repair: the authoritative answer <db:verify from='peer2.test'/> is refused with <invalid-from/> on the connection that carried it",
    expect: 'passed',
    mutation: refuse(/<db:verify\b[^>]*from='peer2\.test'/, 'invalid-from', 'listener'),
  },
  {
    scenario: 'a peer stream header without version is answered without version',
    change: "version='1.0' added to the target's answer to a version-less header",
    expect: 'failed',
    mutation: headerOn('s2s', (h) => (/version=/.test(h) ? h : h.replace('<stream:stream', "<stream:stream version='1.0'"))),
  },
  {
    scenario: 'a pre-1.0 peer gets no stream features and is validated by dialback',
    change: "<stream:features/> injected after the target's header",
    expect: 'failed',
    mutation: headerOn('s2s', (h) => `${h}<stream:features/>`),
  },
  {
    scenario: 'a verification request for a host the target does not serve gets <host-unknown/>',
    change: 'repair: <unsupported-stanza-type/> renamed <host-unknown/>',
    expect: 'passed',
    mutation: rename('unsupported-stanza-type', 'host-unknown'),
  },
  {
    scenario: "a verification request from a domain other than the stream's gets <invalid-from/>",
    change: 'repair: the verification request from the second peer domain is answered with <invalid-from/>',
    expect: 'passed',
    mutation: refuse(/<db:verify\b[^>]*from='peer2\.test'/, 'invalid-from'),
  },
  {
    scenario: 'having answered a verification request, the target ends that stream',
    change: 'repair: the stream is ended right after the answer',
    expect: 'passed',
    mutation: endAfter(/<db:verify\b[^>]*type=/),
  },
  {
    scenario: "a stanza without 'from' over a validated connection gets <improper-addressing/>",
    change: 'repair: <not-authorized/> renamed <improper-addressing/>',
    expect: 'passed',
    mutation: rename('not-authorized', 'improper-addressing'),
  },
  {
    scenario: 'a stanza from a domain not validated on the connection gets <invalid-from/>',
    change: 'repair: <not-authorized/> renamed <invalid-from/>',
    expect: 'passed',
    mutation: rename('not-authorized', 'invalid-from'),
  },
  {
    scenario: 'a validated connection carries a further validation request for another hostname of the target',
    change: "the answer to the piggybacked request turned to type='invalid'",
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (c.kind === 's2s' ? t.replace(/(<db:result\b(?=[^>]*from='other\.target\.test')[^>]*type=')valid'/, "$1invalid'") : t),
    },
  },
  {
    scenario: 'an answer from the authoritative server about another stream id gets <invalid-id/>',
    change: "repair: the peer's answer about another stream id is refused with <invalid-id/>",
    expect: 'passed',
    mutation: refuse(/<db:verify\b[^>]*id='[^']*-other'/, 'invalid-id', 'listener'),
  },
  {
    scenario: 'a stream error from the authoritative server gets <remote-connection-failed/> on the originating stream',
    change: "repair: after the authoritative server's stream error the peer's own stream ends with <remote-connection-failed/>",
    expect: 'passed',
    mutation: {
      toTarget: (t, c, proxy) => {
        if (c.kind === 'listener' && /<stream:error>/.test(t)) {
          // the peer's originating connection is the first it opened (later ones are verify connections)
          const o = s2sConns(proxy.conns, 's2s')[0];
          o?.toClient(ERR('remote-connection-failed'));
          o?.end();
        }
        return t;
      },
    },
  },
  {
    scenario: 'an authoritative server declaring a wrong dialback namespace gets <invalid-namespace/>',
    change: 'repair: <unsupported-stanza-type/> renamed <invalid-namespace/> on the connection to the authoritative server',
    expect: 'passed',
    mutation: rename('unsupported-stanza-type', 'invalid-namespace', 'listener'),
  },
  {
    scenario: 'a receiving server declaring a wrong dialback namespace gets <invalid-namespace/> from the target',
    change: "repair: <unsupported-stanza-type/> renamed <invalid-namespace/> on the target's own connection",
    expect: 'passed',
    mutation: rename('unsupported-stanza-type', 'invalid-namespace', 'listener'),
  },
  {
    scenario: 'stream ids given to peers are distinct, not short and not sequential',
    change: 'stream ids given to peers replaced by a counter (1000, 1001, ...)',
    expect: 'failed',
    mutation: (() => {
      let n = 1000;
      return headerOn('s2s', (h) => h.replace(/\sid='[^']*'/, ` id='${n++}'`));
    })(),
  },
  {
    scenario: "a stanza without 'to' over a validated connection gets <improper-addressing/>",
    change: 'repair: <host-unknown/> renamed <improper-addressing/>',
    expect: 'passed',
    mutation: rename('host-unknown', 'improper-addressing'),
  },
  {
    scenario: "a client's message to a foreign domain is routed to that domain",
    change: "the target's message to the peer is dropped on its own connection",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 'listener' ? t.replace(/<message\b[^>]*id='out\d+'[\s\S]*?<\/message>/, '') : t) },
  },
  {
    scenario: 'an error during dialback negotiation ends the stream and the TCP connection',
    change: "the target's stream error and closing tag are dropped and the connection held open",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 's2s' ? t.replace(/<stream:error>[\s\S]*?<\/stream:error>/, '').replace('</stream:stream>', '') : t), holdOpen: true },
  },
  {
    scenario: "a stanza without 'from' over s2s ends the stream and the TCP connection",
    change: "the target's closing tag is dropped and the connection held open",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.kind === 's2s' ? t.replace('</stream:stream>', '') : t), holdOpen: true },
  },
  {
    scenario: "a stanza without 'to' over s2s is not processed on behalf of the sending server",
    change: "the peer's IQ without 'to' is kept from the target and answered type='result' from target.test, as if the target had processed it for the sender",
    expect: 'failed',
    mutation: {
      toTarget: (t, c) => {
        const m = /<iq\b[^>]*id='s2s-noto-2'[\s\S]*?<\/iq>/.exec(t);
        if (c.kind !== 's2s' || !m) return t;
        c.toClient("<iq type='result' id='s2s-noto-2' from='target.test' to='someone@peer.test/x'/>");
        return t.replace(m[0], '');
      },
    },
  },
  {
    scenario: "after the peer's connection is validated, the target still validates its own before sending",
    change: "the target's message to the peer travels over the peer's own, already validated connection",
    expect: 'failed',
    mutation: moveOntoPeerConnection,
  },
  {
    scenario: "the answer to an IQ the peer sent over its validated connection goes back over the target's own connection",
    change: "the target's answer to the peer's IQ travels back over the peer's own, validated connection",
    expect: 'failed',
    mutation: {
      toClient: (t, c, proxy) => {
        if (c.kind !== 'listener') return t;
        const m = /<iq\b[^>]*id='s2s-back-1'[^>]*?(?:\/>|>[\s\S]*?<\/iq>)/.exec(t);
        if (!m) return t;
        s2sConns(proxy.conns, 's2s')[0]?.toClient(m[0]);
        return t.replace(m[0], '');
      },
    },
  },
  {
    scenario: "after the target's own connection is validated, the peer's connection is not trusted without its own validation",
    change: "the message sent over the peer's connection before validation is delivered to the recipient anyway",
    expect: 'failed',
    mutation: deliverAnyway('s2s-unvalidated-1'),
  },
  {
    scenario: "the target's response header toward a peer names a domain it serves, where it has a 'from'",
    change: "the target's response header toward the peer carries from='elsewhere.test' (added, or put in place of its own)",
    expect: 'failed',
    mutation: headerOn('s2s', (h) => (/\sfrom='/.test(h) ? h.replace(/\sfrom='[^']*'/, " from='elsewhere.test'") : h.replace(/>$/, " from='elsewhere.test'>"))),
  },
  {
    scenario: "an 'id' on the peer's stream header is silently ignored",
    change: "the target's response header takes the peer's own id='peer-chosen-id'",
    expect: 'failed',
    mutation: headerOn('s2s', (h) => h.replace(/\sid='[^']*'/, " id='peer-chosen-id'")),
  },
  {
    scenario: "the target's stream header toward the peer carries no 'id'",
    // Prosody puts id='' on its header toward the peer (an expected SHOULD failure): the control repairs exactly that
    change: "repair: the 'id' attribute is removed from the target's header toward the peer",
    expect: 'passed',
    mutation: headerOn('listener', (h) => h.replace(/\sid='[^']*'/, '')),
  },
  {
    scenario: "the target's stream header toward the peer names the peer",
    change: "the target's header toward the peer names 'elsewhere.test'",
    expect: 'failed',
    mutation: headerOn('listener', (h) => h.replace(/\bto='[^']*'/, "to='elsewhere.test'")),
  },
  {
    scenario: "the target's stream header toward the peer names the peer",
    change: "the 'to' removed from the target's dialback header toward the peer (OPTIONAL there, 8.3 step 2)",
    expect: 'passed',
    also: 'accepted-outcome',
    mutation: headerOn('listener', (h) => h.replace(/\sto='[^']*'/, '')),
  },
  {
    scenario: "the target's stream header toward the peer announces version 1.0",
    change: "the target's header toward the peer announces version='0.9'",
    expect: 'failed',
    mutation: headerOn('listener', (h) => h.replace(/version='[^']*'/, "version='0.9'")),
  },
  {
    // Prosody offers no SASL to a peer before TLS: the control makes it offer EXTERNAL (capable of SASL) and drop its version
    scenario: 'a target that offers SASL to peers announces version 1.0 toward them',
    change: "the target offers SASL EXTERNAL to the connecting peer, and its own header toward the peer drops 'version'",
    expect: 'failed',
    mutation: {
      toClient: (t, c) => {
        if (c.kind === 'listener') return t.replace(FIRST_HEADER, (h) => h.replace(/\sversion='[^']*'/, ''));
        if (c.kind !== 's2s') return t;
        const mechs = `<mechanisms xmlns='${SASL_NS}'><mechanism>EXTERNAL</mechanism></mechanisms>`;
        return t.replace(/<stream:features(\s[^>]*)?\/>/, `<stream:features$1>${mechs}</stream:features>`).replace(/<stream:features(\s[^>]*?)?>(?!<mechanisms)/, `<stream:features$1>${mechs}`);
      },
    },
  },
  {
    scenario: "the target's stream header toward the peer carries xml:lang",
    change: "xml:lang removed from the target's header toward the peer",
    expect: 'failed',
    mutation: headerOn('listener', (h) => h.replace(/\sxml:lang='[^']*'/, '')),
  },
  {
    scenario: 'the target declares jabber:server:dialback and prefixes every dialback element',
    change: "the target's <db:result/> sent unprefixed, in a default namespace of its own",
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (c.kind === 'listener' ? t.replace(/<db:result\b([^>]*)>([^<]*)<\/db:result>/, "<result xmlns='jabber:server:dialback'$1>$2</result>") : t),
    },
  },
  {
    scenario: "the target generates only the 'db:' prefix for dialback elements",
    change: "the target's <db:result/> sent under the prefix 'dbk:'",
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (c.kind === 'listener' ? t.replace(/<db:result\b([^>]*)>([^<]*)<\/db:result>/, "<dbk:result xmlns:dbk='jabber:server:dialback'$1>$2</dbk:result>") : t),
    },
  },
  {
    scenario: 'a verification request under a wrong dialback namespace gets <invalid-namespace/>',
    change: 'repair: the verification request under the wrong namespace is answered with <invalid-namespace/>',
    expect: 'passed',
    mutation: refuse(/<db:verify\b/, 'invalid-namespace'),
  },
  {
    scenario: 'the target uses no dialback on a connection SASL authenticated',
    change: "a <db:result/> sent in the target's place on its stream restarted after the listener's SASL <success/>",
    expect: 'failed',
    mutation: afterListenerSuccess((t) => t.replace(FIRST_HEADER, (h) => `${h}<db:result xmlns:db='jabber:server:dialback' from='target.test' to='peer.test'>${'ab'.repeat(16)}</db:result>`)),
  },
];
