Feature: 8.3 Dialback Protocol
  The suite plays the peer domain in all three roles: it originates connections to the
  target's s2s port, and its listener answers as the authoritative server for the keys it
  issued and as the receiving server for the target's own connections. Every connection is
  entered in a ledger (attached as s2s-ledger.txt): which side opened it and what it carried.
  What a receiving or authoritative server must refuse, and how: a stream error, then
  `</stream:stream>`, then the TCP connection closed (8.1: "Any error that occurs during
  dialback negotiation MUST be considered a stream error").

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

  Rule: 8.3 steps 2-4: the stream and the validation request

    @req:core-8.3-2 @MUST @s2s
    Scenario: a dialback namespace other than jabber:server:dialback gets <invalid-namespace/>
      "If the namespace name is incorrect, then the Receiving Server MUST generate an
      `<invalid-namespace/>` stream error condition and terminate both the XML stream and the
      underlying TCP connection." The target may notice at the header or at the first element
      under that prefix; the peer sends both, and `<invalid-namespace/>` is expected by then.
      Reading: A stream header that binds the 'db' prefix to a namespace name other than
      'jabber:server:dialback' has the dialback namespace name incorrect (the note follows the
      header's xmlns:db declaration): `<invalid-namespace/>`, then closing the stream and the TCP
      connection, is required; another condition, ignoring it or proceeding fails.
      When the peer opens a stream to the target's s2s port with:
        """
        <?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' xmlns:db='jabber:server:dialback:wrong' from='{peer-domain}' to='{domain}' version='1.0'>
        """
      And the peer sends over its connection:
        """
        <db:result from='{peer-domain}' to='{domain}'>0123456789abcdef0123456789abcdef</db:result>
        """
      Then the target closes the peer's stream with <invalid-namespace/>

    @req:core-8.3-8 @MUST @s2s
    Scenario: a dialback key addressed to a host the target does not serve gets <host-unknown/>
      Step 4, the `<db:result to='Receiving Server' from='Originating Server'>` key: "If the value
      of the 'to' address does not match a hostname recognized by the Receiving Server, then the
      Receiving Server MUST generate a `<host-unknown/>` stream error condition and terminate
      both the XML stream and the underlying TCP connection." The stream header names the
      target's own domain; the key names no-such-host.invalid.
      Reading: The sentence is about the 'to' of the `<db:result/>` key (step 4), not about the
      stream header's 'to', which step 2 makes OPTIONAL: the scenario opens a stream to the
      target's own domain and sends a key addressed to a host the target does not serve.
      Given the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}" for "no-such-host.invalid"
      Then the target closes the peer's stream with <host-unknown/>

    @req:core-8.3-19 @MUST @s2s
    Scenario: an authoritative answer addressed to a host the target does not serve gets <host-unknown/>
      "If the value of the 'to' address does not match a hostname recognized by the Receiving
      Server, then the Receiving Server MUST generate a `<host-unknown/>` stream error condition
      and terminate both the XML stream and the underlying TCP connection." The sentence is in
      the note to step 9: it is about the Authoritative Server's `<db:verify type='...'/>`
      answer. The peer originates a connection and sends `<db:result/>`; the target, as
      receiving server, dials back to the peer's listener and sends `<db:verify/>`; the
      listener answers it (the key is valid) with to='no-such-host.invalid'.
      Another reading: The error could be owed on the originating stream instead; the embedded
      servers fail under both readings (Prosody 0.12 answers `<unsupported-stanza-type/>` on the
      verification stream, ejabberd 23.01 sends nothing on either stream, jabberd2 2.7 ends the
      originating stream with `<invalid-id/>`), and the failure message lists what every
      connection carried.
      Reading: The sentence, in the note to step 9, is about the Authoritative Server's
      `<db:verify type='...'/>` answer arriving at the receiving server (the target) with a 'to'
      it does not serve; the stream error is owed on the stream that carried that answer (the
      target's connection to the authoritative server), as `<invalid-id/>` in the same note
      (core-8.3-18).
      Given the peer's listener answers verifications addressed to a host the target does not serve
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target closes the stream that carried the authoritative answer with <host-unknown/>

    @req:core-8.3-20 @MUST @s2s
    Scenario: an authoritative answer from a domain other than the originating server's gets <invalid-from/>
      "If the value of the 'from' address does not match the hostname represented by the
      Originating Server when opening the TCP connection (or any validated domain thereof ...),
      then the Receiving Server MUST generate an `<invalid-from/>` stream error condition and
      terminate both the XML stream and the underlying TCP connection." The sentence is in the
      note to step 9: it is about the Authoritative Server's `<db:verify type='...'/>` answer.
      The peer originates a connection as the peer domain and sends `<db:result/>`; the target
      dials back to the peer's listener and sends `<db:verify/>`; the listener answers it (the
      key is valid) with from='{second-peer-domain}', a domain nothing validated.
      Another reading: The error could be owed on the originating stream instead; the embedded
      servers fail under both readings (Prosody 0.12 and ejabberd 23.01 send nothing on either
      stream, jabberd2 2.7 ends the originating stream with `<invalid-id/>`), and the failure
      message lists what every connection carried.
      Reading: The sentence, in the note to step 9, is about the Authoritative Server's
      `<db:verify type='...'/>` answer arriving at the receiving server (the target) with a
      'from' that is not the originating server's domain (nor a domain validated for it); the
      stream error is owed on the stream that carried that answer (the target's connection to
      the authoritative server), as `<invalid-id/>` in the same note (core-8.3-18).
      Given the peer's listener answers verifications from a domain other than the originating server's
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target closes the stream that carried the authoritative answer with <invalid-from/>

    @req:core-4.4.1-8 @SHOULD_NOT @s2s
    Scenario: a peer stream header without version is answered without version
      "If either entity receives a stream header with no 'version' attribute, the entity MUST
      consider the version supported by the other entity to be '0.0' and SHOULD NOT include a
      'version' attribute in the stream header it sends in reply." A stream without version has no
      stream features, so no STARTTLS: a target whose policy requires encryption between servers
      may refuse it with `<policy-violation/>`; the reply header is judged either way.
      Reading: To consider the other entity's version '0.0' is to treat it as a pre-1.0 entity: no
      version-1.0 stream features (4.6) and, as the SHOULD NOT asks, no 'version' on the reply
      header.
      Given the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port with:
        """
        <?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' xmlns:db='jabber:server:dialback' from='{peer-domain}' to='{domain}'>
        """
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}", or refuses it as unencrypted
      And the target's response stream header has no "version" attribute

    @req:core-4.4.1-8 @req:core-4.6-1 @MUST @s2s
    Scenario: a pre-1.0 peer gets no stream features and is validated by dialback
      The target "MUST consider the version supported by the other entity to be '0.0'"; stream
      features are announced to an entity that sent version '1.0' or higher (4.6). A target whose
      policy requires encryption between servers may refuse the unencrypted stream with
      `<policy-violation/>`; what it sent before is judged either way.
      Reading: To consider the other entity's version '0.0' is to treat it as a pre-1.0 entity: no
      version-1.0 stream features (4.6) and, as the SHOULD NOT asks, no 'version' on the reply
      header.
      Given the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port with:
        """
        <?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' xmlns:db='jabber:server:dialback' from='{peer-domain}' to='{domain}'>
        """
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}", or refuses it as unencrypted
      And the target sent no stream features on that connection

  Rule: 8.3 steps 6-8: the target as authoritative server

    @req:core-8.3-16 @MUST @s2s
    Scenario: a verification request for a host the target does not serve gets <host-unknown/>
      "If the value of the 'to' address does not match a hostname recognized by the
      Authoritative Server, then the Authoritative Server MUST generate a `<host-unknown/>`
      stream error condition and terminate both the XML stream and the underlying TCP
      connection."
      When the peer opens a stream to the target's s2s port
      And the peer sends over its connection:
        """
        <db:verify from='{peer-domain}' to='no-such-host.invalid' id='0123456789abcdef'>0123456789abcdef0123456789abcdef</db:verify>
        """
      Then the target closes the peer's stream with <host-unknown/>

    @req:core-8.3-17 @MUST @s2s
    Scenario: a verification request from a domain other than the stream's gets <invalid-from/>
      "If the value of the 'from' address does not match the hostname represented by the
      Receiving Server when opening the TCP connection (or any validated domain thereof ...),
      then the Authoritative Server MUST generate an `<invalid-from/>` stream error condition
      and terminate both the XML stream and the underlying TCP connection."
      When the peer opens a stream to the target's s2s port
      And the peer sends over its connection:
        """
        <db:verify from='{second-peer-domain}' to='{domain}' id='0123456789abcdef'>0123456789abcdef0123456789abcdef</db:verify>
        """
      Then the target closes the peer's stream with <invalid-from/>

    @req:core-8.3-21 @SHOULD @s2s
    Scenario: having answered a verification request, the target ends that stream
      "After returning the verification to the Receiving Server, the Authoritative Server
      SHOULD terminate the stream between them."
      When the peer opens a stream to the target's s2s port
      And the peer sends over its connection:
        """
        <db:verify from='{peer-domain}' to='{domain}' id='0123456789abcdef'>0123456789abcdef0123456789abcdef</db:verify>
        """
      Then the target answers the verification and closes the stream

  Rule: 8.3 after validation: every stanza is addressed, and from a validated domain

    @req:core-8.3-26 @req:core-9.1.2-8 @MUST @s2s
    Scenario: a stanza without 'from' over a validated connection gets <improper-addressing/>
      "a server MUST verify that all XML stanzas received from the other server include a
      'from' attribute and a 'to' attribute; if a stanza does not meet this restriction, the
      server that receives the stanza MUST generate an `<improper-addressing/>` stream error
      condition and terminate both the XML stream and the underlying TCP connection."
      Given a recipient bound to the target
      And the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}"
      When the peer sends over its connection:
        """
        <message to='{recipient}' id='s2s-nofrom' type='chat'><body>no from</body></message>
        """
      Then the target closes the peer's stream with <improper-addressing/>

    @req:core-9.1.1-2 @MUST @s2s
    Scenario: a stanza without 'to' over a validated connection gets <improper-addressing/>
      "In the 'jabber:server' namespace, a stanza MUST possess a 'to' attribute; if a server
      receives a stanza that does not meet this restriction, it MUST generate an
      `<improper-addressing/>` stream error condition and terminate both the XML stream and the
      underlying TCP connection with the offending server."
      Given the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}"
      When the peer sends over its connection:
        """
        <message from='someone@{peer-domain}/x' id='s2s-noto' type='chat'><body>no to</body></message>
        """
      Then the target closes the peer's stream with <improper-addressing/>

    @req:core-8.3-27 @req:core-9.1.2-9 @MUST @s2s
    Scenario: a stanza from a domain not validated on the connection gets <invalid-from/>
      "a server MUST verify that the 'from' attribute of stanzas received from the other server
      includes a validated domain for the stream; if a stanza does not meet this restriction,
      the server that receives the stanza MUST generate an `<invalid-from/>` stream error
      condition and terminate both the XML stream and the underlying TCP connection."
      Given a recipient bound to the target
      And the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}"
      When the peer sends over its connection:
        """
        <message from='someone@{second-peer-domain}/x' to='{recipient}' id='s2s-spoof' type='chat'><body>from a domain not validated here</body></message>
        """
      Then the target closes the peer's stream with <invalid-from/>

    @req:core-8.3-25 @SHOULD @s2s @changed-in-23
    Scenario: a validated connection carries a further validation request for another hostname of the target
      "After successful dialback negotiation, the Receiving Server SHOULD accept subsequent
      `<db:result/>` packets (e.g., validation requests sent to a subdomain or other hostname
      serviced by the Receiving Server) from the Originating Server over the existing validated
      connection; this enables 'piggybacking' of the original validated connection in one
      direction."
      Given the target serves a second hostname
      And the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}"
      When the peer asks the target to validate "{peer-domain}" for "{other-domain}"
      Then the target validates the peer's connection for "{peer-domain}"

  Rule: 8.3 what goes wrong between the target and the peer's authoritative server

    @req:core-8.3-18 @MUST @s2s
    Scenario: an answer from the authoritative server about another stream id gets <invalid-id/>
      "Note: If the ID does not match that provided by the Receiving Server in Step 3, then the
      Receiving Server MUST generate an `<invalid-id/>` stream error condition and terminate
      both the XML stream and the underlying TCP connection." The peer's listener answers the
      target's `<db:verify/>` for a stream id the target did not ask about.
      Given the peer's listener answers verifications with another stream id
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target closes the stream of its connection to the peer with <invalid-id/>

    @req:core-8.3-14 @MUST @s2s
    Scenario: a stream error from the authoritative server gets <remote-connection-failed/> on the originating stream
      "If a stream error occurs between the Receiving Server and the Authoritative Server, then
      the Receiving Server MUST generate a `<remote-connection-failed/>` stream error condition
      and terminate both the XML stream and the underlying TCP connection between it and the
      Originating Server."
      Given the peer's listener answers verifications with a stream error
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target closes the peer's stream with <remote-connection-failed/>

    @req:core-8.3-13 @MUST @s2s
    Scenario: an authoritative server declaring a wrong dialback namespace gets <invalid-namespace/>
      "Note: If the namespace name is incorrect, then the Receiving Server MUST generate an
      `<invalid-namespace/>` stream error condition and terminate both the XML stream and the
      underlying TCP connection between it and the Authoritative Server."
      Reading: A stream header that binds the 'db' prefix to a namespace name other than
      'jabber:server:dialback' has the dialback namespace name incorrect (the note follows the
      header's xmlns:db declaration): `<invalid-namespace/>`, then closing the stream and the TCP
      connection, is required; another condition, ignoring it or proceeding fails.
      Given the peer's listener declares the dialback namespace as "jabber:server:dialback:wrong"
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target closes the stream of its connection to the peer with <invalid-namespace/>

    @req:core-8.3-5 @MUST @s2s
    Scenario: a receiving server declaring a wrong dialback namespace gets <invalid-namespace/> from the target
      "If the namespace name is incorrect, then the Originating Server MUST generate an
      `<invalid-namespace/>` stream error condition and terminate both the XML stream and the
      underlying TCP connection." The target originates (to deliver a client's message); the
      peer's listener answers its header under a wrong dialback namespace.
      Reading: A stream header that binds the 'db' prefix to a namespace name other than
      'jabber:server:dialback' has the dialback namespace name incorrect (the note follows the
      header's xmlns:db declaration): `<invalid-namespace/>`, then closing the stream and the TCP
      connection, is required; another condition, ignoring it or proceeding fails.
      Given the peer's listener declares the dialback namespace as "jabber:server:dialback:wrong"
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target closes the stream of its connection to the peer with <invalid-namespace/>

  Rule: whatever the condition, an error ends the stream and the TCP connection

    @req:core-8.1-7 @MUST @s2s
    Scenario: an error during dialback negotiation ends the stream and the TCP connection
      "Any error that occurs during dialback negotiation MUST be considered a stream error,
      resulting in termination of the stream and of the underlying TCP connection." Any
      condition is accepted here; the scenarios above decide the conditions the draft names,
      each on its own key. The key here is one the peer cannot have meant: a `<db:result/>`
      without 'from'.
      Reading: The general rule is decided on an error that no other sentence of 8.3 names a
      condition for: a `<db:result/>` key without the 'from' that names the originating domain
      (8.3 step 4 sends it `to='Receiving Server' from='Originating Server'`). Any stream error
      that ends the stream and the TCP connection passes. A target that reports the error inside
      dialback (a XEP-0220 type='error' element) or ignores the request fails. The instances that
      name a condition (core-8.3-8 for a 'to' the target does not serve, and the others of 8.3)
      are decided on their own keys, so no one answer is charged to both.
      Given the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer sends over its connection:
        """
        <db:result to='{domain}'>0123456789abcdef0123456789abcdef</db:result>
        """
      Then the target closes the peer's stream with any stream error

    @req:core-9.1.2-10 @MUST @s2s
    Scenario: a stanza without 'from' over s2s ends the stream and the TCP connection
      "Both of these conditions MUST result in closing of the stream and termination of the
      underlying TCP connection; this helps to prevent a denial of service attack launched from
      a rogue server." Any condition is accepted here; the scenario above decides its name.
      Given the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}"
      When the peer sends over its connection:
        """
        <message to='nobody@{domain}' id='s2s-nofrom-2' type='chat'><body>no from</body></message>
        """
      Then the target closes the peer's stream with any stream error

    @req:core-10.1-2 @MUST @s2s
    Scenario: a stanza without 'to' over s2s is not processed on behalf of the sending server
      "Because all stanzas received from other servers MUST possess a 'to' attribute, this rule
      applies only to stanzas received from a registered entity (such as a client) that is
      connected to the server." The rule is 10.1's "process it on behalf of the entity that
      sent it": a peer's IQ without 'to' must not be answered as one addressed to the target.
      Another reading: A stream error would be demanded here too: jabberd2 2.7, which neither
      answers nor refuses a peer's stanza without 'to', would fail core-10.1-2 as well as
      core-9.1.1-2, one defect charged twice.
      Reading: The sentence restates core-9.1.1-2 and asks only that 10.1's rule (process a
      stanza without 'to' on behalf of its sender) not be applied to a peer's stanza: no answer
      (proved by a round-trip over server-to-server), a stanza error or any stream error passes,
      named; the condition `<improper-addressing/>` is judged under core-9.1.1-2.
      Given the peer's listener serves its domains
      When the peer opens a stream to the target's s2s port
      And the peer asks the target to validate "{peer-domain}"
      Then the target validates the peer's connection for "{peer-domain}"
      When the peer sends over its connection:
        """
        <iq from='someone@{peer-domain}/x' id='s2s-noto-2' type='get'><ping xmlns='urn:xmpp:ping'/></iq>
        """
      Then the target does not handle the stanza "s2s-noto-2" as addressed to itself

    @req:core-8.3-12 @MUST @s2s
    Scenario: a verification request under a wrong dialback namespace gets <invalid-namespace/>
      "If the namespace name is incorrect, then the Authoritative Server MUST generate an
      `<invalid-namespace/>` stream error condition and terminate both the XML stream and the
      underlying TCP connection." The peer, as receiving server, opens a verification stream
      to the target under a wrong dialback namespace.
      Reading: A stream header that binds the 'db' prefix to a namespace name other than
      'jabber:server:dialback' has the dialback namespace name incorrect (the note follows the
      header's xmlns:db declaration): `<invalid-namespace/>`, then closing the stream and the TCP
      connection, is required; another condition, ignoring it or proceeding fails.
      When the peer opens a stream to the target's s2s port with:
        """
        <?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' xmlns:db='jabber:server:dialback:wrong' from='{peer-domain}' to='{domain}' version='1.0'>
        """
      And the peer sends over its connection:
        """
        <db:verify from='{peer-domain}' to='{domain}' id='0123456789abcdef'>0123456789abcdef0123456789abcdef</db:verify>
        """
      Then the target closes the peer's stream with <invalid-namespace/>
