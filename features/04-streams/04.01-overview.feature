Feature: 4.1 Overview
  A client opens a stream; the server answers with a response stream of its own. Stanzas travel
  over the negotiated stream; closing it ends the TCP connection.

  Rule: 4.1 the receiving entity answers with a response stream

    @req:core-4.1-1 @MUST @c2s @changed-in-23
    Scenario: the server answers an initial stream header with a response stream header
      "... in order to enable information exchange from the receiving entity to the initiating
      entity, the receiving entity MUST negotiate a stream in the opposite direction (the
      'response stream')." A header followed by features or by a stream error both pass (4.7.1
      keeps the header even on error).
      Given a client connected to the target
      When the client opens a stream
      Then the server answers with a response stream header

    @req:core-4.1-4 @SHOULD @c2s
    Scenario: the server replies to a client's stream header with a stream of its own
      "Subject to local policies and service provisioning, the server SHOULD then reply with a
      second XML stream back to the client, again optionally preceded by a text declaration."
      Given a client connected to the target
      When the client opens a stream
      Then the server answers with a response stream header

    @req:core-4.1-6 @SHOULD @c2s
    Scenario: the server ends the TCP connection after the client's closing tag
      "When the client desires to close the stream, it simply sends a closing `</stream>` tag to
      the server ..., after which both the client and server SHOULD terminate the underlying
      connection (usually a TCP connection) as well." The client sends only `</stream:stream>`
      and keeps its side of TCP open.
      Given a client that negotiated up to "session"
      When the client closes the stream
      Then the server closes the TCP connection

  Rule: 4.1 stanzas over the stream

    @req:core-4.1-2 @MAY @c2s
    Scenario: a message with an extension child reaches the recipient intact
      "An XML stanza MAY contain child elements (with accompanying attributes, elements, and XML
      character data) as necessary in order to convey the desired information." A tolerance:
      the listed children, attributes and text arrive unchanged (extra attributes tolerated).
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='ext-1' type='chat'><body>extension</body><x xmlns='urn:example:conformance' a='1'><y b='2'>z</y></x></message>
        """
      Then the recipient receives the message "ext-1" matching:
        """
        <message id='ext-1' type='chat'><body>extension</body><x xmlns='urn:example:conformance' a='1'><y b='2'>z</y></x></message>
        """

    @req:core-4.1-5 @MAY @c2s
    Scenario: fifty pipelined messages all reach the recipient
      "Once the client has completed SASL negotiation (Section 6), the client MAY send an
      unbounded number of XML stanzas over the stream to any recipient on the network." Fifty
      messages (`burst-1` .. `burst-50`) in one write; order is not judged here.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends 50 messages to the recipient in one write
      Then the recipient receives all 50 messages
