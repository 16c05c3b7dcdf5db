Feature: 5.2 Narrative
  The STARTTLS steps of RFC 3920 5.2 as the receiving entity takes them: offer (with
  `<required/>` where TLS is required), `<proceed/>` or `<failure/>`, the handshake, and the
  restarted stream.

  Rule: 5.2 step 3: the offer

    @req:core-5.2-1 @SHOULD @c2s @tls-required
    Scenario: a server that requires TLS marks STARTTLS <required/>
      "... (if TLS is required for interaction with the receiving entity, it SHOULD signal that
      fact by including a `<required/>` element as a child of the `<starttls/>` element)."
      Given a client that negotiated up to "features"
      Then the STARTTLS feature carries <required/>

  Rule: 5.2 step 5: the answer to <starttls/>

    @req:core-5.2-2 @MUST @c2s
    Scenario: <starttls/> is answered with <proceed/> or <failure/>
      "The receiving entity MUST reply with either a `<proceed/>` element or a `<failure/>`
      element qualified by the 'urn:ietf:params:xml:ns:xmpp-tls' namespace."
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      Then the server answers with <proceed/> or <failure/>

    @req:core-5.2-2 @MUST @c2s
    Scenario: <starttls/> with unexpected content is answered with <proceed/> or <failure/>
      The draft defines no content for `<starttls/>`; either answer of step 5 is allowed, and the
      outcome names the one that came.
      Given a client that negotiated up to "features"
      When the client requests STARTTLS with:
        """
        <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><unexpected xmlns='urn:example:conformance'>content</unexpected></starttls>
        """
      Then the server answers with <proceed/> or <failure/>

    @req:core-5.2-3 @MUST @c2s
    Scenario: a <failure/> to STARTTLS is followed by closing the stream and the TCP connection
      "If the failure case occurs, the receiving entity MUST terminate both the XML stream and
      the underlying TCP connection." A second `<starttls/>` on a stream that already runs over
      TLS is a request the target cannot grant; where it answers `<failure/>`, the stream and
      the connection must end. A target that answers otherwise never reaches the failure case
      here: the scenario is then not applicable.
      Given a client that negotiated up to "tls"
      When the client requests STARTTLS again on the TLS stream
      Then a <failure/> to STARTTLS is followed by </stream:stream> and the TCP connection closing

    @req:core-5.2-4 @MUST @c2s
    Scenario: after <proceed/> the target completes the TLS handshake
      "If the proceed case occurs, the entities MUST attempt to complete the TLS negotiation over
      the TCP connection ..."
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      And the server answers with <proceed/>
      And the client starts the TLS handshake
      Then the TLS handshake completes

    @req:core-5.2-4 @MUST_NOT @c2s
    Scenario: after <proceed/> the target sends no XML until the handshake is complete
      "... and MUST NOT send any further XML data until the TLS negotiation is complete."
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      And the server answers with <proceed/>
      And the client starts the TLS handshake
      Then the TLS handshake completes
      And the server sent no XML between <proceed/> and the end of the handshake

  Rule: 5.2 step 7: an unsuccessful handshake, or a new stream

    @req:core-5.2-5 @MUST @c2s
    Scenario: a fatal TLS alert instead of a ClientHello makes the target close the TCP connection
      "If the TLS negotiation is unsuccessful, the receiving entity MUST terminate the TCP
      connection." The client's first TLS record is a fatal handshake_failure alert.
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      And the server answers with <proceed/>
      And the client sends a fatal TLS alert instead of the handshake
      Then the server closes the TCP connection without completing TLS

    @req:core-5.2-6 @MUST @c2s
    Scenario: after TLS the target takes a new stream header without a closing tag first
      "If the TLS negotiation is successful, the initiating entity MUST initiate a new stream by
      sending an opening XML stream header to the receiving entity (it is not necessary to send
      a closing `</stream>` tag first, since the receiving entity and initiating entity MUST
      consider the original stream to be closed upon successful TLS negotiation)." The target
      must answer the new header, and must not close the old stream itself.
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      And the server answers with <proceed/>
      And the client starts the TLS handshake
      And the client opens a new stream without closing the old one
      Then the server answers with a new stream header and stream features

  Rule: 5.2 step 8: the response to the new stream

    @req:core-5.2-7 @MUST @c2s
    Scenario: after TLS the target answers with a new header and features without STARTTLS
      "Upon receiving the new stream header from the initiating entity, the receiving entity MUST
      respond by sending a new XML stream header to the initiating entity along with the
      available features (but not including the STARTTLS feature)."
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      And the server answers with <proceed/>
      And the client starts the TLS handshake
      And the client opens a new stream without closing the old one
      Then the server answers with a new stream header and stream features
      And the stream features do not offer STARTTLS

    @req:core-5.2-7 @MUST @c2s
    Scenario: the stream after TLS carries a new stream id
      "... the receiving entity MUST respond by sending a new XML stream header ...": a new
      stream, whose id (4.4) is unique, so it differs from the id of the stream before TLS.
      Given a client that negotiated up to "features"
      When the client requests STARTTLS
      And the server answers with <proceed/>
      And the client starts the TLS handshake
      And the client opens a new stream without closing the old one
      Then the server answers with a new stream header and stream features
      And the new stream carries an id different from the previous stream
