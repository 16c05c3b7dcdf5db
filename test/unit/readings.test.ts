// Readings disclosed: support/readings.json against the feature files, the failure
// messages and compliance.json. A reading the registry holds is said in every scenario of its id,
// and every "Reading:" a scenario says is the registry's, word for word.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readings, readingsOf, describeReading } from '../../support/readings.ts';
import { requirements } from '../../support/requirements.ts';
import { current, ExpectationFailed } from '../../support/errors.ts';
import { requirementResults, type ScenarioResult } from '../../support/report/compliance.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

interface Scenario {
  file: string;
  title: string;
  ids: string[];
  description: string;
}

/** Every scenario with its @req ids and its description (the lines between the title and the first step). */
function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  const dir = path.join(ROOT, 'features');
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    if (!f.endsWith('.feature')) continue;
    const lines = fs.readFileSync(path.join(dir, f), 'utf8').split('\n');
    let tags: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i]!.trim();
      if (t.startsWith('@')) tags.push(...t.split(/\s+/));
      else if (/^Scenario( Outline)?:/.test(t)) {
        const desc: string[] = [];
        while (i + 1 < lines.length && lines[i + 1]!.trim() && !/^(Given|When|Then|And|But|\*)\b/.test(lines[i + 1]!.trim())) desc.push(lines[++i]!);
        out.push({ file: f, title: t.replace(/^Scenario( Outline)?:\s*/, ''), ids: tags.filter((x) => x.startsWith('@req:')).map((x) => x.slice(5)), description: desc.join('\n') });
        tags = [];
      } else if (/^(Feature|Rule):/.test(t)) tags = [];
    }
  }
  return out;
}

/** The "Reading:" paragraphs of a description: each runs from a line starting "Reading:" to the next such line or the end. */
function readingParagraphs(description: string): string[] {
  const out: string[] = [];
  let cur: string[] | undefined;
  for (const line of description.split('\n')) {
    if (line.trim().startsWith('Reading:')) {
      if (cur) out.push(norm(cur.join(' ')));
      cur = [line.trim().slice('Reading:'.length)];
    } else if (cur) cur.push(line);
  }
  if (cur) out.push(norm(cur.join(' ')));
  return out;
}

test('the registry loads, and every id in it names a requirement of the catalogue', () => {
  const reqs = requirements();
  assert.ok(readings().size > 0);
  for (const id of readings().keys()) assert.ok(reqs.has(id), `support/readings.json names unknown ${id}`);
});

test("every scenario of a registry id says the id's reading in its description", () => {
  for (const s of scenarios()) {
    const text = norm(s.description);
    for (const r of readingsOf(s.ids)) assert.ok(text.includes(`Reading: ${norm(r.reading)}`), `${s.file}: '${s.title}' (${r.id}) does not say its reading:\nReading: ${r.reading}`);
  }
});

test('every "Reading:" in features/ is the registry reading of one of its scenario\'s ids', () => {
  let seen = 0;
  for (const s of scenarios()) {
    const mine = readingsOf(s.ids).map((r) => norm(r.reading));
    for (const p of readingParagraphs(s.description)) {
      seen++;
      assert.ok(mine.includes(p), `${s.file}: '${s.title}' says a reading that support/readings.json does not hold for ${s.ids.join(', ')}:\nReading: ${p}`);
    }
  }
  assert.ok(seen >= readings().size, 'fewer "Reading:" paragraphs than registry entries');
});

afterEach(() => {
  current.level = '';
  current.requirements = [];
  current.readings = [];
});

test('a failure of a scenario tagged with a contested id carries the reading and the alternative', () => {
  const [id, r] = [...readings()][0]!;
  current.level = 'must';
  current.readings = readingsOf([id]).map(describeReading);
  const e = new ExpectationFailed('the target did X');
  assert.match(e.message, /^MUST violated: the target did X\nReading: /);
  assert.equal(e.detail, 'the target did X');
  assert.ok(e.message.includes(norm(r.reading).replace(/\.$/, '')));
  assert.ok(e.message.includes(`another reading would conclude ${r.alternative.replace(/\.$/, '')}`));
  current.readings = [];
  assert.equal(new ExpectationFailed('plain').message, 'MUST violated: plain');
});

test('a failure names the requirement ids it decides and their sentences', () => {
  current.level = 'should';
  current.requirements = ['core-4.3-3 (MUST NOT, RFC 3920 4.3): "An entity SHOULD NOT ..."'];
  const e = new ExpectationFailed('the target did Y');
  assert.equal(e.message, 'SHOULD not met: the target did Y\nRequirement: core-4.3-3 (MUST NOT, RFC 3920 4.3): "An entity SHOULD NOT ..."');
  assert.equal(e.detail, 'the target did Y');
});

test('compliance.json carries the reading of a contested requirement, and none elsewhere', () => {
  const [id] = [...readings()][0]!;
  const other = [...requirements().keys()].find((k) => !readings().has(k))!;
  const sc = (tag: string): ScenarioResult => ({ name: tag, uri: 'x.feature', keyword: 'MUST', status: 'failed', level: 'must', durationMs: 1, tags: [`@req:${tag}`, '@MUST'] });
  const res = requirementResults([sc(id), sc(other)]);
  assert.match(res.find((r) => r.id === id)!.reading ?? '', /^Reading: .*; another reading would conclude /);
  assert.equal(res.find((r) => r.id === other)!.reading, undefined);
});
