Feature: 3.2 Domain Identifier
  A malformed address is refused with `<jid-malformed/>` (9.3.3) or `<bad-request/>`: the
  requirements of section 3 name no condition, so both are accepted and the verdict names the one sent.
  The domain is the only required part of a JID; it is an IDN to which Nameprep applies, and a
  server compares domains after Nameprep (3.2).

  Rule: 3.2 domain identifiers

    @req:core-3.2-1 @REQUIRED @c2s
    Scenario: a mere domain is a valid address
      "The domain identifier is the primary identifier and is the only REQUIRED element of a JID
      (a mere domain identifier is a valid JID)." An IQ to the bare domain is answered, not
      refused with `<jid-malformed/>`.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='dom-1' to='{domain}'><ping xmlns='urn:xmpp:ping'/></iq>
        """
      Then the client receives an answer that is not <jid-malformed/> to "dom-1"

    @req:core-9.1.1-3 @MUST @c2s
    Scenario: a domain that fails Nameprep is refused as malformed
      The domain below holds U+E000 (private use, prohibited by Nameprep), so the client's 'to'
      breaks core-3.2-3 ("A domain identifier MUST be an "internationalized domain name" [...] to
      which the Nameprep profile of stringprep can be applied without failing"): the target's duty
      is core-9.1.1-3, "If the value of the 'to' attribute is invalid [...], the entity
      discovering that fact [...] MUST return an appropriate error to the sender".
      Reading: A 'to' that breaks a format rule of section 3 is invalid, and the sender's own
      server is the entity that discovers it (it parses the 'to' to route the stanza); the
      appropriate error names the fault: `<jid-malformed/>` or `<bad-request/>` for a malformed
      address, `<remote-server-not-found/>` or `<remote-server-timeout/>` for a domain that cannot
      be contacted.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='romeo@badx.test' id='dom-2' type='chat'><body>hello</body></message>
        """
      Then the client receives a stanza error for "dom-2" with <jid-malformed/> or <bad-request/>

    @req:core-3.2-4 @MUST @c2s
    Scenario: a domain written in upper case is the server's own domain
      "Before comparing two domain identifiers, a server MUST [...] first apply the Nameprep
      profile to the labels". A message to the recipient with its domain in upper case reaches it.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends the message "dom-3" to the recipient with the domain in upper case
      Then the recipient receives the stanza "dom-3"
