Feature: 10.1 No 'to' Address
  A stanza without 'to' is processed by the server on behalf of the sender (10.1). Both rule
  sets agree here.

  Rule: 10.1 stanzas without 'to'

    @req:core-10.1-1 @SHOULD @c2s
    Scenario: an IQ without 'to' is processed on behalf of the sender
      "If the stanza possesses no 'to' attribute, the server SHOULD process it on behalf of the
      entity that sent it." A roster get without 'to' returns the sender's roster.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='noto-1'><query xmlns='jabber:iq:roster'/></iq>
        """
      Then the client receives a result for "noto-1"

    @req:core-10.1-4 @MUST @c2s
    Scenario: an IQ get without 'to' in a namespace the server knows is processed or refused
      "If the server receives an IQ stanza of type "get" or "set" with no 'to' attribute and it
      understands the namespace that qualifies the content of the stanza, it MUST either process
      the stanza on behalf of the sending entity [...] or return an error to the sending entity."
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='noto-2'><ping xmlns='urn:xmpp:ping'/></iq>
        """
      Then the client receives an answer to "noto-2"
