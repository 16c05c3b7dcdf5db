Feature: 10.3 Subdomain
  A stanza for a subdomain of the server is processed, handed to the service for that subdomain,
  or, if the subdomain is not configured, answered with an error (10.3).

  Rule: 10.3 unconfigured subdomain

    @req:core-10.3-1 @MUST @c2s
    Scenario: an IQ to a subdomain that is not configured is answered with an error
      "[...] the server MUST either process the stanza itself or route the stanza to a specialized
      service that is responsible for that subdomain (if the subdomain is configured), or return
      an error to the sender (if the subdomain is not configured)." The target serves no
      'conformance-nothing' subdomain; the bound is 20 seconds (a server may first try to reach
      it as a foreign domain).
      Given a client that negotiated up to "session"
      When the client sends the stanza:
        """
        <iq type='get' id='sub-1' to='conformance-nothing.{domain}'><ping xmlns='urn:xmpp:ping'/></iq>
        """
      Then the client receives a stanza error for "sub-1" within 20 seconds
