// npm run baseline -- --target prosody [--reports DIR]: write targets/<target>/expected.json from
// the last run's reports/compliance.json, keeping every reason already written. New expected
// failures get a TODO reason that `npm test` refuses until a person replaces it.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ComplianceSchema } from '../support/report/compliance.ts';
import { baselineFrom, loadExpected } from '../support/report/expected.ts';
import { TARGETS_DIR } from '../targets/target.ts';

const { values } = parseArgs({ options: { target: { type: 'string', default: 'prosody' }, reports: { type: 'string', default: 'reports' }, profile: { type: 'string', default: 'tls-required' } } });
const c = ComplianceSchema.parse(JSON.parse(fs.readFileSync(path.join(values.reports!, 'compliance.json'), 'utf8')));
const file = path.join(TARGETS_DIR, values.target!, values.profile === 'tls-required' ? 'expected.json' : `expected.${values.profile}.json`);
const previous = fs.existsSync(file) ? loadExpected(file) : undefined;
const e = baselineFrom(c, previous, values.target!, values.profile!);
fs.writeFileSync(file, JSON.stringify(e, null, 2) + '\n');
const todo = Object.values(e.verdicts).filter((v) => v.verdict === 'failed' && v.because.startsWith('TODO')).length;
console.log(`wrote ${file}: ${Object.keys(e.verdicts).length} decided requirements${todo ? `, ${todo} failure(s) need a reason` : ''}`);
