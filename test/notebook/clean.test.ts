import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanFile } from '../../src/notebook/clean.js';
import type { Notebook } from '../../src/notebook/nbformat.js';
import { fixtures } from './kernels.js';

function executedCopy(dir: string): string {
  const nb = JSON.parse(readFileSync(join(fixtures, 'ts-pass.ipynb'), 'utf8')) as Notebook;
  nb.metadata.trainbook = { status: 'ok' };
  nb.metadata.widgets = { state: {} };
  nb.cells.splice(2, 0, { cell_type: 'code', id: 'inj', metadata: { tags: ['injected-parameters'] }, source: ['const quick = true;'], outputs: [], execution_count: 2 });
  const code = nb.cells[3];
  assert.ok(code.cell_type === 'code');
  code.outputs = [{ output_type: 'stream', name: 'stdout', text: ['hi\n'] }];
  code.execution_count = 3;
  code.metadata = { collapsed: true, scrolled: false, execution: { 'shell.execute_reply': 'x' }, tags: ['keep'] };
  const path = join(dir, 'executed.ipynb');
  writeFileSync(path, JSON.stringify(nb));
  return path;
}

test('clean strips outputs, counts, volatile metadata and the injected cell but keeps tags and ids', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clean-'));
  const path = executedCopy(dir);
  const checked = await cleanFile(path, { check: true });
  assert.equal(checked.dirty, true);
  assert.deepEqual(checked.reasons, ['1 cell with outputs', '2 execution counts', 'an "injected-parameters" cell']);
  assert.equal((await cleanFile(path)).dirty, true);
  const nb = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
  const original = JSON.parse(readFileSync(join(fixtures, 'ts-pass.ipynb'), 'utf8')) as Notebook;
  assert.deepEqual(nb.cells.map((c) => c.id), original.cells.map((c) => c.id));
  assert.deepEqual(nb.cells[2].metadata, { tags: ['keep'] });
  assert.deepEqual(nb.cells[1].metadata, { tags: ['parameters'] });
  assert.deepEqual(nb.metadata, original.metadata);
  assert.ok(nb.cells.every((c) => c.cell_type !== 'code' || (c.outputs.length === 0 && c.execution_count === null)));
  assert.equal((await cleanFile(path, { check: true })).dirty, false);
});

test('a clean notebook is reported clean and left byte for byte as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clean-'));
  const path = join(dir, 'a.ipynb');
  copyFileSync(join(fixtures, 'ts-fail.ipynb'), path);
  const before = readFileSync(path, 'utf8');
  assert.deepEqual(await cleanFile(path), { path, dirty: false, reasons: [] });
  assert.equal(readFileSync(path, 'utf8'), before);
});
