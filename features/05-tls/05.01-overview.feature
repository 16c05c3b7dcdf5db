Feature: 5.1 Overview
  The rules for STARTTLS (RFC 3920 5.1). A c2s client sees the receiving entity's half of them:
  the offer, the bytes around `<proceed/>`, the features after TLS, and what happens when the
  handshake fails. The peer's listener sees the target as initiating server between two domains.

  Rule: 5.1: servers secure the streams between two domains

    @req:core-5.1-2 @SHOULD @s2s
    Scenario: the target secures its own connection to the peer with TLS
      "... servers SHOULD use TLS between two domains for the purpose of securing
      server-to-server communications." The peer's listener offers STARTTLS on the connection the
      target opens to it; the target's half of the SHOULD is to use it before dialback.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the target secured its own connection to the peer with TLS before dialback

  Rule: 5.1 rule 3: a version 1.0 stream is offered STARTTLS

    @req:core-5.1-5 @MUST @c2s
    Scenario: a version 1.0 stream is offered STARTTLS
      "... after sending a stream header in reply (including the version flag), it MUST include a
      `<starttls/>` element (qualified by the 'urn:ietf:params:xml:ns:xmpp-tls' namespace) along
      with the list of other stream features it supports."
      Given a client that negotiated up to "features"
      Then the stream features offer STARTTLS

  Rule: 5.1 rules 5 and 6: byte precision around <proceed/>

    @req:core-5.1-7 @MUST_NOT @c2s
    Scenario: the target sends no white space between elements during TLS negotiation
      "During TLS negotiation, an entity MUST NOT send any white space characters ... within the
      root stream element as separators between elements". The raw bytes from the response
      header through `<proceed/>` are checked.
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      Then the server answers with <proceed/>
      And the server sent no white space between elements since the stream header

    @req:core-5.1-8 @MUST @c2s
    Scenario: the target treats the byte right after <proceed/> as the start of TLS
      "The receiving entity MUST consider the TLS negotiation to have begun immediately after
      sending the closing `>` character of the `<proceed/>` element." Nothing may follow that
      character in plaintext, and a ClientHello sent right after it is answered.
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      And the server answers with <proceed/>
      And the client starts the TLS handshake
      Then no plaintext byte followed <proceed/>
      And the TLS handshake completes

  Rule: 5.1 rule 11: no STARTTLS after TLS

    @req:core-5.1-15 @MUST_NOT @c2s
    Scenario: STARTTLS is not offered again after TLS
      "If the TLS negotiation is successful, the receiving entity MUST NOT offer the STARTTLS
      extension to the initiating entity along with the other stream features that are offered
      when the stream is restarted."
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      And the server answers with <proceed/>
      And the client starts the TLS handshake
      And the client opens a new stream without closing the old one
      Then the server answers with a new stream header and stream features
      And the stream features do not offer STARTTLS

    @req:core-5.1-15 @MUST_NOT @s2s
    Scenario: STARTTLS is not offered again to a peer server after TLS
      The same sentence between servers: the peer secures its connection to the target's s2s
      port with STARTTLS and opens the new stream; the features of that stream must not offer
      STARTTLS again. Not applicable where the target offers the peer no STARTTLS.
      When the peer opens a stream to the target's s2s port
      Then the target's stream features after TLS do not offer the peer STARTTLS

  Rule: 5.1 rule 13: a failed TLS negotiation ends the stream and the connection

    @req:core-5.1-17 @MUST @c2s
    Scenario: bytes that are not TLS after <proceed/> make the target close the connection
      "If the TLS negotiation results in failure, the receiving entity MUST terminate both the
      XML stream and the underlying TCP connection." Once TLS has begun no XML can be sent, so
      closing the TCP connection ends both.
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      And the server answers with <proceed/>
      And the client sends bytes that are not TLS instead of the handshake
      Then the server closes the TCP connection without completing TLS

  Rule: 5.1 rules 7 and 12: between servers, TLS first, then SASL

    @req:core-5.1-6 @MUST @s2s
    Scenario: the target completes TLS before SASL on its own connection to the peer
      "If the initiating entity chooses to use TLS, TLS negotiation MUST be completed before
      proceeding to SASL negotiation". The peer's listener offers STARTTLS and SASL EXTERNAL
      together on the first stream of the target's connection, so the order is the target's own
      choice. A target that sends no `<starttls/>` did not choose TLS, and one that starts no SASL
      has no order to judge: both are not applicable.
      Given the peer's listener offers SASL EXTERNAL beside STARTTLS, with a certificate from the CA the target trusts
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target completes TLS before it starts SASL on its own connection

    @req:core-5.1-16 @MUST @s2s
    Scenario: the target goes on with SASL after TLS on its own connection to the peer
      "If the TLS negotiation is successful, the initiating entity MUST continue with SASL
      negotiation." The peer's listener presents a certificate from the CA the target trusts and
      offers SASL EXTERNAL beside dialback on the stream after TLS.
      Reading: section 8 gives dialback to servers that negotiate no SASL, so a target that goes
      on with dialback after TLS, although the peer offered SASL EXTERNAL there, is not
      applicable; only a target that goes on with neither SASL nor dialback fails.
      Given the peer's listener offers SASL EXTERNAL after TLS, with a certificate from the CA the target trusts
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target goes on with SASL after TLS on its own connection

  Rule: 5.1 rule 6: the initiating server starts TLS right after <proceed/>

    @req:core-5.1-9 @MUST @s2s
    Scenario: the target starts the TLS handshake right after the peer's <proceed/>
      "The initiating entity MUST consider the TLS negotiation to have begun immediately after
      receiving the closing '>' character of the `<proceed/>` element from the receiving entity."
      The target is the initiating entity on the connection it opens to the peer's listener,
      which answers its `<starttls/>` with `<proceed/>` and is then the TLS server: the
      handshake completes only if the target's first bytes after that '>' begin it.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target starts the TLS handshake right after the peer's <proceed/>
