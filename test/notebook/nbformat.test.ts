import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNotebook, readNotebook, splitLines, stringifyNotebook, validateNotebook, writeNotebook } from '../../src/notebook/nbformat.js';
import { fixtures } from './kernels.js';

test('fixture notebooks are valid nbformat 4.5 and round-trip byte for byte through stringifyNotebook', async () => {
  const nb = await readNotebook(join(fixtures, 'ts-pass.ipynb'));
  assert.deepEqual(validateNotebook(nb), []);
  const dir = mkdtempSync(join(tmpdir(), 'nbformat-'));
  await writeNotebook(join(dir, 'a.ipynb'), nb);
  const again = await readNotebook(join(dir, 'a.ipynb'));
  assert.equal(stringifyNotebook(again), readFileSync(join(dir, 'a.ipynb'), 'utf8'));
  assert.deepEqual(again.cells.map((c) => c.id), nb.cells.map((c) => c.id));
});

test('a 4.4 notebook without cell ids is upgraded to 4.5 with unique ids', () => {
  const nb = parseNotebook(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 4,
      metadata: {},
      cells: [
        { cell_type: 'markdown', metadata: {}, source: '# t' },
        { cell_type: 'code', metadata: {}, source: 'x', outputs: [], execution_count: null },
      ],
    }),
  );
  assert.equal(nb.nbformat_minor, 5);
  assert.equal(new Set(nb.cells.map((c) => c.id)).size, 2);
});

test('an invalid notebook is rejected naming the file, the cell and the output', () => {
  const bad = JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { id: 'a', cell_type: 'markdown', metadata: {}, source: 'ok' },
      { id: 'b', cell_type: 'code', metadata: {}, source: 'x', outputs: [{ output_type: 'stream', name: 'stdout' }], execution_count: null },
    ],
  });
  assert.throws(() => parseNotebook(bad, 'bad.ipynb'), /bad\.ipynb: not a valid nbformat 4\.5 notebook: cell 2 output 1: must have required property 'text'/);
  assert.throws(() => parseNotebook('{', 'broken.ipynb'), /broken\.ipynb: not valid JSON/);
  assert.throws(() => parseNotebook('{"nbformat": 3, "cells": []}', 'old.ipynb'), /old\.ipynb: nbformat is 3, expected 4/);
});

test('splitLines keeps line ends as Jupyter stores text', () => {
  assert.deepEqual(splitLines('a\nb\n'), ['a\n', 'b\n']);
  assert.deepEqual(splitLines('a\n\nb'), ['a\n', '\n', 'b']);
  assert.deepEqual(splitLines(''), []);
});

test('the precompiled validator is up to date with the schema file', () => {
  const script = join(import.meta.dirname, '..', '..', 'src', 'notebook', 'schema', 'generate-validator.mjs');
  const result = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
});
