Feature: 3.4 Resource Identifier
  A malformed address is refused with `<jid-malformed/>` (9.3.3) or `<bad-request/>`: the
  requirements of section 3 name no condition, so both are accepted and the verdict names the one sent.
  A resource is formatted so that Resourceprep applies; a server compares resources after
  Resourceprep (3.4); an account may have several connected resources.

  Rule: 3.4 resource identifiers

    @req:core-3.4-1 @MAY @c2s
    Scenario: two resources of one account are connected at the same time
      "An entity MAY maintain multiple connected resources simultaneously, with each connected
      resource differentiated by a distinct resource identifier." Both stay usable: each
      answers an IQ round-trip after the other bound.
      Given a client that negotiated up to "session"
      And a second resource of the client bound to the target
      Then the client receives nothing
      And the second client receives nothing

    @req:core-9.1.1-3 @MUST @c2s
    Scenario: a resource that fails Resourceprep in 'to' is refused as malformed
      The resource below holds U+E000 (private use, prohibited), so the client's 'to' breaks
      core-3.4-2 ("A resource identifier MUST be formatted such that the Resourceprep profile
      [...] can be applied without failing"): the target's duty is core-9.1.1-3, "If the value
      of the 'to' attribute is invalid [...], the entity discovering that fact [...] MUST return
      an appropriate error to the sender".
      Reading: A 'to' that breaks a format rule of section 3 is invalid, and the sender's own
      server is the entity that discovers it (it parses the 'to' to route the stanza); the
      appropriate error names the fault: `<jid-malformed/>` or `<bad-request/>` for a malformed
      address, `<remote-server-not-found/>` or `<remote-server-timeout/>` for a domain that cannot
      be contacted.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='{recipient-bare}/badres' id='res-1' type='chat'><body>hello</body></message>
        """
      Then the client receives a stanza error for "res-1" with <jid-malformed/> or <bad-request/>

    @req:core-9.1.1-3 @MUST @c2s
    Scenario: an empty resource after '/' is refused as malformed
      A JID ending in '/' has a resource identifier of zero length (core-3.4-2), and the target
      answers for it under core-9.1.1-3.
      Reading: A 'to' that breaks a format rule of section 3 is invalid, and the sender's own
      server is the entity that discovers it (it parses the 'to' to route the stanza); the
      appropriate error names the fault: `<jid-malformed/>` or `<bad-request/>` for a malformed
      address, `<remote-server-not-found/>` or `<remote-server-timeout/>` for a domain that cannot
      be contacted.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='{recipient-bare}/' id='res-2' type='chat'><body>hello</body></message>
        """
      Then the client receives a stanza error for "res-2" with <jid-malformed/> or <bad-request/>

    @req:core-3.4-3 @MUST @c2s
    Scenario: a resource is compared after Resourceprep
      "Before comparing two resource identifiers, a server MUST [...] first apply the Resourceprep
      profile to each identifier." The recipient is bound to 'conformance-fi'; the message goes
      to 'conformance-ﬁ' (U+FB01, which Resourceprep's NFKC maps to 'fi').
      Given a recipient bound to the target with the resource "conformance-fi"
      And a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='{recipient-bare}/conformance-ﬁ' id='res-3' type='chat'><body>hello</body></message>
        """
      Then the recipient receives the stanza "res-3"
