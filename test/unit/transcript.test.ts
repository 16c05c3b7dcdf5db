// Redactor and Transcript: SASL payloads and configured secrets never reach the stored transcript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor, Transcript, REDACTED } from '../../support/wire/transcript.ts';

const SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const PLAIN_B64 = Buffer.from('\0juliet\0r0m30myr0m30').toString('base64');
const SCRAM_B64 = Buffer.from('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=').toString('base64');

const CASES: Array<[string, string, string]> = [
  ['auth', `<auth xmlns='${SASL}' mechanism='PLAIN'>${PLAIN_B64}</auth>`, PLAIN_B64],
  ['response', `<response xmlns="${SASL}">${SCRAM_B64}</response>`, SCRAM_B64],
  ['challenge', `<challenge xmlns='${SASL}'>${SCRAM_B64}</challenge>`, SCRAM_B64],
  ['success', `<success xmlns='${SASL}'>${SCRAM_B64}</success>`, SCRAM_B64],
  ['prefixed auth', `<sasl:auth xmlns:sasl='${SASL}' mechanism='PLAIN'>${PLAIN_B64}</sasl:auth>`, PLAIN_B64],
];

function redactAll(chunks: string[], secrets: string[] = []): string {
  const r = new Redactor(secrets);
  return chunks.map((c) => r.push(c)).join('') + r.flush();
}

const expected = (xml: string, payload: string) => xml.replace(payload, REDACTED);

for (const [name, xml, payload] of CASES) {
  test(`SASL <${name}> payload is redacted, unsplit and at every split point`, () => {
    const want = expected(xml, payload);
    assert.equal(redactAll([xml]), want);
    for (let i = 0; i <= xml.length; i++) {
      const out = redactAll([xml.slice(0, i), xml.slice(i)]);
      assert.equal(out, want, `split at ${i}`);
    }
  });
}

test('a PLAIN <auth> split in three anywhere never shows its payload', () => {
  const [, xml, payload] = CASES[0]!;
  const want = expected(xml, payload);
  for (let i = 0; i <= xml.length; i++) {
    for (let j = i; j <= xml.length; j++) {
      assert.equal(redactAll([xml.slice(0, i), xml.slice(i, j), xml.slice(j)]), want, `split at ${i}, ${j}`);
    }
  }
});

test('a SASL element without xmlns (stream default) is redacted; one marker per element', () => {
  assert.equal(redactAll([`<auth mechanism='PLAIN'>${PLAIN_B64}</auth>`]), `<auth mechanism='PLAIN'>${REDACTED}</auth>`);
  const two = `<response xmlns='${SASL}'>abc</response><response xmlns='${SASL}'>def</response>`;
  assert.equal(redactAll(['<response xmlns', `='${SASL}'>a`, 'bc</res', `ponse><response xmlns='${SASL}'>def</response>`]), two.replace('abc', REDACTED).replace('def', REDACTED));
});

test('non-SASL elements pass unchanged', () => {
  const inputs = [
    `<response xmlns='urn:example:other'>${PLAIN_B64}</response>`,
    `<message to='a@b'><body>${PLAIN_B64}</body></message>`,
    `<failure xmlns='${SASL}'><not-authorized/></failure>`,
    `<success xmlns='${SASL}'/>`,
    `<stream:features><mechanisms xmlns='${SASL}'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`,
    "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>",
  ];
  for (const xml of inputs) {
    assert.equal(redactAll([xml]), xml);
    for (let i = 0; i <= xml.length; i++) assert.equal(redactAll([xml.slice(0, i), xml.slice(i)]), xml, `${xml} split at ${i}`);
  }
});

test('configured secrets are masked anywhere in a chunk; short ones are ignored', () => {
  assert.equal(redactAll(['<message><body>pw is s3cretpw!</body></message>'], ['s3cretpw']), `<message><body>pw is ${REDACTED}!</body></message>`);
  assert.equal(redactAll(["<x a='s3cretpw'/>"], ['s3cretpw']), `<x a='${REDACTED}'/>`);
  assert.equal(redactAll(['ab cd'], ['ab']), 'ab cd');
});

test(
  'a configured secret split across two chunks is masked before the transcript is rendered',
  () => {
    const xml = '<message><body>my s3cretpw is</body></message>';
    for (let i = 0; i <= xml.length; i++) {
      const t = new Transcript('c2s', ['s3cretpw']);
      t.record('recv', xml.slice(0, i));
      t.note('between');
      t.record('recv', xml.slice(i));
      const out = t.render() + t.exchanges().map((e) => e.text).join('');
      assert.ok(!out.includes('s3cretpw'), `split at ${i}: ${out}`);
      assert.ok(out.includes(REDACTED), `split at ${i}`);
    }
  },
);

test('Transcript.render() never shows a PLAIN payload, whatever the split', () => {
  const [, xml] = CASES[0]!;
  for (let i = 0; i <= xml.length; i++) {
    const t = new Transcript('c2s');
    t.record('sent', xml.slice(0, i));
    t.record('sent', xml.slice(i));
    t.record('recv', `<success xmlns='${SASL}'/>`);
    t.end();
    const text = t.render();
    assert.ok(!text.includes(PLAIN_B64), `split at ${i}`);
    assert.ok(!t.exchanges().map((e) => e.text).join('').includes(PLAIN_B64), `split at ${i}`);
    assert.ok(text.includes(REDACTED));
    assert.match(text, /peer -> target <auth/);
  }
});

test('Transcript masks configured secrets in both directions, notes untouched', () => {
  const t = new Transcript('c2s', ['r0m30myr0m30']);
  t.record('sent', '<iq><query><password>r0m30myr0m30</password></query></iq>');
  t.record('recv', '<iq><error>r0m30myr0m30</error></iq>');
  t.note('a note');
  assert.ok(!t.render().includes('r0m30myr0m30'));
  assert.deepEqual(
    t.exchanges().map((e) => e.dir),
    ['sent', 'recv', 'note'],
  );
  assert.match(t.render(), /^\+\d+\.\d{3}s peer -> target /);
});
