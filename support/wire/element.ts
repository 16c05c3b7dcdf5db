// An XML element as it arrived (or as it will be sent): qualified name, resolved namespace,
// attributes as written, children in order. Built once by the reader; never re-parsed.

export const NS = {
  stream: 'http://etherx.jabber.org/streams',
  streams: 'urn:ietf:params:xml:ns:xmpp-streams',
  client: 'jabber:client',
  server: 'jabber:server',
  dialback: 'jabber:server:dialback',
  tls: 'urn:ietf:params:xml:ns:xmpp-tls',
  sasl: 'urn:ietf:params:xml:ns:xmpp-sasl',
  bind: 'urn:ietf:params:xml:ns:xmpp-bind',
  session: 'urn:ietf:params:xml:ns:xmpp-session',
  stanzas: 'urn:ietf:params:xml:ns:xmpp-stanzas',
  ping: 'urn:xmpp:ping',
  version: 'jabber:iq:version',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

export type Node = XmlElement | string;

export class XmlElement {
  constructor(
    /** the name as written, with its prefix (`stream:error`) */
    public readonly name: string,
    /** the resolved namespace URI ('' when none) */
    public readonly ns: string,
    /** attributes by their name as written (`xml:lang`, `xmlns:stream`) */
    public readonly attrs: Record<string, string> = {},
    public readonly children: Node[] = [],
  ) {}

  get local(): string {
    const i = this.name.indexOf(':');
    return i < 0 ? this.name : this.name.slice(i + 1);
  }

  get prefix(): string {
    const i = this.name.indexOf(':');
    return i < 0 ? '' : this.name.slice(0, i);
  }

  attr(name: string): string | undefined {
    return this.attrs[name];
  }

  is(local: string, ns?: string): boolean {
    return this.local === local && (ns === undefined || this.ns === ns);
  }

  elements(): XmlElement[] {
    return this.children.filter((c): c is XmlElement => typeof c !== 'string');
  }

  child(local: string, ns?: string): XmlElement | undefined {
    return this.elements().find((c) => c.is(local, ns));
  }

  text(): string {
    return this.children.map((c) => (typeof c === 'string' ? c : c.text())).join('');
  }

  /** Canonical-enough serialisation for transcripts, messages and sending. */
  toString(): string {
    const attrs = Object.entries(this.attrs)
      .map(([k, v]) => ` ${k}='${escapeAttr(v)}'`)
      .join('');
    if (this.children.length === 0) return `<${this.name}${attrs}/>`;
    const inner = this.children.map((c) => (typeof c === 'string' ? escapeText(c) : c.toString())).join('');
    return `<${this.name}${attrs}>${inner}</${this.name}>`;
  }
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

/**
 * Element builder for what the peer sends: `el('iq', {type: 'get', id: 'p1'}, el('ping', {xmlns: NS.ping}))`.
 * The namespace of a built element is its `xmlns` attribute, or the one given by the stream context.
 */
export function el(name: string, attrs: Record<string, string | undefined> = {}, ...children: Node[]): XmlElement {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = v;
  return new XmlElement(name, clean.xmlns ?? '', clean, children);
}

/** An XML stanza (RFC 3920 4.3, 9): <message/>, <presence/> or <iq/>, scoped by the default namespace of a client or server stream. */
export function isStanza(e: XmlElement): boolean {
  return (e.local === 'message' || e.local === 'presence' || e.local === 'iq') && (e.ns === NS.client || e.ns === NS.server);
}

/** The condition an error element carries: its first child qualified by `ns` that is not <text/> (4.7.2 streams, 6.4 SASL, 9.3.2 stanzas). */
export function conditionOf(e: XmlElement | undefined, ns: string): string | undefined {
  return e?.elements().find((c) => c.ns === ns && c.local !== 'text')?.local;
}
