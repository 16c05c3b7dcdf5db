Feature: 4.2 Binding to TCP
  Changed in -23: client-to-server connections carry both directions on one TCP connection.

  @req:core-4.2-1 @MUST @c2s @changed-in-23
  Scenario: a client's IQ is answered over the same TCP connection
    "In the context of client-to-server communications, a server MUST allow a client to share
    a single TCP connection for XML stanzas sent from client to server and from server to
    client."
    Given a client that negotiated up to "session"
    When the client sends an IQ ping to the server
    Then the client receives the IQ answer on the same TCP connection

  @req:core-4.2-1 @MUST @c2s @changed-in-23
  Scenario: a message to the client's own full JID comes back over the same TCP connection
    "In the context of client-to-server communications, a server MUST allow a client to share
    a single TCP connection for XML stanzas sent from client to server and from server to
    client."
    Given a client that negotiated up to "session"
    When the client sends a message to its own full JID
    Then the client receives the message on the same TCP connection
