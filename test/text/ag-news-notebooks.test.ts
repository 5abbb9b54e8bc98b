import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { kernelJson } from '../../src/jupyter/install-kernel.js';
import type { KernelSpec } from '../../src/jupyter/kernelspec.js';
import { runNotebook } from '../../src/notebook/run.js';
import { repoRoot, trainbookSpec } from '../kernel/helpers.js';

const dir = join(repoRoot, 'notebooks', 'ag-news');
// Eight notebooks on two kernels take a few minutes on 2 cores: run with TRAINBOOK_SLOW_TESTS=1.
const skip = process.env.TRAINBOOK_SLOW_TESTS === '1' ? false : 'slow (about 4 minutes): set TRAINBOOK_SLOW_TESTS=1 to run the AG News notebooks';
const notebooks = readdirSync(dir).filter((name) => name.endsWith('.ipynb')).sort();

/** What each notebook must print in quick mode (the shipped data has no train.csv). */
const expectedText: Record<string, RegExp[]> = {
  '01-data-and-split.ipynb': [/offline: training on a split of test\.csv/, /train 5700 {2}valid 300 {2}test 1600/, /train true {2}valid true {2}test true/],
  '03-dataloader-collate.ipynb': [/^true$/m],
  '04-model.ipynb': [/largest difference: 0/],
  '06-training-loop.ipynb': [/end of epoch {2}2/, /reloaded model/],
  '08-test-and-predict.ipynb': [/test accuracy 0\.\d+ on 256 texts/],
};

function tslabSpec(): KernelSpec {
  return { name: 'tslab', resourceDir: dir, ...kernelJson('tslab') };
}

for (const [kernelName, spec] of [
  ['trainbook', trainbookSpec],
  ['tslab', tslabSpec],
] as const) {
  describe(`AG News notebooks in quick mode on the ${kernelName} kernel`, { skip }, () => {
    test('there are eight notebooks, one per step', () => {
      assert.equal(notebooks.length, 8);
    });
    for (const name of notebooks) {
      test(`${name} runs top to bottom without an error`, { timeout: 300_000 }, async () => {
        const result = await runNotebook(join(dir, name), { kernelSpec: spec(), quick: true, cellTimeoutMs: 240_000 });
        assert.equal(result.status, 'ok', result.failure ? `${result.failure.message}\n${result.failure.error.traceback.join('\n')}` : 'failed');
        const outputs = result.cells.flatMap((cell) => cell.outputs);
        assert.deepEqual(outputs.filter((output) => output.output_type === 'error'), []);
        const text = outputs.map((output) => ('text' in output ? [output.text].flat().join('') : '')).join('');
        for (const pattern of expectedText[name] ?? []) assert.match(text, pattern);
      });
    }
  });
}
