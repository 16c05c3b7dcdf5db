// The cucumber configuration. A .mjs, not cucumber.json: allure-cucumberjs maps tags to links
// and labels with RegExp patterns and a link template function, which JSON cannot hold.
// Output paths are under reports/; bin/conformance.ts passes the same profile.
const reports = process.env.XMPP_REPORTS_DIR ?? 'reports';

export default {
  paths: ['features/**/*.feature'],
  import: ['support/tsx-register.mjs', 'support/**/*.ts', 'steps/**/*.ts'],
  format: [
    // the console: progress and nothing else (support/report/progress.ts); --verbose brings back
    // cucumber's own, with its failure dump (every step and transcript of every failed scenario)
    process.env.XMPP_CONSOLE === 'verbose' ? 'progress' : './support/report/progress.ts',
    `json:${reports}/cucumber.json`,
    `junit:${reports}/junit.xml`,
    `html:${reports}/cucumber.html`,
    `message:${reports}/cucumber.ndjson`,
    // only one formatter may own stdout: Allure's writes its results directory, and this file
    ['allure-cucumberjs/reporter', `${reports}/allure-formatter.out`],
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
