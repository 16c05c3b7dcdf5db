// The one registry of requirement ids: the project's copy of requirements.json, checked by zod.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const KEYWORDS = ['MUST', 'MUST NOT', 'REQUIRED', 'SHALL', 'SHALL NOT', 'SHOULD', 'SHOULD NOT', 'RECOMMENDED', 'MAY', 'OPTIONAL'] as const;

export const RequirementSchema = z.object({
  id: z.string().regex(/^core-[\d.]+-\d+$/),
  section: z.string(),
  sectionTitle: z.string(),
  keyword: z.enum(KEYWORDS),
  text: z.string(),
  subject: z.string(),
  testable: z.enum(['c2s', 's2s', 'both', 'no']),
  reason: z.string().optional(),
  testHint: z.string().optional(),
  changedIn23: z.boolean(),
  changedIn23Change: z.string().optional(),
  keywords: z.array(z.enum(KEYWORDS)),
  kind: z.string(),
});
export type Requirement = z.infer<typeof RequirementSchema>;

export const REQUIREMENTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'requirements.json');

let cache: Map<string, Requirement> | undefined;

export function requirements(): Map<string, Requirement> {
  if (!cache) {
    const list = z.array(RequirementSchema).parse(JSON.parse(fs.readFileSync(REQUIREMENTS_FILE, 'utf8')));
    cache = new Map(list.map((r) => [r.id, r]));
  }
  return cache;
}

/** A requirement's strength for gating: MUST-level or SHOULD-level (MAY is informative). */
export function strength(keyword: string): 'must' | 'should' | 'may' {
  if (/^(MUST|REQUIRED|SHALL)/.test(keyword)) return 'must';
  if (/^(SHOULD|RECOMMENDED)/.test(keyword)) return 'should';
  return 'may';
}

/** `@req:core-4.3-3` -> `core-4.3-3` */
export function reqIdsOf(tags: readonly string[]): string[] {
  return tags.filter((t) => t.startsWith('@req:')).map((t) => t.slice(5));
}

/** The keyword a scenario checks: its `@MUST` / `@SHOULD` ... tag (`@MUST_NOT` for 'MUST NOT'). */
export function keywordOf(tags: readonly string[]): string | undefined {
  const k = tags.map((t) => t.slice(1).replace(/_/g, ' ')).find((t) => (KEYWORDS as readonly string[]).includes(t));
  return k;
}

/** Top-level sections of RFC 3920: one Allure epic each. */
export const SECTION_TITLES: Record<string, string> = {
  '3': 'Addressing Scheme', '4': 'XML Streams', '5': 'Use of TLS', '6': 'Use of SASL', '7': 'Resource Binding',
  '8': 'Server Dialback', '9': 'XML Stanzas', '10': 'Server Rules for Handling XML Stanzas', '11': 'XML Usage within XMPP',
  '15': 'IANA Considerations',
};
