// Small peer capabilities for sections 4 and 11 (additive): how a stream settled after a
// provocation, and checks over everything the target wrote on a connection (RFC 3920 11).
// The raw text is the transcript's 'recv' side (SASL payloads are redacted there: harmless
// for these checks, which look at markup, prefixes, declarations and escaping).
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { ExpectationFailed } from '../errors.ts';
import { NS, XmlElement } from '../wire/element.ts';
import type { XmppStream } from './stream.ts';

export type Settled =
  | { kind: 'features'; element: XmlElement }
  | { kind: 'error'; element: XmlElement }
  | { kind: 'answer'; element: XmlElement }
  | { kind: 'closed' }
  | { kind: 'silence' }
  | { kind: 'tainted'; what: string };

/**
 * Wait, bounded by `ms`, for the first of: stream features, a stream error, the answer to the IQ
 * `rtId` (a round-trip ping sent by the caller), the end of the connection. Never fails by itself.
 */
export async function settle(s: XmppStream, rtId?: string, ms = s.opts.responseMs): Promise<Settled> {
  try {
    const ev = await s.expect(
      (e) =>
        (e.kind === 'element' &&
          (e.element.is('features', NS.stream) || e.element.is('error', NS.stream) || (rtId !== undefined && e.element.is('iq') && e.element.attr('id') === rtId))) ||
        e.kind === 'tcp-end' ||
        e.kind === 'tcp-reset' ||
        e.kind === 'tcp-closed' ||
        e.kind === 'close',
      'features, a stream error, an answer or the end of the connection',
      ms,
    );
    if (ev.kind !== 'element') return { kind: 'closed' };
    if (ev.element.is('features', NS.stream)) return { kind: 'features', element: ev.element };
    if (ev.element.is('error', NS.stream)) return { kind: 'error', element: ev.element };
    return { kind: 'answer', element: ev.element };
  } catch (e) {
    if (!(e instanceof ExpectationFailed)) throw e;
    if (s.taint) return { kind: 'tainted', what: s.taint };
    if (s.isEnded || s.transport.isEnded) return { kind: 'closed' };
    return { kind: 'silence' };
  }
}

const HEADER_RE = /<([A-Za-z_][\w.-]*:)?stream[\s>/]/g;
const DECL_RE = /<\?xml\s[^>]*\?>/g;

/** Offsets of every stream header the target opened on this connection. */
export function headerOffsets(text: string): number[] {
  return [...text.matchAll(HEADER_RE)].map((m) => m.index!);
}

/** Entity references other than the five predefined ones and character references (11.1). */
export function entityReferences(text: string): string[] {
  return [...text.matchAll(/&([A-Za-z_:][\w.:-]*);/g)].map((m) => m[0]).filter((r) => !['&lt;', '&gt;', '&amp;', '&apos;', '&quot;'].includes(r));
}

/**
 * Unescaped characters that map to predefined entities (11.1), in character data and attribute
 * values: '<' and '&' (XML's own rule), and with `literal` also '>', and in attribute values the
 * quote that is not the delimiter. Returns short excerpts around each finding.
 */
export function unescaped(text: string, literal: boolean): string[] {
  const found: string[] = [];
  const note = (i: number, what: string) => found.push(`${what} at ${JSON.stringify(text.slice(Math.max(0, i - 40), i + 20))}`);
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '<') {
      // markup: comment, PI, CDATA, doctype or tag
      if (text.startsWith('<!--', i)) {
        const e = text.indexOf('-->', i);
        i = e < 0 ? text.length : e + 3;
        continue;
      }
      if (text.startsWith('<?', i)) {
        const e = text.indexOf('?>', i);
        i = e < 0 ? text.length : e + 2;
        continue;
      }
      if (text.startsWith('<![CDATA[', i)) {
        const e = text.indexOf(']]>', i);
        i = e < 0 ? text.length : e + 3;
        continue;
      }
      // a tag: walk attribute values
      i++;
      let quote = '';
      while (i < text.length) {
        const c = text[i]!;
        if (quote) {
          if (c === quote) quote = '';
          else if (c === '<') note(i, "raw '<' in an attribute value");
          else if (c === '&' && !/^&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z_:][\w.:-]*);/.test(text.slice(i, i + 40))) note(i, "raw '&' in an attribute value");
          else if (literal && c === '>') note(i, "raw '>' in an attribute value");
          else if (literal && (c === "'" || c === '"')) note(i, `raw ${c} in an attribute value`);
        } else if (c === "'" || c === '"') quote = c;
        else if (c === '>') break;
        i++;
      }
      i++;
      continue;
    }
    if (ch === '&' && !/^&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z_:][\w.:-]*);/.test(text.slice(i, i + 40))) note(i, "raw '&' in character data");
    if (literal && ch === '>') note(i, "raw '>' in character data");
    i++;
  }
  return found;
}

/** Text declarations not directly followed by a stream header, and headers without one before them (11.4). */
export function declarationPlacement(text: string): { misplaced: string[]; headersWithout: number; headers: number } {
  const misplaced: string[] = [];
  for (const m of text.matchAll(DECL_RE)) {
    const after = text.slice(m.index! + m[0].length);
    if (!/^\s*<([A-Za-z_][\w.-]*:)?stream[\s>/]/.test(after)) misplaced.push(`${m[0]} followed by ${JSON.stringify(after.slice(0, 60))}`);
  }
  const heads = headerOffsets(text);
  let without = 0;
  for (const h of heads) if (!/<\?xml\s[^>]*\?>\s*$/.test(text.slice(Math.max(0, h - 200), h))) without++;
  return { misplaced, headersWithout: without, headers: heads.length };
}

export { DECL_RE };

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

/**
 * The differences between a received element and the expected shape: every attribute and child
 * element listed is present with the same value (children matched by name and namespace, in
 * order of first match); text is compared where the expected element has non-blank text.
 * Extra attributes and children are tolerated.
 */
export function differences(got: XmlElement, want: XmlElement, path = ''): string[] {
  const here = `${path}/${want.local}`;
  const out: string[] = [];
  if (got.local !== want.local || got.ns !== want.ns) return [`${here}: expected <${want.local} xmlns='${want.ns}'>, got <${got.local} xmlns='${got.ns}'>`];
  for (const [k, v] of Object.entries(want.attrs)) if (got.attr(k) !== v) out.push(`${here}@${k}: expected '${v}', got ${got.attr(k) === undefined ? 'no attribute' : `'${got.attr(k)}'`}`);
  const wantText = want.children.filter((c): c is string => typeof c === 'string').join('');
  if (wantText.trim() !== '') {
    const gotText = got.children.filter((c): c is string => typeof c === 'string').join('');
    if (gotText !== wantText) out.push(`${here} text: expected ${JSON.stringify(wantText)}, got ${JSON.stringify(gotText)}`);
  }
  const used = new Set<XmlElement>();
  for (const wc of want.elements()) {
    const gc = got.elements().find((c) => !used.has(c) && c.local === wc.local && c.ns === wc.ns);
    if (!gc) {
      out.push(`${here}: child <${wc.local} xmlns='${wc.ns}'> missing`);
      continue;
    }
    used.add(gc);
    out.push(...differences(gc, wc, here));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stream ids (4.4): evidence of predictability only; a black box cannot prove unpredictability.

/** A counter or clock: past a common prefix and suffix, numbers moving monotonically by < 2^20 per stream. */
export function counterPattern(ids: string[]): string | undefined {
  if (ids.length < 3) return undefined;
  let pre = 0;
  while (ids.every((i) => i.length > pre && i[pre] === ids[0]![pre])) pre++;
  let suf = 0;
  while (ids.every((i) => i.length - suf > pre && i[i.length - 1 - suf] === ids[0]![ids[0]!.length - 1 - suf])) suf++;
  const cores = ids.map((i) => i.slice(pre, i.length - suf));
  for (const radix of [10, 16]) {
    const re = radix === 10 ? /^\d{1,15}$/ : /^[0-9a-f]{1,13}$/i;
    if (!cores.every((c) => re.test(c))) continue;
    const ns = cores.map((c) => parseInt(c, radix));
    const steps = ns.slice(1).map((n, i) => n - ns[i]!);
    const small = steps.every((d) => Math.abs(d) > 0 && Math.abs(d) < 2 ** 20);
    if (small && (steps.every((d) => d > 0) || steps.every((d) => d < 0))) return `after a common prefix '${ids[0]!.slice(0, pre)}', base-${radix} numbers that move by less than 2^20 per stream`;
  }
  return undefined;
}

/** Heuristic: positions that vary across the ids times log2 of the alphabet they are drawn from. */
export function estimatedBits(ids: string[]): number {
  const len = Math.max(...ids.map((i) => i.length));
  let varying = 0;
  for (let p = 0; p < len; p++) if (new Set(ids.map((i) => i[p] ?? '')).size > 1) varying++;
  const chars = ids.join('');
  const alphabet = /^\d*$/.test(chars) ? 10 : /^[0-9a-f-]*$/.test(chars) || /^[0-9A-F-]*$/.test(chars) ? 16 : /^[0-9a-z]*$/i.test(chars) ? (/[a-z]/.test(chars) && /[A-Z]/.test(chars) ? 62 : 36) : 64;
  return varying * Math.log2(alphabet);
}


/**
 * RFC 3920 4.4.1: "The major and minor numbers MUST be treated as separate integers". What a
 * response version shows about how the receiving entity read the version `sent`: 'integer' when
 * it is the same pair of integers; 'decimal' when it differs as integers but equals it as a
 * decimal number (0.10 answered as 0.1); 'cannot-tell' otherwise (its own version, which a
 * decimal and an integer reading of a lower `sent` both put above it, or no version at all).
 */
export function versionReading(sent: string, answered: string | undefined): { reading: 'integer' | 'decimal' | 'cannot-tell'; why: string } {
  const pair = (v: string) => /^(\d+)\.(\d+)$/.exec(v)?.slice(1).map(Number) as [number, number] | undefined;
  const s = pair(sent);
  if (!s) throw new Error(`the scenario's version '${sent}' is not <major>.<minor>`);
  if (answered === undefined) return { reading: 'cannot-tell', why: 'the response header carries no version' };
  const a = pair(answered);
  if (a && a[0] === s[0] && a[1] === s[1]) return { reading: 'integer', why: `answered version='${answered}': major ${a[0]}, minor ${a[1]}, the integers sent` };
  if (Number(answered) === Number(sent)) return { reading: 'decimal', why: `answered version='${answered}' for '${sent}': equal as decimal numbers, but minor ${a?.[1] ?? '?'} is not minor ${s[1]}` };
  return { reading: 'cannot-tell', why: `answered version='${answered}', which is neither '${sent}' nor its decimal reading; how the minor number ${s[1]} was read does not show in it` };
}
