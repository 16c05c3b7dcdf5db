// The feature files against the requirement catalogue: every tag names a real requirement, every
// scenario carries its keyword and its side, and a written not-covered reason never stands
// beside a scenario that decides the same requirement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { requirements, keywordOf } from '../../support/requirements.ts';
import { notCoveredReasons } from '../../support/report/compliance.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function scenarios(): Array<{ file: string; title: string; tags: string[] }> {
  const out: Array<{ file: string; title: string; tags: string[] }> = [];
  const dir = path.join(ROOT, 'features');
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    if (!f.endsWith('.feature')) continue;
    let tags: string[] = [];
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const t = line.trim();
      if (t.startsWith('@')) tags.push(...t.split(/\s+/));
      else if (/^Scenario( Outline)?:/.test(t)) {
        out.push({ file: f, title: t.replace(/^Scenario( Outline)?:\s*/, ''), tags });
        tags = [];
      } else if (/^(Feature|Rule):/.test(t)) tags = [];
    }
  }
  return out;
}

test('every @req tag names a requirement of the catalogue', () => {
  const reqs = requirements();
  for (const s of scenarios()) {
    const ids = s.tags.filter((t) => t.startsWith('@req:')).map((t) => t.slice(5));
    assert.ok(ids.length, `${s.file}: '${s.title}' has no @req tag`);
    for (const id of ids) assert.ok(reqs.has(id), `${s.file}: '${s.title}' names unknown ${id}`);
  }
});

test('every scenario has a keyword tag and @c2s or @s2s, and titles are unique', () => {
  const seen = new Set<string>();
  for (const s of scenarios()) {
    assert.ok(keywordOf(s.tags), `${s.file}: '${s.title}' has no keyword tag`);
    assert.ok(s.tags.includes('@c2s') || s.tags.includes('@s2s'), `${s.file}: '${s.title}' has neither @c2s nor @s2s`);
    assert.ok(!seen.has(s.title), `two scenarios are titled '${s.title}'`);
    seen.add(s.title);
  }
});

test('a written not-covered reason names a real requirement that no scenario decides', () => {
  const reqs = requirements();
  const decided = new Set(scenarios().flatMap((s) => s.tags.filter((t) => t.startsWith('@req:')).map((t) => t.slice(5))));
  for (const id of Object.keys(notCoveredReasons())) {
    assert.ok(reqs.has(id), `not-covered.json names unknown ${id}`);
    assert.ok(!decided.has(id), `not-covered.json gives a reason for ${id}, which a scenario decides`);
  }
});
