Feature: 4.7 Stream Errors
  A stream error is an `<error/>` qualified by the streams namespace, holding one condition
  qualified by urn:ietf:params:xml:ns:xmpp-streams; it is followed by `</stream:stream>` and the
  TCP connection is closed (4.7.1). Errors during set-up still come after the response header.
  Not covered: core-4.7.3-4 (the content of `<see-other-host/>`): a client sees it only from a
  server configured to redirect the domain it asks for, and the suite's configuration names no
  such domain; a server cannot be made to redirect from the wire.

  Rule: 4.7.1 errors while the stream is being set up

    @req:core-4.7.1-2 @req:core-4.7-2 @req:core-4.7.2-3 @MUST @c2s
    Scenario: a stream header for an unknown host gets <host-unknown/>
      "If the error occurs while the stream is being set up, the receiving entity MUST still
      send the opening `<stream>` tag, include the `<error/>` element as a child of the stream
      element, send the closing `</stream>` tag, and terminate the underlying TCP connection."
      Another reading: The condition would be judged here as well: jabberd2 2.7, which answers a
      wrong streams namespace with its header, `<bad-format/>`, `</stream>` and the close, would
      fail core-4.7-2 and core-4.7.1-2 besides core-11.2.1-2, one condition charged three times.
      Another reading: Only the condition whose definition fits the input would pass: ejabberd
      23.01, which refuses a stream header written with another prefix or none with
      `<invalid-xml/>`, a defined condition, would fail.
      Reading: Neither sentence names a condition: a stream error with any condition, after the
      response header where the error comes while the stream is set up, followed by `</stream>`
      and the TCP close, is what they ask; which condition a given fault gets is decided under
      the sentence that names it (a wrong streams namespace under core-11.2.1-2, the defined
      conditions under core-4.7.2-3).
      Reading: "Corresponding to one of the defined ... conditions" asks for a condition 4.7.3
      defines, qualified by urn:ietf:params:xml:ns:xmpp-streams: any defined condition passes,
      and the outcome says whether it is the one whose definition fits the input; a name the
      draft does not define (such as RFC 6120's `<not-well-formed/>`) fails.
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
    Scenario: a stream element in a wrong streams namespace is refused with a header, a stream error and a close
      "If the error occurs while the stream is being set up, the receiving entity MUST still
      send the opening `<stream>` tag, include the `<error/>` element as a child of the stream
      element, send the closing `</stream>` tag, and terminate the underlying TCP connection."
      and "The error child MUST be sent by a compliant entity ... if it perceives that a
      stream-level error has occurred." Neither sentence names a condition: any stream error
      passes here (named); which condition a wrong streams namespace gets is decided under
      core-11.2.1-2 ("a stream element in a wrong streams namespace gets `<invalid-namespace/>`").
      Another reading: The condition would be judged here as well: jabberd2 2.7, which answers a
      wrong streams namespace with its header, `<bad-format/>`, `</stream>` and the close, would
      fail core-4.7-2 and core-4.7.1-2 besides core-11.2.1-2, one condition charged three times.
      Reading: Neither sentence names a condition: a stream error with any condition, after the
      response header where the error comes while the stream is set up, followed by `</stream>`
      and the TCP close, is what they ask; which condition a given fault gets is decided under
      the sentence that names it (a wrong streams namespace under core-11.2.1-2, the defined
      conditions under core-4.7.2-3).
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://wrong.example/streams' version='1.0'>
        """
      Then the server closes the stream with any stream error
      And the server sent its response stream header before the error

    @req:core-4.7.1-3 @SHOULD @c2s
    Scenario: a stream header without 'to' that is refused names the authoritative host
      "... if the initiating entity provides an unknown host in the 'to' attribute (or provides
      no 'to' attribute at all), the server SHOULD provide the server's authoritative hostname
      in the 'from' attribute of the stream header sent before termination." A server that
      serves a default host instead makes this not applicable; the condition is reported.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then if the server refuses the stream, its header's 'from' names the server's authoritative host

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
      Another reading: Only the condition whose definition fits the input would pass: ejabberd
      23.01, which refuses a stream header written with another prefix or none with
      `<invalid-xml/>`, a defined condition, would fail.
      Reading: "Corresponding to one of the defined ... conditions" asks for a condition 4.7.3
      defines, qualified by urn:ietf:params:xml:ns:xmpp-streams: any defined condition passes,
      and the outcome says whether it is the one whose definition fits the input; a name the
      draft does not define (such as RFC 6120's `<not-well-formed/>`) fails.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{domain}' id='bad-2'><body>unbalanced</message>
        """
      Then the server closes the stream with a condition the draft defines, ideally <xml-not-well-formed/> or <bad-format/>

  Rule: 4.7.2 the parts of a stream error

    @req:core-4.7.2-4 @MUST @c2s
    Scenario: a stream error's <text/> is qualified by the streams namespace
      "MAY contain a `<text/>` child containing XML character data that describes the error in
      more detail; this element MUST be qualified by the 'urn:ietf:params:xml:ns:xmpp-streams'
      namespace". Provoked with a header for an unknown host; not applicable without `<text/>`.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='no-such-host.invalid' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then any stream error the server sends meets the rule "text is qualified by the streams namespace"

    @req:core-4.7.2-4 @SHOULD @c2s
    Scenario: a stream error's <text/> carries xml:lang
      "... and SHOULD possess an 'xml:lang' attribute." The attribute itself: a value inherited
      from the stream header is not possessed. Not applicable without `<text/>`.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='no-such-host.invalid' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then any stream error the server sends meets the rule "text carries xml:lang"

    @req:core-4.7.2-5 @MUST @c2s
    Scenario: application-specific error children are in an application namespace
      "MAY contain a child element for an application-specific error condition; this element
      MUST be qualified by an application-defined namespace". Provoked with a 524288-byte message
      (above common stanza size limits); not applicable when no such child arrives.
      Given a client that negotiated up to "session"
      When the client sends a message of 524288 bytes to itself
      Then any stream error the server sends meets the rule "application-specific children are in an application namespace"

    @req:core-4.7.4-2 @SHOULD @c2s
    Scenario: an application-specific condition comes with a defined condition
      "The application-specific element SHOULD supplement or further qualify a defined
      element." Same provocation; not applicable when no application-specific child arrives.
      Given a client that negotiated up to "session"
      When the client sends a message of 524288 bytes to itself
      Then any stream error the server sends meets the rule "an application-specific condition comes with a defined condition"

    @req:core-4.7.3-5 @SHOULD @c2s
    Scenario: <undefined-condition/> comes only with an application-specific condition
      `<undefined-condition/>`: "this error condition SHOULD be used only in conjunction with an
      application-specific condition." Provoked with an unknown first-level element; not
      applicable when the server names another condition.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <conformance xmlns='urn:example:conformance:unknown'/>
        """
      Then any stream error the server sends meets the rule "undefined-condition comes with an application-specific condition"


  Rule: 4.7.2 a stream-level fault is ignored or named with a condition the draft defines

    @req:core-4.7.2-3 @MUST @c2s
    Scenario: an unknown first-level element in another namespace is ignored or refused with <unsupported-stanza-type/>
      A stream error "MUST contain a child element corresponding to one of the defined ...
      conditions" (4.7.2); the one whose definition fits this input is named in the last step. `<unsupported-stanza-type/>`: "the initiating entity has sent a first-level child of the stream that is not supported".
      Ignoring the input (nothing perceived) passes; a close without `<stream:error/>` fails.
      Another reading: Only the condition whose definition fits the input would pass: ejabberd
      23.01, which refuses a stream header written with another prefix or none with
      `<invalid-xml/>`, a defined condition, would fail.
      Reading: "Corresponding to one of the defined ... conditions" asks for a condition 4.7.3
      defines, qualified by urn:ietf:params:xml:ns:xmpp-streams: any defined condition passes,
      and the outcome says whether it is the one whose definition fits the input; a name the
      draft does not define (such as RFC 6120's `<not-well-formed/>`) fails.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <conformance xmlns='urn:example:conformance:unknown'/>
        """
      Then the server ignores it or closes the stream with a condition the draft defines, ideally <unsupported-stanza-type/>

    @req:core-4.7.2-3 @MUST @c2s
    Scenario: an unknown jabber:client first-level element is ignored or refused with <unsupported-stanza-type/>
      A stream error "MUST contain a child element corresponding to one of the defined ...
      conditions" (4.7.2); the one whose definition fits this input is named in the last step. `<thing/>` is in jabber:client but is no stanza.
      Ignoring the input (nothing perceived) passes; a close without `<stream:error/>` fails.
      Another reading: Only the condition whose definition fits the input would pass: ejabberd
      23.01, which refuses a stream header written with another prefix or none with
      `<invalid-xml/>`, a defined condition, would fail.
      Reading: "Corresponding to one of the defined ... conditions" asks for a condition 4.7.3
      defines, qualified by urn:ietf:params:xml:ns:xmpp-streams: any defined condition passes,
      and the outcome says whether it is the one whose definition fits the input; a name the
      draft does not define (such as RFC 6120's `<not-well-formed/>`) fails.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <thing id='u2'/>
        """
      Then the server ignores it or closes the stream with a condition the draft defines, ideally <unsupported-stanza-type/>

    @req:core-4.7.2-3 @MUST @c2s
    Scenario: an IQ get without a child is ignored or refused with <invalid-xml/>
      A stream error "MUST contain a child element corresponding to one of the defined ...
      conditions" (4.7.2); the one whose definition fits this input is named in the last step. An IQ get MUST contain one child (9.2.3); validation is OPTIONAL (11.3), so a stanza error or any answer counts as handled.
      Ignoring the input (nothing perceived) passes; a close without `<stream:error/>` fails.
      Another reading: Only the condition whose definition fits the input would pass: ejabberd
      23.01, which refuses a stream header written with another prefix or none with
      `<invalid-xml/>`, a defined condition, would fail.
      Reading: "Corresponding to one of the defined ... conditions" asks for a condition 4.7.3
      defines, qualified by urn:ietf:params:xml:ns:xmpp-streams: any defined condition passes,
      and the outcome says whether it is the one whose definition fits the input; a name the
      draft does not define (such as RFC 6120's `<not-well-formed/>`) fails.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <iq type='get' id='u3' to='{domain}'/>
        """
      Then the server ignores it or closes the stream with a condition the draft defines, ideally <invalid-xml/> or <bad-format/>

    @req:core-4.7.2-3 @MUST @c2s
    Scenario: an unprefixed stream element is served or refused with a namespace condition
      A stream error "MUST contain a child element corresponding to one of the defined ...
      conditions" (4.7.2); the one whose definition fits this input is named in the last step. The stream element in the streams namespace by default declaration (no prefix, 11.2.1); the content namespace this implies has no condition of its own.
      Ignoring the input (nothing perceived) passes; a close without `<stream:error/>` fails.
      Another reading: Only the condition whose definition fits the input would pass: ejabberd
      23.01, which refuses a stream header written with another prefix or none with
      `<invalid-xml/>`, a defined condition, would fail.
      Reading: "Corresponding to one of the defined ... conditions" asks for a condition 4.7.3
      defines, qualified by urn:ietf:params:xml:ns:xmpp-streams: any defined condition passes,
      and the outcome says whether it is the one whose definition fits the input; a name the
      draft does not define (such as RFC 6120's `<not-well-formed/>`) fails.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream to='{domain}' xmlns='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server ignores it or closes the stream with a condition the draft defines, ideally <bad-namespace-prefix/> or <bad-format/> or <invalid-namespace/>

    @req:core-4.7.2-3 @MUST @c2s
    Scenario: a stream prefix other than 'stream:' is served or refused with <bad-namespace-prefix/>
      A stream error "MUST contain a child element corresponding to one of the defined ...
      conditions" (4.7.2); the one whose definition fits this input is named in the last step. An implementation "MAY accept only the 'stream:' prefix" (11.2.1).
      Ignoring the input (nothing perceived) passes; a close without `<stream:error/>` fails.
      Another reading: Only the condition whose definition fits the input would pass: ejabberd
      23.01, which refuses a stream header written with another prefix or none with
      `<invalid-xml/>`, a defined condition, would fail.
      Reading: "Corresponding to one of the defined ... conditions" asks for a condition 4.7.3
      defines, qualified by urn:ietf:params:xml:ns:xmpp-streams: any defined condition passes,
      and the outcome says whether it is the one whose definition fits the input; a name the
      draft does not define (such as RFC 6120's `<not-well-formed/>`) fails.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><s:stream to='{domain}' xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server ignores it or closes the stream with a condition the draft defines, ideally <bad-namespace-prefix/> or <bad-format/>

    @req:core-4.7.2-3 @MUST @c2s
    Scenario: a stream declared in ISO-8859-1 is served or refused with <unsupported-encoding/>
      A stream error "MUST contain a child element corresponding to one of the defined ...
      conditions" (4.7.2); the one whose definition fits this input is named in the last step. `<unsupported-encoding/>`: "the initiating entity has encoded the stream in an encoding that is not supported by the server" (11.5: UTF-8 only); all bytes are ASCII.
      Ignoring the input (nothing perceived) passes; a close without `<stream:error/>` fails.
      Another reading: Only the condition whose definition fits the input would pass: ejabberd
      23.01, which refuses a stream header written with another prefix or none with
      `<invalid-xml/>`, a defined condition, would fail.
      Reading: "Corresponding to one of the defined ... conditions" asks for a condition 4.7.3
      defines, qualified by urn:ietf:params:xml:ns:xmpp-streams: any defined condition passes,
      and the outcome says whether it is the one whose definition fits the input; a name the
      draft does not define (such as RFC 6120's `<not-well-formed/>`) fails.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0' encoding='ISO-8859-1'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server ignores it or closes the stream with a condition the draft defines, ideally <unsupported-encoding/> or <bad-format/>
