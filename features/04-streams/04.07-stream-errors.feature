Feature: 4.7 Stream Errors
  A stream error is an `<error/>` qualified by the streams namespace, holding one condition
  qualified by urn:ietf:params:xml:ns:xmpp-streams; it is followed by `</stream:stream>` and the
  TCP connection is closed (4.7.1). Errors during set-up still come after the response header.

  Rule: 4.7.1 errors while the stream is being set up

    @req:core-4.7.1-2 @req:core-4.7-2 @req:core-4.7.2-3 @MUST @c2s
    Scenario: a stream header for an unknown host gets <host-unknown/>
      "If the error occurs while the stream is being set up, the receiving entity MUST still
      send the opening `<stream>` tag, include the `<error/>` element as a child of the stream
      element, send the closing `</stream>` tag, and terminate the underlying TCP connection."
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='no-such-host.invalid' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server closes the stream with <host-unknown/>
      And the server sent its response stream header before the error

    @req:core-4.7.1-3 @SHOULD @c2s
    Scenario: the response to an unknown host names the server's authoritative host
      "In this case, if the initiating entity provides an unknown host in the 'to' attribute
      (or provides no 'to' attribute at all), the server SHOULD provide the server's
      authoritative hostname in the 'from' attribute of the stream header sent before
      termination."
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='no-such-host.invalid' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server closes the stream with <host-unknown/>
      And the response stream header's 'from' names the server's authoritative host

    @req:core-4.7.1-2 @req:core-4.7-2 @MUST @c2s
    Scenario: a stream element in a wrong streams namespace gets <invalid-namespace/>
      `<invalid-namespace/>`: "the streams namespace name is something other than
      'http://etherx.jabber.org/streams' or the dialback namespace name is something other than
      'jabber:server:dialback'".
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://wrong.example/streams' version='1.0'>
        """
      Then the server closes the stream with <invalid-namespace/>

  Rule: 4.7.1 errors on an established stream are unrecoverable

    @req:core-4.7.1-1 @MUST @c2s
    Scenario: XML that is not well-formed ends the stream with an error, </stream:stream> and TCP close
      "It is assumed that all stream-level errors are unrecoverable; therefore, if an error
      occurs at the level of the stream, the entity that detects the error MUST send a stream
      error to the other entity, send a closing `</stream>` tag, and terminate the underlying TCP
      connection." Any condition is accepted here; the next scenario decides its name.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{domain}' id='bad-1'><body>unbalanced</message>
        """
      Then the server closes the stream with any stream error

    @req:core-4.7.2-3 @MUST @c2s
    Scenario: XML that is not well-formed gets <xml-not-well-formed/>
      `<xml-not-well-formed/>`: "the initiating entity has sent XML that is not well-formed as
      defined by [XML]", and the error "MUST contain a child element corresponding to one of the
      defined stanza error conditions defined below". `<bad-format/>` MAY be used instead (4.7.3).
      RFC 6120 later renamed the condition `<not-well-formed/>`; under this draft that name is
      not a defined condition, and the verdict says so when a server sends it.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{domain}' id='bad-2'><body>unbalanced</message>
        """
      Then the server closes the stream with <xml-not-well-formed/> or <bad-format/>
