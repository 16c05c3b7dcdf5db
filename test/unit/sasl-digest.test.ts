// DIGEST-MD5 against the RFC 2831 section 4 example (IMAP, user chris, password secret).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestMd5, parseDigestChallenge } from '../../support/peer/sasl.ts';

const CHALLENGE = 'realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8';
const mech = () => digestMd5('chris', 'secret', { service: 'imap', host: 'elwood.innosoft.com', cnonce: 'OA6MHXh6VqTrRk' });

test('DIGEST-MD5: RFC 2831 section 4 response', () => {
  const m = mech();
  assert.equal(m.name, 'DIGEST-MD5');
  assert.equal(m.initial(), undefined);
  const r = parseDigestChallenge(m.respond(CHALLENGE));
  assert.equal(r.response?.[0], 'd388dad90d4bbd760a152321f2143af7');
  assert.equal(r.username?.[0], 'chris');
  assert.equal(r.realm?.[0], 'elwood.innosoft.com');
  assert.equal(r.nonce?.[0], 'OA6MG9tEQGm2hh');
  assert.equal(r.cnonce?.[0], 'OA6MHXh6VqTrRk');
  assert.equal(r.nc?.[0], '00000001');
  assert.equal(r.qop?.[0], 'auth');
  assert.equal(r['digest-uri']?.[0], 'imap/elwood.innosoft.com');
  assert.equal(r.charset?.[0], 'utf-8');
});

test('DIGEST-MD5: RFC 2831 section 4 rspauth is verified (second challenge and success data)', () => {
  const m = mech();
  m.respond(CHALLENGE);
  assert.equal(m.respond('rspauth=ea40f60335c427b5527b84dbabcdfffd'), '');
  assert.doesNotThrow(() => m.verifySuccess(''));
  const m2 = mech();
  m2.respond(CHALLENGE);
  assert.doesNotThrow(() => m2.verifySuccess('rspauth=ea40f60335c427b5527b84dbabcdfffd'));
});

test('DIGEST-MD5: a wrong rspauth throws, and so does success without one', () => {
  const m = mech();
  m.respond(CHALLENGE);
  assert.throws(() => m.respond('rspauth=00000000000000000000000000000000'), /rspauth is wrong/);
  const m2 = mech();
  m2.respond(CHALLENGE);
  assert.throws(() => m2.verifySuccess(''), /without rspauth/);
});

test('DIGEST-MD5: a challenge without nonce, without md5-sess or without qop=auth is refused', () => {
  assert.throws(() => mech().respond('realm="x",qop="auth",algorithm=md5-sess'), /no nonce/);
  assert.throws(() => mech().respond('nonce="n",qop="auth"'), /md5-sess/);
  assert.throws(() => mech().respond('nonce="n",qop="auth-conf",algorithm=md5-sess'), /qop=auth/);
});

test('DIGEST-MD5: quoted values may hold commas and escapes', () => {
  const c = parseDigestChallenge('realm="a,b",nonce="x\\"y",qop="auth,auth-int",algorithm=md5-sess');
  assert.deepEqual(c.realm, ['a,b']);
  assert.deepEqual(c.nonce, ['x"y']);
  assert.deepEqual(c.qop, ['auth,auth-int']);
});
