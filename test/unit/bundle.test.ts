// support/bundle.mjs: what cucumber loads is made from the sources once per content of them, and
// each source keeps its own import.meta.url.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
// @ts-expect-error plain JavaScript without declarations (it runs before TypeScript can be loaded)
import { bundle } from '../../support/bundle.mjs';

test('the bundle is made once per content of the sources, and a source keeps its own import.meta.url', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-test-'));
  try {
    fs.mkdirSync(path.join(root, 'lib', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(root, 'lib', 'deep', 'where.ts'), 'export const where: string = import.meta.url;\n');
    fs.writeFileSync(path.join(root, 'lib', 'main.ts'), "import { where } from './deep/where.ts';\n(globalThis as Record<string, unknown>).bundleTestWhere = where;\n");
    const first = (await bundle(root, ['lib'], [])) as { support: string };
    assert.ok(fs.existsSync(first.support));
    await import(pathToFileURL(first.support).href);
    assert.equal((globalThis as Record<string, unknown>).bundleTestWhere, pathToFileURL(path.join(root, 'lib', 'deep', 'where.ts')).href);
    const again = (await bundle(root, ['lib'], [])) as { support: string };
    assert.equal(again.support, first.support, 'the same sources, the same bundle');
    fs.appendFileSync(path.join(root, 'lib', 'main.ts'), '// changed\n');
    const changed = (await bundle(root, ['lib'], [])) as { support: string };
    assert.notEqual(changed.support, first.support, 'a changed source, a new bundle');
    for (const b of [first, changed]) fs.rmSync(path.dirname(b.support), { recursive: true, force: true });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
