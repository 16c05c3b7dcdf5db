// StreamReader: strings in (split anywhere), stream events out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamReader, type ReaderEvent } from '../../support/wire/reader.ts';

const HEADER =
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
const STANZAS =
  "<message to='a@example.com' id='m1'><body>hello &amp; bye</body></message>" +
  "<iq type='get' id='i1'><ping xmlns='urn:xmpp:ping'/></iq>";
const DOC = "<?xml version='1.0'?>" + HEADER + STANZAS + '</stream:stream>';

/** Events in a comparable form: elements by their serialisation and namespace. */
function flat(ev: ReaderEvent): unknown {
  if (ev.kind === 'header' || ev.kind === 'element') return { kind: ev.kind, ns: ev.element.ns, xml: ev.element.toString() };
  return ev;
}

function feed(chunks: string[]): { events: unknown[]; reader: StreamReader } {
  const events: unknown[] = [];
  const reader = new StreamReader((ev) => events.push(flat(ev)));
  for (const c of chunks) reader.write(c);
  return { events, reader };
}

const kinds = (events: unknown[]) => events.map((e) => (e as { kind: string }).kind);

test('header + two stanzas + close: the expected events', () => {
  const { events } = feed([DOC]);
  assert.deepEqual(kinds(events), ['xmldecl', 'header', 'element', 'element', 'close']);
  const msg = events[2] as { ns: string; xml: string };
  assert.equal(msg.ns, 'jabber:client');
  assert.equal(msg.xml, "<message to='a@example.com' id='m1'><body>hello &amp; bye</body></message>");
  assert.equal((events[3] as { xml: string }).xml, "<iq type='get' id='i1'><ping xmlns='urn:xmpp:ping'/></iq>");
});

test('the same events whatever the split point (every boundary, and one char at a time)', () => {
  const whole = feed([DOC]).events;
  for (let i = 0; i <= DOC.length; i++) {
    assert.deepEqual(feed([DOC.slice(0, i), DOC.slice(i)]).events, whole, `split at ${i}`);
  }
  assert.deepEqual(feed([...DOC.split('')]).events, whole, 'one UTF-16 unit per write');
});

test('non-ASCII (2-, 3-, 4-byte UTF-8, surrogate pairs) split anywhere', () => {
  const doc = HEADER + "<message to='\u00e9\u{1F600}'><body>\u00e9\u20ac\u{1F600}\u{10348}x</body></message>";
  const whole = feed([doc]).events;
  assert.match(JSON.stringify(whole), /\u00e9\u20ac\u{1F600}\u{10348}x/u);
  for (let i = 0; i <= doc.length; i++) {
    const { events, reader } = feed([doc.slice(0, i), doc.slice(i)]);
    assert.equal(reader.broken, false, `split at ${i}`);
    assert.deepEqual(events, whole, `split at ${i}`);
  }
});

test('comment, PI and DOCTYPE surface as events', () => {
  const { events } = feed(['<!DOCTYPE stream>' + HEADER + '<!-- c --><?target body?><a/>']);
  assert.deepEqual(events.slice(0, 1), [{ kind: 'doctype', text: ' stream' }]);
  assert.deepEqual(kinds(events), ['doctype', 'header', 'comment', 'pi', 'element']);
  assert.deepEqual(events[2], { kind: 'comment', text: ' c ' });
  assert.deepEqual(events[3], { kind: 'pi', target: 'target', body: 'body' });
});

test('an undefined entity (&foo;) surfaces as an xml-error', () => {
  const { events, reader } = feed([HEADER + '<message><body>&foo;</body></message>']);
  const errors = events.filter((e) => (e as { kind: string }).kind === 'xml-error') as Array<{ message: string }>;
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /entity/);
  assert.equal(reader.broken, true);
});

test('after an xml-error, later writes produce nothing', () => {
  const { events, reader } = feed([HEADER + '<a></b>', '<c/><d/></stream:stream>']);
  assert.equal(reader.broken, true);
  const at = kinds(events).indexOf('xml-error');
  assert.ok(at >= 0);
  assert.ok(!kinds(events).slice(at + 1).includes('element'));
  assert.ok(!kinds(events).slice(at + 1).includes('header'));
});

// saxes keeps parsing after its 'error' callback returns; reader.ts only stops *later* writes,
// so the rest of the same chunk still produces events (here: 'close', 'header' <c/>, 'close', ...).
for (const [name, input] of [
  ['mismatched close tag', HEADER + '<a></b><c/><d/></stream:stream>'],
  ['mismatched close tag, end of chunk', HEADER + '<a></b>'],
  ['undefined entity', HEADER + '<message>&foo;</message><a/>'],
  ['unbound prefix', HEADER + '<p:a/><c/>'],
] as const) {
  test(
    `a well-formedness error (${name}) gives exactly one xml-error and nothing after`,
    () => {
      const { events } = feed([input]);
      const k = kinds(events);
      assert.equal(k.filter((x) => x === 'xml-error').length, 1);
      assert.equal(k[k.length - 1], 'xml-error', `events after the error: ${JSON.stringify(events.slice(k.indexOf('xml-error') + 1))}`);
    },
  );
}

test('reset() starts a new stream (new header, no error for a second declaration)', () => {
  const { events, reader } = feed([DOC.slice(0, DOC.indexOf('<iq'))]);
  reader.reset();
  reader.write("<?xml version='1.0'?>" + HEADER + '<b/></stream:stream>');
  assert.deepEqual(kinds(events), ['xmldecl', 'header', 'element', 'xmldecl', 'header', 'element', 'close']);
  assert.equal(reader.broken, false);
});

test('reset() after an xml-error clears the broken state', () => {
  const { events, reader } = feed([HEADER + '<a></b>']);
  assert.equal(reader.broken, true);
  reader.reset();
  assert.equal(reader.broken, false);
  events.length = 0;
  reader.write(HEADER + '<ok/>');
  assert.deepEqual(kinds(events), ['header', 'element']);
});

test('whitespace keepalives between stanzas produce no events', () => {
  const { events } = feed([HEADER, ' ', '\n', '<a/>', ' \t\r\n ', '  ', '<b/>', ' ']);
  assert.deepEqual(kinds(events), ['header', 'element', 'element']);
});

test('non-whitespace character data at stream level is a text event', () => {
  const { events } = feed([HEADER + 'junk<a/>']);
  assert.deepEqual(events.slice(1), [{ kind: 'text', text: 'junk' }, { kind: 'element', ns: 'jabber:client', xml: '<a/>' }]);
});

test('a self-closing stream root is a header then a close', () => {
  const { events } = feed(["<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>"]);
  assert.deepEqual(kinds(events), ['header', 'close']);
});

test('markup is kept for the whole connection: every stream, elements with depth and prefix, comments, PIs', () => {
  const r = new StreamReader(() => undefined);
  r.write("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><!-- c --><?pi x?><stream:features/><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  r.reset();
  r.write("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><c:iq xmlns:c='jabber:client'><c:query xmlns:c='jabber:iq:version'/></c:iq>");
  const m = r.markup;
  assert.deepEqual(m.comments, [' c ']);
  assert.deepEqual(m.pis, ['<?pi x?>']);
  const heads = m.elements.filter((e) => e.depth === 0);
  assert.equal(heads.length, 2);
  assert.equal(heads[0]!.attrs['xmlns:stream'], 'http://etherx.jabber.org/streams');
  assert.ok(m.elements.some((e) => e.name === 'stream:features' && e.prefix === 'stream' && e.depth === 1));
  assert.ok(m.elements.some((e) => e.name === 'c:iq' && e.uri === 'jabber:client' && e.depth === 1));
  assert.ok(m.elements.some((e) => e.local === 'query' && e.uri === 'jabber:iq:version' && e.depth === 2));
});

test('past a well-formedness error the events end, the markup is read on within its budget', () => {
  const events: ReaderEvent[] = [];
  const r = new StreamReader((ev) => events.push(ev), undefined, 40);
  r.write(HEADER + '<message>&foo;</message><!-- after -->');
  r.write('<iq/>');
  r.write(`<presence/>${' '.repeat(40)}<x/>`);
  assert.deepEqual(events.map((e) => e.kind), ['header', 'xml-error']);
  assert.deepEqual(r.markup.comments, [' after ']);
  assert.ok(r.markup.elements.some((e) => e.local === 'iq' && e.depth === 1));
  assert.ok(r.markup.elements.some((e) => e.local === 'presence'));
  assert.ok(!r.markup.elements.some((e) => e.local === 'x'));
});

test('a header that binds no prefix for stream: an error, and in the markup', () => {
  const r = new StreamReader(() => undefined);
  r.write("<stream:stream xmlns='jabber:client' version='1.0'><stream:features/>");
  const heads = r.markup.elements.filter((e) => e.depth === 0);
  assert.equal(heads.length, 1);
  assert.equal(heads[0]!.attrs['xmlns:stream'], undefined);
  assert.ok(r.markup.elements.some((e) => e.local === 'features' && e.depth === 1));
});
