Feature: 3.1 Overview
  A malformed address is refused with `<jid-malformed/>` (9.3.3) or `<bad-request/>`: the
  requirements of section 3 name no condition, so both are accepted and the verdict names the one sent.
  Each part of a JID is at most 1023 bytes (3.1). Observed through resource binding and through
  the 'to' of a stanza.

  Rule: 3.1 length of the parts

    @req:core-9.1.1-3 @MUST @c2s
    Scenario: a node of 1024 bytes in 'to' is refused as malformed
      A node over 1023 bytes breaks core-3.1-1 ("Each allowable portion of a JID [...] MUST NOT
      be more than 1023 bytes in length"), a rule the client broke: the target's duty is
      core-9.1.1-3, "If the value of the 'to' attribute is invalid [...], the entity discovering
      that fact [...] MUST return an appropriate error to the sender".
      Reading: A 'to' that breaks a format rule of section 3 is invalid, and the sender's own
      server is the entity that discovers it (it parses the 'to' to route the stanza); the
      appropriate error names the fault: `<jid-malformed/>` or `<bad-request/>` for a malformed
      address, `<remote-server-not-found/>` or `<remote-server-timeout/>` for a domain that cannot
      be contacted.
      Given a client that negotiated up to "session"
      When the client sends a message "long-1" to a node of 1024 bytes
      Then the client receives a stanza error for "long-1" with <jid-malformed/> or <bad-request/>

    @req:core-3.1-1 @MUST_NOT @c2s
    Scenario: a resource of 1024 bytes is never bound
      The same sentence, through resource binding: the server refuses the resource (section 7
      lists `<bad-request/>` for a resource that cannot be processed, `<not-allowed/>` for one the
      client may not bind) or overrides it with one it generates (7-9).
      Reading: A JID-format rule binds whoever forms the JID: the target answers under it for the
      JIDs it forms itself (the resource it binds), and its answer to a malformed 'to' that a
      client formed is judged under core-9.1.1-3.
      Given a client that negotiated up to "sasl"
      When the client requests a resource of 1024 bytes
      Then the client is refused with <bad-request/> or bound to a resource of at most 1023 bytes
