// Controls for the scenarios of section 3 (addressing).
import type { Control } from '../controls.ts';
import { dropStanza, ERR, JID, renameCondition, stanzaError } from '../mutations.ts';

export const controls: Control[] = [
  { scenario: "a node of 1024 bytes in 'to' is refused as malformed", change: '<jid-malformed/> becomes <item-not-found/>', expect: 'failed', mutation: renameCondition('long-1', 'item-not-found') },
  {
    scenario: 'a resource of 1024 bytes is never bound',
    change: 'the bound JID carries a resource of 1024 bytes',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(JID, `<jid>$1/${'r'.repeat(1024)}</jid>`) },
  },
  {
    scenario: 'a mere domain is a valid address',
    change: 'the answer to the IQ to the domain becomes <jid-malformed/>',
    expect: 'failed',
    mutation: {
      toClient: (t) => t.replace(/<iq\b[^>]*\bid='dom-1'[^>]*?(?:\/>|>[\s\S]*?<\/iq>)/, stanzaError('iq', 'dom-1', 'jid-malformed', 'modify')),
    },
  },
  { scenario: 'a domain that fails Nameprep is refused as malformed', change: '<jid-malformed/> becomes <remote-server-not-found/>', expect: 'failed', mutation: renameCondition('dom-2', 'remote-server-not-found') },
  { scenario: "a domain written in upper case is the server's own domain", change: 'the message is dropped on its way to the recipient', expect: 'failed', mutation: dropStanza('dom-3') },
  { scenario: 'a node with a character Nodeprep prohibits is refused as malformed', change: '<jid-malformed/> becomes <service-unavailable/>', expect: 'failed', mutation: renameCondition('node-1', 'service-unavailable') },
  { scenario: 'an empty node is refused as malformed', change: '<jid-malformed/> becomes <service-unavailable/>', expect: 'failed', mutation: renameCondition('node-2', 'service-unavailable') },
  { scenario: 'a node written in upper case reaches the account', change: 'the message is dropped on its way to the recipient', expect: 'failed', mutation: dropStanza('node-3') },
  {
    scenario: 'two resources of one account are connected at the same time',
    change: 'the first session is ended with a <conflict/> stream error when the second binds',
    expect: 'failed',
    mutation: ((): Control['mutation'] => {
      let done = false;
      return {
        toClient: (t, c, p) => {
          const first = p.conns[0];
          if (!done && first && c !== first && /<jid>/.test(t)) {
            done = true;
            first.toClient(ERR('conflict'));
            setImmediate(() => first.close());
          }
          return t;
        },
      };
    })(),
  },
  { scenario: "a resource that fails Resourceprep in 'to' is refused as malformed", change: '<jid-malformed/> becomes <service-unavailable/>', expect: 'failed', mutation: renameCondition('res-1', 'service-unavailable') },
  { scenario: "an empty resource after '/' is refused as malformed", change: '<jid-malformed/> becomes <service-unavailable/>', expect: 'failed', mutation: renameCondition('res-2', 'service-unavailable') },
  { scenario: 'a resource is compared after Resourceprep', change: 'the message is dropped on its way to the recipient', expect: 'failed', mutation: dropStanza('res-3') },
  {
    scenario: 'a requested resource that breaks Resourceprep never ends up in the bound JID',
    change: 'the bound JID carries the resource as requested, U+E000 included',
    expect: 'failed',
    mutation: { toClient: (t) => t.replace(JID, '<jid>$1/conformance-\uE000x</jid>') },
  },
  {
    scenario: "a peer authenticated by EXTERNAL without an authorization identity sends as its certificate's domain",
    change: "the message the peer sent over its EXTERNAL-authenticated connection never reaches the recipient (as if the target did not take the peer for its certificate's domain)",
    expect: 'failed',
    mutation: dropStanza('s2s-external-1'),
  },
];
