// The cucumber configuration. A .mjs, not cucumber.json: allure-cucumberjs maps tags to links
// and labels with RegExp patterns and a link template function, which JSON cannot hold.
// Output paths are under reports/; bin/conformance.ts passes the same profile.
import fs from 'node:fs';
import path from 'node:path';
import { bundle } from './support/bundle.mjs';

const reports = process.env.XMPP_REPORTS_DIR ?? 'reports';

// Server-to-server scenarios are the long ones (a dialback involves the target's own outgoing
// connection) and, without a peer lane per worker, run one at a time (support/hooks.ts): the files
// that hold them come first, so they start with the run and the client-to-server scenarios fill
// in around them. A file named twice is read once.
const here = path.dirname(new URL(import.meta.url).pathname);
const s2sFirst = (fs.readdirSync(path.join(here, 'features'), { recursive: true }))
  .filter((f) => f.endsWith('.feature') && fs.readFileSync(path.join(here, 'features', f), 'utf8').includes('@s2s'))
  .sort()
  .map((f) => path.join('features', f));

// the support code and steps, and the suite's formatters, as cucumber loads them: bundled from the
// TypeScript sources now (support/bundle.mjs), so an edit to them counts at the next run
const built = await bundle(here, ['support', 'steps'], ['support/report/progress.ts', 'support/report/allure-formatter.ts']);

export default {
  paths: [...s2sFirst, 'features/**/*.feature'],
  import: ['support/source-maps.mjs', built.support],
  format: [
    // the console: progress and nothing else (support/report/progress.ts); --verbose brings back
    // cucumber's own, with its failure dump (every step and transcript of every failed scenario)
    process.env.XMPP_CONSOLE === 'verbose' ? 'progress' : built.progress,
    `json:${reports}/cucumber.json`,
    `junit:${reports}/junit.xml`,
    `html:${reports}/cucumber.html`,
    `message:${reports}/cucumber.ndjson`,
    // only one formatter may own stdout: Allure's writes its results directory, and this file
    [built['allure-formatter'], `${reports}/allure-formatter.out`],
  ],
  formatOptions: {
    resultsDir: `${reports}/allure-results`,
    junit: { suiteName: 'xmpp-core-conformance' },
    links: {
      requirement: {
        pattern: [/^@req:/],
        // the requirement page written beside the report: the sentence, its keyword and section
        urlTemplate: (tag) => `../requirements.html#${tag.replace(/^@req:/, '')}`,
      },
    },
    // epic (spec section), keyword and requirement labels are set at run time by support/hooks.ts
  },
  strict: true,
};
