Feature: 10.5 Node in Same Domain
  A stanza to `<node@domain>` or `<node@domain/resource>` of the server's own domain is delivered
  (10.5). Rule 1 (exact full JID) is the same for both rule sets. For rule 2 (no such resource)
  the scenario uses an IQ, for which the mere XMPP rules (10.5) and the IM rules (RFC 3921 11.1)
  both demand `<service-unavailable/>`. Rule 3 (bare JID) assumes the IM server rules of RFC 3921
  11.1, which section 10 allows: the recipient first sends initial presence, so that it is an
  available resource; what that presence brings is consumed before the test.

  Rule: 10.5 delivery to local accounts

    @req:core-10.5-1 @req:core-10.5-2 @SHOULD @c2s
    Scenario: a message to a full JID goes to that resource only
      "If the JID contains a resource identifier [...] and there exists a connected resource that
      matches the full JID, the recipient's server SHOULD deliver the stanza to the stream or
      session that exactly matches the resource identifier." The client's second resource gets
      nothing (an IQ round-trip proves it).
      Given a client that negotiated up to "session"
      And a second resource of the client bound to the target
      And a recipient bound to the target
      When the recipient sends the stanza:
        """
        <message to='{jid}' id='full-1' type='chat'><body>for the first resource</body></message>
        """
      Then the client receives the stanza "full-1"
      And the second client receives nothing

    @req:core-10.5-3 @SHOULD @c2s
    Scenario: an IQ to a full JID with no such resource gets <service-unavailable/>
      "If the JID contains a resource identifier and there exists no connected resource that
      matches the full JID, the recipient's server SHOULD return a `<service-unavailable/>`
      stanza error to the sender." (RFC 3921 11.1 keeps this for IQ.)
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      And the client sent initial presence
      When the client sends the stanza:
        """
        <iq type='get' id='full-2' to='{recipient-bare}/conformance-no-such-resource'><ping xmlns='urn:xmpp:ping'/></iq>
        """
      Then the client receives a stanza error for "full-2" with <service-unavailable/>

    @req:core-10.5-4 @SHOULD @c2s @changed-in-23
    Scenario: a message to a bare JID with a connected resource is delivered to at least one
      "If the JID is of the form `<node@domain>` and there exists at least one connected resource
      for the node, the recipient's server SHOULD deliver the stanza to at least one of the
      connected resources" (a SHOULD since -23). IM server rules (RFC 3921 11.1) assumed.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      And the client sent initial presence
      When the client sends the stanza:
        """
        <message to='{recipient-bare}' id='bare-1' type='chat'><body>to whoever is there</body></message>
        """
      Then the recipient receives the stanza "bare-1"

    @req:core-9.3.3-13 @MUST_NOT @c2s
    Scenario: a message to an account that does not exist does not reveal availability
      Section 10.5 gives no rule for a node that has no account; RFC 3921 11.1 answers a message
      with `<service-unavailable/>`. Whatever the server does, it MUST NOT answer with
      `<recipient-unavailable/>` to a sender not authorized to know the recipient's
      availability (9.3.3). The outcome names what happened.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='conformance-nobody@{domain}' id='nobody-1' type='chat'><body>hello?</body></message>
        """
      Then the client receives no stanza with a condition of <recipient-unavailable/> for "nobody-1"
