Feature: 8.3 Dialback Protocol
  The suite plays the peer domain in all three roles: it originates connections to the
  target's s2s port, and its listener answers as the authoritative server for the keys it
  issued and as the receiving server for the target's own connections. Every connection is
  entered in a ledger (attached as s2s-ledger.txt): which side opened it and what it carried.

  Rule: 8.3 the target as receiving server validates the peer by dialing back

    @req:core-8.3-3 @SHOULD @s2s
    Scenario: the target answers the peer's stream header with a stream id
      "The Receiving Server SHOULD send a stream header back to the Originating Server,
      including a unique ID for this interaction"
      Given the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      Then the target answers with a stream header carrying an id

    @req:core-4.4-3 @MUST @s2s
    Scenario: the target's response header toward a peer names a domain it serves, where it has a 'from'
      "from -- The 'from' attribute SHOULD be used only in the XML stream header from the
      receiving entity to the initiating entity, and MUST be set to a hostname serviced by the
      receiving entity that is granting access to the initiating entity." The server-to-server
      half of the sentence: the target is the receiving entity of the peer's connection.
      Reading: the MUST binds the value of the response header's 'from': it names a hostname the
      target serves. Where the text makes 'from' OPTIONAL (the response header of a dialback
      stream, 8.3 step 3) a header without it passes and the outcome says so; on a
      client-to-server stream no such exception exists, and a header without 'from' fails.
      When the peer opens a stream to the target's s2s port
      Then the target's response stream header's "from", where present, is a domain it serves

    @req:core-4.4-8 @SHOULD @s2s
    Scenario: an 'id' on the peer's stream header is silently ignored
      "There SHOULD NOT be an 'id' attribute on the XML stream header sent from the initiating
      entity to the receiving entity; however, if an 'id' attribute is included, it SHOULD be
      silently ignored by the receiving entity." The server-to-server half, with the target as
      receiving entity: its response header carries its own id, not the peer's, and the stream
      proceeds.
      Reading: an 'id' attribute with an empty value is an 'id' attribute.
      When the peer opens a stream to the target's s2s port with:
        """
        <?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' from='{peer-domain}' to='{domain}' version='1.0' id='peer-chosen-id'>
        """
      Then the target answers with a stream header whose id is not "peer-chosen-id"

    @req:core-8.3-22 @req:core-8.1-4 @req:core-8.3-6 @MUST @s2s @changed-in-23
    Scenario: a connection the authoritative server confirms is validated and carries the peer's stanzas
      Step 8-10: the Receiving Server informs the Originating Server of the result; "If the
      connection is validated, data can be sent by the Originating Server and read by the
      Receiving Server". The recipient, a local user of the target, proves delivery.
      Given a recipient bound to the target
      And the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}"
      When the peer sends over its connection:
        """
        <message from='someone@{peer-domain}/x' to='{recipient}' id='s2s-in-1' type='chat'><body>over a validated connection</body></message>
        """
      Then the recipient receives the message "s2s-in-1" from "someone@{peer-domain}/x"

    @req:core-8.3-22 @MUST @s2s @changed-in-23
    Scenario: a connection the authoritative server declares invalid is closed, stream and TCP
      "If the connection is invalid, then the Receiving Server MUST terminate both the XML
      stream and the underlying TCP connection."
      Given the peer's listener answers every verification as invalid
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target declares the peer's connection invalid and closes the stream and the TCP connection

  Rule: 8.3 step 10 and 4.3: stanzas before validation are not accepted

    @req:core-4.3-3 @MUST_NOT @s2s @changed-in-23
    Scenario: a stanza sent over s2s before validation is not delivered
      "... then the other entity MUST NOT accept such stanzas" (4.3). The recipient proves it
      by an IQ round-trip on its own stream once the target has settled the connection, whether
      it validated it or closed it (4.3's own remedy).
      Given a recipient bound to the target
      And the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      And the peer sends over its connection, before it is validated:
        """
        <message from='someone@{peer-domain}/x' to='{recipient}' id='s2s-early-1' type='chat'><body>before validation</body></message>
        """
      Then the target settles the peer's validation request
      And the message "s2s-early-1" never reaches the recipient

    @req:core-8.3-23 @SHOULD @s2s @changed-in-23
    Scenario: a stanza sent over s2s before validation is silently dropped
      "before that, all XML stanzas sent to the Receiving Server SHOULD be silently dropped."
      This is the dialback reading. 4.3 recommends instead a `<not-authorized/>` stream error
      and closing; a server cannot follow both SHOULDs, so either is accepted and the verdict
      names the reading the target followed. An error stanza, or a delivery, fails it.
      Given the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      And the peer sends over its connection, before it is validated:
        """
        <message from='someone@{peer-domain}/x' to='nobody@{domain}' id='s2s-early-2' type='chat'><body>before validation</body></message>
        """
      Then the target drops the early stanza silently or refuses it with <not-authorized/>

  Rule: 8.3 the target as originating server and as authoritative server

    @req:core-8.3-24 @req:core-4.2-2 @MUST @s2s @changed-in-23
    Scenario: to send to the peer, the target opens its own connection and validates it by dialback
      "In order to verify the identities of the entities using the 'response stream' ...,
      dialback MUST be completed in the opposite direction as well." and 4.2: "a server MUST
      use one TCP connection for XML stanzas sent from the server to the peer and another TCP
      connection (initiated by the peer) for stanzas from the peer to the server".
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the peer receives the message over the target's own connection
      And the target sent no stanza over a connection the peer opened

    @req:core-10.2-1 @SHOULD @s2s
    Scenario: a client's message to a foreign domain is routed to that domain
      "If the hostname of the domain identifier portion of the JID contained in the 'to'
      attribute does not match one of the configured hostnames of the server itself or a
      subdomain thereof, the server SHOULD route the stanza to the foreign domain". The foreign
      domain is the peer's; its listener receives the message.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the peer receives the message over the target's own connection

    @req:core-8.3-24 @MUST @s2s @changed-in-23
    Scenario: the target sends no stanza before its connection to the peer is declared valid
      Step 10: "If the connection is validated, data can be sent by the Originating Server";
      the ledger shows what the target sent before the peer's `<db:result type='valid'/>`.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the target sent no stanza before its connection was declared valid

    @req:core-8.1-5 @MUST @s2s
    Scenario: the target, as authoritative server, confirms the key it issued
      "The method for generating and verifying the keys used in server dialback MUST take into
      account the hostnames being used, the stream ID generated by the receiving server, and a
      secret known by the authoritative server's network." Asked back with its own key and
      the stream id the peer gave, the target answers valid.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      When the peer asks the target to verify "the key it received" for the stream id of its connection
      Then the target answers the verification "valid"

    @req:core-8.1-5 @MUST @s2s
    Scenario: the target, as authoritative server, refuses a forged key
      A key the target did not issue for that stream id must not verify.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      When the peer asks the target to verify "a forged key" for the stream id of its connection
      Then the target answers the verification "invalid"

    @req:core-8.1-5 @req:core-8.3-7 @MUST @s2s
    Scenario: the target, as authoritative server, refuses its own key for another stream id
      The key "MUST take into account ... the stream ID generated by the receiving server": the
      same key offered for another stream id must not verify.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      When the peer asks the target to verify "its key with a wrong stream id" for the stream id of its connection
      Then the target answers the verification "invalid"

  Rule: 8.1 the stream id is security-critical

    @req:core-8.1-6 @MUST @s2s
    Scenario: stream ids given to peers are distinct, not short and not sequential
      "The stream ID is security-critical in server dialback and therefore MUST be both
      unpredictable and non-repeating". No black-box test proves unpredictability: this one
      fails ids that repeat, are shorter than 8 characters, or count up by a constant step.
      When 5 peer connections are opened to the target at the same time
      Then the stream ids are distinct, not short, and not sequential

  Rule: 4.3 and 8.3: each direction is secured on its own

    @req:core-4.3-2 @MUST @s2s @changed-in-23
    Scenario: after the peer's connection is validated, the target still validates its own before sending
      "The 'initial stream' ... and the 'response stream' ... MUST be secured separately". The
      peer's connection to the target is validated first; the target must not send over it, nor
      send over a connection of its own before dialback validated that one too.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the target sent no stanza before its connection was declared valid
      And the peer receives the message over the target's own connection
      And the target sent no stanza over a connection the peer opened

    @req:core-4.2-2 @MUST @s2s @changed-in-23
    Scenario: the answer to an IQ the peer sent over its validated connection goes back over the target's own connection
      "a server MUST use one TCP connection for XML stanzas sent from the server to the peer and
      another TCP connection (initiated by the peer) for stanzas from the peer to the server".
      The tempting shortcut: the peer already holds a validated connection to the target, and
      the target has an answer to send back. The answer (a result or an error) must travel over
      a connection the target opened and had validated, never over the peer's.
      Given the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}"
      When the peer sends over its connection:
        """
        <iq type='get' id='s2s-back-1' from='someone@{peer-domain}/x' to='{domain}'><ping xmlns='urn:xmpp:ping'/></iq>
        """
      Then the target opens its own connection to the peer and validates it by dialback
      And the peer receives the stanza "s2s-back-1" over the target's own connection
      And the target sent no stanza over a connection the peer opened

    @req:core-4.3-2 @MUST @s2s @changed-in-23
    Scenario: after the target's own connection is validated, the peer's connection is not trusted without its own validation
      "The 'initial stream' ... and the 'response stream' ... MUST be secured separately". The
      other direction of the shortcut: the target's own connection to the peer is validated
      first (it carries a client's message); then the peer opens a connection and sends a
      message to a local client over it before asking for validation. Dialback in one
      direction does not secure the other: the message is not delivered. The target's answer
      to the validation request the peer sends after the message settles it, and a round-trip
      on the recipient's stream proves the recipient was sent nothing.
      Given a recipient bound to the target
      And the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      When the peer opens a stream to the target's s2s port
      And the peer sends over its connection, before it is validated:
        """
        <message from='someone@{peer-domain}/x' to='{recipient}' id='s2s-unvalidated-1' type='chat'><body>over a connection nobody validated</body></message>
        """
      And the peer asks the target to validate "{peer-domain}"
      Then the target settles the peer's validation request
      And the message "s2s-unvalidated-1" never reaches the recipient

  Rule: the target as initiating entity: its own stream header and dialback elements

    @req:core-4.4-1 @MUST @s2s
    Scenario: the target's stream header toward the peer names the peer
      "to -- [...] The 'to' attribute SHOULD be used only in the XML stream header from the
      initiating entity to the receiving entity, and MUST be set to a hostname serviced by the
      receiving entity."
      Another reading: 4.4 would demand a 'to' on every initiating header: jabberd2 2.7 without
      an s2s certificate, whose dialback header toward the peer carries no 'to', would fail on a
      header the protocol section allows.
      Reading: 4.4 constrains the value of a 'to' that is present; on the dialback stream header
      "The 'to' and 'from' attributes are OPTIONAL on the root stream element" (8.3 step 2), so
      the target's header toward the peer that declares dialback and carries no 'to' passes
      (named), and a 'to' naming anything but the peer's domain fails.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the target's initial stream header to the peer has "to" set to "{peer-domain}", or none as dialback allows

    @req:core-4.4-8 @SHOULD_NOT @s2s
    Scenario: the target's stream header toward the peer carries no 'id'
      "There SHOULD NOT be an 'id' attribute on the XML stream header sent from the initiating
      entity to the receiving entity". The sender's half of the sentence: on its own connection
      to the peer, the target is the initiating entity.
      Reading: an 'id' attribute with an empty value is an 'id' attribute.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the target's initial stream header to the peer has no "id" attribute

    @req:core-4.4.1-4 @req:core-5.1-3 @MUST @s2s
    Scenario: the target's stream header toward the peer announces version 1.0
      "The initiating entity MUST set the value of the 'version' attribute on the initial stream
      header to the highest version number it supports"; an initiating entity that complies with
      this specification "MUST include the 'version' attribute set to a value of '1.0' in the
      initial stream header."
      Reading: The target runs as its documentation recommends for a real deployment (jabberd2 2.7
      with an s2s certificate, which it needs to announce version 1.0 to peers at all): the header
      of its outgoing s2s stream is judged in that configuration.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the target's initial stream header to the peer has "version" set to "1.0"

    @req:core-6.1-2 @MUST @s2s
    Scenario: a target that offers SASL to peers announces version 1.0 toward them
      "If the initiating entity is capable of SASL negotiation, it MUST include the 'version'
      attribute set to a value of at least "1.0" in the initial stream header." The target's
      SASL capability on server-to-server streams is read from the features it offers a peer
      that connects to it; where it offers no SASL mechanism there, not applicable.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the peer opens a stream to the target's s2s port
      Then the target offered SASL mechanisms to the peer
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the target's initial stream header to the peer has "version" set to "1.0"

    @req:core-4.4-9 @SHOULD @s2s
    Scenario: the target's stream header toward the peer carries xml:lang
      "An 'xml:lang' attribute ... SHOULD be included by the initiating entity on the header for
      the initial stream".
      Reading: Every stream header the target sends as initiating entity is a header for an initial stream (4.1: the initial stream is the one from the initiating entity; 5.2 step 8 has the initiating entity initiate a new stream after TLS), so 'xml:lang' is checked on each: the first and the new stream after STARTTLS.
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the target's initial stream header to the peer carries an "xml:lang" attribute

    @req:core-11.2.3-1 @req:core-11.2.3-2 @req:core-11.2.3-3 @MUST @s2s
    Scenario: the target declares jabber:server:dialback and prefixes every dialback element
      "A dialback namespace declaration is REQUIRED for all elements used in server dialback";
      "The name of the dialback namespace MUST be 'jabber:server:dialback'"; "All elements
      qualified by this namespace MUST be prefixed."
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And the target's initial stream header to the peer declares the dialback namespace
      And every dialback element the target sent is prefixed

    @req:core-11.2.3-4 @SHOULD @s2s
    Scenario: the target generates only the 'db:' prefix for dialback elements
      "An implementation SHOULD generate only the 'db:' prefix for such elements".
      Given the peer's listener serves its domains
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens its own connection to the peer and validates it by dialback
      And every dialback element the target sent uses the 'db:' prefix
