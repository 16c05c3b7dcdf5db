Feature: 3.5 Determination of Addresses
  After SASL and resource binding the server determines the client's JID, and ensures that it
  conforms to section 3, replacing what the client sent with the canonical form (3.5).

  Rule: 3.5 the JID is canonical

    @req:core-3.5-4 @MUST @c2s
    Scenario: a requested resource is bound in its Resourceprep form
      "The receiving entity MUST ensure that the resulting JID [...] conforms to the rules and
      formats defined earlier in this section; to meet this restriction, the receiving entity may
      need to replace the JID sent by the initiating entity with the canonicalized JID". The
      request holds U+FB01, which Resourceprep maps to 'fi'.
      Given a client that negotiated up to "sasl"
      When the client requests the resource "conformance-ﬁx"
      Then the client is bound to the resource "conformance-fix"
