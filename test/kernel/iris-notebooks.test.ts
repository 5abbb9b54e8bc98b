import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { kernelJson } from '../../src/jupyter/install-kernel.js';
import type { KernelSpec } from '../../src/jupyter/kernelspec.js';
import { runNotebook } from '../../src/notebook/run.js';
import { repoRoot, trainbookSpec } from './helpers.js';

const irisDir = join(repoRoot, 'notebooks', 'iris');
// 18 notebook runs take minutes on 2 cores: run with TRAINBOOK_SLOW_TESTS=1 (CI does).
const skip = process.env.TRAINBOOK_SLOW_TESTS === '1' ? false : 'slow (about 6 minutes): set TRAINBOOK_SLOW_TESTS=1 to run every Iris notebook on both kernels';
const notebooks = readdirSync(irisDir).filter((name) => name.endsWith('.ipynb')).sort();

function tslabSpec(): KernelSpec {
  const json = kernelJson('tslab');
  return { name: 'tslab', resourceDir: irisDir, ...json };
}

// The course notebooks must run on the project's kernel and still run on plain tslab.
for (const [kernelName, spec] of [
  ['trainbook', trainbookSpec],
  ['tslab', tslabSpec],
] as const) {
  describe(`Iris notebooks in quick mode on the ${kernelName} kernel`, { skip }, () => {
    for (const name of notebooks) {
      test(`${name} runs top to bottom without an error`, { timeout: 240_000 }, async () => {
        const result = await runNotebook(join(irisDir, name), { kernelSpec: spec(), quick: true, cellTimeoutMs: 180_000 });
        assert.equal(result.status, 'ok', result.failure ? `${result.failure.message}\n${result.failure.error.traceback.join('\n')}` : 'failed');
        const errors = result.cells.flatMap((cell) => cell.outputs).filter((output) => output.output_type === 'error');
        assert.deepEqual(errors, []);
        if (kernelName === 'trainbook') {
          assert.deepEqual(
            result.cells.map((cell) => cell.executionCount),
            result.cells.map((_, i) => i + 1),
          );
        }
      });
    }
  });
}
