// Where the suite keeps what it derives and can derive again (the bundles cucumber loads, the
// JVM class archive of the Allure rendering): the project's node_modules/.cache, or the user's
// own cache where that cannot be written (an installation owned by another user). Plain
// JavaScript: cucumber.mjs needs it before any TypeScript can be loaded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The cache directory, made if missing. */
export function cacheDir() {
  const own = path.join(ROOT, 'node_modules', '.cache', 'xmpp-core-conformance');
  try {
    fs.mkdirSync(own, { recursive: true });
    fs.accessSync(own, fs.constants.W_OK);
    return own;
  } catch {
    const user = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'xmpp-core-conformance');
    fs.mkdirSync(user, { recursive: true, mode: 0o700 });
    return user;
  }
}
