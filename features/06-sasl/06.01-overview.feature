Feature: 6.1 Overview
  The rules for SASL (RFC 3920 6.1) as a c2s client sees the receiving entity follow them: the
  mechanisms it advertises, the bytes it sends during the exchange, and the encoding of its data.

  Rule: 6.1 rule 3: mechanisms are advertised

    @req:core-6.1-3 @MUST @c2s
    Scenario: SASL mechanisms are advertised on the stream where authentication happens
      "If the receiving entity is capable of SASL negotiation, it MUST advertise one or more
      authentication mechanisms within a `<mechanisms/>` element qualified by the
      'urn:ietf:params:xml:ns:xmpp-sasl' namespace in reply to the opening stream tag received
      from the initiating entity ..." Checked on the stream the client authenticates on: the one
      after TLS (5.1 rule 4 puts TLS before SASL).
      Given a client that negotiated up to "tls"
      Then the stream features offer at least one SASL mechanism

    @req:core-6.1-3 @MUST @c2s @tls-optional
    Scenario: SASL mechanisms are advertised on the first stream when TLS is optional
      The same sentence, on the first stream of a target that does not require TLS: there the
      client may authenticate without TLS, so the first features must list the mechanisms.
      Given a client that negotiated up to "features"
      Then the stream features offer at least one SASL mechanism

  Rule: 6.1 rules 4 and 5: byte precision and base64

    @req:core-6.1-4 @MUST_NOT @c2s
    Scenario: the target sends no white space between elements during SASL
      "During SASL negotiation, an entity MUST NOT send any white space characters ... within the
      root stream element as separators between elements". The raw bytes from the client's
      `<auth/>` through `<success/>` are checked.
      Given a client that negotiated up to "tls"
      When the client authenticates with SCRAM-SHA-1
      Then the SASL exchange succeeds
      And the server sent no white space between elements during the SASL exchange

    @req:core-6.1-5 @MUST @c2s
    Scenario: the target's SASL character data is base64
      "Any XML character data contained within the XML elements used during SASL negotiation MUST
      be encoded using base64, where the encoding adheres to the definition in Section 3 of RFC
      3548". Every `<challenge/>` and `<success/>` payload is checked (alphabet, padding).
      Given a client that negotiated up to "tls"
      When the client authenticates with SCRAM-SHA-1
      Then the SASL exchange succeeds
      And every piece of character data the server sent during SASL is base64

  Rule: 6.1 rule 7: a server's authorization identity is a domain

    @req:core-6.1-10 @MUST @s2s
    Scenario: the authorization identity the target provides to a peer server is a domain
      "If provided, the value of the authorization identity MUST be of the form <domain> (i.e., a
      domain identifier only) for servers". The peer's listener offers SASL EXTERNAL after TLS on
      the target's own connection; the target's initial response (or its response to an empty
      challenge) is decoded. No authorization identity ("=", or none) passes too.
      Given the peer's listener offers SASL EXTERNAL after TLS, with a certificate from the CA the target trusts
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the authorization identity the target provides is absent or a domain

    @req:core-6.1-8 @MUST_NOT @s2s
    Scenario: the target names no other entity as its authorization identity when it sends for itself
      "If the initiating entity does not wish to act on behalf of another entity, it MUST NOT
      provide an authorization identity." The target connects to the peer to deliver its own
      client's message, so it acts for itself; the authorization identity in its `<auth/>` (or
      its response to an empty challenge) is decoded. Not applicable where the target
      negotiates no SASL there.
      Reading: an authorization identity equal to the target's own sending domain names the target
      itself (-23's 6.3: for a server the authorization identity denotes 'the sending <domain>'),
      so a target that sends its own users' stanzas and gives that domain is not acting on behalf
      of another entity; naming any other entity breaks the MUST NOT.
      Given the peer's listener offers SASL EXTERNAL after TLS, with a certificate from the CA the target trusts
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target provides no authorization identity other than its own sending domain
