// The diabetes section's regression run (notebooks/diabetes/02-train-and-save) gives PyTorch's numbers:
// the same split, scaler statistics, starting weights and batches as test/golden/diabetes/make_golden.py
// (PyTorch 2.13), so the batch losses and every epoch's metrics agree to float32 rounding.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { currentAccelerator } from '../../src/train/accelerator.js';
import { DataLoader } from '../../src/data/data-loader.js';
import { Subset } from '../../src/data/dataset.js';
import { randomSplit } from '../../src/data/random-split.js';
import { StandardScaler } from '../../src/data/standard-scaler.js';
import { loadTable } from '../../src/data/table.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { TorchGenerator } from '../../src/data/torch-generator.js';
import { torchLinearInit } from '../../src/train/linear-init.js';
import { mseLoss } from '../../src/train/losses.js';
import { StepLR } from '../../src/train/step-lr.js';
import { valStep } from '../../src/train/steps.js';

interface EpochGolden { trainLoss: number; valLoss: number; valMeanAbsoluteError: number; valR2: number }
const golden = JSON.parse(readFileSync(new URL('../golden/diabetes/golden.json', import.meta.url), 'utf8')) as {
  epochs: EpochGolden[];
  split: { train: number[]; val: number[]; test: number[] };
  scaler: { mean: number[]; scale: number[] };
  batchLosses: number[];
  test: { loss: number; meanAbsoluteError: number; r2: number };
  'lr1e-2': { batchLosses: (number | null)[] };
};
const FEATURES = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];

before(async () => {
  await currentAccelerator();
});

/** The largest relative difference `near` has seen, for the log. */
let largest = 0;

/** `a` within `relative` of `b` (relative to |b|, at least 1e-6 absolute). */
function near(a: number, b: number, relative: number, what: string): void {
  largest = Math.max(largest, Math.abs(a - b) / Math.max(Math.abs(b), 1e-12));
  assert.ok(Math.abs(a - b) <= Math.max(relative * Math.abs(b), 1e-6), `${what}: ${a}, PyTorch ${b}`);
}

/** The notebook's run: split, scaler, model, SGD + StepLR; returns what the golden file records. */
async function run(lr: number, epochs: number, schedule: boolean) {
  const table = loadTable('data/diabetes/diabetes.csv.gz', { features: FEATURES, target: 'progression', task: 'regression' });
  const targets = table.targets.reshape([-1, 1]) as tf.Tensor2D; // [442, 1], like the model's output
  const generator = new TorchGenerator(0); // torch.manual_seed(0)
  const [trainRows, valRows, testRows] = randomSplit(new TensorDataset(table.features, targets), [0.7, 0.15, 0.15], { generator }) as [Subset<unknown>, Subset<unknown>, Subset<unknown>];
  const scaler = new StandardScaler().fit(tf.gather(table.features, trainRows.indices as number[]) as tf.Tensor2D);
  const dataset = new TensorDataset(scaler.transform(table.features), targets);
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [10], units: 16, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
  torchLinearInit(model, { generator });
  const optimizer = tf.train.sgd(lr);
  const scheduler = new StepLR(optimizer, { stepSize: 10, gamma: 0.5 });
  const trainLoader = new DataLoader(new Subset(dataset, trainRows.indices), { batchSize: 16, shuffle: true, generator });
  const valLoader = new DataLoader(new Subset(dataset, valRows.indices), { batchSize: 33, generator });
  const testLoader = new DataLoader(new Subset(dataset, testRows.indices), { batchSize: 33, generator });
  const batchLosses: number[] = [];
  const history: EpochGolden[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    let total = 0;
    for await (const [x, y] of trainLoader) {
      const loss = optimizer.minimize(() => mseLoss(model.apply(x, { training: true }) as tf.Tensor2D, y), true)!;
      const value = loss.dataSync()[0]!;
      loss.dispose();
      total += value;
      batchLosses.push(value);
    }
    if (schedule) scheduler.step();
    const val = await valStep(model, valLoader, { lossFn: mseLoss, task: 'regression' });
    history.push({ trainLoss: total / trainLoader.length, valLoss: val.loss, valMeanAbsoluteError: val.meanAbsoluteError, valR2: val.r2 });
  }
  const testResult = await valStep(model, testLoader, { lossFn: mseLoss, task: 'regression' });
  return { split: [trainRows.indices, valRows.indices, testRows.indices], scaler, batchLosses, history, test: testResult };
}

test("the diabetes run matches PyTorch's: split, scaler, first 20 batch losses, 30 epochs of metrics, the test set", async () => {
  const ours = await run(1e-3, 30, true);
  assert.deepEqual(ours.split, [golden.split.train, golden.split.val, golden.split.test]);
  ours.scaler.mean.forEach((m, i) => near(m, golden.scaler.mean[i]!, 1e-6, `mean of ${FEATURES[i]}`));
  ours.scaler.scale.forEach((s, i) => near(s, golden.scaler.scale[i]!, 1e-6, `scale of ${FEATURES[i]}`));
  golden.batchLosses.forEach((g, i) => near(ours.batchLosses[i]!, g, 1e-5, `batch ${i + 1} loss`));
  golden.epochs.forEach((g, i) => {
    const e = ours.history[i]!;
    near(e.trainLoss, g.trainLoss, 1e-4, `epoch ${i + 1} training loss`);
    near(e.valLoss, g.valLoss, 1e-4, `epoch ${i + 1} validation loss`);
    near(e.valMeanAbsoluteError, g.valMeanAbsoluteError, 1e-4, `epoch ${i + 1} validation MAE`);
    near(e.valR2, g.valR2, 1e-4, `epoch ${i + 1} validation R²`);
  });
  near(ours.test.loss, golden.test.loss, 1e-4, 'test loss');
  near(ours.test.r2, golden.test.r2, 1e-4, 'test R²');
  console.log(`largest relative difference from PyTorch: ${largest.toExponential(1)}; epoch 30 validation R² ${ours.history[29]!.valR2} (PyTorch ${golden.epochs[29]!.valR2})`);
});

test('with lr 1e-2 and no schedule SGD diverges as in PyTorch: the loss explodes within the first epoch, then is NaN', async () => {
  const ours = await run(1e-2, 1, false);
  const theirs = golden['lr1e-2'].batchLosses;
  theirs.slice(0, 4).forEach((g, i) => near(ours.batchLosses[i]!, g!, 1e-4, `batch ${i + 1} loss`));
  assert.ok(theirs.includes(null) && ours.batchLosses.slice(0, 20).some((v) => !Number.isFinite(v)), `PyTorch ${theirs}, ours ${ours.batchLosses.slice(0, 20)}`);
});

test('the PyTorch numbers notebooks/diabetes/02 quotes are the golden ones', () => {
  const notebook = JSON.parse(readFileSync(new URL('../../notebooks/diabetes/02-train-and-save.ipynb', import.meta.url), 'utf8')) as { cells: { cell_type: string; source: string[] }[] };
  const text = notebook.cells.filter((c) => c.cell_type === 'markdown').map((c) => c.source.join('')).join('\n');
  const first = golden.epochs[0]!;
  assert.ok(
    text.includes(`(the first epoch: ${first.trainLoss.toFixed(1)}, ${first.valLoss.toFixed(1)}, ${first.valMeanAbsoluteError.toFixed(2)}, ${first.valR2.toFixed(3)} in PyTorch)`),
    'the first epoch quoted in the text',
  );
  const [a, b, c, d, e, f] = golden['lr1e-2'].batchLosses as number[];
  const quoted = `(batch losses ${[a, b, c, d].map((v) => Math.round(v!).toLocaleString('en-US')).join(', ')}, ${(e! / 1e9).toFixed(1)} billion, ${(f! / 1e21).toFixed(1)} × 10²¹, then NaN)`;
  assert.ok(text.replace(/\n/g, ' ').includes(quoted), `expected the text to quote ${quoted}`);
  assert.equal(golden['lr1e-2'].batchLosses[6], null);
  const last = golden.epochs[29]!;
  assert.ok(text.includes(`R² ${golden.epochs[9]!.valR2.toFixed(2)} at epoch 10`) && text.includes(`test R² (${golden.test.r2.toFixed(3)})`));
  assert.ok(text.includes('they settle, between 0.43 and 0.50') && golden.epochs.slice(10).every((e) => e.valR2 >= 0.43 && e.valR2 < 0.505), 'R² after the first decay');
  assert.ok(Math.abs(last.valMeanAbsoluteError - 43) < 0.5 && Math.abs(last.valR2 - 0.48) < 0.01, 'the summary says about 43 points and 0.48');
});
