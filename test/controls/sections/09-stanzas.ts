// Controls for the scenarios of section 9 (XML stanzas).
import type { Control } from '../controls.ts';
import {
  answerInstead,
  answerWith,
  dropStanza,
  editStanza,
  ERR,
  errorType,
  esc,
  insertChild,
  refuseEarlyMessage,
  renameCondition,
  rewrite,
  setAttr,
  STANZAS_NS,
  stanzaError,
  stanzaRe,
  streamError,
  withCondition,
  withErrorType,
} from '../mutations.ts';

export const controls: Control[] = [
  // 9.1 common attributes
  {
    scenario: "a stanza routed to another client carries the sender's JID in 'from'",
    change: "the delivered message's 'from' becomes mallory@target.test/x",
    expect: 'failed',
    mutation: setAttr('from-1', 'from', 'mallory@target.test/x'),
  },
  {
    scenario: "a 'from' forged by the client does not survive",
    change: "the forged 'from' is put back on the delivered message",
    expect: 'failed',
    mutation: setAttr('from-2', 'from', 'mallory@target.test/forged'),
  },
  {
    scenario: "a forged 'from' is answered with an <invalid-from/> stream error",
    change: 'repair: the proxy answers the forged stanza with <invalid-from/>, </stream:stream> and closes',
    expect: 'passed',
    mutation: answerInstead(/from='mallory@/, ERR('invalid-from'), 'close'),
  },
  {
    scenario: 'an <invalid-from/> stream error closes the stream and the TCP connection',
    change: '<invalid-from/> sent for the forged stanza, but the stream and TCP are left open',
    expect: 'failed',
    mutation: {
      toTarget: (t, c) => {
        if (!/from='mallory@/.test(t)) return t;
        c.toClient(streamError('invalid-from'));
        return t.replace(stanzaRe('from-4'), '');
      },
    },
  },
  {
    scenario: 'a stanza on a stream that is not authenticated gets <not-authorized/> and the stream is closed',
    change: 'repair: the proxy answers the unauthenticated message with <not-authorized/> and closes',
    expect: 'passed',
    mutation: refuseEarlyMessage(() => 'not-authorized'),
  },
  {
    scenario: "a stanza the server generates on the account's behalf has no 'from' or the account's JID",
    change: "the roster result gains from='elsewhere.test'",
    expect: 'failed',
    mutation: setAttr('roster-1', 'from', 'elsewhere.test'),
  },
  {
    scenario: "the error about an unreachable 'to' comes from that 'to'",
    change: "the error's 'from' becomes target.test",
    expect: 'failed',
    mutation: setAttr('to-1', 'from', 'target.test'),
  },
  {
    scenario: "a stanza error with human-readable text carries 'xml:lang'",
    change: "repair: xml:lang='en' added to the error stanza",
    expect: 'passed',
    mutation: setAttr('lang-1', 'xml:lang', 'en'),
  },
  {
    scenario: "every 'xml:lang' the server sends is an RFC 3066 language tag",
    change: "the error stanza carries xml:lang='english please'",
    expect: 'failed',
    mutation: setAttr('lang-2', 'xml:lang', 'english please'),
  },
  // 9.2 basic semantics
  { scenario: 'a message to another client is delivered', change: 'the message is dropped on its way to the recipient', expect: 'failed', mutation: dropStanza('msg-1') },
  { scenario: "directed presence is delivered to its 'to'", change: 'the directed presence is dropped', expect: 'failed', mutation: dropStanza('pres-1') },
  {
    scenario: 'an IQ get in a namespace the server does not know is answered, preserving the id',
    change: "the answer's id is changed to 'other'",
    expect: 'failed',
    mutation: setAttr('iq-unknown-1', 'id', 'other'),
  },
  {
    scenario: 'an IQ result or error sent to the server gets no answer',
    change: 'the IQ result is answered with an IQ error',
    expect: 'failed',
    mutation: answerWith('iq-res-1', stanzaError('iq', 'iq-res-1', 'bad-request', 'modify')),
  },
  {
    scenario: 'an IQ set the server generates carries an id, a valid type and exactly one child',
    change: 'the roster push gains a second child element',
    expect: 'failed',
    mutation: rewrite(/(<iq\b[^>]*type='set'[^>]*>[\s\S]*?<\/query>)(<\/iq>)/g, "$1<extra xmlns='urn:example:extra'/>$2"),
  },
  {
    scenario: 'an IQ result holds zero or one child elements',
    change: 'the roster result gains a second child element',
    expect: 'failed',
    mutation: editStanza('roster-2', (s) => s.replace(/<\/iq>$/, "<extra xmlns='urn:example:extra'/></iq>")),
  },
  {
    scenario: 'an IQ error holds an <error/> child',
    change: 'the <error/> child is removed from the IQ error',
    expect: 'failed',
    mutation: editStanza('iq-unknown-2', (s) => s.replace(/<error\b[\s\S]*?<\/error>/, '')),
  },
  {
    scenario: 'an IQ error includes the child of the request',
    change: 'repair: the request child is inserted in the IQ error',
    expect: 'passed',
    mutation: insertChild('iq-unknown-3', "<query xmlns='urn:example:conformance:unknown'/>"),
  },
  // 9.3 stanza errors
  {
    scenario: 'a message that cannot be delivered is answered with a message error',
    change: "the message error becomes type='chat'",
    expect: 'failed',
    mutation: setAttr('err-1', 'type', 'chat'),
  },
  {
    scenario: 'a message error holds an <error/> with an allowed type and a defined condition',
    change: 'the condition is moved out of the stanzas namespace',
    expect: 'failed',
    mutation: editStanza('err-1b', (s) => s.replace(`<jid-malformed xmlns='${STANZAS_NS}'/>`, "<jid-malformed xmlns='urn:example:wrong'/>")),
  },
  {
    scenario: 'an IQ that cannot be processed is answered with an IQ error',
    change: "the IQ error becomes type='result'",
    expect: 'failed',
    mutation: setAttr('err-2', 'type', 'result'),
  },
  {
    scenario: 'an IQ error holds an <error/> with an allowed type and a defined condition',
    change: "the <error/> type becomes 'fatal'",
    expect: 'failed',
    mutation: errorType('err-2b', 'fatal'),
  },
  {
    scenario: 'a message error includes the original XML',
    change: 'repair: the original <body/> is inserted in the message error',
    expect: 'passed',
    mutation: insertChild('err-3', '<body>hello</body>'),
  },
  {
    scenario: 'a stanza that is not an error carries no <error/> child',
    change: 'the delivered chat message gains an <error/> child',
    expect: 'failed',
    mutation: editStanza('err-4', (s) => s.replace(/<\/message>$/, `<error type='cancel'><item-not-found xmlns='${STANZAS_NS}'/></error></message>`)),
  },
  {
    scenario: 'an error stanza is not answered with another error',
    change: 'the error message is answered with a message error',
    expect: 'failed',
    mutation: answerWith('err-6', stanzaError('message', 'err-6', 'service-unavailable')),
  },
  {
    scenario: 'the <text/> of a stanza error is qualified by the stanzas namespace',
    change: '<text/> moved to urn:example:wrong',
    expect: 'failed',
    mutation: editStanza('err-8', (s) => s.replace(`<text xmlns='${STANZAS_NS}'`, "<text xmlns='urn:example:wrong'")),
  },
  {
    scenario: "the <text/> of a stanza error carries 'xml:lang'",
    change: "repair: xml:lang='en' added to <text/>",
    expect: 'passed',
    mutation: editStanza('err-9', (s) => s.replace('<text ', "<text xml:lang='en' ")),
  },
  {
    scenario: 'an application-specific error condition is qualified by its own namespace',
    change: 'an application-specific condition in the stanzas namespace is added',
    expect: 'failed',
    mutation: editStanza('err-10', (s) => s.replace('</error>', `<conformance-app xmlns='${STANZAS_NS}'/></error>`)),
  },
  {
    scenario: 'an application-specific error condition supplements a defined one',
    change: 'the defined condition is replaced by an application-specific one alone',
    expect: 'failed',
    mutation: editStanza('err-11', (s) => s.replace(new RegExp(`<[a-z-]+ xmlns='${esc(STANZAS_NS)}'/>`), "<conformance-app xmlns='urn:example:app'/>")),
  },
  // run-wide (support/report/runwide.ts): the type of every stanza error the target sends, whichever scenario provoked it
  {
    scenario: 'an application-specific error condition supplements a defined one',
    change: "the <service-unavailable/> answer carries type 'modify' instead of 'cancel' (core-9.3.3-19, run-wide)",
    expect: 'skipped',
    runWideViolation: 'core-9.3.3-19',
    mutation: errorType('err-11', 'modify'),
  },
  {
    scenario: 'an application-specific error condition supplements a defined one',
    change: "the answer's condition becomes <forbidden/> with type 'cancel' (9.3.3 gives it 'auth'; core-9.3.3-4 has no scenario of its own, run-wide)",
    expect: 'skipped',
    runWideViolation: 'core-9.3.3-4',
    mutation: editStanza('err-11', (s) => s.replace(/<service-unavailable xmlns=/, '<forbidden xmlns=')),
  },
  {
    scenario: '<undefined-condition/> comes with an application-specific condition',
    change: 'the condition becomes <undefined-condition/> without an application-specific one',
    expect: 'failed',
    mutation: renameCondition('err-12', 'undefined-condition'),
  },
  { scenario: "<bad-request/> for an IQ with an unknown type carries type 'modify'", change: "<bad-request/> with type 'cancel'", expect: 'failed', mutation: errorType('cond-1', 'cancel') },
  { scenario: "<jid-malformed/> carries type 'modify'", change: "<jid-malformed/> with type 'cancel'", expect: 'failed', mutation: errorType('cond-2', 'cancel') },
  {
    scenario: "<not-authorized/> for a stanza before binding carries type 'auth'",
    change: "the error becomes <not-authorized/> with type 'cancel'",
    expect: 'failed',
    mutation: editStanza('cond-3', (s) => withErrorType(withCondition(s, 'not-authorized'), 'cancel')),
  },
  { scenario: "<remote-server-not-found/> carries type 'cancel'", change: "<remote-server-not-found/> with type 'wait'", expect: 'failed', mutation: errorType('cond-4', 'wait') },
  { scenario: "<service-unavailable/> carries type 'cancel'", change: "<service-unavailable/> with type 'wait'", expect: 'failed', mutation: errorType('cond-5', 'wait') },
  {
    scenario: 'a message to an account without connected resources does not reveal its availability',
    change: 'the message is answered with <recipient-unavailable/>',
    expect: 'failed',
    mutation: answerWith('cond-6', stanzaError('message', 'cond-6', 'recipient-unavailable', 'wait'), true),
  },
];

controls.push(
  { scenario: "<item-not-found/> carries type 'cancel'", change: "<item-not-found/> with type 'modify'", expect: 'failed', mutation: errorType('cond-7', 'modify') },
  { scenario: "<not-allowed/> carries type 'cancel'", change: "<not-allowed/> with type 'auth'", expect: 'failed', mutation: errorType('cond-8', 'auth') },
);
