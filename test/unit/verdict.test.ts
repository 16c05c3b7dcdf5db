// The verdict layer (support/verdict/): graded alternatives, and failures that name every
// accepted outcome, what arrived and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectOneOf, violated } from '../../support/verdict/judge.ts';
import { stanzaError } from '../../support/verdict/stanza-error.ts';
import { parseFragment } from '../../support/wire/reader.ts';
import { differences } from '../../support/verdict/shape.ts';
import { definedCondition } from '../../support/verdict/stream-error.ts';
import { ExpectationFailed } from '../../support/errors.ts';

const thrown = (f: () => unknown): ExpectationFailed => {
  try {
    f();
  } catch (e) {
    if (e instanceof ExpectationFailed) return e;
    throw e;
  }
  throw new Error('no verdict was thrown');
};

test('expectOneOf names the alternative that happened', () => {
  const alternatives = [
    { outcome: 'refused with <not-authorized/>', holds: (c: string) => c === 'not-authorized' },
    { outcome: 'refused with <policy-violation/>', holds: (c: string) => c === 'policy-violation' },
  ];
  assert.equal(expectOneOf('policy-violation', alternatives, { summary: 'x', actual: 'x' }), 'refused with <policy-violation/>');
});

test('a miss lists every accepted outcome, what arrived and where', () => {
  const e = thrown(() =>
    expectOneOf('conflict', [
      { outcome: 'refused with <not-authorized/>', holds: (c: string) => c === 'not-authorized' },
      { outcome: 'refused with <policy-violation/>', holds: (c: string) => c === 'policy-violation' },
    ], { summary: 'the target refused with another condition', actual: '<conflict/>', where: 'client.xmpp.txt, up to transcript entry 7' }),
  );
  assert.match(e.message, /the target refused with another condition\nExpected, any one of:\n  - refused with <not-authorized\/>\n  - refused with <policy-violation\/>\nActual: <conflict\/>\nWhere: client.xmpp.txt, up to transcript entry 7/);
});

test('a single accepted outcome reads "Expected:"', () => {
  const e = thrown(() => violated({ summary: 's', accepted: ['a stream error'], actual: 'nothing' }));
  assert.match(e.message, /^s\nExpected: a stream error\nActual: nothing$/m);
});

test('stanzaError: the condition outside the stanzas namespace is named, with the accepted outcomes', () => {
  const iq = parseFragment("<iq type='error' id='1'><error type='cancel'><item-not-found xmlns='urn:example'/></error></iq>");
  const e = thrown(() => stanzaError(iq, 'iq', ['item-not-found', 'service-unavailable'], 'c.xmpp.txt, up to transcript entry 3'));
  assert.match(e.message, /not urn:ietf:params:xml:ns:xmpp-stanzas/);
  assert.match(e.message, /  - a <iq type='error'\/> with <item-not-found\/>\n  - a <iq type='error'\/> with <service-unavailable\/>/);
  assert.match(e.message, /Where: c.xmpp.txt/);
});

test('stanzaError: a well-formed error stanza gives its type and condition', () => {
  const m = parseFragment("<message type='error'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
  const r = stanzaError(m, 'message', null);
  assert.equal(r.type, 'cancel');
  assert.equal(r.condition, 'service-unavailable');
});

test('expected shape: listed attributes and children compared, extras tolerated', () => {
  const want = parseFragment("<message id='m' xml:lang='fr'><body>hi</body></message>");
  assert.deepEqual(differences(parseFragment("<message id='m' xml:lang='fr' from='a@b'><body>hi</body><x xmlns='u'/></message>"), want), []);
  assert.equal(differences(parseFragment("<message id='m'><body>hi</body></message>"), want).length, 1);
});

test('4.7.2-3: any defined condition passes and says whether it fits; undefined, later or unqualified names fail', () => {
  const err = (inner: string) => parseFragment(`<stream:error xmlns:stream='http://etherx.jabber.org/streams'>${inner}</stream:error>`);
  const S = "xmlns='urn:ietf:params:xml:ns:xmpp-streams'";
  assert.match(definedCondition(err(`<bad-namespace-prefix ${S}/>`), ['bad-namespace-prefix', 'bad-format']), /whose definition fits/);
  assert.match(definedCondition(err(`<invalid-xml ${S}/>`), ['bad-namespace-prefix', 'bad-format']), /a defined condition \(the definition that fits/);
  assert.throws(() => definedCondition(err(`<not-well-formed ${S}/>`), ['xml-not-well-formed']), (e: unknown) => e instanceof ExpectationFailed && /RFC 6120/.test(e.message));
  assert.throws(() => definedCondition(err(`<bad-stream ${S}/>`), ['bad-format']), ExpectationFailed);
  assert.throws(() => definedCondition(err("<invalid-xml xmlns='urn:example:wrong'/>"), ['invalid-xml']), (e: unknown) => e instanceof ExpectationFailed && /not qualified/.test(e.message));
});
