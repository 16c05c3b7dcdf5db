// Scanners over the text a target wrote on a connection (the transcript's received side: SASL
// payloads are redacted there, harmless for these scans), for what a parser does not report:
// how characters were escaped, entity references, where text declarations stand (RFC 3920 11.1, 11.4).
const HEADER_RE = /<([A-Za-z_][\w.-]*:)?stream[\s>/]/g;
const DECL_RE = /<\?xml\s[^>]*\?>/g;

/** Offsets of every stream header in the text. */
function headerOffsets(text: string): number[] {
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

/** The stanzas in bytes the peer is about to send, each as its kind and id ('message', 'm-1'): read as text, since such bytes may be meant to be malformed. */
export function stanzaIds(bytes: string): Array<{ kind: string; id: string }> {
  return [...bytes.matchAll(/<(message|presence|iq)\b[^>]*\bid='([^']*)'/g)].map((m) => ({ kind: m[1]!, id: m[2]! }));
}
