import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, tempJupyterPath } from './helpers.js';

const probe = spawnSync('python3', ['-c', 'import jupyter_kernel_test, sys; sys.stdout.write(jupyter_kernel_test.__version__)'], { encoding: 'utf8' });
const missing = probe.status !== 0 ? 'the Python package jupyter_kernel_test is not installed (pip install "jupyter_kernel_test>=0.7")' : false;

test(`jupyter_kernel_test ${probe.stdout || ''} passes every check on the trainbook kernel`, { skip: missing, timeout: 240_000 }, async () => {
  const jupyterPath = await tempJupyterPath();
  try {
    const run = spawnSync('python3', ['-m', 'unittest', '-v', 'test_trainbook_kernel'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, JUPYTER_PATH: jupyterPath, PYTHONPATH: join(repoRoot, 'test', 'kernel') },
      timeout: 230_000,
    });
    const report = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 0, report);
    assert.match(run.stderr, /Ran 13 tests/, report);
    assert.doesNotMatch(run.stderr, /skipped/, `no check may be skipped:\n${report}`);
  } finally {
    await rm(jupyterPath, { recursive: true, force: true });
  }
});
