// Imported before the bundled support code (cucumber.mjs, support/bundle.mjs): stack traces, and
// the step and hook locations cucumber reads from them, name the TypeScript files and lines
// through the bundle's source map.
process.setSourceMapsEnabled(true);
