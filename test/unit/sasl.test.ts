// SASL mechanisms against the published vectors (RFC 5802 section 5, RFC 4616).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plain, scramSha1, b64, unb64 } from '../../support/peer/sasl.ts';

const NONCE = 'fyko+d2lbbFgONRv9qkxdawL';
const SERVER_FIRST = 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096';
const CLIENT_FINAL = 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=';
const SERVER_FINAL = 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=';

test('SCRAM-SHA-1: RFC 5802 section 5 vector', () => {
  const m = scramSha1('user', 'pencil', NONCE);
  assert.equal(m.name, 'SCRAM-SHA-1');
  assert.equal(m.initial(), `n,,n=user,r=${NONCE}`);
  assert.equal(m.respond(SERVER_FIRST), CLIENT_FINAL);
  assert.doesNotThrow(() => m.verifySuccess(SERVER_FINAL));
});

test('SCRAM-SHA-1: a wrong server signature throws', () => {
  const m = scramSha1('user', 'pencil', NONCE);
  m.respond(SERVER_FIRST);
  assert.throws(() => m.verifySuccess('v=AAAAAAAAAAAAAAAAAAAAAAAAAAA='), /signature/);
  assert.throws(() => m.verifySuccess('v=rmF9pqV8S7suAoZWja4dJRkFsKA='), /signature/);
});

test(
  'SCRAM-SHA-1: a server signature of the wrong length is reported as a wrong signature',
  () => {
    const m = scramSha1('user', 'pencil', NONCE);
    m.respond(SERVER_FIRST);
    assert.throws(() => m.verifySuccess('v=AAAA'), /signature is wrong/);
  },
);

test(
  'SCRAM-SHA-1: server-final sent as a last challenge (RFC 3920: no data with success) is verified',
  () => {
    const m = scramSha1('user', 'pencil', NONCE);
    m.respond(SERVER_FIRST);
    assert.equal(m.respond(SERVER_FINAL), '');
    const wrong = scramSha1('user', 'pencil', NONCE);
    wrong.respond(SERVER_FIRST);
    assert.throws(() => wrong.respond('v=AAAAAAAAAAAAAAAAAAAAAAAAAAA='), /signature/);
  },
);

test('SCRAM-SHA-1: a wrong password gives another proof and rejects the vector signature', () => {
  const m = scramSha1('user', 'pencil2', NONCE);
  assert.notEqual(m.respond(SERVER_FIRST), CLIENT_FINAL);
  assert.throws(() => m.verifySuccess(SERVER_FINAL));
});

test('SCRAM-SHA-1: unacceptable server-first messages throw', () => {
  assert.throws(() => scramSha1('user', 'pencil', NONCE).respond('r=otherNonce,s=QSXCR+Q6sek8bf92,i=4096'), /nonce/);
  assert.throws(() => scramSha1('user', 'pencil', NONCE).respond(`r=${NONCE}x,i=4096`), /lacks/);
});

test('SCRAM-SHA-1: user names are escaped (= and ,)', () => {
  assert.equal(scramSha1('a=b,c', 'p', 'n').initial(), 'n,,n=a=3Db=2Cc,r=n');
});

test('PLAIN: initial response bytes (RFC 4616)', () => {
  const m = plain('tim', 'tanstaaftanstaaf');
  assert.equal(m.name, 'PLAIN');
  assert.equal(m.initial(), '\0tim\0tanstaaftanstaaf');
  assert.deepEqual([...Buffer.from(m.initial()!, 'utf8')].slice(0, 5), [0, 0x74, 0x69, 0x6d, 0]);
  assert.equal(b64(m.initial()!), 'AHRpbQB0YW5zdGFhZnRhbnN0YWFm');
  assert.equal(plain('Ursel', 'kurt', 'Kurt').initial(), 'Kurt\0Ursel\0kurt');
});

test('b64/unb64: empty is "=", round trips', () => {
  assert.equal(b64(''), '=');
  assert.equal(unb64('='), '');
  assert.equal(unb64(' =\n'), '');
  assert.equal(unb64(b64('\0juliet\0r\u00f6m\u00e9o')), '\0juliet\0r\u00f6m\u00e9o');
  assert.equal(unb64(' cGVuY2ls\n'), 'pencil');
});
