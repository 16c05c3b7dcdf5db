// Controls for the scenarios of section 4 (XML streams).
import type { Control } from '../controls.ts';

const HEADER = /<stream:stream\b[^>]*>/g;
const inHeader = (fn: (h: string) => string) => (t: string) => t.replace(HEADER, fn);

export const controls: Control[] = [
  {
    scenario: "the response stream header's 'from' is the served domain",
    change: "response header from='elsewhere.test'",
    expect: 'failed',
    mutation: { toClient: inHeader((h) => h.replace(/from='[^']*'/, "from='elsewhere.test'")) },
  },
  {
    scenario: "the response stream header carries no 'to'",
    change: "response header gains to='somebody@target.test'",
    expect: 'failed',
    mutation: { toClient: inHeader((h) => h.replace('<stream:stream', "<stream:stream to='somebody@target.test'")) },
  },
  {
    scenario: 'every response stream carries an id, unique among concurrent streams',
    change: "every response header carries id='same'",
    expect: 'failed',
    mutation: { toClient: inHeader((h) => h.replace(/id='[^']*'/, "id='same'")) },
  },
  {
    scenario: 'a client announcing version 1.0 is answered with version 1.0',
    change: "response header version='0.9'",
    expect: 'failed',
    mutation: { toClient: inHeader((h) => h.replace(/version='[^']*'/, "version='0.9'")) },
  },
  {
    scenario: 'a higher minor version (1.10) is compared numerically and answered with 1.0',
    change: "response header echoes version='1.10' (a string comparison of versions)",
    expect: 'failed',
    mutation: { toClient: inHeader((h) => h.replace(/version='[^']*'/, "version='1.10'")) },
  },
  {
    scenario: 'a client announcing version 2.0 gets version 1.0 or <unsupported-version/>',
    change: "response header echoes version='2.0' and goes on",
    expect: 'failed',
    mutation: { toClient: inHeader((h) => h.replace(/version='[^']*'/, "version='2.0'")) },
  },
  {
    scenario: 'the response stream declares the streams namespace and jabber:client',
    change: "response header's default namespace becomes jabber:server",
    expect: 'failed',
    mutation: { toClient: inHeader((h) => h.replace("xmlns='jabber:client'", "xmlns='jabber:server'")) },
  },
  {
    scenario: 'a version 1.0 stream is answered with stream features',
    change: '<stream:features/> removed from the response stream',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(/<stream:features>[\s\S]*?<\/stream:features>|<stream:features\/>/g, '') },
  },
  {
    scenario: 'resource binding is not offered before authentication',
    change: '<bind/> added to the features offered before SASL',
    expect: 'failed',
    mutation: {
      toClient: (t, c) => (c.authenticated ? t : t.replace('</stream:features>', "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>")),
    },
  },
  {
    scenario: "a client's IQ is answered over the same TCP connection",
    change: 'the answer to the ping is dropped',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(/<iq\b[^>]*id='ping\d+'[^>]*(\/>|>[\s\S]*?<\/iq>)/g, '') },
  },
  {
    scenario: "a message to the client's own full JID comes back over the same TCP connection",
    change: 'the message to self is dropped on its way back',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(/<message\b[^>]*id='self\d+'[\s\S]*?<\/message>/g, '') },
  },
  {
    scenario: 'a message sent before SASL is not delivered',
    change: 'the unauthenticated message is delivered to every authenticated connection',
    expect: 'failed',
    mutation: {
      toTarget: (t, c, proxy) => {
        if (!c.authenticated) {
          const m = /<message\b[^>]*id='early-1'[\s\S]*?<\/message>/.exec(t);
          if (m) for (const other of proxy.conns) if (other !== c && other.authenticated) other.toClient(m[0]);
        }
        return t;
      },
    },
  },
  {
    scenario: 'a message sent before SASL is answered with <not-authorized/> and the connection closed',
    change: 'repair: the proxy answers the unauthenticated message with <not-authorized/> and closes',
    expect: 'passed',
    mutation: {
      toTarget: (t, c) => {
        if (!c.authenticated && /<message\b/.test(t)) {
          c.toClient("<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
          setImmediate(() => c.close());
          return '';
        }
        return t;
      },
    },
  },
  {
    scenario: 'a stream header for an unknown host gets <host-unknown/>',
    change: "'</stream:stream>' removed after the error and the TCP connection held open",
    expect: 'failed',
    mutation: { toClient: (t) => t.replace('</stream:stream>', ''), holdOpen: true },
  },
  {
    scenario: "the response to an unknown host names the server's authoritative host",
    change: "repair: the header's from names target.test instead of the unknown host",
    expect: 'passed',
    mutation: { toClient: inHeader((h) => h.replace("from='no-such-host.invalid'", "from='target.test'")) },
  },
  {
    scenario: 'a stream element in a wrong streams namespace gets <invalid-namespace/>',
    change: '<invalid-namespace/> replaced by <undefined-condition/>',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace('<invalid-namespace ', '<undefined-condition ') },
  },
  {
    scenario: 'XML that is not well-formed ends the stream with an error, </stream:stream> and TCP close',
    change: 'the stream error is dropped (the target only closes)',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(/<stream:error>[\s\S]*?<\/stream:error>/, '') },
  },
  {
    scenario: 'XML that is not well-formed gets <xml-not-well-formed/>',
    change: 'repair: <not-well-formed/> (RFC 6120) renamed <xml-not-well-formed/> (RFC 3920)',
    expect: 'passed',
    mutation: { toClient: (t) => t.replace('<not-well-formed ', '<xml-not-well-formed ') },
  },
];
