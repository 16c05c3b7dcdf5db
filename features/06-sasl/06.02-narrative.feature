Feature: 6.2 Narrative
  The SASL steps of RFC 3920 6.2 as the receiving entity takes them: which mechanisms it offers
  before TLS, the challenges it computes, how it fails (the conditions of 6.4), how many retries
  it allows, and the new stream after `<success/>`.

  Rule: 6.2 step 2: mechanisms that need TLS are not offered before it

    @req:core-6.2-1 @MUST_NOT @c2s @tls-required
    Scenario: a server that requires TLS offers no SASL mechanism before TLS
      "If Use of TLS (Section 5) needs to be established before a particular authentication
      mechanism may be used, the receiving entity MUST NOT provide that mechanism in the list of
      available SASL authentication mechanisms prior to TLS negotiation." A target that requires
      TLS needs it before every mechanism.
      Given a client that negotiated up to "features"
      Then the stream features offer no SASL mechanism

    @req:core-6.2-1 @MUST_NOT @c2s @tls-required
    Scenario: SASL PLAIN before TLS is not accepted by a server that requires TLS
      The same sentence from the other side: a mechanism used before TLS on a target that needs
      TLS first does not authenticate the client. Any refusal passes (`<failure/>` with any
      condition, a stream error, closing); only `<success/>` fails.
      Given a client that negotiated up to "features"
      When the client sends SASL PLAIN with its credentials before TLS
      Then the server does not authenticate the client

    @req:core-6.2-1 @MUST_NOT @c2s @tls-optional
    Scenario: every mechanism offered before TLS can be used before TLS
      The same sentence where TLS is optional: a mechanism offered before TLS must not be one that
      needs TLS, so each one the suite speaks authenticates the account before TLS.
      Given a client that negotiated up to "features"
      When the client authenticates before TLS with every offered mechanism the suite speaks
      Then each of them succeeds

  Rule: 6.2 step 4: challenges are computed as the mechanism defines

    @req:core-6.2-4 @MUST @c2s
    Scenario: SCRAM-SHA-1 challenges are computed as RFC 5802 defines
      "... this element MAY contain XML character data (which MUST be computed in accordance with
      the definition of the SASL mechanism chosen by the initiating entity)." The server-first
      message must extend the client's nonce and carry salt and iteration count; the server
      signature must verify.
      Given a client that negotiated up to "tls"
      When the client authenticates with SCRAM-SHA-1
      Then the server's challenges and success data are computed as the mechanism defines

    @req:core-6.2-4 @MUST @c2s
    Scenario: DIGEST-MD5 challenges are computed as RFC 2831 defines
      The same sentence for DIGEST-MD5 (qop=auth): one nonce, algorithm=md5-sess, and an rspauth
      that verifies. Not applicable where the target does not offer DIGEST-MD5.
      Given a client that negotiated up to "tls"
      When the client authenticates with DIGEST-MD5
      Then the server's challenges and success data are computed as the mechanism defines

  Rule: 6.2 step 6 item 1: <abort/> and retries

    @req:core-6.2-6 @SHOULD @c2s
    Scenario: an aborted exchange may be retried at least twice on the same connection
      "Upon receiving an `<abort/>` element, the receiving entity SHOULD allow a configurable but
      reasonable number of retries (at least 2) ..." Each abort is acknowledged with `<aborted/>`
      (6.4), and a third exchange still succeeds.
      Reading: "Reasonable" is the suite's bound, sasl.retries in the config (default 10): the target must have closed the TCP connection within that many failed or aborted attempts on one connection, and must allow at least the two retries the text names.
      Given a client that negotiated up to "tls"
      When the client aborts a SASL exchange 2 times in a row
      Then every attempt is answered with <failure/> holding <aborted/>
      And the client can still authenticate on the same connection

    @req:core-6.2-6 @MUST @c2s
    Scenario: aborting again and again ends with the TCP connection closed
      "... after which it MUST terminate the TCP connection". The number is the config's
      sasl.retries (default 10, a generous bound: RFC 6120 later capped it at 5); the verdict names it.
      Reading: "Reasonable" is the suite's bound, sasl.retries in the config (default 10): the target must have closed the TCP connection within that many failed or aborted attempts on one connection, and must allow at least the two retries the text names.
      Given a client that negotiated up to "tls"
      When the client aborts a SASL exchange as many times in a row as the configured retry count
      Then the server closes the TCP connection within those attempts

  Rule: 6.2 step 6 item 2: failures carry their cause, and retries

    @req:core-6.2-7 @SHOULD @c2s
    Scenario: a wrong password is reported with <not-authorized/>
      "The receiving entity reports failure of the handshake by sending a `<failure/>` element ...
      (the particular cause of failure SHOULD be communicated in an appropriate child element of
      the `<failure/>` element as defined under SASL Errors (Section 6.4))." 6.4: `<not-authorized/>`,
      "the authentication failed because the initiating entity provided invalid credentials".
      Given a client that negotiated up to "tls"
      When the client authenticates with PLAIN and a wrong password
      Then the SASL exchange fails with <not-authorized/>

    @req:core-6.2-7 @SHOULD @c2s
    Scenario: an unknown mechanism is reported with <invalid-mechanism/>
      The same sentence; 6.4: `<invalid-mechanism/>`, "the initiating entity did not provide a
      mechanism or requested a mechanism that is not supported by the receiving entity".
      Given a client that negotiated up to "tls"
      When the client sends:
        """
        <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X-CONFORMANCE-UNKNOWN'/>
        """
      Then the server answers the SASL request with <failure/> holding <invalid-mechanism/>

    @req:core-6.2-7 @SHOULD @c2s
    Scenario: data that is not base64 is reported with <incorrect-encoding/>
      The same sentence; 6.1 rule 5 wants base64, and 6.4: `<incorrect-encoding/>`, "the data
      provided by the initiating entity could not be processed because the [BASE64] encoding is
      incorrect".
      Given a client that negotiated up to "tls"
      When the client sends:
        """
        <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>*** not base64 ***</auth>
        """
      Then the server answers the SASL request with <failure/> holding <incorrect-encoding/>

    @req:core-6.2-7 @SHOULD @c2s
    Scenario: an authorization identity the account may not use is reported with <invalid-authzid/>
      The same sentence; 6.4: `<invalid-authzid/>`, "the authzid provided by the initiating entity
      is invalid, either because it is incorrectly formatted or because the initiating entity
      does not have permissions to authorize that ID". The client authenticates as its own account
      and asks to act as the other test account (6.1 rule 7: an authzid of the form node@domain).
      Given a recipient bound to the target
      And a client that negotiated up to "tls"
      When the client authenticates with PLAIN and the authorization identity "{recipient-bare}"
      Then the SASL exchange fails with <invalid-authzid/>

    @req:core-6.2-7 @SHOULD @c2s
    Scenario: an authorization identity that is not of the form node@domain is reported with <invalid-authzid/>
      The same sentence; 6.1 rule 7: "If provided, the value of the authorization identity MUST be
      of the form `<domain>` ... for servers and of the form `<node@domain>` ... for clients", and
      6.4: `<invalid-authzid/>` covers an authzid that "is incorrectly formatted". The client asks
      to act as the bare server domain.
      Given a client that negotiated up to "tls"
      When the client authenticates with PLAIN and the authorization identity "{domain}"
      Then the SASL exchange fails with <invalid-authzid/>

    @req:core-6.2-7 @SHOULD @s2s
    Scenario: an unknown mechanism from a peer server is reported with <invalid-mechanism/>
      The same sentence between servers: after TLS with its certificate, the peer asks for a
      mechanism no server offers. Not applicable where the target offers the peer no SASL at all.
      Given the peer has a certificate from the CA the target trusts
      When the peer opens a stream to the target's s2s port and presents its certificate on TLS
      And the peer requests SASL from the target with:
        """
        <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X-CONFORMANCE-UNKNOWN'/>
        """
      Then the target answers the peer's SASL request with <failure/> holding <invalid-mechanism/>

    @req:core-6.2-7 @SHOULD @s2s
    Scenario: an authorization identity the peer's certificate does not cover is reported with <invalid-authzid/>
      The same sentence between servers; 6.4: `<invalid-authzid/>`, "the authzid provided by the
      initiating entity is invalid, either because it is incorrectly formatted or because the
      initiating entity does not have permissions to authorize that ID". The peer's certificate
      names its own domains; it asks EXTERNAL for 'no-such-host.invalid' (base64). Not applicable
      where the target offers the peer no SASL at all. An answer of `<success/>` does not report
      the failure, as for a client's authzid above; a reading under which a server that ignores the
      authzid and authorizes the authenticated identity has no failure to report would pass one
      that answers `<success/>` (ejabberd 23.01 does, taking the peer as the 'from' of its header).
      Given the peer has a certificate from the CA the target trusts
      When the peer opens a stream to the target's s2s port and presents its certificate on TLS
      And the peer requests SASL from the target with:
        """
        <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>bm8tc3VjaC1ob3N0LmludmFsaWQ=</auth>
        """
      Then the target answers the peer's SASL request with <failure/> holding <invalid-authzid/>

    @req:core-6.2-7 @SHOULD @s2s
    Scenario: SASL EXTERNAL with a certificate that is self-signed is refused with its cause
      The same sentence between servers: a certificate the target cannot validate is EXTERNAL's
      wrong password. The peer presents one (signed by its own key, no CA), then asks for EXTERNAL whether or
      not the target offered it: `<failure/>` with `<not-authorized/>` passes, or with
      `<invalid-mechanism/>` where EXTERNAL was not offered; what the target offered that
      certificate (EXTERNAL, dialback) is recorded. Not applicable where the target offered no
      SASL and ended the stream on the request, or left it unanswered.
      Given the peer has a certificate from the CA the target trusts
      When the peer opens a stream to the target's s2s port and presents a certificate that is self-signed on TLS
      Then the target refuses SASL EXTERNAL for a certificate that is self-signed, with the cause

    @req:core-6.2-7 @SHOULD @s2s
    Scenario: SASL EXTERNAL with a certificate that is expired is refused with its cause
      The same, with a certificate issued by the CA the target trusts, valid only in 2020.
      Given the peer has a certificate from the CA the target trusts
      When the peer opens a stream to the target's s2s port and presents a certificate that is expired on TLS
      Then the target refuses SASL EXTERNAL for a certificate that is expired, with the cause

    @req:core-6.2-7 @SHOULD @s2s
    Scenario: SASL EXTERNAL with a certificate that is for another domain is refused with its cause
      The same, with a certificate issued by the CA the target trusts, for another-domain.invalid only.
      Given the peer has a certificate from the CA the target trusts
      When the peer opens a stream to the target's s2s port and presents a certificate that is for another domain on TLS
      Then the target refuses SASL EXTERNAL for a certificate that is for another domain, with the cause

    @req:core-6.2-7 @SHOULD @s2s
    Scenario: SASL EXTERNAL with a certificate that is from a CA the target does not trust is refused with its cause
      The same, with a certificate for the peer's domains, issued by another CA.
      Given the peer has a certificate from the CA the target trusts
      When the peer opens a stream to the target's s2s port and presents a certificate that is from a CA the target does not trust on TLS
      Then the target refuses SASL EXTERNAL for a certificate that is from a CA the target does not trust, with the cause

    @req:core-6.2-8 @SHOULD @c2s
    Scenario: a wrong password may be retried at least twice on the same connection
      "If the failure case occurs, the receiving entity SHOULD allow a configurable but reasonable
      number of retries (at least 2) ..."
      Reading: "Reasonable" is the suite's bound, sasl.retries in the config (default 10): the target must have closed the TCP connection within that many failed or aborted attempts on one connection, and must allow at least the two retries the text names.
      Given a client that negotiated up to "tls"
      When the client fails SASL 2 times in a row with a wrong password
      Then every attempt is answered with <failure/> holding <not-authorized/>
      And the client can still authenticate on the same connection

    @req:core-6.2-8 @MUST @c2s
    Scenario: failing again and again ends with the TCP connection closed
      "... after which it MUST terminate the TCP connection". The number is the config's
      sasl.retries (default 10, a generous bound: RFC 6120 later capped it at 5); the verdict names it.
      Reading: "Reasonable" is the suite's bound, sasl.retries in the config (default 10): the target must have closed the TCP connection within that many failed or aborted attempts on one connection, and must allow at least the two retries the text names.
      Given a client that negotiated up to "tls"
      When the client fails SASL as many times in a row as the configured retry count, with a wrong password
      Then the server closes the TCP connection within those attempts

  Rule: 6.2 step 6 item 3: the new stream after <success/>

    @req:core-6.2-10 @MUST @c2s
    Scenario: after SASL success the target takes a new stream header without a closing tag first
      "Upon receiving the `<success/>` element, the initiating entity MUST initiate a new stream by
      sending an opening XML stream header to the receiving entity (it is not necessary to send a
      closing `</stream>` tag first, since the receiving entity and initiating entity MUST consider
      the original stream to be closed upon sending or receiving the `<success/>` element)."
      Given a client that negotiated up to "tls"
      When the client authenticates with PLAIN
      And the SASL exchange succeeds
      And the client opens a new stream without closing the old one
      Then the server answers with a new stream header and stream features

    @req:core-6.2-11 @MUST @c2s
    Scenario: after SASL PLAIN the new stream offers neither STARTTLS nor SASL
      "Upon receiving the new stream header from the initiating entity, the receiving entity MUST
      respond by sending a new XML stream header to the initiating entity, along with any
      available features (but not including the STARTTLS and SASL features) or an empty
      `<features/>` element".
      Given a client that negotiated up to "tls"
      When the client authenticates with PLAIN
      And the SASL exchange succeeds
      And the client opens a new stream without closing the old one
      Then the server answers with a new stream header and stream features
      And the stream features offer neither STARTTLS nor SASL

    @req:core-6.2-11 @MUST @c2s
    Scenario: after SASL SCRAM-SHA-1 the new stream offers neither STARTTLS nor SASL
      The same sentence, after SCRAM-SHA-1.
      Given a client that negotiated up to "tls"
      When the client authenticates with SCRAM-SHA-1
      And the SASL exchange succeeds
      And the client opens a new stream without closing the old one
      Then the server answers with a new stream header and stream features
      And the stream features offer neither STARTTLS nor SASL

    @req:core-6.2-11 @MUST @c2s
    Scenario: after SASL DIGEST-MD5 the new stream offers neither STARTTLS nor SASL
      The same sentence, after DIGEST-MD5. Not applicable where the target does not offer it.
      Given a client that negotiated up to "tls"
      When the client authenticates with DIGEST-MD5
      And the SASL exchange succeeds
      And the client opens a new stream without closing the old one
      Then the server answers with a new stream header and stream features
      And the stream features offer neither STARTTLS nor SASL

    @req:core-6.2-11 @MUST @c2s
    Scenario: the stream after SASL carries a new stream id
      "... the receiving entity MUST respond by sending a new XML stream header": a new stream,
      whose id (4.4) is unique, so it differs from the id of the stream before `<success/>`.
      Given a client that negotiated up to "tls"
      When the client authenticates with SCRAM-SHA-1
      And the SASL exchange succeeds
      And the client opens a new stream without closing the old one
      Then the server answers with a new stream header and stream features
      And the new stream carries an id different from the previous stream

  Rule: 6.2 step 2: EXTERNAL for a peer with a valid certificate

    @req:core-6.2-2 @SHOULD @s2s
    Scenario: the target offers SASL EXTERNAL to a peer server that presented a valid certificate
      "If the initiating entity presents a valid certificate during prior TLS negotiation, the
      receiving entity SHOULD offer the SASL EXTERNAL mechanism to the initiating entity during
      SASL negotiation". The peer presents a certificate for its domain from the CA the target
      trusts (peer.pki) on its connection to the target's s2s port.
      Reading: a target that offers no SASL mechanism at all to a peer server after TLS negotiates
      no SASL between servers (section 8 gives it dialback) and is not applicable; one that offers
      mechanisms but not EXTERNAL to a peer whose valid certificate names its domain fails.
      Given the peer has a certificate from the CA the target trusts
      When the peer opens a stream to the target's s2s port and presents its certificate on TLS
      Then the target offers SASL EXTERNAL to the peer

  Rule: 6.2 step 7 between servers: the new stream after EXTERNAL

    @req:core-6.2-11 @MUST @s2s
    Scenario: after SASL EXTERNAL the target's new stream offers the peer neither STARTTLS nor SASL
      The sentence of 6.2 step 7 ("... along with any available features (but not including the
      STARTTLS and SASL features) or an empty `<features/>` element"), between servers: the peer
      presents its certificate on TLS, authenticates with EXTERNAL ("=", no authorization
      identity) and opens the new stream. Not applicable where the target offers no EXTERNAL.
      Given the peer has a certificate from the CA the target trusts
      When the peer opens a stream to the target's s2s port and presents its certificate on TLS
      And the peer authenticates with SASL EXTERNAL without an authorization identity
      Then the target's stream features after SASL offer the peer neither STARTTLS nor SASL

    @req:core-6.2-10 @MUST @s2s
    Scenario: after the peer's <success/> the target opens a new stream on its own connection
      "Upon receiving the `<success/>` element, the initiating entity MUST initiate a new stream
      by sending an opening XML stream header to the receiving entity". The target is the
      initiating entity on its own connection to the peer's listener, which grants it SASL
      EXTERNAL: its first data after `<success/>` must be a new stream header. Not applicable
      where the target negotiates no SASL there.
      Given the peer's listener offers SASL EXTERNAL after TLS, with a certificate from the CA the target trusts
      And a client that negotiated up to "session"
      When the client sends a message to "someone@{peer-domain}"
      Then the target opens a new stream after the peer's <success/> on its own connection
