// The scenarios of features/, read once for the tests that check them against something else
// (the requirement catalogue, the negative controls): title, file, tags and the scenario's text.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface FeatureScenario {
  file: string;
  title: string;
  tags: string[];
  /** the scenario's own lines: its title, description, steps and docstrings */
  text: string;
}

export function featureScenarios(dir = path.join(ROOT, 'features')): FeatureScenario[] {
  const out: FeatureScenario[] = [];
  for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    if (!f.endsWith('.feature')) continue;
    let tags: string[] = [];
    let open: FeatureScenario | undefined;
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const t = line.trim();
      if (t.startsWith('@')) {
        tags.push(...t.split(/\s+/));
        open = undefined;
      } else if (/^Scenario( Outline)?:/.test(t)) {
        open = { file: f, title: t.replace(/^Scenario( Outline)?:\s*/, ''), tags, text: '' };
        out.push(open);
        tags = [];
      } else if (/^(Feature|Rule):/.test(t)) {
        tags = [];
        open = undefined;
      }
      if (open) open.text += `${line}\n`;
    }
  }
  return out;
}
