import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { kernelJson } from '../../src/jupyter/install-kernel.js';
import type { KernelSpec } from '../../src/jupyter/kernelspec.js';
import { runNotebook } from '../../src/notebook/run.js';
import { repoRoot, trainbookSpec } from '../kernel/helpers.js';

const dir = join(repoRoot, 'notebooks', 'fashion-mnist');
// Three notebooks on two kernels take a few minutes on 2 cores: run with TRAINBOOK_SLOW_TESTS=1.
const skip = process.env.TRAINBOOK_SLOW_TESTS === '1' ? false : 'slow (a few minutes): set TRAINBOOK_SLOW_TESTS=1 to run the Fashion-MNIST notebooks';
const notebooks = readdirSync(dir).filter((name) => name.endsWith('.ipynb')).sort();

/**
 * What each notebook must print in quick mode. The accuracies and losses are PyTorch's on the same
 * start and batches (test/golden/fashion-mnist/accuracy.json, "quick").
 */
const expectedText: Record<string, RegExp[]> = {
  '01-data-and-model.ipynb': [/training examples: 2000, test examples: 10000/, /its label: 9 \(Ankle boot\)/, /Shape of X \[N, H, W\]: \[64,28,28\]/, /Total params: 669706/],
  '02-optimization-loop.ipynb': [
    /loss: 2\.313292 {2}\[ {3}64\/ 2000\]/,
    /Test Error: \n Accuracy: 6\.7%, Avg loss: 2\.30175\d \n/,
    /Test Error: \n Accuracy: 13\.9%, Avg loss: 2\.27268\d \n/,
    /Done!/,
  ],
  '03-train-model.ipynb': [/Epoch 2\/2: train loss \d\.\d{4}, train accuracy \d+\.\d{2}%, validation loss \d\.\d{4}, validation accuracy \d+\.\d{2}%/],
};

function tslabSpec(): KernelSpec {
  return { name: 'tslab', resourceDir: dir, ...kernelJson('tslab') };
}

for (const [kernelName, spec] of [
  ['trainbook', trainbookSpec],
  ['tslab', tslabSpec],
] as const) {
  describe(`Fashion-MNIST notebooks in quick mode on the ${kernelName} kernel`, { skip }, () => {
    test('there are three notebooks, one per step', () => {
      assert.deepEqual(notebooks, ['01-data-and-model.ipynb', '02-optimization-loop.ipynb', '03-train-model.ipynb']);
    });
    for (const name of notebooks) {
      test(`${name} runs top to bottom without an error and prints what PyTorch prints`, { timeout: 300_000 }, async () => {
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
