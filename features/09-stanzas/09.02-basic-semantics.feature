Feature: 9.2 Basic Semantics
  Messages are routed to their 'to' (9.2.1), directed presence is delivered (9.2.2), and IQ is a
  request-response exchange: an 'id' and a 'type' on every IQ, exactly one child in a get or
  set, zero or one in a result, an `<error/>` in an error, one answer to each request and none to
  an answer (9.2.3).

  Rule: 9.2.1 and 9.2.2 message and presence

    @req:core-9.2.1-1 @SHOULD @c2s
    Scenario: a message to another client is delivered
      "upon receiving such a stanza, a server SHOULD route or deliver it to the intended
      recipient"
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      And the client sent initial presence
      When the client sends the stanza:
        """
        <message to='{recipient}' id='msg-1' type='chat'><body>hello</body></message>
        """
      Then the recipient receives the stanza "msg-1"

    @req:core-9.2.2-2 @SHOULD @c2s
    Scenario: directed presence is delivered to its 'to'
      "a publishing entity MAY also send a presence stanza with a 'to' attribute, in which case
      the server SHOULD route or deliver that stanza to the intended recipient."
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      And the client sent initial presence
      When the client sends the stanza:
        """
        <presence to='{recipient}' id='pres-1'/>
        """
      Then the recipient receives the stanza "pres-1"

  Rule: 9.2.3 IQ semantics

    @req:core-9.2.3-4 @MUST @c2s
    Scenario: an IQ get in a namespace the server does not know is answered, preserving the id
      "An entity that receives an IQ request of type "get" or "set" MUST reply with an IQ response
      of type "result" or "error" (the response MUST preserve the 'id' attribute of the request)."
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='iq-unknown-1' to='{domain}'><query xmlns='urn:example:conformance:unknown'/></iq>
        """
      Then the client receives an answer to "iq-unknown-1"
      And the client receives nothing

    @req:core-9.2.3-5 @MUST_NOT @c2s
    Scenario: an IQ result or error sent to the server gets no answer
      "An entity that receives a stanza of type "result" or "error" MUST NOT respond to the
      stanza by sending a further IQ response of type "result" or "error"".
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='result' id='iq-res-1' to='{domain}'/><iq type='error' id='iq-err-1' to='{domain}'><ping xmlns='urn:xmpp:ping'/><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>
        """
      Then the client receives nothing

    @req:core-9.2.3-1 @req:core-9.2.3-2 @req:core-9.2.3-3 @req:core-9.2.3-6 @MUST @c2s
    Scenario: an IQ set the server generates carries an id, a valid type and exactly one child
      "The 'id' attribute is REQUIRED for IQ stanzas." "The 'type' attribute is REQUIRED" and
      its value "MUST be one of" get, set, result, error. "An IQ stanza of type "get" or "set"
      MUST contain one and only one child element". A roster push is an IQ set the server
      generates (sent to resources that requested the roster); the item is removed again at the
      end.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='rs-0'><query xmlns='jabber:iq:roster'/></iq>
        """
      Then the client receives an answer to "rs-0"
      When the client sends the stanza:
        """
        <iq type='set' id='rs-1'><query xmlns='jabber:iq:roster'><item jid='conformance-nobody@{domain}'/></query></iq>
        """
      Then the client receives an answer to "rs-1"
      And the client receives an IQ request from the server with an id, a valid type and exactly one child
      When the client sends the stanza:
        """
        <iq type='set' id='rs-2'><query xmlns='jabber:iq:roster'><item jid='conformance-nobody@{domain}' subscription='remove'/></query></iq>
        """
      Then the client receives an answer to "rs-2"
      And the client receives an IQ request from the server with an id, a valid type and exactly one child

    @req:core-9.2.3-7 @MUST @c2s
    Scenario: an IQ result holds zero or one child elements
      "An IQ stanza of type "result" MUST include zero or one child elements." Checked on the
      answer to a roster get, which carries data.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='roster-2'><query xmlns='jabber:iq:roster'/></iq>
        """
      Then the client receives an answer to "roster-2"
      And the answer to "roster-2" is a result with at most one child

    @req:core-9.2.3-8 @MUST @c2s
    Scenario: an IQ error holds an <error/> child
      "An IQ stanza of type "error" [...] MUST include an `<error/>` child".
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='iq-unknown-2' to='{domain}'><query xmlns='urn:example:conformance:unknown'/></iq>
        """
      Then the client receives a stanza error for "iq-unknown-2"

    @req:core-9.2.3-8 @SHOULD @c2s
    Scenario: an IQ error includes the child of the request
      "An IQ stanza of type "error" SHOULD include the child element contained in the associated
      "get" or "set"".
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='iq-unknown-3' to='{domain}'><query xmlns='urn:example:conformance:unknown'/></iq>
        """
      Then the client receives a stanza error for "iq-unknown-3"
      And the error stanza includes the original payload
