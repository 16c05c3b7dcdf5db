// Redaction holds for every mechanism the suite speaks: a whole DIGEST-MD5 and a whole SCRAM-SHA-1
// exchange, written through a Transcript in small chunks, never show a payload (base64 or decoded)
// in the rendered transcript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transcript } from '../../support/wire/transcript.ts';
import { digestMd5, scramSha1, b64, type Mechanism } from '../../support/peer/sasl.ts';

const SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

/** Plays an exchange through a transcript, cut into 7-character chunks; returns the rendering and every payload. */
function play(mech: Mechanism, serverMessages: string[], successData: string): { rendered: string; payloads: string[] } {
  const t = new Transcript('client-1', ['secret']);
  const payloads: string[] = [];
  const send = (dir: 'sent' | 'recv', xml: string) => {
    for (let i = 0; i < xml.length; i += 7) t.record(dir, xml.slice(i, i + 7));
  };
  const initial = mech.initial();
  if (initial !== undefined) payloads.push(initial, b64(initial));
  send('sent', `<auth xmlns='${SASL}' mechanism='${mech.name}'>${initial === undefined ? '' : b64(initial)}</auth>`);
  for (const challenge of serverMessages) {
    payloads.push(challenge, b64(challenge));
    send('recv', `<challenge xmlns='${SASL}'>${b64(challenge)}</challenge>`);
    const answer = mech.respond(challenge);
    if (answer) payloads.push(answer, b64(answer));
    send('sent', `<response xmlns='${SASL}'>${b64(answer)}</response>`);
  }
  payloads.push(successData, b64(successData));
  send('recv', `<success xmlns='${SASL}'>${b64(successData)}</success>`);
  t.end();
  return { rendered: t.render(), payloads: payloads.filter((p) => p.length >= 4) };
}

function assertNoPayload(rendered: string, payloads: string[]): void {
  for (const p of payloads) {
    assert.ok(!rendered.includes(p), `payload ${JSON.stringify(p.slice(0, 40))} appears in the transcript`);
    // the names of the XML elements themselves are not payload
    const names = new Set(['response', 'challenge', 'success', 'DIGEST-MD5', 'SCRAM-SHA-1', 'digest-uri', 'algorithm']);
    for (const piece of p.split(/[,=:"]/).filter((x) => x.length >= 8 && !names.has(x))) {
      assert.ok(!rendered.includes(piece), `a piece of a payload (${piece}) appears in the transcript`);
    }
  }
  assert.ok(!rendered.includes('secret'));
  assert.match(rendered, /\[redacted\]/);
}

test('a DIGEST-MD5 exchange never shows a payload in the rendered transcript', () => {
  const m = digestMd5('chris', 'secret', { service: 'imap', host: 'elwood.innosoft.com', cnonce: 'OA6MHXh6VqTrRk' });
  const { rendered, payloads } = play(
    m,
    ['realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8', 'rspauth=ea40f60335c427b5527b84dbabcdfffd'],
    '',
  );
  assert.ok(payloads.some((p) => p.includes('d388dad90d4bbd760a152321f2143af7')));
  assertNoPayload(rendered, payloads);
  assert.ok(!rendered.includes('d388dad90d4bbd760a152321f2143af7'));
  assert.ok(!rendered.includes('ea40f60335c427b5527b84dbabcdfffd'));
});

test('a SCRAM-SHA-1 exchange never shows a payload in the rendered transcript', () => {
  const nonce = 'fyko+d2lbbFgONRv9qkxdawL';
  const m = scramSha1('user', 'pencil', nonce);
  const { rendered, payloads } = play(m, ['r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096'], 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=');
  assertNoPayload(rendered, payloads);
  assert.ok(!rendered.includes('v0X8v3Bz2T0CJGbJQyF0X+HI4Ts='));
  assert.ok(!rendered.includes(nonce));
});
