import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findKernelSpecs, getKernelSpec, jupyterDataDirs, userDataDir } from '../../src/jupyter/kernelspec.js';
import { errorFromStderr } from '../../src/jupyter/kernel-client.js';

function specDir(root: string, name: string, argv: string[]): void {
  mkdirSync(join(root, 'kernels', name), { recursive: true });
  writeFileSync(join(root, 'kernels', name, 'kernel.json'), JSON.stringify({ argv, display_name: name, language: 'x' }));
}

test('JUPYTER_PATH entries come first and the first folder holding a name wins', () => {
  const a = mkdtempSync(join(tmpdir(), 'ks-a-'));
  const b = mkdtempSync(join(tmpdir(), 'ks-b-'));
  specDir(a, 'k', ['from-a']);
  specDir(b, 'k', ['from-b']);
  specDir(b, 'other', ['b-other']);
  const env = { JUPYTER_PATH: `${a}:${b}`, JUPYTER_DATA_DIR: join(a, 'user'), HOME: a };
  assert.deepEqual(jupyterDataDirs({ env, includePythonPrefix: false }).slice(0, 3), [a, b, join(a, 'user')]);
  assert.deepEqual(getKernelSpec('k', { env, includePythonPrefix: false }).argv, ['from-a']);
  const specs = findKernelSpecs({ env, includePythonPrefix: false });
  assert.equal(specs.get('other')?.resourceDir, join(b, 'kernels', 'other'));
  assert.equal(userDataDir({ JUPYTER_DATA_DIR: '/x/y' }), '/x/y');
});

test('an unknown kernel name lists the kernels found and says how to register ours', () => {
  const a = mkdtempSync(join(tmpdir(), 'ks-'));
  specDir(a, 'python3', ['python3']);
  const env = { JUPYTER_PATH: a, JUPYTER_DATA_DIR: join(a, 'user') };
  assert.throws(
    () => getKernelSpec('tslab', { env, includePythonPrefix: false }),
    (e: Error) =>
      /No Jupyter kernel named "tslab"/.test(e.message) &&
      e.message.includes(`python3  ${join(a, 'kernels', 'python3')}`) &&
      /npx trainbook install-kernel/.test(e.message),
  );
});

test('a kernel.json without argv is rejected naming the file', () => {
  const a = mkdtempSync(join(tmpdir(), 'ks-'));
  mkdirSync(join(a, 'kernels', 'bad'), { recursive: true });
  writeFileSync(join(a, 'kernels', 'bad', 'kernel.json'), '{"display_name": "x"}');
  assert.throws(() => getKernelSpec('bad', { env: { JUPYTER_PATH: a }, includePythonPrefix: false }), /kernel\.json: "argv" is undefined, expected a non-empty array/);
});

test('errorFromStderr turns tslab stderr into ename, evalue and traceback', () => {
  assert.deepEqual(errorFromStderr("2:7 - Type 'string' is not assignable to type 'number'.\n"), {
    output_type: 'error',
    ename: 'TypeScriptError',
    evalue: "2:7 - Type 'string' is not assignable to type 'number'.",
    traceback: ["2:7 - Type 'string' is not assignable to type 'number'."],
  });
  const runtime = errorFromStderr('evalmachine.<anonymous>:2\nthrow new TypeError("boom");\n^\n\nTypeError: boom\n    at evalmachine.<anonymous>:2:7\n');
  assert.equal(runtime.ename, 'TypeError');
  assert.equal(runtime.evalue, 'boom');
  assert.equal(errorFromStderr('').evalue, 'the kernel reported an error');
  assert.equal(errorFromStderr('something odd\n').ename, 'Error');
});
