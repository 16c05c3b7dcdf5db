Feature: 11.3 Validation
  A server is not responsible for validating what it relays, but it never accepts XML that is
  not well-formed.

  Rule: 11.3 XML that is not well-formed is not accepted

    @req:core-11.3-1 @MUST_NOT @c2s
    Scenario: a message with a duplicate attribute is not accepted
      "... an implementation MUST NOT accept XML that is not well-formed". The server ends the
      stream (the condition is judged under 4.7.2) and the message is never delivered.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='wf-1' type='chat' type='chat'><body>duplicate attribute</body></message>
        """
      Then the server ends the stream, with or without a stream error
      And the message "wf-1" is not delivered to the recipient

    @req:core-11.3-1 @MUST_NOT @c2s
    Scenario: a message with a raw ampersand is not accepted
      "... an implementation MUST NOT accept XML that is not well-formed". The server ends the
      stream (the condition is judged under 4.7.2) and the message is never delivered.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='wf-2' type='chat'><body>fish & chips</body></message>
        """
      Then the server ends the stream, with or without a stream error
      And the message "wf-2" is not delivered to the recipient

    @req:core-11.3-1 @MUST_NOT @c2s
    Scenario: a message with a mismatched end tag is not accepted
      "... an implementation MUST NOT accept XML that is not well-formed". The server ends the
      stream (the condition is judged under 4.7.2) and the message is never delivered.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='wf-3' type='chat'><body>mismatch</body></mesage>
        """
      Then the server ends the stream, with or without a stream error
      And the message "wf-3" is not delivered to the recipient

    @req:core-11.3-1 @MUST_NOT @c2s
    Scenario: a message with an illegal character reference is not accepted
      "... an implementation MUST NOT accept XML that is not well-formed". The server ends the
      stream (the condition is judged under 4.7.2) and the message is never delivered.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='wf-4' type='chat'><body>control &#1; character</body></message>
        """
      Then the server ends the stream, with or without a stream error
      And the message "wf-4" is not delivered to the recipient

    @req:core-11.3-1 @MUST_NOT @c2s
    Scenario: a message with bytes that are not UTF-8 is not accepted
      "... MUST NOT accept XML that is not well-formed": `é` sent as the single byte 0xE9
      (ISO-8859-1) is not UTF-8, so not a character of the document. Delivered (repaired or
      replaced by U+FFFD) fails.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends, encoded as "ISO-8859-1":
        """
        <message to='{recipient}' id='wf-5' type='chat'><body>café</body></message>
        """
      Then the server ends the stream, with or without a stream error
      And the message "wf-5" is not delivered to the recipient
