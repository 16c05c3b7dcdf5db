Feature: 8.3 Dialback Protocol: addressing and stream errors
  What a receiving or authoritative server must refuse, and how: a stream error, then
  `</stream:stream>`, then the TCP connection closed (8.1: "Any error that occurs during
  dialback negotiation MUST be considered a stream error").

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
