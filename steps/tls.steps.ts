// STARTTLS vocabulary (RFC 3920 5): the offer, the request, the answer, the handshake, the
// restart. Each step parses its phrase and calls the peer (support/peer/starttls.ts) or a judge
// (support/verdict/tls.ts).
import { When, Then } from '../support/step.ts';
import type { XmppWorld } from '../support/world.ts';
import { NS } from '../support/wire/element.ts';
import { notApplicable } from '../support/hooks.ts';
import { sendStarttls, handshake, TLS_FATAL_ALERT } from '../support/peer/starttls.ts';
import {
  starttlsOffered, starttlsRequired, starttlsNotOfferedAgain, proceedOrFailure, proceeds, noWhitespaceDuringTls,
  handshakeCompletes, noPlaintextAfterProceed, noXmlBeforeHandshakeEnd, newHeaderAndFeatures, differentStreamId,
  failureThenClose, closesWithoutTls, securedOwnConnection, handshakeRightAfterProceed, starttlsNotOfferedAgainToPeer,
} from '../support/verdict/tls.ts';

Then('the stream features offer STARTTLS', function (this: XmppWorld) { starttlsOffered(this); });

Then('the STARTTLS feature carries <required\\/>', function (this: XmppWorld) { starttlsRequired(this); });

Then('the stream features do not offer STARTTLS', function (this: XmppWorld) { starttlsNotOfferedAgain(this); });

Then("the target's stream features after TLS do not offer the peer STARTTLS", function (this: XmppWorld) { return starttlsNotOfferedAgainToPeer(this); });

/** Where the target offers no STARTTLS, 5.1 rule 3 decides that; the scenarios that use STARTTLS do not apply. */
function notOffered(world: XmppWorld): string | undefined {
  const f = world.client().features;
  if (f?.child('starttls', NS.tls)) return undefined;
  return `the target offers no STARTTLS on this stream (features: ${f?.elements().map((e) => `<${e.local}>`).join(' ') || 'none'}); the offer itself is decided by the 5.1 rule 3 scenario`;
}

When('the client requests STARTTLS', function (this: XmppWorld) {
  const why = notOffered(this);
  if (why) return notApplicable(this, why);
  sendStarttls(this.client());
  return undefined;
});

When('the client requests STARTTLS again on the TLS stream', function (this: XmppWorld) {
  if (!this.client().stream.tls) return notApplicable(this, 'the stream does not run over TLS (the target offered no STARTTLS, or tls.policy is none)');
  sendStarttls(this.client());
  return undefined;
});

When('the client requests STARTTLS with:', function (this: XmppWorld, bytes: string) {
  const why = notOffered(this);
  if (why) return notApplicable(this, why);
  this.client().stream.sendRaw(this.render(bytes));
  return undefined;
});

Then('the server answers with <proceed\\/> or <failure\\/>', function (this: XmppWorld) { return proceedOrFailure(this); });

Then('the server answers with <proceed\\/>', function (this: XmppWorld) { return proceeds(this); });

Then('the server sent no white space between elements since the stream header', function (this: XmppWorld) { noWhitespaceDuringTls(this); });

When('the client starts the TLS handshake', async function (this: XmppWorld) {
  try {
    const info = await handshake(this.client(), this.cfg);
    this.state.tlsInfo = info;
  } catch (e) {
    this.state.tlsError = (e as Error).message;
  }
});

Then('the TLS handshake completes', function (this: XmppWorld) { handshakeCompletes(this); });

Then('no plaintext byte followed <proceed\\/>', function (this: XmppWorld) { noPlaintextAfterProceed(this); });

Then('the server sent no XML between <proceed\\/> and the end of the handshake', function (this: XmppWorld) { noXmlBeforeHandshakeEnd(this); });

When('the client sends bytes that are not TLS instead of the handshake', function (this: XmppWorld) {
  const bytes = Buffer.from('this is not a TLS ClientHello\r\n\r\n'.repeat(4));
  this.client().stream.sendBytes(bytes, `sent ${bytes.length} bytes: plaintext that is not a TLS record`);
});

When('the client sends a fatal TLS alert instead of the handshake', function (this: XmppWorld) {
  this.client().stream.sendBytes(TLS_FATAL_ALERT, `sent ${TLS_FATAL_ALERT.length} bytes: a TLS record holding a fatal handshake_failure alert`);
});

/**
 * RFC 3920 5.2 step 7 / 6.2 step 3: the new stream header is sent without '</stream:stream>'
 * first. The old stream is considered closed by both sides: the target must answer the new
 * header, and must not close the old stream itself.
 */
When('the client opens a new stream without closing the old one', function (this: XmppWorld) {
  const c = this.client();
  c.stream.restart();
  c.stream.openStream({ to: this.cfg.domain });
});

Then('the server answers with a new stream header and stream features', function (this: XmppWorld) { return newHeaderAndFeatures(this); });

Then('the new stream carries an id different from the previous stream', function (this: XmppWorld) { differentStreamId(this); });

Then('a <failure\\/> to STARTTLS is followed by <\\/stream:stream> and the TCP connection closing', function (this: XmppWorld) { return failureThenClose(this); });

Then('the server closes the TCP connection without completing TLS', function (this: XmppWorld) { return closesWithoutTls(this); });

Then('the target secured its own connection to the peer with TLS before dialback', function (this: XmppWorld) { return securedOwnConnection(this); });

Then("the target starts the TLS handshake right after the peer's <proceed\\/>", function (this: XmppWorld) { return handshakeRightAfterProceed(this); });
