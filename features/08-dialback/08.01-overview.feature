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
