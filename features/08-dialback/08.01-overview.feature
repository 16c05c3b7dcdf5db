Feature: 8.1 Overview
  The sentences of the dialback overview (RFC 3920 8.1) a peer can drive: the stream id the
  target gives to a peer server. The protocol itself, and the errors of dialback negotiation
  (8.1: "Any error that occurs during dialback negotiation MUST be considered a stream error"),
  are in 08.03-dialback-protocol.feature.

  Rule: 8.1 the stream id is security-critical

    @req:core-8.1-6 @MUST @s2s
    Scenario: stream ids given to peers are distinct, not short and not sequential
      "The stream ID is security-critical in server dialback and therefore MUST be both
      unpredictable and non-repeating". No black-box test proves unpredictability: this one
      fails ids that repeat, are shorter than 8 characters, or count up by a constant step.
      When 5 peer connections are opened to the target at the same time
      Then the stream ids are distinct, not short, and not sequential

  Rule: 8.1 no dialback where SASL authenticated the stream

    @req:core-8.1-2 @SHOULD_NOT @s2s
    Scenario: the target uses no dialback on a connection SASL authenticated
      "If SASL is used for server-to-server authentication, dialback SHOULD NOT be used since it
      is unnecessary." The peer's listener offers SASL EXTERNAL after TLS and grants it to a
      target whose certificate it validates; the message the client sent must then arrive with no
      `<db:result/>` on any connection the target opened. A target that negotiates no SASL is not
      applicable.
      Given the peer's listener offers SASL EXTERNAL after TLS, with a certificate from the CA the target trusts
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the message reaches the peer over the SASL-authenticated stream without dialback
