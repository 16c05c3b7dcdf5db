// A received element compared with an expected shape written in a feature file (a relayed
// stanza, RFC 3920 11: what the server passes on).
import type { XmlElement } from '../wire/element.ts';

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
