Feature: 4.4 Stream Attributes
  The response stream header the server sends to a client: 'from', 'id', 'version' and the
  attributes the receiving entity should leave out.

  Rule: 4.4 the 'from' of the response stream names the host granting access

    @req:core-4.4-3 @MUST @c2s @header-only
    Scenario: the response stream header's 'from' is the served domain
      "from -- The 'from' attribute SHOULD be used only in the XML stream header from the
      receiving entity to the initiating entity, and MUST be set to a hostname serviced by the
      receiving entity that is granting access to the initiating entity."
      Given a client connected to the target
      When the client opens a stream
      Then the server answers with a response stream header
      And the response stream header's "from" is the target's domain

    @req:core-4.4-2 @SHOULD_NOT @c2s @header-only
    Scenario: the response stream header carries no 'to'
      "There SHOULD NOT be a 'to' attribute set in the XML stream header by which the receiving
      entity replies to the initiating entity."
      Given a client connected to the target
      When the client opens a stream
      Then the server answers with a response stream header
      And the response stream header has no "to" attribute

  Rule: 4.4 the stream id is a unique session key

    @req:core-4.4-6 @MUST @c2s @header-only
    Scenario: every response stream carries an id, unique among concurrent streams
      "This attribute is a unique identifier created by the receiving entity to function as a
      session key for the initiating entity's streams with the receiving entity, and MUST be
      unique within the receiving application (normally a server)."
      When 4 clients open streams at the same time
      Then every response stream header carries a different id

  Rule: 4.4.1 version negotiation

    @req:core-4.4.1-5 @MUST @c2s @header-only
    Scenario: a client announcing version 1.0 is answered with version 1.0
      "The receiving entity MUST set the value of the 'version' attribute on the response
      stream header to either the value supplied by the initiating entity or the highest
      version number supported by the receiving entity, whichever is lower."
      Given a client connected to the target
      When the client opens a stream
      Then the server answers with a response stream header
      And the response stream header's version is "1.0"

    @req:core-4.4.1-6 @req:core-4.4.1-3 @MUST @c2s @header-only
    Scenario: a higher minor version (1.10) is compared numerically and answered with 1.0
      "The receiving entity MUST perform a numeric comparison on the major and minor version
      numbers, not a string match on '`<major>`.`<minor>`'." A string comparison would take 1.10
      for lower than 1.0's successor 1.1; a numeric one answers 1.0, the lower of the two.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.10'>
        """
      Then the server answers with a response stream header
      And the response stream header's version is "1.0"

    @req:core-4.4.1-5 @MUST @c2s
    Scenario: a client announcing version 2.0 gets version 1.0 or <unsupported-version/>
      "The receiving entity MUST set the value of the 'version' attribute on the response
      stream header to either the value supplied by the initiating entity or the highest
      version number supported by the receiving entity, whichever is lower." A server of this
      draft may instead refuse a major version it cannot speak with `<unsupported-version/>`
      (4.7.3); either is accepted, and the verdict names which happened.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='2.0'>
        """
      Then the server answers with version "1.0" or closes the stream with <unsupported-version/>
