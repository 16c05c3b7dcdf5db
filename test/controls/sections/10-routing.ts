// Controls for the scenarios of section 10 (server rules for handling XML stanzas).
import type { Control } from '../controls.ts';
import { answerWith, bound, dropStanza, editStanza, renameCondition, setAttr, stanzaError, stanzaRe } from '../mutations.ts';

/** Holds ord-2 back until ord-4 has passed: the recipient sees 1, 3, 4, 2, 5. */
function reorder(): (t: string) => string {
  let held = '';
  return (t) => {
    let out = t.replace(stanzaRe('ord-2'), (m) => {
      held = m;
      return '';
    });
    if (held) {
      out = out.replace(stanzaRe('ord-4'), (m) => {
        const h = held;
        held = '';
        return m + h;
      });
    }
    return out;
  };
}

export const controls: Control[] = [
  { scenario: 'messages between two clients arrive in the order they were sent', change: 'message ord-2 is held back until ord-4 has passed', expect: 'failed', mutation: { toClient: reorder() } },
  {
    scenario: 'an IQ without \'to\' is processed on behalf of the sender',
    change: 'the roster result becomes a <service-unavailable/> error',
    expect: 'failed',
    mutation: editStanza('noto-1', () => stanzaError('iq', 'noto-1', 'service-unavailable')),
  },
  { scenario: "an IQ get without 'to' in a namespace the server knows is processed or refused", change: 'the answer is dropped', expect: 'failed', mutation: dropStanza('noto-2') },
  { scenario: 'a message to a domain that cannot be reached is answered with an error', change: "the error becomes type='chat'", expect: 'failed', mutation: setAttr('far-1', 'type', 'chat') },
  {
    scenario: 'an IQ to a subdomain that is not configured is answered with an error',
    change: 'the error becomes an empty IQ result',
    expect: 'failed',
    mutation: editStanza('sub-1', () => "<iq type='result' id='sub-1'/>"),
  },
  { scenario: "an IQ to the server's domain is processed or answered with an error", change: 'the answer is dropped', expect: 'failed', mutation: dropStanza('own-1') },
  { scenario: "an IQ to a resource of the server's domain is processed or answered with an error", change: 'the answer is dropped', expect: 'failed', mutation: dropStanza('own-2') },
  {
    scenario: 'a message to a full JID goes to that resource only',
    change: 'the message is copied to every other bound connection',
    expect: 'failed',
    mutation: {
      toClient: (t, c, p) => {
        const m = stanzaRe('full-1').exec(t);
        if (m) for (const o of p.conns) if (o !== c && bound(o)) o.toClient(m[0]);
        return t;
      },
    },
  },
  { scenario: 'an IQ to a full JID with no such resource gets <service-unavailable/>', change: '<service-unavailable/> becomes <item-not-found/>', expect: 'failed', mutation: renameCondition('full-2', 'item-not-found') },
  { scenario: 'a message to a bare JID with a connected resource is delivered to at least one', change: 'the message is dropped on its way to the recipient', expect: 'failed', mutation: dropStanza('bare-1') },
  {
    scenario: 'a message to an account that does not exist does not reveal availability',
    change: 'the message is answered with <recipient-unavailable/>',
    expect: 'failed',
    mutation: answerWith('nobody-1', stanzaError('message', 'nobody-1', 'recipient-unavailable', 'wait'), true),
  },
];
