// Contested readings, one place: where a verdict rests on a
// reading of the sentence that a server's maintainer could dispute, support/readings.json says
// which reading the suite applies, what the other reading would conclude, and whether the suite
// kept its reading or changed the scenario. Scenarios of such ids repeat the reading in their
// description (a paragraph starting "Reading:"), failure messages and compliance.json carry it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { requirements } from './requirements.ts';

export const ReadingSchema = z.object({
  /** the reading the suite applies, as the scenarios' "Reading:" paragraph says it */
  reading: z.string().min(40),
  /** what the other reading would conclude */
  alternative: z.string().min(40),
  /** kept: the verdict stands on the disclosed reading; changed: the scenario was changed to rest on what the sentence says */
  decision: z.enum(['kept', 'changed']),
});
export type Reading = z.infer<typeof ReadingSchema>;

export const READINGS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'readings.json');

let cache: Map<string, Reading> | undefined;

/** The registry, checked by zod; an id not in the requirement catalogue fails at load. */
export function readings(): Map<string, Reading> {
  if (!cache) {
    const raw = z.record(z.string().regex(/^core-[\d.]+-\d+$/), ReadingSchema).parse(JSON.parse(fs.readFileSync(READINGS_FILE, 'utf8')));
    const unknown = Object.keys(raw).filter((id) => !requirements().has(id));
    if (unknown.length) throw new Error(`support/readings.json names unknown requirement id(s) ${unknown.join(', ')}`);
    cache = new Map(Object.entries(raw));
  }
  return cache;
}

/** The readings of a scenario's requirement ids, in tag order. */
export function readingsOf(ids: readonly string[]): Array<{ id: string } & Reading> {
  return ids.flatMap((id) => {
    const r = readings().get(id);
    return r ? [{ id, ...r }] : [];
  });
}

/** One line for failure messages and reports: "Reading: …; another reading would conclude …". */
export function describeReading(r: Reading): string {
  return `Reading: ${r.reading.replace(/\.$/, '')}; another reading would conclude ${r.alternative.replace(/\.$/, '')}.`;
}
