// Our runner against Python's nbclient (through `jupyter nbconvert --execute`) on the same notebooks and kernels.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelSpec } from '../../src/jupyter/kernelspec.js';
import { joinText, type Notebook, type Output } from '../../src/notebook/nbformat.js';
import { runNotebook } from '../../src/notebook/run.js';
import { fixtures, makeJupyterPath, SKIP_NO_NBCLIENT } from './kernels.js';

let jupyterPath: string;
let tslab: KernelSpec;
let python: KernelSpec | null;

before(async () => {
  ({ jupyterPath, tslab, python } = await makeJupyterPath());
});

/** Execute with nbclient and return the executed notebook. */
function nbclient(notebook: string, extra: string[] = []): Notebook {
  const outDir = mkdtempSync(join(tmpdir(), 'tb-nbclient-'));
  const result = spawnSync(
    'python3',
    ['-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--output-dir', outDir, ...extra, notebook],
    { encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: jupyterPath }, timeout: 120_000 },
  );
  assert.equal(result.status, 0, `nbconvert failed: ${result.stderr}`);
  return JSON.parse(readFileSync(join(outDir, notebook.split('/').pop() ?? ''), 'utf8')) as Notebook;
}

/** Outputs with text joined (storage splits lines), for comparison. */
function normalize(outputs: readonly Output[]): unknown[] {
  return outputs.map((o) => {
    if (o.output_type === 'stream') return { ...o, text: joinText(o.text) };
    if (o.output_type === 'error') return o;
    const data: Record<string, unknown> = {};
    for (const [mime, value] of Object.entries(o.data)) data[mime] = typeof value === 'string' || Array.isArray(value) ? joinText(value as string[]) : value;
    return { ...o, data };
  });
}

function codeCells(nb: Notebook): { outputs: Output[]; count: number | null }[] {
  return nb.cells.flatMap((c) => (c.cell_type === 'code' ? [{ outputs: c.outputs, count: c.execution_count }] : []));
}

test('on ipykernel our outputs and execution counts equal nbclient’s, output for output', { skip: SKIP_NO_NBCLIENT }, async () => {
  assert.ok(python);
  const path = join(fixtures, 'py-pass.ipynb');
  const ours = await runNotebook(path, { kernelSpec: python });
  assert.equal(ours.status, 'ok', ours.failure?.message);
  const theirs = codeCells(nbclient(path));
  const mine = codeCells(ours.notebook);
  assert.equal(mine.length, theirs.length);
  for (let i = 0; i < mine.length; i++) {
    assert.deepEqual(normalize(mine[i].outputs), normalize(theirs[i].outputs), `code cell ${i + 1}`);
    assert.equal(mine[i].count, theirs[i].count, `execution count of code cell ${i + 1}`);
  }
});

test('on tslab our outputs equal nbclient’s, and we add the execution counts tslab does not announce', { skip: SKIP_NO_NBCLIENT }, async () => {
  const path = join(fixtures, 'ts-pass.ipynb');
  const ours = await runNotebook(path, { kernelSpec: tslab });
  assert.equal(ours.status, 'ok', ours.failure?.message);
  const theirs = codeCells(nbclient(path));
  const mine = codeCells(ours.notebook);
  assert.equal(mine.length, theirs.length);
  for (let i = 0; i < mine.length; i++) {
    assert.deepEqual(normalize(mine[i].outputs), normalize(theirs[i].outputs), `code cell ${i + 1}`);
  }
  // Known tslab gap: no execute_input, so nbclient stores no counts; ours are 1..n.
  assert.deepEqual(theirs.map((c) => c.count), theirs.map(() => null));
  assert.deepEqual(mine.map((c) => c.count), mine.map((_, i) => i + 1));
});

test('on a failing tslab notebook we keep nbclient’s stderr text and add an error output that names the exception', { skip: SKIP_NO_NBCLIENT }, async () => {
  const path = join(fixtures, 'ts-fail.ipynb');
  const ours = await runNotebook(path, { kernelSpec: tslab });
  assert.equal(ours.status, 'failed');
  // nbclient stops too (execute_reply status "error"); --allow-errors makes it write the notebook.
  const theirs = codeCells(nbclient(path, ['--allow-errors']));
  const mine = codeCells(ours.notebook);
  assert.deepEqual(normalize(mine[0].outputs), normalize(theirs[0].outputs));
  const stderr = (outputs: Output[]): string => joinText(outputs.flatMap((o) => (o.output_type === 'stream' && o.name === 'stderr' ? [joinText(o.text)] : [])));
  assert.equal(stderr(mine[1].outputs), stderr(theirs[1].outputs));
  assert.deepEqual(mine[1].outputs.map((o) => o.output_type), ['stream', 'error']);
});
