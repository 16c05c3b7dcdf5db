// The building blocks of the controls' mutations, written once for every file under sections/:
// the namespaces, the patterns of a stream header, the stream features and a bound JID, the
// stream error a mutation sends in the target's place, the states of a connection a mutation
// asks about, and the helpers that find a stanza by its id and rewrite it.
import { PROCEED, type Conn, type Mutation } from './proxy.ts';

export const STREAMS_NS = 'urn:ietf:params:xml:ns:xmpp-streams';
export const STANZAS_NS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export const TLS_NS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const SASL_NS = 'urn:ietf:params:xml:ns:xmpp-sasl';

/** `s` as a literal inside a regular expression */
export const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---- streams ----

/** Every stream header in a chunk. */
export const HEADER = /<stream:stream\b[^>]*>/g;
/** The first stream header in a chunk. */
export const FIRST_HEADER = /<stream:stream\b[^>]*>/;
/** Rewrite every stream header in a chunk. */
export const inHeader = (fn: (h: string) => string) => (t: string): string => t.replace(HEADER, fn);
/** Rewrite every stream header the target sends to the suite. */
export const header = (fn: (h: string) => string): Mutation => ({ toClient: inHeader(fn) });
/** On connections of one kind only, rewrite the first stream header the target sends. */
export const headerOn = (kind: Conn['kind'], fn: (h: string) => string): Mutation => ({
  toClient: (t, c) => (c.kind === kind ? t.replace(FIRST_HEADER, fn) : t),
});

/** The stream features, empty or not (the first in a chunk). */
export const FEATURES = /<stream:features>[\s\S]*?<\/stream:features>|<stream:features\/>/;
/** Every stream features element in a chunk. */
export const ALL_FEATURES = new RegExp(FEATURES.source, 'g');

/** A stream error with its condition (in the streams namespace unless `ns` says otherwise). */
export const streamError = (condition: string, ns = STREAMS_NS): string => `<stream:error><${condition} xmlns='${ns}'/></stream:error>`;
/** A stream error and the closing tag: how a target ends a stream with an error. */
export const ERR = (condition: string, ns = STREAMS_NS): string => `${streamError(condition, ns)}</stream:stream>`;

/** Rewrite what the target sends to the suite with one `replace`. */
export const rewrite = (pattern: string | RegExp, replacement: string): Mutation => ({ toClient: (t) => t.replace(pattern, replacement) });

/**
 * The proxy answers in the target's place: what the suite sends that matches `trigger` never
 * reaches the target, `reply` goes back, and the connection is then ended ('end': flushed) or
 * closed ('close': at once).
 */
export const answerInstead = (trigger: RegExp, reply: string, then: 'end' | 'close'): Mutation => ({
  toTarget: (t, c) => {
    if (!trigger.test(t)) return t;
    c.toClient(reply);
    setImmediate(() => (then === 'end' ? c.end() : c.close()));
    return '';
  },
});

/** answerInstead for the stanza `id`, found by its id in what the suite sends. */
export const answerStanzaInstead = (id: string, reply: string, then: 'end' | 'close'): Mutation => ({ ids: [id], ...answerInstead(new RegExp(`id='${esc(id)}'`), reply, then) });

/** The proxy answers an unauthenticated client's message with the stream error `condition(n)` (the n-th such message of the run) and closes. */
export const refuseEarlyMessage = (condition: (n: number) => string): Mutation => {
  let n = 0;
  return {
    toTarget: (t, c) => {
      if (c.authenticated || !/<message\b/.test(t)) return t;
      n += 1;
      c.toClient(ERR(condition(n)));
      setImmediate(() => c.close());
      return '';
    },
  };
};

// ---- states of a connection ----

/** the target has answered <starttls/> with <proceed/> on this connection */
export const afterTls = (c: Conn): boolean => PROCEED.test(c.fromTarget);
/** the target has bound a resource on this connection */
export const bound = (c: Conn): boolean => c.fromTarget.includes('<jid>');
/** The bound JID in a bind result: $1 its bare JID, $2 its resource. */
export const JID = /<jid>([^/<]*)\/([^<]*)<\/jid>/g;

// ---- stanzas, found by id ----

/** The whole stanza (message, presence or iq) whose id is `id`, self-closing or not. */
export const stanzaRe = (id: string): RegExp => new RegExp(`<(message|iq|presence)\\b[^>]*\\bid='${esc(id)}'[^>]*?(?:/>|>[\\s\\S]*?</\\1>)`, 'g');

/** Rewrite the stanza `id` on its way to the suite. */
export const editStanza = (id: string, fn: (stanza: string) => string): Mutation => ({
  ids: [id],
  toClient: (t) => t.replace(stanzaRe(id), fn),
});

/** The stanza `id` never reaches the suite. */
export const dropStanza = (id: string): Mutation => editStanza(id, () => '');

/** The stanza error condition of `stanza` becomes `to`. */
export const withCondition = (stanza: string, to: string): string => stanza.replace(new RegExp(`<([a-z-]+) xmlns='${esc(STANZAS_NS)}'/>`), `<${to} xmlns='${STANZAS_NS}'/>`);
/** The <error/> type of `stanza` becomes `to`. */
export const withErrorType = (stanza: string, to: string): string => stanza.replace(/(<error\b[^>]*?\btype=')[^']*'/, `$1${to}'`);

/** Rename a stanza error condition in the stanza `id`. */
export const renameCondition = (id: string, to: string): Mutation => editStanza(id, (s) => withCondition(s, to));

/** Change the <error/> type in the stanza `id`. */
export const errorType = (id: string, to: string): Mutation => editStanza(id, (s) => withErrorType(s, to));

/** When the suite sends the stanza `id`, answer it on the same connection with `reply` (the target still gets it, unless `swallow`). */
export const answerWith = (id: string, reply: string, swallow = false): Mutation => ({
  ids: [id],
  toTarget: (t, c) => {
    if (!stanzaRe(id).test(t)) return t;
    c.toClient(reply);
    return swallow ? t.replace(stanzaRe(id), '') : t;
  },
});

/** Set an attribute on the opening tag of the stanza `id`. */
export const setAttr = (id: string, name: string, value: string): Mutation =>
  editStanza(id, (s) => {
    const end = s.indexOf('>');
    const open = s.slice(0, end).replace(new RegExp(`\\s${esc(name)}='[^']*'`), '');
    const selfClosing = open.endsWith('/');
    return `${selfClosing ? open.slice(0, -1) : open} ${name}='${value}'${selfClosing ? '/' : ''}${s.slice(end)}`;
  });

/** Insert `xml` as the first child of the stanza `id`. */
export const insertChild = (id: string, xml: string, before = '<error'): Mutation => editStanza(id, (s) => s.replace(before, `${xml}${before}`));

/** An error stanza of kind `kind` (message, iq, presence) answering `id`, with one defined condition. */
export const stanzaError = (kind: string, id: string, condition: string, type = 'cancel'): string =>
  `<${kind} type='error' id='${id}'><error type='${type}'><${condition} xmlns='${STANZAS_NS}'/></error></${kind}>`;

// ---- SASL between servers ----

/** An <auth/> in the SASL namespace, with or without character data. */
export const AUTH = /<auth\b[^>]*(?:\/>|>[^<]*<\/auth>)/;
/** the suite's listener has answered the target's <starttls/> with <proceed/> on this connection (reversed proxies: the suite's side is the TLS server) */
export const afterTlsFromSuite = (c: Conn): boolean => c.fromSuite.includes('<proceed');

/** The connections of one kind among those of every proxy of a control. */
export function s2sConns(all: Conn[], kind: Conn['kind']): Conn[] {
  return all.filter((c) => c.kind === kind);
}

/** The target's message to the peer (id out<N>) travels over the peer's own connection instead of the target's. */
export const moveOntoPeerConnection: Mutation = {
  toClient: (t, c, proxy) => {
    if (c.kind !== 'listener') return t;
    const m = /<message\b[^>]*id='out\d+'[\s\S]*?<\/message>/.exec(t);
    if (!m) return t;
    s2sConns(proxy.conns, 's2s')[0]?.toClient(m[0]);
    return t.replace(m[0], '');
  },
};

/** A target that accepts the peer's message `id` although its connection is not validated or authenticated: the proxy delivers it to every authenticated client. */
export const deliverAnyway = (id: string): Mutation => ({
  ids: [id],
  toTarget: (t, c, proxy) => {
    const m = new RegExp(`<message\\b[^>]*id='${id}'[\\s\\S]*?<\\/message>`).exec(t);
    if (c.kind === 's2s' && m) {
      const stanza = m[0].replace(/from='[^']*'/, "from='someone@peer.test/x'");
      for (const other of proxy.conns) if (other.kind === 'c2s' && other.authenticated) other.toClient(stanza);
    }
    return t;
  },
});

/** On the target's connections to the peer's listener, once the listener has answered <success/>: what the target sends next, rewritten by `fn`. */
export const afterListenerSuccess = (fn: (t: string, c: Conn) => string): Mutation => {
  const succeeded = new WeakSet<Conn>();
  return {
    toTarget: (t, c) => {
      if (c.kind === 'listener' && /<success\b/.test(t)) succeeded.add(c);
      return t;
    },
    toClient: (t, c) => (c.kind === 'listener' && succeeded.has(c) ? fn(t, c) : t),
  };
};

