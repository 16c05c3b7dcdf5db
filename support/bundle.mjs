// What cucumber loads: the support code and the steps as one ES module, and each formatter as
// one, transpiled from the TypeScript sources by esbuild when the configuration is read
// (cucumber.mjs). Loaded through tsx's hooks instead, every cucumber process (the coordinator
// and every worker) took 0.57 s to start instead of 0.36 s, each of the sixty modules and every
// package a round-trip to the hooks' thread. Plain JavaScript, since it runs before any
// TypeScript can be loaded.
//
// - Order: the bundle imports the files in the order cucumber's own `import` globs load them
//   (each pattern's files sorted, patterns in turn), so hooks register in the same order.
// - import.meta.url: each source file keeps its own (its file's URL, written in), so paths
//   relative to a module (the schemas, requirements.json) resolve as from the sources.
// - Stack traces: the bundle carries a source map (its sources named from the project's root)
//   and support/source-maps.mjs, imported first,
//   turns Node's source maps on, so stack traces, and cucumber's step and hook locations taken
//   from them, name the TypeScript files and lines.
// - Where: <the suite's cache (support/cache.mjs)>/bundles/<hash of the output>/, written once per
//   content (a new directory renamed into place), so runs at the same time do not disturb each
//   other; the eight newest stay.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { cacheDir } from './cache.mjs';

/** Files under `dir` (relative to `root`) ending in `ext`, sorted as cucumber sorts a glob's matches. */
function filesUnder(root, dir, ext) {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true })
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(root, dir, f))
    .sort();
}

/** Every `import.meta.url` in a source file becomes that file's own URL. */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (a) => ({
      contents: fs.readFileSync(a.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)),
      loader: 'ts',
    }));
  },
};

/**
 * Bundle the support code and steps (`dirs`, in that order) and the `formatters` (TypeScript
 * files whose default export is a formatter); returns the path of each output: `support`, and
 * one per formatter, by its file name.
 */
export async function bundle(root, dirs, formatters) {
  const files = [...new Set(dirs.flatMap((d) => filesUnder(root, d, '.ts')))];
  const common = { bundle: true, platform: 'node', format: 'esm', packages: 'external', sourcemap: 'linked', sourcesContent: false, sourceRoot: `${pathToFileURL(root).href}/`, write: false, plugins: [ownUrl], logLevel: 'error', absWorkingDir: root };
  const built = await Promise.all([
    esbuild.build({ ...common, stdin: { contents: files.map((f) => `import ${JSON.stringify(f)};`).join('\n'), resolveDir: root, sourcefile: 'support.ts', loader: 'ts' }, outfile: 'support.mjs' }),
    ...formatters.map((f) => esbuild.build({ ...common, entryPoints: [path.join(root, f)], outfile: path.basename(f).replace(/\.ts$/, '.mjs') })),
  ]);
  const outputs = built.flatMap((b) => b.outputFiles);
  const hash = crypto.createHash('sha256');
  for (const o of outputs) hash.update(o.path).update(o.contents);
  const dir = path.join(cacheDir(), 'bundles', hash.digest('hex').slice(0, 16));
  if (!fs.existsSync(dir)) {
    const tmp = `${dir}.${process.pid}.tmp`;
    fs.mkdirSync(tmp, { recursive: true });
    for (const o of outputs) fs.writeFileSync(path.join(tmp, path.basename(o.path)), o.contents);
    try {
      fs.renameSync(tmp, dir);
    } catch {
      // another run wrote the same content first
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    // the eight newest stay (a run of other sources may be reading one), older ones go
    const parent = path.dirname(dir);
    const old = fs.readdirSync(parent).map((d) => ({ d, t: fs.statSync(path.join(parent, d)).mtimeMs })).sort((a, b) => b.t - a.t).slice(8);
    for (const { d } of old) fs.rmSync(path.join(parent, d), { recursive: true, force: true });
  }
  const out = { support: path.join(dir, 'support.mjs') };
  for (const f of formatters) out[path.basename(f, '.ts')] = path.join(dir, path.basename(f).replace(/\.ts$/, '.mjs'));
  return out;
}
