// What cucumber loads: the support code and the steps as one ES module, and each formatter as
// one, transpiled from the TypeScript sources by esbuild when the configuration is read
// (cucumber.mjs) and the sources have changed. Loaded through tsx's hooks instead, every cucumber
// process (the coordinator and every worker) started in 0.57 s instead of about 0.4 s, each of the
// sixty modules and every package a round-trip to the hooks' thread. Plain JavaScript, since it
// runs before any TypeScript can be loaded.
//
// - Order: the bundle imports the files in the order cucumber's own `import` globs load them
//   (each pattern's files sorted, patterns in turn), so hooks register in the same order.
// - import.meta.url: each source file keeps its own (its file's URL, written in), so paths
//   relative to a module (the schemas, requirements.json) resolve as from the sources.
// - Stack traces: the bundle carries a source map (its sources named from the project's root)
//   and support/source-maps.mjs, imported first, turns Node's source maps on, so stack traces,
//   and cucumber's step and hook locations taken from them, name the TypeScript files and lines.
// - When: once per content of the sources (a hash of them names the bundles' directory in the
//   suite's cache, support/cache.mjs); a new directory is renamed into place, so runs at the same
//   time do not disturb each other; the eight newest stay.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cacheDir } from './cache.mjs';

const ESBUILD_VERSION = createRequire(import.meta.url)('esbuild/package.json').version;

/** Files under `dir` (relative to `root`) whose names end in `ext` (a string or a pattern), sorted as cucumber sorts a glob's matches. */
function filesUnder(root, dir, ext) {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true })
    .filter((f) => (typeof ext === 'string' ? f.endsWith(ext) : ext.test(f)))
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
  // what the bundles are made from: every file of `dirs` a module can import, the formatters' names, this file, esbuild's version
  const hash = crypto.createHash('sha256').update(fs.readFileSync(fileURLToPath(import.meta.url))).update(ESBUILD_VERSION).update(formatters.join('\0'));
  for (const f of [...new Set(dirs.flatMap((d) => filesUnder(root, d, /\.(ts|mts|mjs|json)$/)))]) hash.update(f).update(fs.readFileSync(f));
  const dir = path.join(cacheDir(), 'bundles', hash.digest('hex').slice(0, 16));
  const out = { support: path.join(dir, 'support.mjs') };
  for (const f of formatters) out[path.basename(f, '.ts')] = path.join(dir, path.basename(f).replace(/\.ts$/, '.mjs'));
  if (fs.existsSync(dir)) return out;
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node', format: 'esm', packages: 'external', sourcemap: 'linked', sourcesContent: false, sourceRoot: `${pathToFileURL(root).href}/`, write: false, plugins: [ownUrl], logLevel: 'error', absWorkingDir: root };
  const built = await Promise.all([
    esbuild.build({ ...common, stdin: { contents: files.map((f) => `import ${JSON.stringify(f)};`).join('\n'), resolveDir: root, sourcefile: 'support.ts', loader: 'ts' }, outfile: 'support.mjs' }),
    ...formatters.map((f) => esbuild.build({ ...common, entryPoints: [path.join(root, f)], outfile: path.basename(f).replace(/\.ts$/, '.mjs') })),
  ]);
  const tmp = `${dir}.${process.pid}.tmp`;
  fs.mkdirSync(tmp, { recursive: true });
  for (const o of built.flatMap((b) => b.outputFiles)) fs.writeFileSync(path.join(tmp, path.basename(o.path)), o.contents);
  try {
    fs.renameSync(tmp, dir);
  } catch {
    // another run made the same bundles first
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // the eight newest stay (a run of other sources may be reading one), older ones go
  const parent = path.dirname(dir);
  const old = fs.readdirSync(parent).map((d) => ({ d, t: fs.statSync(path.join(parent, d)).mtimeMs })).sort((x, y) => y.t - x.t).slice(8);
  for (const { d } of old) fs.rmSync(path.join(parent, d), { recursive: true, force: true });
  return out;
}
