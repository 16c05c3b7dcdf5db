Feature: 3.1 Overview
  A malformed address is refused with `<jid-malformed/>` (9.3.3) or `<bad-request/>`: the
  requirements of section 3 name no condition, so both are accepted and the verdict names the one sent.
  Each part of a JID is at most 1023 bytes (3.1). Observed through resource binding and through
  the 'to' of a stanza.

  Rule: 3.1 length of the parts

    @req:core-3.1-1 @MUST_NOT @c2s
    Scenario: a node of 1024 bytes in 'to' is refused as malformed
      "Each allowable portion of a JID (node identifier, domain identifier, and resource
      identifier) MUST NOT be more than 1023 bytes in length".
      Given a client that negotiated up to "session"
      When the client sends a message "long-1" to a node of 1024 bytes
      Then the client receives a stanza error for "long-1" with <jid-malformed/> or <bad-request/>

    @req:core-3.1-1 @MUST_NOT @c2s
    Scenario: a resource of 1024 bytes is never bound
      The same sentence, through resource binding: the server refuses the resource (section 7
      lists `<bad-request/>` for a resource that cannot be processed, `<not-allowed/>` for one the
      client may not bind) or overrides it with one it generates (7-9).
      Given a client that negotiated up to "sasl"
      When the client requests a resource of 1024 bytes
      Then the client is refused with <bad-request/> or bound to a resource of at most 1023 bytes
