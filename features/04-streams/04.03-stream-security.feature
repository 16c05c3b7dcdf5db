Feature: 4.3 Stream Security
  Changed in -23: stanzas before authentication MUST NOT be accepted; the receiving entity
  SHOULD return `<not-authorized/>` and close the stream and the TCP connection. This is the c2s
  reading; the dialback reading (core-8.3-23: silently drop) is checked in section 8.

  Rule: 4.3 stanzas sent before the stream is authenticated are not accepted

    @req:core-4.3-3 @req:core-4.7.3-2 @MUST_NOT @c2s @changed-in-23
    Scenario: a message sent before SASL is not delivered
      "... if it does, then the other entity MUST NOT accept such stanzas ..." and, for
      `<not-authorized/>`, "the receiving entity MUST NOT process the offending stanza".
      Given a recipient bound to the target
      And a client that negotiated up to "tls"
      When the client sends:
        """
        <message to='{recipient}' id='early-1' type='chat'><body>sent before authentication</body></message>
        """
      Then the message "early-1" is not delivered to the recipient

    @req:core-4.3-3 @MUST_NOT @c2s @changed-in-23
    Scenario: a message sent before SASL does not surface once the stream is authenticated
      "... then the other entity MUST NOT accept such stanzas". Not accepting is more than not
      delivering at once: a server that kept the stanza and delivered it once the stream was
      authenticated would have accepted it. The client authenticates and binds on the same
      stream and sends a second message; the recipient receives that one, and up to a round-trip
      after it, not the early one. When the target ends the stream instead (4.3's own remedy),
      nothing can surface, and the scenario is not applicable.
      Given a recipient bound to the target
      And a client that negotiated up to "tls"
      When the client sends:
        """
        <message to='{recipient}' id='early-3' type='chat'><body>sent before authentication</body></message>
        """
      Then the message "early-3" has not surfaced at the recipient once the client is authenticated and bound

    @req:core-4.3-3 @SHOULD @c2s @changed-in-23
    Scenario: a message sent before SASL is answered with <not-authorized/> and the connection closed
      "... and SHOULD return a `<not-authorized/>` stream error and then terminate both the XML
      stream and the underlying TCP connection"
      Given a client that negotiated up to "tls"
      When the client sends:
        """
        <message to='{domain}' id='early-2' type='chat'><body>sent before authentication</body></message>
        """
      Then the server closes the stream with <not-authorized/>

    @req:core-4.3-3 @req:core-4.7.3-2 @MUST_NOT @c2s @changed-in-23
    Scenario: an IQ sent before SASL is not answered with a result
      "... the other entity MUST NOT accept such stanzas". A stanza error, a stream error, a
      close or silence (quiet window: no round-trip exists before authentication) pass; an IQ
      of type 'result' shows the stanza was accepted and processed.
      Given a client that negotiated up to "tls"
      When the client sends:
        """
        <iq type='get' id='early-iq' to='{domain}'><query xmlns='jabber:iq:version'/></iq>
        """
      Then the client receives no result for the IQ "early-iq"

  Rule: 4.3 TLS SHOULD and SASL MUST be used

    @req:core-4.3-1 @MUST @c2s
    Scenario: SASL is offered once TLS is negotiated
      "When negotiating XML streams in XMPP 1.0, TLS SHOULD be used as defined under Use of TLS
      (Section 5) and SASL MUST be used as defined under Use of SASL (Section 6)." (The MUST
      part: SASL is offered on the stream after TLS, or on the first one under tls.policy none.)
      Given a client that negotiated up to "tls"
      Then the stream features offer at least one SASL mechanism

    @req:core-4.3-1 @SHOULD @c2s
    Scenario: STARTTLS is offered on a new stream
      "... TLS SHOULD be used as defined under Use of TLS (Section 5) ..." (The SHOULD part:
      STARTTLS is offered on the first stream, whatever policy the suite is configured with.)
      Given a client that negotiated up to "features"
      Then the stream features offer STARTTLS

  Rule: 4.3 each direction is secured on its own, with TLS and SASL too

    @req:core-4.3-2 @MUST @s2s @changed-in-23
    Scenario: after the peer authenticated its connection by SASL EXTERNAL, the target still secures its own before sending
      "The 'initial stream' ... and the 'response stream' ... MUST be secured separately,
      although security in both directions MAY be established via mechanisms that provide
      mutual authentication." The peer's connection to the target is secured by TLS and
      authenticated by EXTERNAL first; the client's message to the peer's domain must then travel
      over a connection the target opens itself (secured by EXTERNAL or dialback, as the peer's
      listener offers both), never over the peer's. Not applicable where the target offers no
      EXTERNAL.
      Given the peer's listener offers SASL EXTERNAL after TLS, with a certificate from the CA the target trusts
      And the peer has a certificate from the CA the target trusts
      And a client that negotiated up to "session"
      When the peer opens a stream to the target's s2s port and presents its certificate on TLS
      And the peer authenticates with SASL EXTERNAL without an authorization identity
      And the client sends a message to "someone@{peer-domain}"
      Then the peer receives the message over the target's own connection
      And the target sent no stanza over a connection the peer opened

    @req:core-4.3-2 @MUST @s2s @changed-in-23
    Scenario: after the target authenticated its own connection by SASL EXTERNAL, the peer's connection is not trusted without its own
      The same sentence, the other way: the target's own connection to the peer is secured by
      TLS and authenticated by EXTERNAL first (it carries a client's message); then the peer
      opens a connection, secures it with TLS, and sends a message to a local client before
      authenticating. SASL in one direction does not secure the other: the message is not
      delivered, proved by a round-trip on the recipient's stream.
      Given a recipient bound to the target
      And the peer's listener offers SASL EXTERNAL after TLS, with a certificate from the CA the target trusts
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the peer receives the message over the target's own connection
      When the peer opens a stream to the target's s2s port
      And the peer sends over its connection, before it is validated:
        """
        <message from='someone@{peer-domain}/x' to='{recipient}' id='s2s-unauthenticated-1' type='chat'><body>over a connection nobody authenticated</body></message>
        """
      Then the message "s2s-unauthenticated-1" never reaches the recipient
