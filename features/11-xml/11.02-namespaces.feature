Feature: 11.2 XML Namespace Names and Prefixes
  The streams namespace and its prefix, the default (content) namespace, and prefixes the
  server must not generate.

  Rule: 11.2 namespaces and prefixes on a client-to-server stream

    @req:core-11.2.1-1 @REQUIRED @c2s
    Scenario: every response header declares the streams namespace
      "A streams namespace declaration is REQUIRED in all XML stream headers." Every header of
      the connection: the first, after TLS and after SASL.
      When the client negotiates up to "sasl"
      Then everything the server sent declares the streams namespace on every stream header

    @req:core-11.2.1-1 @REQUIRED @c2s
    Scenario: a header without the streams namespace declaration is not served
      "A streams namespace declaration is REQUIRED in all XML stream headers." The `stream:`
      prefix is unbound; any stream error or a close passes (named), features fail.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' version='1.0'>
        """
      Then the server sends no stream features

    @req:core-11.2.1-2 @MUST @c2s
    Scenario: every response header uses the streams namespace name
      "The name of the streams namespace MUST be 'http://etherx.jabber.org/streams'." Every
      header of the connection.
      Another reading: The "such as" list of XML-related errors would be open to a wrong
      namespace name and `<bad-format/>` would pass: jabberd2 2.7, which answers a header in a
      wrong streams namespace with its header, `<bad-format/>`, `</stream>` and the close, would
      pass.
      Reading: The sentence binds every stream header: the target's own must name the streams
      namespace, and a header that names another one gets the condition 4.7.3 defines for
      exactly that, `<invalid-namespace/>` (that list item has no keyword of its own, so the
      demand is decided here); `<bad-format/>`, which MAY replace "the more specific XML-related
      errors", is not taken to cover a wrong namespace name.
      When the client negotiates up to "sasl"
      Then everything the server sent declares the streams namespace on every stream header

    @req:core-11.2.1-2 @MUST @c2s
    Scenario: a stream element in a wrong streams namespace gets <invalid-namespace/>
      "The name of the streams namespace MUST be 'http://etherx.jabber.org/streams'." A header
      that names another one is refused with the condition 4.7.3 defines for exactly this:
      `<invalid-namespace/>`: "the streams namespace name is something other than
      'http://etherx.jabber.org/streams' or the dialback namespace name is something other than
      'jabber:server:dialback'". That a stream error comes after a header and is followed by a
      close is core-4.7.1-2's and core-4.7-2's verdict (section 4.7), not this one.
      Another reading: The "such as" list of XML-related errors would be open to a wrong
      namespace name and `<bad-format/>` would pass: jabberd2 2.7, which answers a header in a
      wrong streams namespace with its header, `<bad-format/>`, `</stream>` and the close, would
      pass.
      Reading: The sentence binds every stream header: the target's own must name the streams
      namespace, and a header that names another one gets the condition 4.7.3 defines for
      exactly that, `<invalid-namespace/>` (that list item has no keyword of its own, so the
      demand is decided here); `<bad-format/>`, which MAY replace "the more specific XML-related
      errors", is not taken to cover a wrong namespace name.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://wrong.example/streams' version='1.0'>
        """
      Then the server closes the stream with <invalid-namespace/>

    @req:core-11.2.1-3 @MUST @c2s
    Scenario: stream, features and error from the server carry a streams-namespace prefix
      "The element names of the `<stream/>` element and its `<features/>` and `<error/>` children
      MUST be qualified by the streams namespace prefix in all instances." A stream error is
      provoked so that `<error/>` is seen too.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{domain}' id='pfx-1'><body>unbalanced</message>
        """
      Then the server closes the stream with any stream error
      And everything the server sent qualifies stream, features and error with a streams-namespace prefix

    @req:core-11.2.1-4 @SHOULD @c2s
    Scenario: the server uses only the 'stream:' prefix
      "An implementation SHOULD generate only the 'stream:' prefix for these elements".
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{domain}' id='pfx-1'><body>unbalanced</message>
        """
      Then the server closes the stream with any stream error
      And everything the server sent uses only the prefix 'stream:' for the streams namespace

    @req:core-11.2.2-1 @REQUIRED @c2s
    Scenario: every response header declares a default namespace
      "A default namespace declaration is REQUIRED and is used in all XML streams". Every header.
      When the client negotiates up to "sasl"
      Then everything the server sent declares a default namespace on every stream header

    @req:core-11.2.2-2 @MUST @c2s
    Scenario: every response header's default namespace is jabber:client
      "This namespace declaration MUST be the same for the initial stream and the response
      stream". The client's headers all declare jabber:client.
      When the client negotiates up to "sasl"
      Then everything the server sent declares jabber:client as the default namespace of every stream header

    @req:core-11.2.2-2 @MUST @c2s
    Scenario: a jabber:server header on the c2s port is answered in jabber:server or refused
      "This namespace declaration MUST be the same for the initial stream and the response
      stream". Served in jabber:server, or refused (any error or a close, named), pass;
      features under a response header in another default namespace fail.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server answers in the default namespace "jabber:server" or refuses the stream

    @req:core-11.2.2-3 @MUST @c2s
    Scenario: a jabber:client stream is served
      "A server implementation MUST support the following two default namespaces ...:
      jabber:client ... jabber:server". The c2s half: a jabber:client stream gets a response
      header and features.
      Given a client connected to the target
      When the client opens a stream
      Then the server answers with a response stream header
      And the server sends stream features

    @req:core-11.2.2-5 @MUST_NOT @c2s
    Scenario: the server prefixes no jabber:client element it sends
      "An implementation MUST NOT generate namespace prefixes for elements in the default
      namespace if the default namespace is 'jabber:client' or 'jabber:server'."
      Reading: What the server writes on a recipient's stream is its own output: a jabber:client
      element it relays with a namespace prefix is a prefix it generated, even when it copies the
      sender's.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends a message to its own full JID
      And the client sends an IQ ping to the server
      Then everything the server sent puts no prefix on elements of jabber:client

    @req:core-11.2.2-5 @MUST_NOT @c2s
    Scenario: a prefixed jabber:client stanza is relayed without the prefix or refused
      "An implementation MUST NOT generate namespace prefixes for elements in the default
      namespace ...". The client writes the stanza with a prefix; relayed unprefixed, dropped or
      refused pass; the prefix on the recipient's stream fails (the server wrote it there).
      Reading: What the server writes on a recipient's stream is its own output: a jabber:client
      element it relays with a namespace prefix is a prefix it generated, even when it copies the
      sender's.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <cl:message xmlns:cl='jabber:client' to='{recipient}' id='pfx-2' type='chat'><cl:body>prefixed</cl:body></cl:message>
        """
      Then everything the server sent puts no prefix on elements of jabber:client

    @req:core-11.2.2-6 @SHOULD_NOT @c2s
    Scenario: server-generated payloads carry no namespace prefixes
      "An implementation SHOULD NOT generate namespace prefixes for elements qualified by
      content (as opposed to stream) namespaces other than 'jabber:client' and 'jabber:server'."
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <iq type='get' id='ns-1' to='{domain}'><query xmlns='jabber:iq:version'/></iq><iq type='get' id='ns-2' to='{domain}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq><iq type='get' id='ns-3'><query xmlns='jabber:iq:roster'/></iq>
        """
      Then everything the server sent puts no prefix on elements of content namespaces

    @req:core-11.2.2-7 @OPTIONAL @c2s
    Scenario: a stanza without 'to' is accepted on a c2s stream
      "... the 'to' and 'from' attributes are OPTIONAL on stanzas sent within 'jabber:client'".
      A result or a stanza error both show the stanza was accepted; a stream error fails.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <iq type='get' id='noto-1'><ping xmlns='urn:xmpp:ping'/></iq>
        """
      Then the client receives an answer to "noto-1"

    @req:core-11.2.2-8 @MUST @c2s
    Scenario: message, presence and IQ with their common attributes are handled
      "If a compliant implementation accepts a stream that is qualified by the 'jabber:client'
      or 'jabber:server' namespace, it MUST support the common attributes (Section 9.1) and
      basic semantics (Section 9.2) of all three core stanza kinds". Smoke level; section 9
      decides the details.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      And the client sent initial presence
      When the client sends:
        """
        <iq type='get' id='core-iq' to='{domain}'><ping xmlns='urn:xmpp:ping'/></iq><message to='{recipient}' id='core-msg' type='chat' xml:lang='en'><body>common attributes</body></message><presence to='{recipient}' id='core-pres'/>
        """
      Then the client receives an answer to "core-iq"
      And the recipient receives the message "core-msg" matching:
        """
        <message id='core-msg' type='chat' xml:lang='en' from='{jid}' to='{recipient}'><body>common attributes</body></message>
        """
      And the recipient receives the presence "core-pres" matching:
        """
        <presence id='core-pres' from='{jid}'/>
        """
