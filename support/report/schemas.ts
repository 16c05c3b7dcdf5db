// Appendix C: every stream header and element the target sent, in the namespaces the draft gives a
// schema for, validated against that schema (support/schemas/, fixes listed in its README.md).
// The schemas are descriptive, not normative: a violation is evidence beside the verdicts, never
// a verdict. Works on the elements the reader already built; nothing here touches a socket.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NS, XmlElement, escapeAttr, escapeText } from '../wire/element.ts';
import { REDACTED } from '../wire/transcript.ts';
import { attachmentsNamed } from './attachments.ts';

/** Appendix C's namespaces and their schema files. */
export const SCHEMA_FILES: Readonly<Record<string, string>> = {
  [NS.stream]: 'streams.xsd',
  [NS.streams]: 'stream-error.xsd',
  [NS.tls]: 'tls.xsd',
  [NS.sasl]: 'sasl.xsd',
  [NS.bind]: 'bind.xsd',
  [NS.dialback]: 'dialback.xsd',
  [NS.stanzas]: 'stanza-error.xsd',
};
const APPENDIX_C = new Set(Object.keys(SCHEMA_FILES));

export const DESCRIPTIVE =
  "Appendix C's schemas are descriptive, not normative: a schema violation is evidence, and does not by itself fail a requirement.";
export const VALIDATOR = 'libxml2 (libxml2-wasm, in process), RFC 3920 Appendix C schemas with the fixes in support/schemas/README.md';
export const ATTACH_CHECK = 'schema-check.json';
export const ATTACH_VIOLATIONS = 'schema-violations.txt';

/** XMPP_SCHEMAS=off turns the check off (to measure its cost); on by default. */
export function schemasEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(off|0|false|no)$/i.test(env.XMPP_SCHEMAS ?? '');
}

export const ViolationSchema = z.object({
  /** the namespace whose schema the element breaks */
  ns: z.string(),
  /** the element as validated (namespaces declared, SASL data redacted), truncated */
  element: z.string(),
  /** libxml2's message: the schema rule broken */
  rule: z.string(),
  connection: z.string(),
});
export type Violation = z.infer<typeof ViolationSchema>;

/** One scenario's check, attached as schema-check.json. */
export const SchemaCheckSchema = z.object({
  checked: z.record(z.string(), z.number()),
  notChecked: z.record(z.string(), z.number()),
  violations: z.array(ViolationSchema),
});
export type SchemaCheck = z.infer<typeof SchemaCheckSchema>;

/** compliance.json's `schemas` section. */
export const SchemasSectionSchema = z.object({
  note: z.string(),
  validator: z.string(),
  enabled: z.boolean(),
  /** per Appendix C namespace: how many elements were validated, and which broke the schema */
  namespaces: z.record(
    z.string(),
    z.object({
      schema: z.string(),
      checked: z.number(),
      violationCount: z.number(),
      violations: z.array(ViolationSchema.extend({ scenario: z.string() })),
    }),
  ),
  /** elements of namespaces Appendix C does not define (jabber:client, jabber:server, extensions): counted, never validated */
  notChecked: z.record(z.string(), z.number()),
});
export type SchemasSection = z.infer<typeof SchemasSectionSchema>;

// ---------------------------------------------------------------------------------------------
// Serialisation: the reader keeps names as written (`stream:error`) and declarations where they
// were written (on the header, on an ancestor); a root validated alone needs them declared on it.

const MAX_SHOWN = 400;

/**
 * The element as a standalone document: every namespace its names use is declared where needed,
 * whatever was written. `outer` holds the declarations in force around it (the stream header's,
 * an enclosing stanza's) for prefixed attributes. `redact` replaces SASL character data.
 */
export function serialise(el: XmlElement, outer: ReadonlyMap<string, string> = new Map(), redact = false): string {
  const written = new Map(outer);
  return write(el, new Map([['xml', NS.xml]]), written, redact);
}

function declsOf(el: XmlElement, into: Map<string, string>): void {
  for (const [k, v] of Object.entries(el.attrs)) {
    if (k === 'xmlns') into.set('', v);
    else if (k.startsWith('xmlns:')) into.set(k.slice(6), v);
  }
}

function write(el: XmlElement, scope: Map<string, string>, written: Map<string, string>, redact: boolean): string {
  const w = new Map(written);
  declsOf(el, w);
  const here = new Map<string, string>();
  const need = (prefix: string, uri: string) => {
    if ((scope.get(prefix) ?? '') !== uri) here.set(prefix, uri);
  };
  need(el.prefix, el.ns);
  let attrs = '';
  for (const [k, v] of Object.entries(el.attrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const i = k.indexOf(':');
    if (i > 0 && k.slice(0, i) !== 'xml') {
      const uri = w.get(k.slice(0, i));
      if (uri !== undefined && !here.has(k.slice(0, i))) need(k.slice(0, i), uri);
    }
    attrs += ` ${k}='${escapeAttr(v)}'`;
  }
  const decl = [...here].map(([p, u]) => (p ? ` xmlns:${p}='${escapeAttr(u)}'` : ` xmlns='${escapeAttr(u)}'`)).join('');
  const inner = new Map(scope);
  for (const [p, u] of here) inner.set(p, u);
  if (!el.children.length) return `<${el.name}${decl}${attrs}/>`;
  const body = el.children
    .map((c) => (typeof c === 'string' ? (redact && el.ns === NS.sasl && c.trim() ? REDACTED : escapeText(c)) : write(c, inner, w, redact)))
    .join('');
  return `<${el.name}${decl}${attrs}>${body}</${el.name}>`;
}

// ---------------------------------------------------------------------------------------------
// The validator: libxml2 compiled to WebAssembly, the schema set compiled once per process. The
// schemas import each other by local file name, served from memory: nothing is ever fetched.

export interface Validator {
  /** libxml2's messages, empty when the document is valid */
  validate(xml: string): string[];
}

const UNREADABLE = '(the suite could not re-read the element:';
const SCHEMA_DIR = fileURLToPath(new URL('../schemas/', import.meta.url));
const BASE = '/appendix-c/';
let loading: Promise<Validator> | undefined;

export function validator(): Promise<Validator> {
  loading ??= (async () => {
    const L = await import('libxml2-wasm');
    const files: Record<string, Uint8Array> = {};
    for (const f of fs.readdirSync(SCHEMA_DIR)) if (f.endsWith('.xsd')) files[BASE + f] = fs.readFileSync(path.join(SCHEMA_DIR, f));
    const driver =
      `<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:x-xmpp-core-conformance:appendix-c'>` +
      Object.entries(SCHEMA_FILES).map(([ns, f]) => `<xs:import namespace='${ns}' schemaLocation='${f}'/>`).join('') +
      `</xs:schema>`;
    files[BASE + 'all.xsd'] = new TextEncoder().encode(driver);
    L.xmlRegisterInputProvider(new L.XmlBufferInputProvider(files));
    // the schema document stays alive as long as the compiled schema (the process)
    const xsd = L.XsdValidator.fromDoc(L.XmlDocument.fromString(driver, { url: BASE + 'all.xsd' }));
    // the same bytes get the same answer: features, <proceed/>, bind results repeat across scenarios
    const seen = new Map<string, string[]>();
    const check = (xml: string): string[] => {
      let doc;
      try {
        doc = L.XmlDocument.fromString(xml);
      } catch (e) {
        return [`${UNREADABLE} ${(e as Error).message.trim()})`];
      }
      try {
        xsd.validate(doc);
        return [];
      } catch (e) {
        const details = (e as { details?: Array<{ message: string }> }).details;
        return details?.length ? details.map((d) => d.message.trim()) : [String((e as Error).message).trim()];
      } finally {
        doc.dispose();
      }
    };
    return {
      validate(xml: string): string[] {
        const known = seen.get(xml);
        if (known) return known;
        const messages = check(xml);
        if (seen.size >= 4096) seen.clear();
        seen.set(xml, messages);
        return messages;
      },
    };
  })();
  return loading;
}

// ---------------------------------------------------------------------------------------------
// What is checked: the stream header (as the streams schema's <stream/>, empty), every top-level
// element in an Appendix C namespace, and inside anything else (stanzas, extensions) every
// element where an Appendix C namespace begins (<bind/> in an iq, the condition and <text/> of a
// stanza error). Inside a validated element, elements of other namespaces (extension features,
// an application-specific stream error condition) are left out and counted as not checked.

export interface Received {
  kind: 'header' | 'element';
  element: XmlElement;
}

export class SchemaTally {
  readonly checked: Record<string, number> = {};
  readonly notChecked: Record<string, number> = {};
  readonly violations: Violation[] = [];

  constructor(private readonly v: Validator) {}

  /** Everything one connection received, in order. */
  stream(connection: string, received: readonly Received[]): void {
    let outer = new Map<string, string>();
    for (const r of received) {
      if (r.kind === 'header') {
        outer = new Map();
        declsOf(r.element, outer);
        if (r.element.ns === NS.stream) this.root(new XmlElement(r.element.name, r.element.ns, r.element.attrs, []), connection, new Map());
        else this.skip(r.element.ns);
      } else this.visit(r.element, undefined, connection, outer);
    }
  }

  private skip(ns: string): void {
    const key = ns || '(no namespace)';
    this.notChecked[key] = (this.notChecked[key] ?? 0) + 1;
  }

  private visit(el: XmlElement, parentNs: string | undefined, connection: string, outer: ReadonlyMap<string, string>): void {
    if (el.ns !== parentNs) {
      if (APPENDIX_C.has(el.ns)) return this.root(el, connection, outer);
      this.skip(el.ns);
    }
    const inner = new Map(outer);
    declsOf(el, inner);
    for (const c of el.elements()) this.visit(c, el.ns, connection, inner);
  }

  private root(el: XmlElement, connection: string, outer: ReadonlyMap<string, string>): void {
    const kept = this.prune(el, undefined);
    const messages = this.v.validate(serialise(kept, outer));
    if (!messages.length) return;
    if (messages[0]!.startsWith(UNREADABLE)) {
      // not evidence against the target: counted as not checked
      this.checked[el.ns]!--;
      this.skip(`${el.ns} (could not be re-read for validation)`);
      return;
    }
    const shown = serialise(kept, outer, true);
    for (const m of messages) {
      const named = /Element '\{([^}]*)\}/.exec(m)?.[1];
      const ns = named && APPENDIX_C.has(named) ? named : el.ns;
      const rule = el.ns === NS.sasl || ns === NS.sasl ? m.replace(/The value '[^']*'/g, `The value '${REDACTED}'`) : m;
      this.violations.push({ ns, element: shown.length > MAX_SHOWN ? shown.slice(0, MAX_SHOWN) + '...' : shown, rule, connection });
    }
  }

  /** A copy without the elements no Appendix C schema describes; counts what it checks and leaves out. */
  private prune(el: XmlElement, parentNs: string | undefined): XmlElement {
    if (el.ns !== parentNs) this.checked[el.ns] = (this.checked[el.ns] ?? 0) + 1;
    const children = [];
    for (const c of el.children) {
      if (typeof c === 'string') children.push(c);
      else if (APPENDIX_C.has(c.ns)) children.push(this.prune(c, el.ns));
      else this.skip(c.ns);
    }
    return new XmlElement(el.name, el.ns, el.attrs, children);
  }

  result(): SchemaCheck {
    return { checked: { ...this.checked }, notChecked: { ...this.notChecked }, violations: [...this.violations] };
  }
}

/** Check every connection of a scenario. */
export async function checkConnections(connections: ReadonlyArray<{ label: string; received: readonly Received[] }>): Promise<SchemaCheck> {
  const tally = new SchemaTally(await validator());
  for (const c of connections) tally.stream(c.label, c.received);
  return tally.result();
}

export function describeViolations(check: SchemaCheck): string {
  return [
    DESCRIPTIVE,
    '',
    ...check.violations.map((v) => `${v.connection}: ${SCHEMA_FILES[v.ns] ?? v.ns} (${v.ns})\n  element: ${v.element}\n  rule:    ${v.rule}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The run's figures: every scenario's schema-check.json, from cucumber's message stream.

const MAX_LISTED = 200;

export function schemasSection(ndjson: string, enabled = schemasEnabled()): SchemasSection {
  const namespaces: SchemasSection['namespaces'] = {};
  for (const [ns, schema] of Object.entries(SCHEMA_FILES)) namespaces[ns] = { schema, checked: 0, violationCount: 0, violations: [] };
  const notChecked: Record<string, number> = {};
  for (const { scenario, body } of attachmentsNamed(ndjson, ATTACH_CHECK)) {
    const check = SchemaCheckSchema.parse(JSON.parse(body));
    for (const [ns, n] of Object.entries(check.checked)) if (namespaces[ns]) namespaces[ns].checked += n;
    for (const [ns, n] of Object.entries(check.notChecked)) notChecked[ns] = (notChecked[ns] ?? 0) + n;
    for (const v of check.violations) {
      const entry = namespaces[v.ns];
      if (!entry) continue;
      entry.violationCount++;
      if (entry.violations.length < MAX_LISTED) entry.violations.push({ ...v, scenario });
    }
  }
  return { note: DESCRIPTIVE, validator: VALIDATOR, enabled, namespaces, notChecked };
}

/** One line for the run's summary: `streams 120 (0 broke), ...`. */
export function schemasSummary(s: SchemasSection): string {
  if (!s.enabled) return 'schemas (Appendix C): not checked (XMPP_SCHEMAS=off)';
  const per = Object.values(s.namespaces).map((n) => `${n.schema.replace(/\.xsd$/, '')} ${n.checked}${n.violationCount ? ` (${n.violationCount} broke it)` : ''}`);
  const skipped = Object.values(s.notChecked).reduce((a, b) => a + b, 0);
  return `schemas (Appendix C), elements checked: ${per.join(', ')}; ${skipped} in other namespaces not checked`;
}
