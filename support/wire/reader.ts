// The stream reader: text (already UTF-8 decoded by the transport) in, stream events out.
// saxes is the one parser that reports comments, PIs, DOCTYPE, undefined entities, duplicate
// attributes and unbound prefixes (TOOLCHAIN.md); the never-closing <stream:stream> root is
// handled with a depth counter: depth-1 children are the top-level elements.
// The same parser reads an XML fragment written in a feature file (parseFragment).
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { NS, XmlElement } from './element.ts';

export type ReaderEvent =
  | { kind: 'xmldecl'; version?: string; encoding?: string }
  | { kind: 'header'; element: XmlElement }
  | { kind: 'element'; element: XmlElement }
  | { kind: 'text'; text: string }
  | { kind: 'close' }
  | { kind: 'comment'; text: string }
  | { kind: 'pi'; target: string; body: string }
  | { kind: 'doctype'; text: string }
  | { kind: 'xml-error'; message: string };

/** An element as it was opened on the wire: name as written, prefix, namespace, depth (0 = the stream element), attributes (namespace declarations included). */
export interface OpenedElement {
  name: string;
  prefix: string;
  local: string;
  uri: string;
  depth: number;
  attrs: Record<string, string>;
}

/**
 * The markup a connection carried, kept across restarts (each new stream is parsed on its own):
 * every element opened, every comment, processing instruction and DOCTYPE, in order. A
 * well-formedness error ends the stream's events, not its markup: what follows is what the
 * section 11 checks name (a header that binds no streams prefix, a raw '&'), so saxes reads on
 * for the markup, up to a budget of characters per stream.
 */
export interface Markup {
  elements: OpenedElement[];
  comments: string[];
  pis: string[];
  doctypes: string[];
}

export class StreamReader {
  /** what this connection carried, all its streams (reset() keeps it) */
  readonly markup: Markup = { elements: [], comments: [], pis: [], doctypes: [] };
  private parser!: SaxesParser<{ xmlns: true; position: true }>;
  private stack: XmlElement[] = [];
  private failed = false;
  /** characters read past a well-formedness error, for the markup only (a hostile target cannot make the suite read more) */
  private readAfterError = 0;
  /** set once the reader hit a well-formedness error: later bytes give no events (the markup reads on, within its budget) */
  get broken(): boolean {
    return this.failed;
  }

  private readonly emit: (ev: ReaderEvent) => void;
  /** characters of the top-level element being read: a hostile target cannot make the suite hold more */
  private elementSize = 0;

  constructor(
    emit: (ev: ReaderEvent) => void,
    /** the largest top-level element the suite reads (characters); larger ones end the reading as an error */
    private readonly maxElement = 1 << 20,
    /** characters read past a well-formedness error for the markup (as many as a transcript keeps) */
    private readonly markupAfterError = 256 * 1024,
  ) {
    // saxes goes on parsing after it reported an error; nothing it says after that is an event
    this.emit = (ev) => {
      if (!this.failed || ev.kind === 'xml-error') emit(ev);
    };
    this.reset();
  }

  /** A new parser for a restarted stream (after STARTTLS or SASL success). */
  reset(): void {
    this.stack = [];
    this.failed = false;
    this.readAfterError = 0;
    const p = new SaxesParser({ xmlns: true, position: true });
    p.on('xmldecl', (d) => this.emit({ kind: 'xmldecl', version: d.version, encoding: d.encoding }));
    p.on('opentag', (tag) => this.open(tag as SaxesTagNS));
    p.on('closetag', () => this.close());
    p.on('text', (t) => this.text(t));
    p.on('cdata', (t) => this.text(t));
    p.on('comment', (t) => {
      this.markup.comments.push(t);
      this.emit({ kind: 'comment', text: t });
    });
    p.on('processinginstruction', (pi) => {
      this.markup.pis.push(`<?${pi.target} ${pi.body}?>`);
      this.emit({ kind: 'pi', target: pi.target, body: pi.body });
    });
    p.on('doctype', (t) => {
      this.markup.doctypes.push(t);
      this.emit({ kind: 'doctype', text: t });
    });
    p.on('error', (e) => {
      if (this.failed) return;
      this.failed = true;
      this.emit({ kind: 'xml-error', message: e.message });
    });
    this.parser = p;
  }

  write(text: string): void {
    if (this.failed) {
      // past the error the events are over; the markup is read on, within its budget
      const room = this.markupAfterError - this.readAfterError;
      if (room <= 0) return;
      this.readAfterError += Math.min(room, text.length);
      this.feed(text.slice(0, room));
      return;
    }
    if (this.stack.length >= 2) {
      this.elementSize += text.length;
      if (this.elementSize > this.maxElement) {
        this.failed = true;
        this.emit({ kind: 'xml-error', message: `a top-level element larger than ${this.maxElement} characters: the suite stops reading this stream` });
        // this chunk is not parsed, so what follows it would not parse in its place: the markup ends here too
        this.readAfterError = this.markupAfterError;
        return;
      }
    }
    this.feed(text);
  }

  private feed(text: string): void {
    try {
      this.parser.write(text);
    } catch (e) {
      // saxes reports through 'error'; anything thrown here is a parser bug surfaced as evidence
      if (!this.failed) {
        this.failed = true;
        this.emit({ kind: 'xml-error', message: (e as Error).message });
      }
      this.readAfterError = this.markupAfterError;
    }
  }

  private open(tag: SaxesTagNS): void {
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) attrs[a.name] = a.value;
    const element = new XmlElement(tag.name, tag.uri, attrs, []);
    this.markup.elements.push({ name: tag.name, prefix: tag.prefix, local: tag.local, uri: tag.uri, depth: this.stack.length, attrs: { ...attrs } });
    if (this.stack.length === 0) {
      if (tag.isSelfClosing) {
        // <stream:stream/>: a header immediately closed
        this.emit({ kind: 'header', element });
        this.emit({ kind: 'close' });
        return;
      }
      this.emit({ kind: 'header', element });
    } else if (this.stack.length === 1) {
      this.elementSize = 0;
    }
    if (this.stack.length >= 2) {
      const parent = this.stack[this.stack.length - 1]!;
      parent.children.push(element);
    }
    this.stack.push(element);
  }

  private close(): void {
    const element = this.stack.pop();
    if (!element) return;
    if (this.stack.length === 0) this.emit({ kind: 'close' });
    else if (this.stack.length === 1) this.emit({ kind: 'element', element });
  }

  private text(t: string): void {
    if (this.stack.length >= 2) {
      this.stack[this.stack.length - 1]!.children.push(t);
    } else if (this.stack.length === 1 && t.trim() !== '') {
      this.emit({ kind: 'text', text: t });
    }
    // whitespace between top-level elements is a keepalive: ignored
  }
}

/** Parse one XML fragment written in a feature file (the expected shape of a stanza). */
export function parseFragment(xml: string, defaultNs: string = NS.client): XmlElement {
  const p = new SaxesParser({ xmlns: true, additionalNamespaces: { '': defaultNs } });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  p.on('opentag', (t) => {
    const tag = t as SaxesTagNS;
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) if (a.name !== 'xmlns' && !a.name.startsWith('xmlns:')) attrs[a.name] = a.value;
    const e = new XmlElement(tag.name, tag.uri, attrs, []);
    if (stack.length) stack[stack.length - 1]!.children.push(e);
    else root = e;
    stack.push(e);
  });
  p.on('closetag', () => void stack.pop());
  p.on('text', (s) => {
    if (stack.length) stack[stack.length - 1]!.children.push(s);
  });
  p.write(xml).close();
  if (!root) throw new Error(`no element in ${xml}`);
  return root;
}
