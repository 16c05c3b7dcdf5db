// XmppStream against a loopback fake server (port 0): verdicts are ExpectationFailed, never crashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Transport } from '../../support/wire/transport.ts';
import { XmppStream } from '../../support/peer/stream.ts';
import { streamError } from '../../support/verdict/stream-error.ts';
import { nothingArrives } from '../../support/verdict/silence.ts';

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0'>";
const streamErrorXml = (condition: string) =>
  `<stream:error><${condition} xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>`;

/** A fake server playing `script` on its one connection, and a connected XmppStream. */
async function connect(script: (socket: net.Socket) => void): Promise<{ stream: XmppStream; cleanup: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined); // the client may tear down first
    script(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  let transport: Transport;
  try {
    transport = await Transport.connect('127.0.0.1', port, 2000);
  } catch (e) {
    for (const s of sockets) s.destroy();
    server.close();
    throw e;
  }
  const stream = new XmppStream(transport, { label: 'unit', responseMs: 300, quietMs: 100, secrets: [], contentNs: 'jabber:client' });
  const cleanup = async () => {
    stream.destroy();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { stream, cleanup };
}

async function rejectsWithExpectationFailed(p: Promise<unknown>, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    assert.equal(e.name, 'ExpectationFailed', `${e.name}: ${e.message}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

const opts = { timeout: 5000 };

test('expectStreamError: <host-unknown/>, </stream:stream> and TCP closed', opts, async () => {
  const { stream, cleanup } = await connect((s) => s.end(HEADER + streamErrorXml('host-unknown') + '</stream:stream>'));
  try {
    stream.openStream({ to: 'example.com' });
    const header = await stream.expectHeader();
    assert.equal(header.attr('from'), 'example.com');
    const outcome = await streamError(stream, ['host-unknown', 'host-gone']);
    assert.equal(outcome.condition, 'host-unknown');
    assert.equal(outcome.streamClosed, true);
    assert.equal(outcome.tcp, 'closed');
    assert.equal(outcome.element.local, 'error');
  } finally {
    await cleanup();
  }
});

test('expectStreamError: <not-well-formed/> where <xml-not-well-formed/> is expected fails, citing RFC 6120', opts, async () => {
  const { stream, cleanup } = await connect((s) => s.end(HEADER + streamErrorXml('not-well-formed') + '</stream:stream>'));
  try {
    await rejectsWithExpectationFailed(streamError(stream, ['xml-not-well-formed']), /RFC 6120/);
  } finally {
    await cleanup();
  }
});

test('expectStreamError: another condition fails and names what was sent', opts, async () => {
  const { stream, cleanup } = await connect((s) => s.end(HEADER + streamErrorXml('policy-violation') + '</stream:stream>'));
  try {
    await rejectsWithExpectationFailed(streamError(stream, ['host-unknown']), /policy-violation/);
  } finally {
    await cleanup();
  }
});

test('expect() on a silent server fails with ExpectationFailed', opts, async () => {
  const { stream, cleanup } = await connect(() => undefined);
  try {
    await rejectsWithExpectationFailed(stream.expectHeader(), /within 300 ms/);
    assert.equal(stream.isEnded, false);
  } finally {
    await cleanup();
  }
});

test("nothingArrives(false) on silence: 'quiet-window'", opts, async () => {
  const { stream, cleanup } = await connect((s) => s.write(HEADER));
  try {
    await stream.expectHeader();
    assert.equal(await nothingArrives(stream, false, 'example.com'), 'quiet-window');
    assert.match(stream.transcript.render(), /quiet window of 100 ms/);
  } finally {
    await cleanup();
  }
});

test('nothingArrives(false) fails when a stanza is already waiting', opts, async () => {
  const { stream, cleanup } = await connect((s) => s.write(HEADER + "<message id='m1'/><iq type='result' id='marker'/>"));
  try {
    // the marker comes after the message: once it is consumed, the message is in the inbox
    await stream.expectElement((e) => e.attr('id') === 'marker', 'the marker');
    await rejectsWithExpectationFailed(nothingArrives(stream, false, 'example.com'), /<message id='m1'\/>/);
  } finally {
    await cleanup();
  }
});

test('nothingArrives(false) fails when the server sends a stanza during the window', opts, async () => {
  const { stream, cleanup } = await connect((s) => {
    s.write(HEADER);
    s.on('data', () => s.write("<message id='m2'><body>unexpected</body></message>"));
  });
  try {
    await stream.expectHeader();
    stream.sendRaw('<presence/>');
    await rejectsWithExpectationFailed(nothingArrives(stream, false, 'example.com', 'no answer'), /no answer/);
  } finally {
    await cleanup();
  }
});

test(
  'nothingArrives(false): the failure message shows the stanza that arrived during the window',
  opts,
  async () => {
    const { stream, cleanup } = await connect((s) => {
      s.write(HEADER);
      s.on('data', () => s.write("<message id='m3'/>"));
    });
    try {
      await stream.expectHeader();
      stream.sendRaw('<presence/>');
      await rejectsWithExpectationFailed(nothingArrives(stream, false, 'example.com'), /<message id='m3'\/>/);
    } finally {
      await cleanup();
    }
  },
);

test('a connection reset by the server is reported, never a crash', opts, async () => {
  // reset once the client has spoken: a reset during the handshake is TargetUnreachable from connect()
  const { stream, cleanup } = await connect((s) => s.once('data', () => s.resetAndDestroy()));
  try {
    stream.openStream({ to: 'example.com' });
    const closed = await stream.awaitClose();
    assert.ok(closed.tcp === 'reset' || closed.tcp === 'closed', closed.tcp);
    assert.equal(closed.streamClosed, false);
    await rejectsWithExpectationFailed(stream.expectHeader(), /connection ended first/);
    await rejectsWithExpectationFailed(streamError(stream, ['host-unknown']));
    assert.match(stream.transcript.render(), /TCP connection (reset|closed)/);
  } finally {
    await cleanup();
  }
});

test('a reset after a stream error: the outcome says reset or closed', opts, async () => {
  const { stream, cleanup } = await connect((s) => {
    s.write(HEADER + streamErrorXml('host-unknown'), () => setImmediate(() => s.resetAndDestroy()));
  });
  try {
    const outcome = await streamError(stream, ['host-unknown']);
    assert.equal(outcome.condition, 'host-unknown');
    assert.ok(outcome.tcp === 'reset' || outcome.tcp === 'closed', outcome.tcp);
  } finally {
    await cleanup();
  }
});
