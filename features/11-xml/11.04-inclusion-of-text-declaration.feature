Feature: 11.4 Inclusion of Text Declaration
  The server's text declarations, and the client's that XML allows to be left out.

  Rule: 11.4 text declarations

    @req:core-11.4-1 @SHOULD @c2s
    Scenario: every response stream header is preceded by a text declaration
      "Implementations SHOULD send a text declaration before sending a stream header." Every
      header of the connection.
      When the client negotiates up to "session"
      Then everything the server sent puts a text declaration before every stream header

    @req:core-11.4-2 @MUST @c2s
    Scenario: the server puts text declarations only at the start of a stream
      "Applications MUST follow the rules in [XML] regarding the circumstances under which a
      text declaration is included." XML: only at the very start of a document, which here is
      the start of each stream (a restart begins a new one).
      When the client negotiates up to "session"
      And the client sends an IQ ping to the server
      Then everything the server sent puts text declarations only at the start of a stream

    @req:core-11.4-2 @MUST @c2s
    Scenario: client headers without a text declaration are served
      "Applications MUST follow the rules in [XML] regarding the circumstances under which a
      text declaration is included." XML makes it optional: every header the client sends
      lacks it, and the negotiation still goes through.
      When the client negotiates up to "session", sending every stream header as:
        """
        <stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      And the client sends an IQ ping to the server
      Then the client receives the IQ answer on the same TCP connection

    @req:core-11.4-2 @MUST @c2s
    Scenario: a text declaration inside a stream is refused
      "Applications MUST follow the rules in [XML] ...". Inside the document it is not
      well-formed (and its target 'xml' is reserved, so it is no processing instruction 11.1
      would let a server ignore). Any stream error passes (named); going on fails.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <?xml version='1.0'?>
        """
      Then the server ends the stream, with or without a stream error
