import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { loadPatchedConverter, patchShorthandProperties } from '../../src/patches/tslab-converter.js';

const require = createRequire(import.meta.url);

test('the patched converter compiles { name } of an earlier cell to exports.name', () => {
  const converter = loadPatchedConverter(require('@tslab/typescript-for-tslab')).createConverter({ isJS: false, isBrowser: false });
  try {
    const first = converter.convert('', 'const name = 1;');
    const second = converter.convert(first.declOutput ?? '', 'const o = { name };');
    assert.deepEqual(second.diagnostics, []);
    assert.match(second.output ?? '', /name: exports\.name/);
  } finally {
    converter.close();
  }
});

test('patchShorthandProperties refuses a converter.js without its anchor, naming the patch file', () => {
  const source = readFileSync(require.resolve('tslab/dist/converter.js'), 'utf8');
  assert.ok(patchShorthandProperties(source).includes('isShorthandPropertyAssignment'));
  assert.throws(() => patchShorthandProperties('module.exports = {};'), /patch tslab-converter: .*src\/patches\/tslab-converter\.ts/);
});
