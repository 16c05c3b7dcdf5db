// The feature files against the requirement catalogue: every tag names a real requirement, every
// scenario carries its keyword and its side, and a written not-covered reason never stands
// beside a scenario that decides the same requirement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requirements, keywordOf } from '../../support/requirements.ts';
import { notCoveredReasons } from '../../support/report/compliance.ts';
import { featureScenarios } from '../features.ts';

const scenarios = featureScenarios;

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
