// Every course notebook runs top to bottom, headless, on the project's kernel and on plain tslab,
// with no error output, and prints what its lesson says it prints. Iris runs in full (its 30 epochs
// take seconds); AG News and Fashion-MNIST in quick mode, whose numbers are PyTorch's on the same
// start and batches (test/golden/fashion-mnist/accuracy.json, "quick").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { kernelJson, type KnownKernel } from '../../src/jupyter/install-kernel.js';
import type { KernelSpec } from '../../src/jupyter/kernelspec.js';
import { readNotebook, type Output } from '../../src/notebook/nbformat.js';
import { runNotebook, type RunResult } from '../../src/notebook/run.js';
import { skipUnlessSlow } from '../slow.js';

interface Section {
  dir: string;
  steps: string[];
  quick: boolean;
  /** What each notebook must print. */
  expectedText: Record<string, RegExp[]>;
}

const SECTIONS: Section[] = [
  {
    dir: 'notebooks/iris',
    steps: ['load', 'split', 'dataloader', 'model', 'train-step', 'validation-step', 'epochs', 'accelerator', 'save-load'],
    quick: false,
    expectedText: {
      '01-load.ipynb': [/150 of 150 examples agree/, /setosa: 50, versicolor: 50, virginica: 50/],
      '02-split.ipynb': [/train: 105 {2}validation: 30 {2}test: 15/, /same rows as PyTorch: true true true/, /rows used: 150 {2}distinct: 150/, /\[ 106, 30, 15 \]/],
      '03-dataloader.ipynb': [/batches per epoch: 11 3 2/, /with the last partial batch: \[\s*10, 10, 10, 10, 10,\s*10, 10, 10, 10, 10,\s*5\s*\]/],
      '05-train-step.ipynb': [/tensors before: (\d+) {2}after: \1\b/],
      '07-epochs.ipynb': [/validation accuracy after 30 epochs: 0\.9\d\d|validation accuracy after 30 epochs: 1\.000/],
      '09-save-load.ipynb': [/all parameters match/, /same test outputs: true/],
    },
  },
  {
    dir: 'notebooks/ag-news',
    steps: ['data-and-split', 'tokenizer-and-vocab', 'dataloader-collate', 'model', 'optimizer-loss-scheduler', 'training-loop', 'curves', 'test-and-predict'],
    quick: true,
    expectedText: {
      '01-data-and-split.ipynb': [/offline: training on a split of test\.csv/, /\[ 3928, 5405, 3032, 5613, 2056 \]/, /train 5700 {2}valid 300 {2}test 1600/, /train true {2}valid true {2}test true/],
      '03-dataloader-collate.ipynb': [/^true$/m],
      '04-model.ipynb': [/largest difference: 0/],
      '06-training-loop.ipynb': [/end of epoch {2}2/, /reloaded model/],
      '08-test-and-predict.ipynb': [/test accuracy 0\.\d+ on 256 texts/],
    },
  },
  {
    dir: 'notebooks/fashion-mnist',
    steps: ['data-and-model', 'optimization-loop', 'train-model'],
    quick: true,
    expectedText: {
      '01-data-and-model.ipynb': [/training examples: 2000, test examples: 10000/, /its label: 9 \(Ankle boot\)/, /Shape of X \[N, H, W\]: \[64,28,28\]/, /Total params: 669706/],
      '02-optimization-loop.ipynb': [
        /loss: 2\.313292 {2}\[ {3}64\/ 2000\]/,
        /Test Error: \n Accuracy: 6\.7%, Avg loss: 2\.30175\d \n/,
        /Test Error: \n Accuracy: 13\.9%, Avg loss: 2\.27268\d \n/,
        /Done!/,
      ],
      '03-train-model.ipynb': [/Epoch 2\/2: train loss \d\.\d{4}, train accuracy \d+\.\d{2}%, validation loss \d\.\d{4}, validation accuracy \d+\.\d{2}%/],
    },
  },
];

function spec(kernel: KnownKernel): KernelSpec {
  return { name: kernel, resourceDir: process.cwd(), ...kernelJson(kernel) };
}

function text(output: Output): string {
  return output.output_type === 'stream' ? [output.text].flat().join('') : '';
}

function html(output: Output): string {
  if (output.output_type !== 'display_data') return '';
  const value = output.data['text/html'];
  return value === undefined ? '' : [value].flat().join('');
}

/** Outputs that a student would read as an error: error outputs and anything on stderr. */
function errorOutputs(result: RunResult): string[] {
  return result.cells.flatMap((cell) =>
    cell.outputs
      .filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'))
      .map((o) => `cell ${cell.index + 1}: ${o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : text(o)}`),
  );
}

for (const section of SECTIONS) {
  const notebooks = readdirSync(section.dir)
    .filter((name) => name.endsWith('.ipynb'))
    .sort();

  test(`${section.dir} has one notebook per step of its tutorial, in reading order`, () => {
    assert.deepEqual(
      notebooks.map((name) => name.replace(/^\d\d-|\.ipynb$/g, '')),
      section.steps,
    );
  });

  test(`${section.dir} notebooks declare the trainbook kernel`, async () => {
    for (const name of notebooks) {
      const notebook = await readNotebook(join(section.dir, name));
      assert.equal(notebook.metadata.kernelspec?.name, 'trainbook', name);
    }
  });

  for (const kernel of ['trainbook', 'tslab'] as const) {
    describe(`${section.dir}${section.quick ? ' (quick mode)' : ''} on the ${kernel} kernel`, { skip: skipUnlessSlow('every course notebook, run top to bottom') }, () => {
      for (const name of notebooks) {
        test(`${name} runs top to bottom with no error output and prints what its lesson says`, { timeout: 300_000 }, async () => {
          const result = await runNotebook(join(section.dir, name), { kernelSpec: spec(kernel), quick: section.quick, cellTimeoutMs: 240_000 });
          assert.equal(result.status, 'ok', result.failure ? `${result.failure.message}\n${result.failure.error.traceback.join('\n')}` : 'failed');
          assert.deepEqual(errorOutputs(result), []);
          assert.deepEqual(
            result.cells.map((cell) => cell.executionCount),
            result.cells.map((_, i) => i + 1),
          );
          const printed = result.cells.flatMap((cell) => cell.outputs.map(text)).join('');
          for (const pattern of section.expectedText[name] ?? []) assert.match(printed, pattern);
          // Every exercise's solution passes its check (nbgrader grade cells; trainbook/checks prints ✔).
          const notebook = await readNotebook(join(section.dir, name));
          const checks = notebook.cells.filter((cell) => (cell.metadata as { nbgrader?: { grade?: boolean } }).nbgrader?.grade === true).length;
          assert.ok(checks >= 1, `${name} should end with at least one exercise and its check`);
          assert.equal(printed.match(/^✔ /gm)?.length ?? 0, checks, `every one of the ${checks} exercise checks should pass`);

          if (name === '07-epochs.ipynb') {
            const plots = result.cells.flatMap((cell) => cell.outputs.map(html)).filter((h) => h.includes('Plotly'));
            assert.ok(plots.length >= 2, `expected the live chart and the history plot, found ${plots.length} plot outputs`);
            assert.equal(plots.filter((h) => h.length > 1_000_000).length, 1, 'plotly.js should be embedded once in the notebook');
          }
        });
      }
    });
  }
}
