Feature: 11.1 Restrictions
  Restricted XML: comments, processing instructions, DTDs and entity references other than
  the predefined ones. The server never sends them, escapes the predefined-entity characters,
  and ignores what it receives (or refuses it with `<restricted-xml/>`, 4.7.3: the reading
  each scenario applies is in its description). A server that processes a DTD or expands a
  declared entity never passes.

  Rule: 11.1 the server generates no restricted XML and escapes what it relays

    @req:core-11.1-1 @MUST_NOT @c2s
    Scenario: the server's output holds no comment, processing instruction, DTD or entity reference
      "... an XMPP implementation MUST NOT inject into an XML stream any of the following:
      comments, processing instructions, internal or external DTD subsets, internal or external
      entity references (with the exception of predefined entities)".
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends a message to its own full JID
      And the client sends:
        """
        <iq type='get' id='rx-v' to='{domain}'><query xmlns='jabber:iq:version'/></iq>
        """
      Then everything the server sent holds no comment, processing instruction, DTD or entity reference

    @req:core-11.1-1 @MUST_NOT @c2s
    Scenario: restricted XML inside a client's stanza is not passed on
      "... MUST NOT inject into an XML stream any of the following: comments, processing
      instructions ...". What the server does to the sender is core-11.1-3's matter; here, no
      comment or processing instruction reaches the recipient.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='rx-relay' type='chat'><body>a<!--c-->b<?pi x?>c</body></message>
        """
      Then everything the server sent holds no comment, processing instruction, DTD or entity reference

    @req:core-11.1-2 @MUST @c2s
    Scenario: less-than and ampersand are escaped in what the server relays
      "... character data or attribute values containing unescaped characters that map to the
      predefined entities ...; such characters MUST be escaped". XML itself requires it for
      `<` and `&`.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='esc-1' type='chat'><body>1 &lt; 2 &amp;&amp; 3 &gt; 2 &apos;q&apos; &quot;qq&quot;</body><x xmlns='urn:example:conformance' v='a&lt;b&amp;c&gt;d&apos;e&quot;f'/></message>
        """
      Then the recipient receives the message "esc-1" matching:
        """
        <message id='esc-1'><body>1 &lt; 2 &amp;&amp; 3 &gt; 2 'q' "qq"</body><x xmlns='urn:example:conformance' v='a&lt;b&amp;c&gt;d&apos;e"f'/></message>
        """
      And everything the server sent escapes less-than and ampersand

    @req:core-11.1-2 @MUST @c2s
    Scenario: greater-than, apostrophe and quotation mark are escaped in what the server relays
      The same sentence, read literally: 11.1 names all five predefined entities (so does RFC
      6120 11.1), while XML itself requires only `<`, `&` and the delimiting quote. A raw `>`
      in character data or an attribute value, or a raw non-delimiting quote, fails here.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='esc-2' type='chat'><body>3 &gt; 2 &apos;q&apos; &quot;qq&quot;</body><x xmlns='urn:example:conformance' v='c&gt;d&apos;e&quot;f'/></message>
        """
      Then the recipient receives the message "esc-2" matching:
        """
        <message id='esc-2'><body>3 &gt; 2 'q' "qq"</body></message>
        """
      And everything the server sent escapes greater-than, apostrophe and quotation mark

  Rule: 11.1 restricted XML received is never processed

    @req:core-11.1-3 @MUST @c2s
    Scenario: an entity declared in an internal DTD subset is never expanded
      "... if an XMPP implementation receives such restricted XML data, it MUST ignore the
      data." Here the header's 'to' is only known through the declared entity `&target;`:
      stream features mean the server processed the DTD and expanded it. Any error, a close or
      silence pass (named). One level, no nested entities.
      Reading: Ignoring restricted XML passes, and so does refusing it with the condition 4.7.3
      defines for it (<restricted-xml/>, or <bad-format/>, which the draft lets replace it); for
      well-formed bytes any other stream error, such as RFC 6120's <not-well-formed/>, fails.
      Where a DTD or an entity would have to be processed to go on, any refusal passes: what
      fails is processing it.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY target '{domain}'>]><stream:stream to='&target;' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server sends no stream features

    @req:core-11.1-3 @MUST @c2s
    Scenario: an external DTD subset is never fetched
      "... MUST ignore the data." The header names an external DTD subset on a listener the
      target can reach (`{trap}`); a connection to it means the server processed the DTD. The
      reaction itself is judged by the DOCTYPE rows below.
      Reading: Ignoring restricted XML passes, and so does refusing it with the condition 4.7.3
      defines for it (<restricted-xml/>, or <bad-format/>, which the draft lets replace it); for
      well-formed bytes any other stream error, such as RFC 6120's <not-well-formed/>, fails.
      Where a DTD or an entity would have to be processed to go on, any refusal passes: what
      fails is processing it.
      Given a trap listener the target can reach
      And a client connected to the target
      When the client opens a stream naming the trap listener:
        """
        <?xml version='1.0'?><!DOCTYPE stream:stream SYSTEM 'http://{trap}/conformance.dtd'><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then nothing connected to the trap listener

    @req:core-11.1-3 @MUST @c2s
    Scenario: an undeclared entity reference is never expanded or passed on
      "... MUST ignore the data." The message is dropped with its stream (the reference is also
      not well-formed, 11.3), or delivered with the reference ignored; the reference delivered as
      text, or expanded into anything, fails.
      Reading: Ignoring restricted XML passes, and so does refusing it with the condition 4.7.3
      defines for it (<restricted-xml/>, or <bad-format/>, which the draft lets replace it); for
      well-formed bytes any other stream error, such as RFC 6120's <not-well-formed/>, fails.
      Where a DTD or an entity would have to be processed to go on, any refusal passes: what
      fails is processing it.
      Given a recipient bound to the target
      And a client that negotiated up to "session"
      When the client sends:
        """
        <message to='{recipient}' id='rx-ent' type='chat'><body>a&conformance;b</body></message>
        """
      Then the recipient receives the message "rx-ent" matching, or nothing:
        """
        <message id='rx-ent'><body>ab</body></message>
        """

  Rule: 11.1 restricted XML received is ignored or refused with the draft's condition

    @req:core-11.1-3 @MUST @c2s
    Scenario: a comment between stanzas is ignored or refused with <restricted-xml/>
      "... if an XMPP implementation receives such restricted XML data, it MUST ignore the
      data." 4.7.3 defines `<restricted-xml/>` for it, and `<bad-format/>` MAY replace it. This
      scenario accepts what the draft allows: ignoring, `<restricted-xml/>` or `<bad-format/>`.
      These bytes are well-formed XML; `<not-well-formed/>` (RFC 6120 11.1 later allowed any
      stream error) is not one of them.
      Reading: Ignoring restricted XML passes, and so does refusing it with the condition 4.7.3
      defines for it (<restricted-xml/>, or <bad-format/>, which the draft lets replace it); for
      well-formed bytes any other stream error, such as RFC 6120's <not-well-formed/>, fails.
      Where a DTD or an entity would have to be processed to go on, any refusal passes: what
      fails is processing it.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <!-- a comment between stanzas -->
        """
      Then the server ignores it or closes the stream with <restricted-xml/> or <bad-format/>

    @req:core-11.1-3 @MUST @c2s
    Scenario: a processing instruction between stanzas is ignored or refused with <restricted-xml/>
      "... if an XMPP implementation receives such restricted XML data, it MUST ignore the
      data." 4.7.3 defines `<restricted-xml/>` for it, and `<bad-format/>` MAY replace it. This
      scenario accepts what the draft allows: ignoring, `<restricted-xml/>` or `<bad-format/>`.
      These bytes are well-formed XML; `<not-well-formed/>` (RFC 6120 11.1 later allowed any
      stream error) is not one of them.
      Reading: Ignoring restricted XML passes, and so does refusing it with the condition 4.7.3
      defines for it (<restricted-xml/>, or <bad-format/>, which the draft lets replace it); for
      well-formed bytes any other stream error, such as RFC 6120's <not-well-formed/>, fails.
      Where a DTD or an entity would have to be processed to go on, any refusal passes: what
      fails is processing it.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <?conformance-pi a processing instruction?>
        """
      Then the server ignores it or closes the stream with <restricted-xml/> or <bad-format/>

    @req:core-11.1-3 @MUST @c2s
    Scenario: a comment inside a stanza is ignored or refused with <restricted-xml/>
      "... if an XMPP implementation receives such restricted XML data, it MUST ignore the
      data." 4.7.3 defines `<restricted-xml/>` for it, and `<bad-format/>` MAY replace it. This
      scenario accepts what the draft allows: ignoring, `<restricted-xml/>` or `<bad-format/>`.
      These bytes are well-formed XML; `<not-well-formed/>` (RFC 6120 11.1 later allowed any
      stream error) is not one of them.
      Reading: Ignoring restricted XML passes, and so does refusing it with the condition 4.7.3
      defines for it (<restricted-xml/>, or <bad-format/>, which the draft lets replace it); for
      well-formed bytes any other stream error, such as RFC 6120's <not-well-formed/>, fails.
      Where a DTD or an entity would have to be processed to go on, any refusal passes: what
      fails is processing it.
      Given a client that negotiated up to "session"
      When the client sends:
        """
        <iq type='get' id='rx-3' to='{domain}'><ping xmlns='urn:xmpp:ping'/><!-- inside --></iq>
        """
      Then the server ignores it or closes the stream with <restricted-xml/> or <bad-format/>

    @req:core-11.1-3 @MUST @c2s
    Scenario: a comment before the stream header is ignored or refused with <restricted-xml/>
      "... if an XMPP implementation receives such restricted XML data, it MUST ignore the
      data." 4.7.3 defines `<restricted-xml/>` for it, and `<bad-format/>` MAY replace it. This
      scenario accepts what the draft allows: ignoring, `<restricted-xml/>` or `<bad-format/>`.
      These bytes are well-formed XML; `<not-well-formed/>` (RFC 6120 11.1 later allowed any
      stream error) is not one of them.
      Reading: Ignoring restricted XML passes, and so does refusing it with the condition 4.7.3
      defines for it (<restricted-xml/>, or <bad-format/>, which the draft lets replace it); for
      well-formed bytes any other stream error, such as RFC 6120's <not-well-formed/>, fails.
      Where a DTD or an entity would have to be processed to go on, any refusal passes: what
      fails is processing it.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><!-- before the header --><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server ignores it or closes the stream with <restricted-xml/> or <bad-format/>

    @req:core-11.1-3 @MUST @c2s
    Scenario: a DOCTYPE before the stream header is ignored or refused with <restricted-xml/>
      "... if an XMPP implementation receives such restricted XML data, it MUST ignore the
      data." 4.7.3 defines `<restricted-xml/>` for it, and `<bad-format/>` MAY replace it. This
      scenario accepts what the draft allows: ignoring, `<restricted-xml/>` or `<bad-format/>`.
      These bytes are well-formed XML; `<not-well-formed/>` (RFC 6120 11.1 later allowed any
      stream error) is not one of them.
      Reading: Ignoring restricted XML passes, and so does refusing it with the condition 4.7.3
      defines for it (<restricted-xml/>, or <bad-format/>, which the draft lets replace it); for
      well-formed bytes any other stream error, such as RFC 6120's <not-well-formed/>, fails.
      Where a DTD or an entity would have to be processed to go on, any refusal passes: what
      fails is processing it.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><!DOCTYPE stream:stream><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server ignores it or closes the stream with <restricted-xml/> or <bad-format/>

    @req:core-11.1-3 @MUST @c2s
    Scenario: a DOCTYPE with an internal subset is ignored or refused with <restricted-xml/>
      "... if an XMPP implementation receives such restricted XML data, it MUST ignore the
      data." 4.7.3 defines `<restricted-xml/>` for it, and `<bad-format/>` MAY replace it. This
      scenario accepts what the draft allows: ignoring, `<restricted-xml/>` or `<bad-format/>`.
      These bytes are well-formed XML; `<not-well-formed/>` (RFC 6120 11.1 later allowed any
      stream error) is not one of them.
      Reading: Ignoring restricted XML passes, and so does refusing it with the condition 4.7.3
      defines for it (<restricted-xml/>, or <bad-format/>, which the draft lets replace it); for
      well-formed bytes any other stream error, such as RFC 6120's <not-well-formed/>, fails.
      Where a DTD or an entity would have to be processed to go on, any refusal passes: what
      fails is processing it.
      Given a client connected to the target
      When the client opens a stream with:
        """
        <?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY unused 'x'>]><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
        """
      Then the server ignores it or closes the stream with <restricted-xml/> or <bad-format/>
