Feature: 3.3 Node Identifier
  A malformed address is refused with `<jid-malformed/>` (9.3.3) or `<bad-request/>`: the
  requirements of section 3 name no condition, so both are accepted and the verdict names the one sent.
  A node is formatted so that Nodeprep applies; a server compares nodes after Nodeprep (3.3).

  Rule: 3.3 node identifiers

    @req:core-9.1.1-3 @MUST @c2s
    Scenario: a node with a character Nodeprep prohibits is refused as malformed
      Nodeprep prohibits the space (C.1.1), so the client's 'to' breaks core-3.3-1 ("A node
      identifier MUST be formatted such that the Nodeprep profile [...] can be applied to it
      without failing"): the target's duty is core-9.1.1-3, "If the value of the 'to' attribute
      is invalid [...], the entity discovering that fact [...] MUST return an appropriate error
      to the sender".
      Reading: A 'to' that breaks a format rule of section 3 is invalid, and the sender's own
      server is the entity that discovers it (it parses the 'to' to route the stanza); the
      appropriate error names the fault: `<jid-malformed/>` or `<bad-request/>` for a malformed
      address, `<remote-server-not-found/>` or `<remote-server-timeout/>` for a domain that cannot
      be contacted.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='jul iet@{domain}' id='node-1' type='chat'><body>hello</body></message>
        """
      Then the client receives a stanza error for "node-1" with <jid-malformed/> or <bad-request/>

    @req:core-9.1.1-3 @MUST @c2s
    Scenario: an empty node is refused as malformed
      A JID of the form `@domain` has a node identifier of zero length, which no account can
      have; the address does not adhere to the syntax of section 3 (core-3.3-1), and the target
      answers for it under core-9.1.1-3.
      Reading: A 'to' that breaks a format rule of section 3 is invalid, and the sender's own
      server is the entity that discovers it (it parses the 'to' to route the stanza); the
      appropriate error names the fault: `<jid-malformed/>` or `<bad-request/>` for a malformed
      address, `<remote-server-not-found/>` or `<remote-server-timeout/>` for a domain that cannot
      be contacted.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='@{domain}' id='node-2' type='chat'><body>hello</body></message>
        """
      Then the client receives a stanza error for "node-2" with <jid-malformed/> or <bad-request/>

    @req:core-3.3-2 @MUST @c2s
    Scenario: a node written in upper case reaches the account
      "Before comparing two node identifiers, a server MUST [...] first apply the Nodeprep profile
      to each identifier." Nodeprep folds case: the message reaches the recipient.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends the message "node-3" to the recipient with the node in upper case
      Then the recipient receives the stanza "node-3"
