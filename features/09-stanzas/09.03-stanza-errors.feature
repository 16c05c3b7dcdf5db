Feature: 9.3 Stanza Errors
  An error stanza is of the kind of the stanza it answers, with type='error' and an `<error/>`
  whose 'type' is cancel, continue, modify, auth or wait, holding one defined condition in
  urn:ietf:params:xml:ns:xmpp-stanzas, an optional `<text/>` in the same namespace, and an
  optional application-specific condition in its own namespace (9.3.1, 9.3.2). Nobody answers
  an error with an error (9.3.1). Where the target emits a condition, its type is checked
  against the one 9.3.3 associates with it.

  Rule: 9.3.1 rules

    @req:core-9.3.1-1 @MUST @c2s
    Scenario: a message that cannot be delivered is answered with a message error
      "The receiving or processing entity that detects an error condition in relation to a stanza
      MUST return to the sending entity a stanza of the same kind (message, presence, or IQ),
      whose 'type' attribute is set to a value of "error"". The address 'jul iet' is not a JID
      (a space is prohibited in a node identifier): the target can neither deliver nor route it.
      Reading: The sentence binds the answer once the target detects an error condition about a
      stanza: a stanza of the same kind, of type 'error', to the sender. Whether a condition had
      to be detected is decided by the requirement for that condition (core-9.1.1-3 for a 'to'
      that is not a JID, core-9.2.3-4 for an IQ request), so a target that answers nothing, or
      handles the stanza otherwise, is not applicable here.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='jul iet@{domain}' id='err-1' type='chat'><body>hello</body></message>
        """
      Then the client receives an error of the same kind for "err-1"

    @req:core-9.3.1-3 @req:core-9.3.2-4 @req:core-9.3.2-5 @MUST @c2s
    Scenario: a message error holds an <error/> with an allowed type and a defined condition
      "An error stanza MUST contain an `<error/>` child element." Its 'type' "MUST be one of"
      cancel, continue, modify, auth, wait, and it "MUST contain a child element corresponding to
      one of the defined stanza error conditions [...] qualified by the
      'urn:ietf:params:xml:ns:xmpp-stanzas' namespace". Not applicable when the target answers
      with no error stanza (core-9.3.1-1 decides whether it had to).
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='jul iet@{domain}' id='err-1b' type='chat'><body>hello</body></message>
        """
      Then if the client receives a stanza error for "err-1b", its <error/> has an allowed type and a defined condition

    @req:core-9.3.1-1 @MUST @c2s
    Scenario: an IQ that cannot be processed is answered with an IQ error
      The same rule for the IQ kind: a set in a namespace nobody serves cannot be processed.
      Reading: The sentence binds the answer once the target detects an error condition about a
      stanza: a stanza of the same kind, of type 'error', to the sender. Whether a condition had
      to be detected is decided by the requirement for that condition (core-9.1.1-3 for a 'to'
      that is not a JID, core-9.2.3-4 for an IQ request), so a target that answers nothing, or
      handles the stanza otherwise, is not applicable here.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='set' id='err-2' to='{domain}'><query xmlns='urn:example:conformance:unknown'/></iq>
        """
      Then the client receives an error of the same kind for "err-2"

    @req:core-9.3.1-3 @req:core-9.3.2-4 @req:core-9.3.2-5 @MUST @c2s
    Scenario: an IQ error holds an <error/> with an allowed type and a defined condition
      The same syntax rules for the IQ kind. Not applicable when no IQ error arrives.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='set' id='err-2b' to='{domain}'><query xmlns='urn:example:conformance:unknown'/></iq>
        """
      Then if the client receives a stanza error for "err-2b", its <error/> has an allowed type and a defined condition

    @req:core-9.3.1-2 @req:core-9.3.2-1 @SHOULD @c2s
    Scenario: a message error includes the original XML
      "The entity that generates an error stanza SHOULD include the original XML sent so that the
      sender can inspect and, if necessary, correct the XML before attempting to resend." Not
      applicable when the target answers with no error stanza (core-9.3.1-1 decides that).
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='jul iet@{domain}' id='err-3' type='chat'><body>hello</body></message>
        """
      Then if the client receives a stanza error for "err-3", it is the error under test
      And the error stanza includes the original payload

    @req:core-9.3.1-4 @MUST_NOT @c2s
    Scenario: a stanza that is not an error carries no <error/> child
      "An `<error/>` child MUST NOT be included if the 'type' attribute has a value other than
      "error"". Checked on an IQ result and on a delivered message.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='{recipient}' id='err-4' type='chat'><body>hello</body></message>
        """
      Then the recipient receives the stanza "err-4"
      And it carries no <error/> child
      When the client sends the stanza:
        """
        <iq type='get' id='err-5'><query xmlns='jabber:iq:roster'/></iq>
        """
      Then the client receives an answer to "err-5"
      And it carries no <error/> child

    @req:core-9.3.1-5 @MUST_NOT @c2s
    Scenario: an error stanza is not answered with another error
      "An entity that receives an error stanza MUST NOT respond to the stanza with a further error
      stanza". The errors go to an account that does not exist and to a malformed address, both
      of which would draw an error if they were not errors; an IQ round-trip proves the silence.
      A target that hands the client's own error back to it unchanged (from the client's own JID)
      has delivered it, not answered it: that passes, and the outcome says so.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='conformance-nobody@{domain}' id='err-6' type='error'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message><message to='jul iet@{domain}' id='err-7' type='error'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>
        """
      Then the client receives no error in answer to its error stanzas

  Rule: 9.3.2 syntax

    @req:core-9.3.2-6 @MUST @c2s
    Scenario: the <text/> of a stanza error is qualified by the stanzas namespace
      "MAY contain a `<text/>` child [...]; this element MUST be qualified by the
      'urn:ietf:params:xml:ns:xmpp-stanzas' namespace". Not applicable without `<text/>`.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='jul iet@{domain}' id='err-8' type='chat'><body>hello</body></message>
        """
      Then if the client receives a stanza error for "err-8", it is the error under test
      And the error's <text/>, if any, is qualified by the stanzas namespace

    @req:core-9.3.2-6 @SHOULD @c2s
    Scenario: the <text/> of a stanza error carries 'xml:lang'
      "[...] and SHOULD possess an 'xml:lang' attribute." Not applicable without `<text/>`.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='jul iet@{domain}' id='err-9' type='chat'><body>hello</body></message>
        """
      Then if the client receives a stanza error for "err-9", it is the error under test
      And the error's <text/>, if any, carries an 'xml:lang'

    @req:core-9.3.2-7 @MUST @c2s
    Scenario: an application-specific error condition is qualified by its own namespace
      "MAY contain a child element for an application-specific error condition; this element
      MUST be qualified by an application-defined namespace". Not applicable when the target's
      error has none.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='err-10' to='{domain}'><query xmlns='urn:example:conformance:unknown'/></iq>
        """
      Then the client receives a stanza error for "err-10"
      And the error's application-specific condition, if any, is qualified by its own namespace

    @req:core-9.3.4-2 @SHOULD @c2s
    Scenario: an application-specific error condition supplements a defined one
      "The application-specific element SHOULD supplement or further qualify a defined element."
      Not applicable when the target's error has none.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='err-11' to='{domain}'><query xmlns='urn:example:conformance:unknown'/></iq>
        """
      Then the client receives a stanza error for "err-11"
      And the error, if it has an application-specific condition, also has a defined one

    @req:core-9.3.3-21 @SHOULD @c2s
    Scenario: <undefined-condition/> comes with an application-specific condition
      "`<undefined-condition/>` [...] SHOULD be used only in conjunction with an
      application-specific condition." Not applicable when the target uses another condition.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='err-12' to='{domain}'><query xmlns='urn:example:conformance:unknown'/></iq>
        """
      Then the client receives a stanza error for "err-12"
      And the error, if its condition is <undefined-condition/>, has an application-specific condition

  Rule: 9.3.3 defined conditions and their types

    @req:core-9.3.3-1 @SHOULD @c2s
    Scenario: <bad-request/> for an IQ with an unknown type carries type 'modify'
      "`<bad-request/>` -- the sender has sent XML that is malformed or that cannot be processed
      (e.g., an IQ stanza that includes an unrecognized value of the 'type' attribute); the
      associated error type SHOULD be "modify"." Not applicable when the target sends no error
      or another condition.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='fetch' id='cond-1' to='{domain}'><ping xmlns='urn:xmpp:ping'/></iq>
        """
      Then if the client receives a stanza error for "cond-1", it is the error under test
      And if its condition is <bad-request/>, its type is the one 9.3.3 associates with it

    @req:core-9.3.3-8 @SHOULD @c2s
    Scenario: <jid-malformed/> carries type 'modify'
      "`<jid-malformed/>` -- the sending entity has provided or communicated an XMPP address [...]
      that does not adhere to the syntax defined in Addressing Scheme; the associated error type
      SHOULD be "modify"." Not applicable when the target sends no error or another condition.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='jul iet@{domain}' id='cond-2' type='chat'><body>hello</body></message>
        """
      Then if the client receives a stanza error for "cond-2", it is the error under test
      And if its condition is <jid-malformed/>, its type is the one 9.3.3 associates with it

    @req:core-9.3.3-11 @SHOULD @c2s
    Scenario: <not-authorized/> for a stanza before binding carries type 'auth'
      "`<not-authorized/>` -- the sender must provide proper credentials before being allowed to
      perform the action [...]; the associated error type SHOULD be "auth"." Not applicable when
      the server answers with another condition (core-7-10 decides that).
      Given a client that negotiated up to "sasl"
      When the client sends the stanza:
        """
        <message to='{domain}' id='cond-3' type='chat'><body>unbound</body></message>
        """
      Then if the client receives a stanza error for "cond-3", it is the error under test
      And if its condition is <not-authorized/>, its type is the one 9.3.3 associates with it

    @req:core-9.3.3-16 @SHOULD @c2s
    Scenario: <remote-server-not-found/> carries type 'cancel'
      "`<remote-server-not-found/>` -- a remote server or service specified as part or all of the
      JID of the intended recipient does not exist; the associated error type SHOULD be
      "cancel"." unreachable-cond.test does not resolve (the lab's DNS answers NXDOMAIN).
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='romeo@unreachable-cond.test' id='cond-4' type='chat'><body>anyone there?</body></message>
        """
      Then the client receives a stanza error for "cond-4" within 20 seconds with <remote-server-not-found/>
      And the error's type is the one 9.3.3 associates with its condition

    @req:core-9.3.3-19 @SHOULD @c2s
    Scenario: <service-unavailable/> carries type 'cancel'
      "`<service-unavailable/>` -- the server or recipient does not currently provide the
      requested service; the associated error type SHOULD be "cancel"." Provoked by an IQ to a
      full JID with no such resource, for which both rule sets (10.5 rule 2 and RFC 3921 11.1)
      demand `<service-unavailable/>`.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='cond-5' to='{recipient-bare}/conformance-no-such-resource'><ping xmlns='urn:xmpp:ping'/></iq>
        """
      Then the client receives a stanza error for "cond-5" with <service-unavailable/>
      And the error's type is the one 9.3.3 associates with its condition

    @req:core-9.3.3-13 @MUST_NOT @c2s
    Scenario: a message to an account without connected resources does not reveal its availability
      "`<recipient-unavailable/>` [...] an application MUST NOT return this error if doing so would
      provide information about the intended recipient's network availability to an entity that
      is not authorized to know such information". The sender has no presence subscription to
      the other account, which has no connected resource.
      Given a client that negotiated up to "session"
      When the client sends the message "cond-6" to the other account, which has no connected resource
      Then the client receives no stanza with a condition of <recipient-unavailable/> for "cond-6"

    @req:core-9.3.3-7 @SHOULD @c2s
    Scenario: <item-not-found/> carries type 'cancel'
      "`<item-not-found/>` -- the addressed JID or item requested cannot be found; the associated
      error type SHOULD be "cancel"." Provoked by a service discovery request for a node the
      server does not have; not applicable when the server answers otherwise.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='cond-7' to='{domain}'><query xmlns='http://jabber.org/protocol/disco#info' node='conformance-no-such-node'/></iq>
        """
      Then the client receives an answer to "cond-7"
      And if it is an error with <item-not-found/>, its type is the one 9.3.3 associates with it

    @req:core-9.3.3-10 @SHOULD @c2s
    Scenario: <not-allowed/> carries type 'cancel'
      "`<not-allowed/>` -- the recipient or server does not allow any entity to perform the action;
      the associated error type SHOULD be "cancel"." Provoked by a roster set that adds the
      account itself to its roster; not applicable when the server answers otherwise.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='set' id='cond-8'><query xmlns='jabber:iq:roster'><item jid='{bare-jid}'/></query></iq>
        """
      Then the client receives an answer to "cond-8"
      And if it is an error with <not-allowed/>, its type is the one 9.3.3 associates with it
