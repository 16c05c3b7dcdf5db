// The scanners of support/wire/scan.ts over what a target writes (RFC 3920 11.1, 11.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declarationPlacement, entityReferences, unescaped } from '../../support/wire/scan.ts';

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

test('stanzaIds: the kind and id of each stanza in bytes about to be sent, malformed or not', async () => {
  const { stanzaIds } = await import('../../support/wire/scan.ts');
  assert.deepEqual(stanzaIds("<message to='a' id='m-1'><body>x</body></message><iq type='get' id='i1'/><presence id='p'><unclosed>"), [
    { kind: 'message', id: 'm-1' },
    { kind: 'iq', id: 'i1' },
    { kind: 'presence', id: 'p' },
  ]);
});
