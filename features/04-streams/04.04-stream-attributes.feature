Feature: 4.4 Stream Attributes
  The response stream header the server sends to a client: 'from', 'id', 'version' and the
  attributes the receiving entity should leave out.
  Not covered: core-4.4-5 ("The 'id' attribute SHOULD be used only in the XML stream header
  from the receiving entity"): only an initiating entity's header can break it, and on a
  client-to-server connection that is the client's; the server's id is judged by core-4.4-6/-7,
  and what it does with a client's id by core-4.4-8.

  Rule: 4.4 the 'from' of the response stream names the host granting access

    @req:core-4.4-3 @MUST @c2s @header-only
    Scenario: the response stream header's 'from' is the served domain
      "from -- The 'from' attribute SHOULD be used only in the XML stream header from the
      receiving entity to the initiating entity, and MUST be set to a hostname serviced by the
      receiving entity that is granting access to the initiating entity."
      Reading: the MUST binds the value of the response header's 'from': it names a hostname the
      target serves. Where the text makes 'from' OPTIONAL (the response header of a dialback
      stream, 8.3 step 3) a header without it passes and the outcome says so; on a
      client-to-server stream no such exception exists, and a header without 'from' fails.
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

    @req:core-4.4-2 @SHOULD_NOT @c2s
    Scenario: the response header carries no 'to' even when the client's header has a 'from'
      "There SHOULD NOT be a 'to' attribute set in the XML stream header by which the receiving
      entity replies to the initiating entity". RFC 6120 (4.7.2) later asks the receiving
      entity to echo the initiator's 'from' in 'to'; this draft says SHOULD NOT.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' from='{bare-jid}'>
        """
      Then the server answers with a response stream header
      And the response stream header has no "to" attribute

    @req:core-4.4-3 @MUST @c2s
    Scenario: every successful response header's 'from' is the served domain, also after TLS and SASL
      "... MUST be set to a hostname serviced by the receiving entity that is granting access to
      the initiating entity." Every response header of the connection: the first, after TLS and
      after SASL.
      Reading: the MUST binds the value of the response header's 'from': it names a hostname the
      target serves. Where the text makes 'from' OPTIONAL (the response header of a dialback
      stream, 8.3 step 3) a header without it passes and the outcome says so; on a
      client-to-server stream no such exception exists, and a header without 'from' fails.
      When the client negotiates up to "sasl"
      Then every response stream header's "from" is the target's domain

    @req:core-4.4-4 @SHOULD @c2s
    Scenario: a 'from' on the client's stream headers is silently ignored
      "There SHOULD NOT be a 'from' attribute on the XML stream header sent from the initiating
      entity to the receiving entity; however, if a 'from' attribute is included, it SHOULD be
      silently ignored by the receiving entity." Every header the client sends carries it; the
      negotiation must go through, and the resource is bound to the authenticated account.
      When the client negotiates up to "sasl", sending every stream header as:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' from='nobody@{domain}'>
        """
      And the client requests the resource "conf-from"
      Then the client is bound to a full JID of its account

    @req:core-4.4-8 @SHOULD @c2s
    Scenario: an 'id' on the client's stream header is silently ignored
      "There SHOULD NOT be an 'id' attribute on the XML stream header sent from the initiating
      entity to the receiving entity; however, if an 'id' attribute is included, it SHOULD be
      silently ignored by the receiving entity."
      Reading: an 'id' attribute with an empty value is an 'id' attribute.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' id='client-chosen-id'>
        """
      Then the server sends stream features
      And the response stream header's "id" is not "client-chosen-id"

  Rule: 4.4 the stream id is a unique session key

    @req:core-4.4-6 @MUST @c2s @header-only
    Scenario: every response stream carries an id, unique among concurrent streams
      "This attribute is a unique identifier created by the receiving entity to function as a
      session key for the initiating entity's streams with the receiving entity, and MUST be
      unique within the receiving application (normally a server)."
      When 4 clients open streams at the same time
      Then every response stream header carries a different id

    @req:core-4.4-7 @MUST @c2s
    Scenario: stream ids neither repeat nor follow a counter
      "... the stream ID may be security-critical and therefore MUST be both unpredictable and
      nonrepeating". From outside, only evidence of predictability can be caught: a repeated id,
      or ids of successive streams that, past a common prefix and suffix, count up or down.
      When 24 clients open streams one after another
      And 8 clients open streams at the same time
      Then the stream ids show no repetition and no counter pattern

    @req:core-4.4-7 @SHOULD @c2s
    Scenario: stream ids carry at least 48 bits of estimated entropy
      Heuristic for the MUST "unpredictable and nonrepeating" of 4.4, tagged SHOULD because a
      short id is not proof of predictability: the number of character positions that vary
      across 32 ids, times log2 of the alphabet they are drawn from, must reach 48 bits.
      When 24 clients open streams one after another
      And 8 clients open streams at the same time
      Then the stream ids carry at least 48 bits of estimated entropy

  Rule: 4.4 xml:lang

    @req:core-4.4-10 @MUST @c2s
    Scenario: a client header without xml:lang gets the default language on the response header
      "... if the attribute is not included, the receiving entity SHOULD use a configurable
      default value for both streams, which it MUST communicate in the header for the response
      stream."
      Reading: The MUST binds every response to a client header without 'xml:lang': the default
      language the server works with must appear on its response header, whether or not that
      default is configurable; and a response header that carries another value than the client's
      'xml:lang' does not remember it (the SHOULD).
      Given a client connected to the target
      When the client opens a stream
      Then the server answers with a response stream header
      And the response stream header carries an "xml:lang" attribute

    @req:core-4.4-10 @SHOULD @c2s
    Scenario: the client's xml:lang becomes the response stream's default
      "If the attribute is included, the receiving entity SHOULD remember that value as the
      default for both the initial stream and the response stream". Another value on the
      response header fails; none passes (not stated).
      Reading: The MUST binds every response to a client header without 'xml:lang': the default
      language the server works with must appear on its response header, whether or not that
      default is configurable; and a response header that carries another value than the client's
      'xml:lang' does not remember it (the SHOULD).
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xml:lang='fr'>
        """
      Then the response stream header's "xml:lang" is "fr" or absent

    @req:core-4.4-11 @MUST_NOT @c2s
    Scenario: a stanza's own xml:lang reaches the recipient unchanged
      "... if the initiating entity does include an 'xml:lang' attribute, the receiving entity
      MUST NOT modify or delete it."
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='lang-1' type='chat' xml:lang='fr'><body>bonjour</body></message>
        """
      Then the recipient receives the message "lang-1" matching:
        """
        <message id='lang-1' xml:lang='fr'><body>bonjour</body></message>
        """

    @req:core-4.4-11 @SHOULD @c2s
    Scenario: a stanza without xml:lang gets the sender's stream default
      "For all stanzas sent over the initial stream, if the initiating entity does not include
      an 'xml:lang' attribute, the receiving entity SHOULD apply the default value". The
      sender's stream default is 'fr', the recipient's is the server's; without the attribute
      the recipient would read the message in its own stream's default.
      Given a recipient bound to the target
      When the client negotiates up to "session", sending every stream header as:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xml:lang='fr'>
        """
      And the client sends:
        """
        <message to='{recipient}' id='lang-3' type='chat'><body>sans langue</body></message>
        """
      Then the recipient receives the message "lang-3" matching:
        """
        <message id='lang-3' xml:lang='fr'><body>sans langue</body></message>
        """

    @req:core-4.4-12 @MUST @c2s
    Scenario: every xml:lang the server sends is an RFC 3066 language tag
      "The value of the 'xml:lang' attribute MUST be an NMTOKEN ... and MUST conform to the
      format defined in RFC 3066". Response headers and everything the server generates.
      Given a client that negotiated up to "session"
      When the client sends a message to its own full JID
      And the client sends an IQ ping to the server
      Then everything the server sent carries an RFC 3066 language tag in every xml:lang

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

    @req:core-4.4.1-6 @req:core-4.4.1-3 @MUST @c2s
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
      And the server sends stream features

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

    @req:core-4.4.1-5 @MUST @c2s
    Scenario: a client announcing version 0.10 gets 0.10 back or <unsupported-version/>
      The response version is "the value supplied by the initiating entity or the highest
      version number supported by the receiving entity, whichever is lower." 0.10 is lower than
      1.0; '1.0' would be the higher of the two. How the minor number is read is the next
      scenario's question (core-4.4.1-1), so a wrong choice here is charged once, here.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='0.10'>
        """
      Then the server answers with version "0.10", with or without stream features, or closes the stream with <unsupported-version/>

    @req:core-4.4.1-1 @MUST @c2s
    Scenario: a client announcing version 0.10 has its minor number read as the integer 10
      "The major and minor numbers MUST be treated as separate integers and each number MAY be
      incremented higher than a single digit." Against the target's own 1.0, an integer reading
      (major 0, minor 10) and a decimal one (0.1) of any version give the same comparison, so
      only a version echoed back can tell them apart: '0.10' passes, '0.1' fails.
      Another reading: A wrong choice of version would count as a wrong reading of the numbers:
      Prosody 0.12, which answers 1.0 to a client announcing 0.10, would fail core-4.4.1-1 as
      well as core-4.4.1-5 (one defect charged twice), and jabberd2 2.7, which refuses 1.10,
      would fail it although a refusal shows no reading of 1.10 (both readings put it above
      1.0).
      Reading: Against the target's own 1.0, an integer and a decimal reading of any version
      compare alike, so only a version echoed back tells them apart: the scenario sends 0.10 and
      passes '0.10', fails '0.1', and is not applicable when the target answers its own 1.0 or
      refuses, which shows nothing about how it read the numbers (the choice of version is
      core-4.4.1-5's verdict, charged there once).
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='0.10'>
        """
      Then the response version reads the minor number of "0.10" as an integer, where the answer can tell

    @req:core-4.4.1-2 @MUST @c2s
    Scenario: a version with leading zeros is read as 1.0
      "Leading zeros (e.g., 'XMPP 6.01') MUST be ignored by recipients". '01.00' is version 1.0:
      the stream is served as 1.0.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='01.00'>
        """
      Then the server answers with a response stream header
      And the response stream header's version is "1.0"
      And the server sends stream features

    @req:core-4.4.1-2 @MUST_NOT @c2s
    Scenario: the server never sends a version with leading zeros
      "Leading zeros ... MUST NOT be sent." Every response header of the connection.
      When the client negotiates up to "sasl"
      Then the response stream header's version, if any, has no leading zero

    @req:core-4.4.1-8 @SHOULD_NOT @c2s
    Scenario: a header without version is answered without version
      "If either entity receives a stream header with no 'version' attribute, the entity MUST
      consider the version supported by the other entity to be '0.0' and SHOULD NOT include a
      'version' attribute in the stream header it sends in reply."
      Reading: To consider the other entity's version '0.0' is to treat it as a pre-1.0 entity: no
      version-1.0 stream features (4.6) and, as the SHOULD NOT asks, no 'version' on the reply
      header.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>
        """
      Then the server answers with a response stream header
      And the response stream header has no "version" attribute

    @req:core-4.4.1-8 @MUST @c2s
    Scenario: a client without version is not offered version-1.0 stream features
      "... the entity MUST consider the version supported by the other entity to be '0.0'".
      Stream features are sent for a version "of at least '1.0'" (4.6) and the stream-related
      protocols (TLS, SASL, stream errors) are what version 1.0 encapsulates (4.4.1). Silence, a
      stream error or a close pass (named); `<stream:features/>` fails.
      Reading: To consider the other entity's version '0.0' is to treat it as a pre-1.0 entity: no
      version-1.0 stream features (4.6) and, as the SHOULD NOT asks, no 'version' on the reply
      header.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>
        """
      Then the server sends no stream features
