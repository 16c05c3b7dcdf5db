Feature: 10 Server Rules for Handling XML Stanzas
  A server processes the stanzas between two entities in order (10). The scenarios of section 10
  say which rule set they assume: the mere XMPP server rules of draft -23, or the IM server rules
  of RFC 3921 section 11.1 that section 10 lets an application server apply instead.

  Rule: 10 in-order processing

    @req:core-10-1 @MUST @c2s
    Scenario: messages between two clients arrive in the order they were sent
      "Compliant server implementations MUST ensure in-order processing of XML stanzas between any
      two entities."
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      And the client sent initial presence
      When the client sends the stanza:
        """
        <message to='{recipient}' id='ord-1' type='chat'><body>1</body></message><message to='{recipient}' id='ord-2' type='chat'><body>2</body></message><message to='{recipient}' id='ord-3' type='chat'><body>3</body></message><message to='{recipient}' id='ord-4' type='chat'><body>4</body></message><message to='{recipient}' id='ord-5' type='chat'><body>5</body></message>
        """
      Then the recipient receives the stanzas "ord-1, ord-2, ord-3, ord-4, ord-5" in that order
