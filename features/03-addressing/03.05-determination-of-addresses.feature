Feature: 3.5 Determination of Addresses
  After SASL and resource binding the server determines the client's JID, and ensures that it
  conforms to section 3, replacing what the client sent where it does not conform (3.5).

  Rule: 3.5 the JID is canonical

    @req:core-3.5-4 @MUST @c2s
    Scenario: a requested resource that breaks Resourceprep never ends up in the bound JID
      "The receiving entity MUST ensure that the resulting JID [...] conforms to the rules and
      formats defined earlier in this section; to meet this restriction, the receiving entity may
      need to replace the JID sent by the initiating entity with the canonicalized JID". The
      request holds U+E000 (private use, prohibited by Resourceprep): the resulting JID conforms
      if the target refuses the resource (`<bad-request/>`, section 7) or binds one it generates.
      Reading: The resulting JID must conform to section 3, each part one that its stringprep
      profile applies to without failing; replacing a request by its canonical form is the means
      the sentence offers, not a rule of its own, so the scenario requests a resource that
      Resourceprep cannot be applied to.
      Given a client that negotiated up to "sasl"
      When the client requests the resource "conformance-x"
      Then the client is refused with <bad-request/> or bound to a valid resource other than the one requested

  Rule: 3.5 between servers: the identity derived from the authentication identity

    @req:core-3.5-2 @SHOULD @s2s
    Scenario: a peer authenticated by EXTERNAL without an authorization identity sends as its certificate's domain
      "For server-to-server communications, the initiating entity's JID SHOULD be the
      authorization identity, derived from the authentication identity ... if no authorization
      identity is specified." The peer authenticates with EXTERNAL and "=" (its certificate names
      its domain), then sends a message from a user of its domain: the target takes the peer as
      that domain and delivers it. Not applicable where the target offers no EXTERNAL.
      Given a recipient bound to the target
      And the peer has a certificate from the CA the target trusts
      When the peer opens a stream to the target's s2s port and presents its certificate on TLS
      And the peer authenticates with SASL EXTERNAL without an authorization identity
      And the peer sends over its connection:
        """
        <message from='someone@{peer-domain}/x' to='{recipient}' id='s2s-external-1' type='chat'><body>over a connection SASL EXTERNAL authenticated</body></message>
        """
      Then the recipient receives the message "s2s-external-1" from "someone@{peer-domain}/x"
