// Controls for the scenarios of section 11 (XML usage).
import net from 'node:net';
import type { Control } from '../controls.ts';
import type { Conn } from '../proxy.ts';
import { answerInstead, answerStanzaInstead, ERR, FEATURES, header, inHeader, rewrite } from '../mutations.ts';

const STD = "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'";
/** answer the bytes matching `re` with a header and a stream error, end the connection, and forward nothing */
const refuse = (re: RegExp, cond: string) => answerInstead(re, `<?xml version='1.0'?><stream:stream ${STD} id='x2' from='target.test'>${ERR(cond)}`, 'end');

const restrictedRows = [
  'a comment between stanzas is ignored or refused with <restricted-xml/>',
  'a processing instruction between stanzas is ignored or refused with <restricted-xml/>',
  'a comment inside a stanza is ignored or refused with <restricted-xml/>',
  'a comment before the stream header is ignored or refused with <restricted-xml/>',
  'a DOCTYPE before the stream header is ignored or refused with <restricted-xml/>',
  'a DOCTYPE with an internal subset is ignored or refused with <restricted-xml/>',
];

const wellFormedRepairs: Array<[string, string, (t: string) => string]> = [
  ['a message with a duplicate attribute is not accepted', 'the duplicate type attribute is removed on the way to the target', (t) => t.replace("type='chat' type='chat'", "type='chat'")],
  ['a message with a raw ampersand is not accepted', "the raw '&' is escaped on the way to the target", (t) => t.replace('fish & chips', 'fish &amp; chips')],
  ['a message with a mismatched end tag is not accepted', 'the end tag is corrected on the way to the target', (t) => t.replace('</mesage>', '</message>')],
  ['a message with an illegal character reference is not accepted', "'&#1;' is removed on the way to the target", (t) => t.replace('&#1;', '')],
  ['a message with bytes that are not UTF-8 is not accepted', "the byte 0xE9 is rewritten as 'é' in UTF-8 on the way to the target", (t) => t.replace('caf\uFFFD', 'café')],
];

export const controls: Control[] = [
  // ---- 11.1 ----
  {
    scenario: "the server's output holds no comment, processing instruction, DTD or entity reference",
    change: 'a comment is injected into the answer to the version request',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(/(<iq\b[^>]*id='rx-v'[^>]*>)/, '$1<!-- injected -->') },
  },
  {
    scenario: "restricted XML inside a client's stanza is not passed on",
    change: "the comment and PI are stripped on the way to the target, and '<!--c-->' re-inserted on delivery",
    expect: 'failed',
    mutation: {
      toTarget: (t) => t.replace('<!--c-->', '').replace('<?pi x?>', ''),
      toClient: (t) => t.replace(/(<message\b[^>]*id='rx-relay'[^>]*><body>a)/, '$1<!--c-->'),
    },
  },
  {
    scenario: 'less-than and ampersand are escaped in what the server relays',
    change: "'&amp;&amp;' in the message esc-1 is delivered as a raw '&&'",
    expect: 'failed',
    mutation: { toClient: (t) => (t.includes("id='esc-1'") ? t.replace('&amp;&amp;', '&&') : t) },
  },
  {
    scenario: 'greater-than, apostrophe and quotation mark are escaped in what the server relays',
    change: "'&gt;' in the message esc-2 is delivered as a raw '>'",
    expect: 'failed',
    mutation: { toClient: (t) => (t.includes("id='esc-2'") ? t.replace('3 &gt; 2', '3 > 2') : t) },
  },
  {
    scenario: 'an entity declared in an internal DTD subset is never expanded',
    change: "the DOCTYPE is removed and to='&target;' expanded to to='target.test' on the way to the target",
    expect: 'failed',
    mutation: { toTarget: (t) => t.replace(/<!DOCTYPE[^\]]*\]>/, '').replace("to='&target;'", "to='target.test'") },
  },
  {
    scenario: 'an external DTD subset is never fetched',
    change: 'the proxy connects to the system identifier of the external DTD subset, as a fetching target would',
    expect: 'failed',
    mutation: {
      toTarget: (t) => {
        const m = /SYSTEM 'http:\/\/([\d.]+):(\d+)\//.exec(t);
        if (m) net.connect(Number(m[2]), m[1]!).on('connect', function (this: net.Socket) { this.end(); }).on('error', () => undefined);
        return t;
      },
    },
  },
  {
    scenario: 'an undeclared entity reference is never expanded or passed on',
    change: "'&conformance;' is replaced by 'EXPANDED' on the way to the target",
    expect: 'failed',
    mutation: { toTarget: (t) => t.replace('&conformance;', 'EXPANDED') },
  },
  ...restrictedRows.map(
    (scenario): Control => ({
      scenario,
      change: 'repair: <not-well-formed/> renamed <restricted-xml/>',
      expect: 'passed',
      mutation: rewrite('<not-well-formed ', '<restricted-xml '),
    }),
  ),
  // ---- 11.2 ----
  {
    scenario: 'every response header declares the streams namespace',
    change: "xmlns:stream removed from the response header after SASL",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.authenticated ? inHeader((h) => h.replace(/ xmlns:stream='[^']*'/, ''))(t) : t) },
  },
  {
    scenario: 'a header without the streams namespace declaration is not served',
    change: 'the streams namespace declaration is added to the header on the way to the target',
    expect: 'failed',
    mutation: { toTarget: (t) => t.replace("<stream:stream to='target.test' xmlns='jabber:client' version='1.0'>", `<stream:stream to='target.test' ${STD}>`) },
  },
  {
    scenario: 'every response header uses the streams namespace name',
    change: "the response header after SASL binds 'stream' to http://etherx.jabber.org/streams/ (trailing slash)",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.authenticated ? inHeader((h) => h.replace("xmlns:stream='http://etherx.jabber.org/streams'", "xmlns:stream='http://etherx.jabber.org/streams/'"))(t) : t) },
  },
  {
    scenario: 'stream, features and error from the server carry a streams-namespace prefix',
    change: "<stream:features> rewritten as <features xmlns='http://etherx.jabber.org/streams'>",
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(/<stream:features>/g, "<features xmlns='http://etherx.jabber.org/streams'>").replace(/<\/stream:features>/g, '</features>') },
  },
  {
    scenario: "the server uses only the 'stream:' prefix",
    change: "the streams prefix is renamed 'str' in everything the target sends",
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(/stream:(stream|features|error)/g, 'str:$1').replace(/xmlns:stream=/g, 'xmlns:str=') },
  },
  {
    scenario: 'every response header declares a default namespace',
    change: "xmlns='jabber:client' removed from the response header after SASL",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.authenticated ? inHeader((h) => h.replace(" xmlns='jabber:client'", ''))(t) : t) },
  },
  {
    scenario: "every response header's default namespace is jabber:client",
    change: "the response header after SASL declares xmlns='jabber:server'",
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.authenticated ? inHeader((h) => h.replace("xmlns='jabber:client'", "xmlns='jabber:server'"))(t) : t) },
  },
  {
    scenario: 'a jabber:server header on the c2s port is answered in jabber:server or refused',
    change: "repair: the response header declares xmlns='jabber:server'",
    expect: 'passed',
    mutation: header((h) => h.replace("xmlns='jabber:client'", "xmlns='jabber:server'")),
  },
  {
    scenario: 'a jabber:client stream is served',
    change: 'the stream features are replaced by <invalid-namespace/> and </stream:stream>',
    expect: 'failed',
    mutation: rewrite(FEATURES, ERR('invalid-namespace')),
  },
  {
    scenario: 'the server prefixes no jabber:client element it sends',
    change: "the answer to the ping is written <c:iq xmlns:c='jabber:client'>",
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(/<iq\b([^>]*id='ping\d+'[^>]*)\/>/g, "<c:iq xmlns:c='jabber:client'$1/>") },
  },
  {
    scenario: 'a prefixed jabber:client stanza is relayed without the prefix or refused',
    change: "the message pfx-2 is delivered as <cl:message xmlns:cl='jabber:client'>",
    expect: 'failed',
    mutation: {
      toClient: (t) =>
        t.replace(/<message\b([^>]*id='pfx-2'[^>]*)>([\s\S]*?)<\/message>/, "<cl:message xmlns:cl='jabber:client'$1>$2</cl:message>"),
    },
  },
  {
    scenario: 'server-generated payloads carry no namespace prefixes',
    change: "the version result is written <v:query xmlns:v='jabber:iq:version'>",
    expect: 'failed',
    mutation: rewrite(/<query xmlns='jabber:iq:version'>([\s\S]*?)<\/query>/, "<v:query xmlns:v='jabber:iq:version'>$1</v:query>"),
  },
  {
    scenario: "a stanza without 'to' is accepted on a c2s stream",
    change: "the IQ without 'to' is answered with <improper-addressing/> and the connection closed",
    expect: 'failed',
    mutation: answerStanzaInstead('noto-1', ERR('improper-addressing'), 'end'),
  },
  {
    scenario: 'message, presence and IQ with their common attributes are handled',
    change: "the 'id' of the answer to core-iq is removed",
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(/(<iq\b[^>]*) id='core-iq'/, '$1') },
  },
  // ---- 11.3 ----
  ...wellFormedRepairs.map(
    ([scenario, change, fn]): Control => ({ scenario, change, expect: 'failed', mutation: { toTarget: fn } }),
  ),
  // ---- 11.4 ----
  {
    scenario: 'every response stream header is preceded by a text declaration',
    change: 'every text declaration is removed from what the target sends',
    expect: 'failed',
    mutation: rewrite(/<\?xml[^>]*\?>/g, ''),
  },
  {
    scenario: 'the server puts text declarations only at the start of a stream',
    change: 'a text declaration is injected between the response header after SASL and its features',
    expect: 'failed',
    mutation: { toClient: (t, c) => (c.authenticated ? t.replace(/(<stream:stream\b[^>]*>)/, "$1<?xml version='1.0'?>") : t) },
  },
  {
    scenario: 'the server puts text declarations only at the start of a stream',
    change: "the first attempt's SASL <auth/> is answered with <internal-server-error/> (as a stale routing error of jabberd2 does) and the connection closed; the negotiation, a When that decides, runs again on a new connection and passes",
    expect: 'passed',
    also: 'replay',
    mutation: (() => {
      let done = false;
      return {
        toTarget: (t: string, c: Conn) => {
          if (done || !/<auth\b/.test(t)) return t;
          done = true;
          c.toClient(ERR('internal-server-error'));
          setImmediate(() => c.close());
          return '';
        },
      };
    })(),
  },
  {
    scenario: 'client headers without a text declaration are served',
    change: 'a header without a text declaration is answered with <bad-format/> and the connection closed',
    expect: 'failed',
    mutation: refuse(/^<stream:stream\b/, 'bad-format'),
  },
  {
    scenario: 'a text declaration inside a stream is refused',
    change: 'the text declaration sent inside the stream is dropped on the way to the target',
    expect: 'failed',
    mutation: { toTarget: (t, c) => (c.authenticated ? t.replace("<?xml version='1.0'?>", '') : t) },
  },
  // ---- 11.5 ----
  {
    scenario: 'non-ASCII UTF-8 text reaches the recipient intact',
    change: "'ü' in utf-1 is delivered as 'Ã¼' (UTF-8 read as Latin-1)",
    expect: 'failed',
    mutation: { toClient: (t) => (t.includes("id='utf-1'") ? t.replace('Grüße', 'GrÃ¼ÃŸe') : t) },
  },
  {
    scenario: 'the server sends UTF-8 only',
    change: "the target's text declarations name encoding='ISO-8859-1'",
    expect: 'failed',
    mutation: rewrite(/<\?xml version='1.0'\?>/g, "<?xml version='1.0' encoding='ISO-8859-1'?>"),
  },
  {
    scenario: 'Latin-1 bytes on a UTF-8 stream are not decoded as Latin-1',
    change: "the byte 0xE9 is rewritten as 'é' in UTF-8 on the way to the target",
    expect: 'failed',
    mutation: { toTarget: (t) => t.replace('caf\uFFFD', 'café') },
  },
  {
    scenario: 'a stream sent in UTF-16 is not served',
    change: 'repair: a connection that begins with a UTF-16LE byte order mark is answered with <unsupported-encoding/> and closed',
    expect: 'passed',
    mutation: refuse(/^\uFFFD\uFFFD<\u0000/, 'unsupported-encoding'),
  },
];
