Feature: 10.2 Foreign Domain
  A stanza for a foreign domain is routed there; when routing fails the sender's server returns
  an error (10.2). unreachable-far.test does not resolve: the lab's DNS answers NXDOMAIN for it.

  Rule: 10.2 routing failures

    @req:core-10.2-2 @MUST @c2s
    Scenario: a message to a domain that cannot be reached is answered with an error
      "If routing to the recipient's server is unsuccessful, the sender's server MUST return an
      error to the sender". The sentence names no condition: any stanza error passes, and the
      outcome names the one sent (`<remote-server-not-found/>` and `<remote-server-timeout/>` fit
      best; their types are decided by 9.3.3). The bound is 20 seconds.
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <message to='romeo@unreachable-far.test' id='far-1' type='chat'><body>anyone there?</body></message>
        """
      Then the client receives a stanza error for "far-1" within 20 seconds
