// The negative controls against the feature files, without the lab or root (npm test runs it
// first): every scenario has exactly one control of its own, every control names an existing
// scenario, and every stanza id a mutation looks for is one the scenario, or the step that sends
// it, really uses; so renaming an id in a feature cannot silently disarm the control that finds it.
// And the section files build on the shared mutations.ts instead of writing its helpers again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CONTROLS, NOT_APPLICABLE_ON_CONTROLS_TARGET, type Control } from '../controls/controls.ts';
import * as shared from '../controls/mutations.ts';
import { featureScenarios } from '../features.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const scenarios = featureScenarios();
const titles = new Set(scenarios.map((s) => s.title));

/** the source of what sends bytes on the suite's side: step definitions and the peer */
function sources(dir: string): string {
  return (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(ROOT, dir, f), 'utf8'))
    .join('\n');
}
const senders = sources('steps') + sources('support/peer');

/**
 * The stanza ids a mutation's code looks for: id='x' literals inside a pattern (regular-expression
 * syntax just before them), not the ids of stanzas the mutation writes itself.
 */
function idsLookedFor(c: Control): string[] {
  const code = [c.mutation.toClient, c.mutation.toTarget].filter(Boolean).map(String).join('\n');
  const literal = [...code.matchAll(/(\[\^>\]\*|\\b|\\s\+?|\/)\s*id=\\?['"]([A-Za-z0-9][\w.-]*)\\?['"]/g)].map((m) => m[2]!);
  return [...(c.mutation.ids ?? []), ...literal];
}

/**
 * Sent: as the id of a stanza in the scenario's own text, or by a step's code, literally or as a
 * numbered series (id='burst-${i + 1}'), or by a When step that names it. A Then step naming the
 * id is not enough: it can name an id no stanza carries any more.
 */
function inUse(id: string, scenarioText: string): boolean {
  const asId = [`id='${id}'`, `id="${id}"`];
  if (asId.some((a) => scenarioText.includes(a) || senders.includes(a))) return true;
  // a When step that sends the stanza it names (When the client sends the message "dom-3" ...)
  if (scenarioText.split('\n').some((l) => /^\s*When\b/.test(l) && l.includes(`"${id}"`))) return true;
  const stem = /^(.*\D)\d+$/.exec(id)?.[1];
  return !!stem && senders.includes(`${stem}\${`);
}

test('every control names an existing scenario', () => {
  const unknown = CONTROLS.filter((c) => !titles.has(c.scenario)).map((c) => c.scenario);
  assert.deepEqual(unknown, []);
});

test('every scenario has exactly one control of its own (further ones say what they show)', () => {
  const own = new Map<string, number>();
  for (const c of CONTROLS) if (!c.also && !c.schemaViolation && !c.runWideViolation) own.set(c.scenario, (own.get(c.scenario) ?? 0) + 1);
  const missing = [...titles].filter((t) => !own.has(t) && !NOT_APPLICABLE_ON_CONTROLS_TARGET.includes(t));
  const twice = [...own].filter(([, n]) => n > 1).map(([t, n]) => `${t} (${n})`);
  assert.deepEqual({ missing, twice }, { missing: [], twice: [] });
});

test('no two controls of a scenario make the same change', () => {
  const seen = new Set<string>();
  const dup = CONTROLS.filter((c) => {
    const k = `${c.scenario}\n${c.change}\n${c.profile ?? ''}`;
    return seen.has(k) || !seen.add(k);
  });
  assert.deepEqual(dup.map((c) => c.scenario), []);
});

test("every stanza id a mutation looks for is used by its scenario or by the step that sends it", () => {
  const stale: string[] = [];
  let checked = 0;
  for (const c of CONTROLS) {
    const sc = scenarios.find((s) => s.title === c.scenario);
    if (!sc) continue;
    for (const id of idsLookedFor(c)) {
      checked++;
      if (!inUse(id, sc.text)) stale.push(`${c.scenario}: id '${id}'`);
    }
  }
  assert.ok(checked > 50, `only ${checked} id(s) found in the mutations: the pattern no longer sees them`);
  assert.deepEqual(stale, []);
});

test('the section files define none of the helpers, namespaces or patterns of mutations.ts again', () => {
  const dir = path.join(ROOT, 'test', 'controls', 'sections');
  const again: string[] = [];
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const src = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const [name, value] of Object.entries(shared)) {
      if (new RegExp(`\\b(?:const|let|function)\\s+${name}\\b`).test(src)) again.push(`${f}: ${name} defined again`);
      if (typeof value === 'string' && new RegExp(`\\b(?:const|let)\\s+\\w+\\s*=\\s*['"\`]${shared.esc(value)}['"\`]`).test(src)) again.push(`${f}: ${name}'s value under another name`);
      if (value instanceof RegExp && src.includes(`/${value.source}/`)) again.push(`${f}: ${name}'s pattern written again`);
    }
  }
  assert.deepEqual(again, []);
});
