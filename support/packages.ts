// Where an installed dependency lives: under this checkout's node_modules when run from a clone,
// beside this package's own directory when it is installed as a package (npm hoists them).
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** A file inside the installed package `name`, e.g. packageFile('@cucumber/cucumber', 'bin/cucumber.js'). */
export function packageFile(name: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${name}/package.json`)), file);
}
