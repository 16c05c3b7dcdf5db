// The checks of support/peer/observe.ts over what a target writes (RFC 3920 4.4, 11.1, 11.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterPattern, declarationPlacement, differences, entityReferences, estimatedBits, parseFragment, unescaped, versionReading } from '../../support/peer/observe.ts';
import { definedCondition } from '../../support/verdict/stream-error.ts';
import { ExpectationFailed } from '../../support/errors.ts';

test('stream ids: a counter is caught, random ids are not', () => {
  assert.ok(counterPattern(['conf-1', 'conf-2', 'conf-3', 'conf-4']));
  assert.ok(counterPattern(['17000000001', '17000000005', '17000000009']));
  assert.equal(counterPattern(['5e0a19c3-4590-4447', '2cc8d076-a12e-41f7', '21685bad-bad7-448a']), undefined);
  assert.equal(counterPattern(['a', 'b']), undefined);
});

test('stream ids: estimated bits', () => {
  assert.equal(estimatedBits(['1a2b', 'f00d', '3c4e']), 16);
  assert.ok(estimatedBits(['5e0a19c3-4590-4447-8601-4620099de36a', '2cc8d076-a12e-41f7-95b5-6b99ab1f5a52']) > 100);
});

test('escaping: XML rule and the literal reading', () => {
  const ok = "<message><body>1 &lt; 2 &amp; 3 &gt; 2 &apos;q&apos;</body><x v='a&quot;b'/></message>";
  assert.deepEqual(unescaped(ok, true), []);
  assert.equal(unescaped('<body>3 > 2</body>', false).length, 0);
  assert.equal(unescaped('<body>3 > 2</body>', true).length, 1);
  assert.equal(unescaped("<x v='a\"b'/>", true).length, 1);
  assert.equal(unescaped('<body>fish & chips</body>', false).length, 1);
});

test('entity references in output', () => {
  assert.deepEqual(entityReferences('a &amp; &lt; &foo; &#65;'), ['&foo;']);
});

test('text declarations: one before every header, none elsewhere', () => {
  const text =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><stream:features/><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" +
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><c:iq xmlns:c='jabber:client'/>";
  assert.deepEqual(declarationPlacement(text), { misplaced: [], headersWithout: 0, headers: 2 });
  assert.equal(declarationPlacement("<stream:stream><?xml version='1.0'?><stream:features/>").misplaced.length, 1);
});

test('expected shape: listed attributes and children compared, extras tolerated', () => {
  const want = parseFragment("<message id='m' xml:lang='fr'><body>hi</body></message>");
  assert.deepEqual(differences(parseFragment("<message id='m' xml:lang='fr' from='a@b'><body>hi</body><x xmlns='u'/></message>"), want), []);
  assert.equal(differences(parseFragment("<message id='m'><body>hi</body></message>"), want).length, 1);
});

test('4.4.1-1: only an echoed version shows how the minor number was read', () => {
  assert.equal(versionReading('0.10', '0.10').reading, 'integer');
  assert.equal(versionReading('0.10', '0.1').reading, 'decimal');
  assert.equal(versionReading('0.10', '1.0').reading, 'cannot-tell');
  assert.equal(versionReading('0.10', undefined).reading, 'cannot-tell');
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
