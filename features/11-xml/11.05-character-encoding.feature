Feature: 11.5 Character Encoding
  UTF-8 only, both ways.

  Rule: 11.5 UTF-8

    @req:core-11.5-1 @MUST @c2s
    Scenario: non-ASCII UTF-8 text reaches the recipient intact
      "Implementations MUST support the UTF-8 (RFC 3629 [UTF-8]) transformation of Universal
      Character Set (ISO/IEC 10646-1 [UCS2]) characters". Two-, three- and four-byte sequences.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='utf-1' type='chat'><body>Grüße · 中文 · 😀</body></message>
        """
      Then the recipient receives the message "utf-1" matching:
        """
        <message id='utf-1'><body>Grüße · 中文 · 😀</body></message>
        """

    @req:core-11.5-2 @MUST_NOT @c2s
    Scenario: the server sends UTF-8 only
      "Implementations MUST NOT attempt to use any other encoding." Every byte the server
      sent decodes as UTF-8, and no text declaration names another encoding.
      Reading: Reading a stream that the peer sent in another encoding is using that encoding: a
      server that decodes UTF-16 and serves the stream fails; a stream error, a close or silence
      pass.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='utf-2' type='chat'><body>Grüße · 中文 · 😀</body></message>
        """
      Then the recipient receives the message "utf-2" matching:
        """
        <message id='utf-2'><body>Grüße · 中文 · 😀</body></message>
        """
      And everything the server sent is UTF-8 with no other encoding declared

    @req:core-11.5-2 @MUST_NOT @c2s
    Scenario: Latin-1 bytes on a UTF-8 stream are not decoded as Latin-1
      "Implementations MUST NOT attempt to use any other encoding." The byte 0xE9 reaching the
      recipient as `é` means the server decoded ISO-8859-1. A close, a drop or U+FFFD pass here
      (the last is core-11.3-1's failure).
      Reading: Reading a stream that the peer sent in another encoding is using that encoding: a
      server that decodes UTF-16 and serves the stream fails; a stream error, a close or silence
      pass.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends, encoded as "ISO-8859-1":
        """
        <message to='{recipient}' id='enc-1' type='chat'><body>café</body></message>
        """
      Then the recipient never receives the text "café"

    @req:core-11.5-2 @MUST_NOT @c2s
    Scenario: a stream sent in UTF-16 is not served
      "Implementations MUST NOT attempt to use any other encoding." The header is sent in
      UTF-16LE with a byte order mark (the bytes below, encoded so). Any stream error, a close
      or silence pass (named); stream features mean the server read UTF-16.
      Reading: Reading a stream that the peer sent in another encoding is using that encoding: a
      server that decodes UTF-16 and serves the stream fails; a stream error, a close or silence
      pass.
      Given a client connected to the target
      When the client sends, encoded as "UTF-16LE with BOM":
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server sends no stream features
