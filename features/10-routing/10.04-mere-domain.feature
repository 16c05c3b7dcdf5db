Feature: 10.4 Mere Domain or Specific Resource
  A stanza to the server's own domain, or to a resource of it, is processed or answered with an
  error (10.4). IQs are used: processing an IQ is observable as its answer.

  Rule: 10.4 own domain

    @req:core-10.4-1 @MUST @c2s
    Scenario: an IQ to the server's domain is processed or answered with an error
      "[...] and the JID contained in the 'to' attribute is of the form `<domain>` or
      `<domain/resource>`, the server (or a defined resource thereof) MUST either process the
      stanza as appropriate for the stanza kind or return an error stanza to the sender."
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='own-1' to='{domain}'><query xmlns='jabber:iq:version'/></iq>
        """
      Then the client receives an answer to "own-1"

    @req:core-10.4-1 @MUST @c2s
    Scenario: an IQ to a resource of the server's domain is processed or answered with an error
      The same rule for `<domain/resource>`.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='own-2' to='{domain}/conformance-resource'><query xmlns='jabber:iq:version'/></iq>
        """
      Then the client receives an answer to "own-2"
