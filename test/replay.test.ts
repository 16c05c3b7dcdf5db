// bin/replay.ts against the real embedded Prosody, started by `--start-target prosody` inside the
// lab. Needs root and the lab, so it is not part of `npm run test:unit`; `npm test` runs it after
// the controls, and by hand: node --import tsx --test test/replay.test.ts
// Two connections of one reproducer replay concurrently: one recorded what Prosody sends to XML
// that is not well-formed (<not-well-formed/>: 'same'), one recorded what the draft demands
// (<xml-not-well-formed/>: 'differs', naming that step).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCHEMA_ID, ReproducerSchema, type Reproducer, type Step } from '../support/report/reproducer.ts';

const TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';
const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' to='target.test'>";
const REPLY = "<?xml version='1.0'?><stream:stream from='target.test' xmlns:stream='http://etherx.jabber.org/streams' xml:lang='en' id='recorded' xmlns='jabber:client' version='1.0'>";

function steps(condition: string): Step[] {
  return [
    { send: HEADER },
    { recv: `${REPLY}<stream:features><starttls xmlns='${TLS}'><required/></starttls></stream:features>` },
    { send: `<starttls xmlns='${TLS}'/>` },
    { recv: `<proceed xmlns='${TLS}'/>` },
    { tls: true },
    { send: HEADER },
    { recv: `${REPLY}<stream:features><mechanisms xmlns='${SASL}'><mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>` },
    { auth: 'SCRAM-SHA-1', result: 'success' },
    { send: HEADER },
    { recv: `${REPLY}<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind></stream:features>` },
    { send: "<message to='target.test' id='bad-2'><body>unbalanced</message>" },
    { recv: `<stream:error><${condition} xmlns='${STREAMS}'/></stream:error></stream:stream>` },
  ];
}

test('replay --start-target prosody: same where Prosody still does it, differs where it does not', () => {
  const r: Reproducer = ReproducerSchema.parse({
    schema: SCHEMA_ID,
    scenario: 'XML that is not well-formed gets <xml-not-well-formed/>',
    requirements: ['core-4.7.2-3'],
    failure: 'MUST violated: expected <xml-not-well-formed/> or <bad-format/>',
    recorded: { at: new Date().toISOString(), domain: 'target.test', peerDomain: 'peer.test', tlsPolicy: 'required' },
    connections: [
      { label: 'client-1', kind: 'c2s', account: 'alice', accountIndex: 0, steps: steps('not-well-formed') },
      { label: 'client-2', kind: 'c2s', account: 'bob', accountIndex: 1, steps: steps('xml-not-well-formed') },
    ],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-test-'));
  const file = path.join(dir, 'r.json');
  fs.writeFileSync(file, JSON.stringify(r));
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/replay.ts', file, '--start-target', 'prosody'], { encoding: 'utf8', timeout: 120_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^client-1: same$/m);
  assert.match(run.stdout, /^client-2: differs: step #12: recorded <error xmlns='http:\/\/etherx.jabber.org\/streams'> <xml-not-well-formed\/>, live <error xmlns='http:\/\/etherx.jabber.org\/streams'> <not-well-formed\/>$/m);
  assert.match(run.stdout, /#8 auth SCRAM-SHA-1 as alice: recorded success, live success/);
  assert.ok(!/lab-secret/.test(run.stdout + run.stderr), 'a password in the replay output');
});
