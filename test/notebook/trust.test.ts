// Jupyter's notebook trust read from Node, checked against the real `jupyter trust` and nbformat's
// NotebookNotary in a private Jupyter data folder (JUPYTER_DATA_DIR), so the user's own is never touched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isTrustedByJupyter, jupyterDataDir, notebookSignature, pythonNumberText } from '../../src/notebook/trust.js';
import { copyFixtureCourse } from '../fixtures/export/load.js';

const hasJupyter = spawnSync('jupyter', ['trust', '--help'], { encoding: 'utf8' }).status === 0;
// Outside CI a machine without Jupyter skips; in CI a missing Jupyter is a failure.
const skip = !hasJupyter && process.env.CI === undefined ? 'jupyter not found: pip install -r requirements-test.txt' : false;

function jupyterEnv(dataDir: string): NodeJS.ProcessEnv {
  return { ...process.env, JUPYTER_DATA_DIR: dataDir, JUPYTER_CONFIG_DIR: join(dataDir, 'config') };
}

function jupyterTrust(dataDir: string, ...paths: string[]): void {
  const result = spawnSync('jupyter', ['trust', ...paths], { encoding: 'utf8', env: jupyterEnv(dataDir) });
  assert.equal(result.status, 0, result.stderr);
}

/** nbformat's own answer for each file: [compute_signature, check_signature]. */
function pythonNotary(dataDir: string, paths: string[]): [string, boolean][] {
  const script = [
    'import json, sys, warnings',
    'warnings.simplefilter("ignore")',
    'import nbformat',
    'from nbformat.sign import NotebookNotary',
    'notary = NotebookNotary(data_dir=sys.argv[1])',
    'out = []',
    'for path in sys.argv[2:]:',
    '    nb = nbformat.read(path, nbformat.NO_CONVERT)',
    '    out.append([notary.compute_signature(nb), notary.check_signature(nb)])',
    'print(json.dumps(out))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, dataDir, ...paths], { encoding: 'utf8', env: jupyterEnv(dataDir) });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as [string, boolean][];
}

// Numbers, keys and values whose Python str() or sort order differs from JavaScript's.
const TRICKY = `{"nbformat": 4, "nbformat_minor": 5,
 "metadata": {"signature": "sha256:0ld", "orig_nbformat": 3, "orig_nbformat_minor": 0,
  "numbers": [1.0, 0.1, 1e-05, 1e16, 1e15, 123456789012345678901234, -0, -0.0, 2.5e-7, 1E5, 0.0001, 100.0, 1.5e300, 1e400, 3, -7],
  "consts": [true, false, null], "\\uFFFD": 1, "\\ud83d\\ude00": 2, "Z": 0, "a": {"z": 1, "B": 2}, "é": "ü ✓"},
 "cells": [
  {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["# Title\\n", "text"]},
  {"cell_type": "code", "id": "c1", "metadata": {"trusted": false, "tags": ["x"]}, "source": ["x\\n", "y"], "execution_count": 3,
   "outputs": [{"output_type": "display_data", "data": {"text/html": ["<script>window.__ran = 1</script>"], "text/plain": "x"}, "metadata": {"w": 0.5}}]}
 ]}
`;

describe('Jupyter trust from Node', { skip }, () => {
  test('Python str() of JSON numbers: ints exact, floats in repr form', () => {
    const cases: [string, string][] = [['1.0', '1.0'], ['0.1', '0.1'], ['1e-05', '1e-05'], ['1e16', '1e+16'], ['1e15', '1000000000000000.0'], ['-0', '0'], ['-0.0', '-0.0'], ['2.5e-7', '2.5e-07'], ['1E5', '100000.0'], ['0.0001', '0.0001'], ['1e400', 'inf'], ['123456789012345678901234', '123456789012345678901234'], ['1.5e300', '1.5e+300']];
    for (const [literal, python] of cases) assert.equal(pythonNumberText(literal), python, literal);
  });

  test('the signature is the one nbformat computes, for tricky values and for the fixture course', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-trust-'));
    const dataDir = join(dir, 'jupyter');
    writeFileSync(join(dir, 'tricky.ipynb'), TRICKY);
    copyFixtureCourse(join(dir, 'course'));
    const files = [join(dir, 'tricky.ipynb'), join(dir, 'course', 'iris', '01-outputs.ipynb'), join(dir, 'course', 'iris', '03-plotly-html.ipynb'), join(dir, 'course', 'ag-news', '01-failed.ipynb')];
    jupyterTrust(dataDir, files[0]); // creates the secret
    const secret = readFileSync(join(dataDir, 'notebook_secret'));
    const python = pythonNotary(dataDir, files);
    files.forEach((file, i) => assert.equal(notebookSignature(readFileSync(file, 'utf8'), secret), python[i][0], file));
  });

  test('a notebook is trusted after jupyter trust, and no longer once an output is changed', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'tb-trust-')), 'jupyter');
    const path = join(dataDir, '..', 'lesson.ipynb');
    writeFileSync(path, TRICKY);
    assert.equal(await isTrustedByJupyter(TRICKY, { dataDir }), false, 'no secret and no database yet');
    jupyterTrust(dataDir, path);
    assert.equal(await isTrustedByJupyter(TRICKY, { dataDir }), true);
    const tampered = TRICKY.replace('window.__ran = 1', 'window.__ran = 2');
    writeFileSync(path, tampered);
    assert.deepEqual(pythonNotary(dataDir, [path]).map(([, trusted]) => trusted), [false], 'nbformat agrees the changed notebook is untrusted');
    assert.equal(await isTrustedByJupyter(tampered, { dataDir }), false);
    // Key order, whitespace and how text is split into lines are not part of what Jupyter signs.
    const reordered = TRICKY.replace('"Z": 0, "a": {"z": 1, "B": 2}', '"a": {"B": 2,   "z": 1},\n "Z": 0').replace('["x\\n", "y"]', '"x\\ny"');
    assert.notEqual(reordered, TRICKY);
    assert.equal(await isTrustedByJupyter(reordered, { dataDir }), true);
  });

  test('a 4.5 notebook without cell ids is never trusted, as nbformat gives it random ids on every read', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'tb-trust-')), 'jupyter');
    const text = TRICKY.replace('"id": "c1", ', '');
    const path = join(dataDir, '..', 'no-ids.ipynb');
    writeFileSync(path, text);
    jupyterTrust(dataDir, path);
    assert.deepEqual(pythonNotary(dataDir, [path]).map(([, trusted]) => trusted), [false]);
    assert.equal(notebookSignature(text, Buffer.from('k')), undefined);
    assert.equal(await isTrustedByJupyter(text, { dataDir }), false);
  });

  test('the data folder follows JUPYTER_DATA_DIR, then XDG_DATA_HOME, as jupyter --data-dir does', () => {
    const probe = (env: Record<string, string | undefined>): string =>
      spawnSync('jupyter', ['--data-dir'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env } }).stdout.trim();
    for (const env of [{ JUPYTER_DATA_DIR: '/tmp/x-data' }, { XDG_DATA_HOME: '/tmp/xdg' }, {}]) {
      assert.equal(jupyterDataDir({ HOME: process.env.HOME, ...env }, 'linux'), probe(env), JSON.stringify(env));
    }
  });
});
