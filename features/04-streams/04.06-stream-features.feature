Feature: 4.6 Stream Features

  @req:core-4.6-1 @MUST @c2s
  Scenario: a version 1.0 stream is answered with stream features
    "If the initiating entity includes the 'version' attribute set to a value of at least
    '1.0' in the initial stream header, the receiving entity MUST send a `<features/>` child
    element (prefixed by the streams namespace prefix) to the initiating entity in order to
    announce any stream-level features that can be negotiated (or capabilities that otherwise
    need to be advertised)."
    Given a client connected to the target
    When the client opens a stream
    Then the server answers with a response stream header
    And the server sends stream features

  @req:core-4.6-3 @SHOULD_NOT @c2s
  Scenario: resource binding is not offered before authentication
    "If one or more security features (e.g., TLS and SASL) need to be successfully negotiated
    before a non-security-related feature (e.g., Resource Binding) can be offered, the
    non-security-related feature SHOULD NOT be included in the stream features that are
    advertised before the relevant security features have been negotiated."
    Given a client that negotiated up to "tls"
    Then the stream features do not offer resource binding

  @req:core-4.6-3 @SHOULD_NOT @c2s
  Scenario: session establishment is not offered before authentication
    The same sentence for the other non-security feature a c2s server announces:
    `<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>` (RFC 3921 3) SHOULD NOT be among the
    features advertised before TLS and SASL have been negotiated.
    Given a client that negotiated up to "tls"
    Then the stream features do not offer session establishment
