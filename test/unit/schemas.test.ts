// Appendix C schema check: what arrives is read by the real reader, validated by libxml2 against
// support/schemas/, and counted per namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamReader } from '../../support/wire/reader.ts';
import { NS } from '../../support/wire/element.ts';
import { SchemaTally, checkConnections, schemasSection, serialise, validator, type Received } from '../../support/report/schemas.ts';

const C2S_HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='c2s_234' from='example.com' version='1.0' xml:lang='en'>";
const S2S_HEADER = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' id='s2s_1' from='example.com' to='example.net'>";

/** The target's side of a connection, as the reader hands it to XmppStream. */
function received(text: string): Received[] {
  const out: Received[] = [];
  const reader = new StreamReader((ev) => {
    if (ev.kind === 'header' || ev.kind === 'element') out.push({ kind: ev.kind, element: ev.element });
    if (ev.kind === 'xml-error') throw new Error(ev.message);
  });
  reader.write(text);
  return out;
}

async function check(text: string) {
  return checkConnections([{ label: 'client-1', received: received(text) }]);
}

test('RFC 3920 examples are valid: header, features, SASL, bind result, stream error with text (4.7.2, 6.5, 7)', async () => {
  const r = await check(
    C2S_HEADER +
      "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>" +
      "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>DIGEST-MD5</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>" +
      "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" +
      "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cmVhbG09InNvbWVyZWFsbSI=</challenge>" +
      "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybmw=</success>" +
      "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><temporary-auth-failure/></failure>" +
      "<iq type='result' id='bind_1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>somenode@example.com/someresource</jid></bind></iq>" +
      "<stream:error><xml-not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>Some text</text></stream:error>",
  );
  assert.deepEqual(r.violations, []);
  assert.equal(r.checked[NS.stream], 3); // header, features, error
  assert.equal(r.checked[NS.tls], 2);
  assert.equal(r.checked[NS.sasl], 4);
  assert.equal(r.checked[NS.bind], 1);
  assert.equal(r.checked[NS.streams], 2);
});

test('a stream error with two conditions breaks the streams schema, and says where', async () => {
  const r = await check(C2S_HEADER + "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><host-gone xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
  assert.equal(r.violations.length, 1);
  const v = r.violations[0]!;
  assert.equal(v.ns, NS.streams);
  assert.equal(v.connection, 'client-1');
  assert.match(v.rule, /host-gone.*not expected/);
  assert.match(v.element, /^<stream:error xmlns:stream='http:\/\/etherx.jabber.org\/streams'>/);
});

test('a bind result with two <jid/> breaks the binding schema', async () => {
  const r = await check(C2S_HEADER + "<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>a@example.com/x</jid><jid>a@example.com/y</jid></bind></iq>");
  assert.equal(r.violations.length, 1);
  assert.equal(r.violations[0]!.ns, NS.bind);
  assert.match(r.violations[0]!.rule, /jid.*not expected/);
});

test('stanzas are not checked; the stanza error condition and text inside them are', async () => {
  const r = await check(
    C2S_HEADER +
      "<message to='a@example.com'><body>hi</body></message>" +
      "<iq type='error' id='e1'><query xmlns='jabber:iq:roster'/><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>no</text></error></iq>",
  );
  assert.deepEqual(r.violations, []);
  assert.equal(r.notChecked[NS.client], 2);
  assert.equal(r.notChecked['jabber:iq:roster'], 1);
  assert.equal(r.checked[NS.stanzas], 2);
  assert.equal(r.checked[NS.client], undefined);
});

test('extension features and an application-specific condition are left out and counted not checked', async () => {
  const r = await check(
    C2S_HEADER +
      "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v'/></stream:features>" +
      "<stream:error><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><escape-your-data xmlns='application-ns'/></stream:error>",
  );
  assert.deepEqual(r.violations, []);
  assert.equal(r.notChecked[NS.session], 1);
  assert.equal(r.notChecked['http://jabber.org/protocol/caps'], 1);
  assert.equal(r.notChecked['application-ns'], 1);
});

test('dialback elements on an s2s stream: valid, and a result without from/to flagged', async () => {
  const ok = await check(S2S_HEADER + "<db:result from='example.com' to='example.net' type='valid'/><db:verify from='example.com' to='example.net' id='s2s_1' type='valid'/>");
  assert.deepEqual(ok.violations, []);
  assert.equal(ok.checked[NS.dialback], 2);
  const bad = await check(S2S_HEADER + "<db:result type='valid'/>");
  assert.equal(bad.violations.length, 2);
  assert.ok(bad.violations.every((v) => v.ns === NS.dialback && /attribute '(from|to)' is required/.test(v.rule)));
});

test('a header in the wrong namespace is counted not checked; one with a bad attribute type is flagged', async () => {
  const wrong = await check("<stream:stream xmlns:stream='http://wrong.example/streams' xmlns='jabber:client'>");
  assert.deepEqual(wrong.checked, {});
  assert.equal(wrong.notChecked['http://wrong.example/streams'], 1);
  const bad = await check("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='one'>");
  assert.equal(bad.violations.length, 1);
  assert.match(bad.violations[0]!.rule, /version/);
});

test('SASL character data is redacted in the evidence', async () => {
  const r = await check(C2S_HEADER + "<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>c2VjcmV0</abort>");
  assert.equal(r.violations.length, 1);
  assert.doesNotMatch(JSON.stringify(r.violations), /c2VjcmV0/);
});

test('serialisation declares the prefixes the element inherited', () => {
  const [, error] = received(C2S_HEADER + "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
  assert.equal(error!.element.toString(), "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
  assert.equal(
    serialise(error!.element),
    "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
  );
  const [, iq] = received(C2S_HEADER + "<iq type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>a@b/c</jid></bind></iq>");
  assert.equal(serialise(iq!.element), "<iq xmlns='jabber:client' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>a@b/c</jid></bind></iq>");
});

test('the schema set compiles from local files only and validates a root of each namespace', async () => {
  const v = await validator();
  assert.deepEqual(v.validate("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"), []);
  assert.match(v.validate("<unknown xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")[0] ?? '', /No matching global declaration/);
});

test('the run section adds the scenarios up per namespace', async () => {
  const tally = new SchemaTally(await validator());
  tally.stream('client-1', received(C2S_HEADER + "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"));
  const body = JSON.stringify(tally.result());
  const ndjson = [
    { pickle: { id: 'p1', name: 'a scenario' } },
    { testCase: { id: 't1', pickleId: 'p1' } },
    { testCaseStarted: { id: 's1', testCaseId: 't1' } },
    { attachment: { testCaseStartedId: 's1', fileName: 'schema-check.json', body, mediaType: 'application/json' } },
  ].map((m) => JSON.stringify(m)).join('\n');
  const s = schemasSection(ndjson, true);
  assert.equal(s.namespaces[NS.stream]!.checked, 2);
  assert.equal(s.namespaces[NS.streams]!.violationCount, 1);
  assert.equal(s.namespaces[NS.streams]!.violations[0]!.scenario, 'a scenario');
  assert.equal(s.notChecked[NS.client], undefined);
});
