// Regression: mseLoss with PyTorch's MSELoss arithmetic and strict shapes, mean absolute error and R²,
// and valStep reporting those for a regression model and refusing float targets without task: 'regression'.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DataLoader } from '../../src/data/data-loader.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { crossEntropyLoss, mseLoss } from '../../src/train/losses.js';
import { meanAbsoluteError, r2Score } from '../../src/train/metrics.js';
import { trainStep, valStep, type LossFn, type Model } from '../../src/train/steps.js';

before(async () => {
  await tf.setBackend('wasm');
});

describe('mseLoss', () => {
  it('is the mean of the squared differences over every element', () => {
    // (1-0)² + (2-4)² + (3-3)² + (5-1)² = 1 + 4 + 0 + 16 = 21, over 4 elements
    const loss = mseLoss(tf.tensor2d([[1], [2], [3], [5]]), tf.tensor2d([[0], [4], [3], [1]]));
    assert.equal(loss.dataSync()[0], 21 / 4);
    assert.equal(loss.rank, 0);
  });

  it('casts int32 targets and trains: its gradient is 2(input - target)/n', () => {
    const x = tf.variable(tf.tensor1d([1, 2]));
    const grads = tf.grads((v: tf.Tensor) => mseLoss(v, tf.tensor1d([0, 4], 'int32')))([x]);
    assert.deepEqual(Array.from(grads[0]!.dataSync()), [1, -2]); // 2*(1-0)/2, 2*(2-4)/2
  });

  it('refuses [N, 1] predictions against [N] targets, saying which reshape fixes it (PyTorch would broadcast to [N, N])', () => {
    assert.throws(() => mseLoss(tf.zeros([8, 1]), tf.zeros([8])), /mseLoss: input \(predictions\) has shape \[8, 1\] but target has shape \[8\], expected the same shape: reshape the targets to \[8, 1\] .*broadcast the two to \[8, 8\]/);
    assert.throws(() => mseLoss(tf.zeros([8]), tf.zeros([8, 1])), /has shape \[8\] but target has shape \[8, 1\].*reshape the predictions to \[8, 1\]/);
    assert.throws(() => mseLoss(tf.zeros([8, 2]), tf.zeros([8, 3])), /has shape \[8, 2\] but target has shape \[8, 3\], expected the same shape; give both the same shape/);
    assert.throws(() => mseLoss(tf.zeros([2], 'int32'), tf.zeros([2])), /input \(predictions\) has dtype int32, expected float32/);
  });

  it('leaks no tensors', () => {
    const [a, b] = [tf.randomNormal([5, 1]), tf.randomNormal([5, 1])];
    const before = tf.memory().numTensors;
    mseLoss(a, b).dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('meanAbsoluteError and r2Score', () => {
  it('agree with scikit-learn on a small example', () => {
    // sklearn.metrics: mean_absolute_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.5, r2_score(...) = 0.9486081370449679
    assert.equal(meanAbsoluteError([2.5, 0.0, 2, 8], [3, -0.5, 2, 7]), 0.5);
    assert.ok(Math.abs(r2Score([2.5, 0.0, 2, 8], [3, -0.5, 2, 7]) - 0.9486081370449679) < 1e-12);
  });

  it('read tensors of shapes [n, 1] and [n] one to one, never broadcast', () => {
    const predictions = tf.tensor2d([[1], [2], [3]]);
    assert.equal(meanAbsoluteError(predictions, tf.tensor1d([1, 2, 4])), 1 / 3);
    assert.equal(r2Score([2, 2, 2], [1, 2, 3]), 0); // the mean as the prediction scores 0
  });

  it('say what is wrong with mismatched, empty or constant targets', () => {
    assert.throws(() => meanAbsoluteError(tf.zeros([4, 1]), tf.zeros([3])), /meanAbsoluteError: predictions have 4 values \(shape \[4, 1\]\) but targets have 3 \(shape \[3\]\)/);
    assert.throws(() => r2Score([], []), /r2Score: no values/);
    assert.throws(() => r2Score([1, 2], [5, 5]), /r2Score: all 2 targets equal 5, so R² is undefined/);
  });
});

describe('valStep on a regression model', () => {
  // y = 2x + 1, and a "model" that predicts 2x (off by exactly 1 everywhere)
  let xs: tf.Tensor2D;
  let ys: tf.Tensor2D;
  before(() => {
    xs = tf.tensor2d([[0], [1], [2], [3], [4]]);
    ys = tf.tensor2d([[1], [3], [5], [7], [9]]);
  });
  const model: Model = (x) => tf.mul(x, 2);

  it("reports the loss, mean absolute error and R² with task: 'regression'", async () => {
    const loader = new DataLoader(new TensorDataset(xs, ys), { batchSize: 2 });
    const result = await valStep(model, loader, { lossFn: mseLoss, task: 'regression' });
    // batches of 2, 2, 1 with MSE 1 each; MAE 1; R² = 1 - 5 / 40
    assert.deepEqual(result, { loss: 1, meanAbsoluteError: 1, r2: 1 - 5 / 40 });
  });

  it('refuses float targets without task: regression instead of reporting a meaningless accuracy', async () => {
    const loader = new DataLoader(new TensorDataset(xs, ys), { batchSize: 2 });
    await assert.rejects(valStep(model, loader, { lossFn: mseLoss }), /valStep: the targets are float32, expected int32 class indices: .*pass \{ lossFn, task: 'regression' \}/);
  });

  it('refuses a model with more outputs than targets, and an unknown task', async () => {
    const loader = new DataLoader(new TensorDataset(xs, ys), { batchSize: 2 });
    const wide: Model = (x) => tf.concat([x, x], 1);
    const mse: LossFn<tf.Tensor> = (outputs, targets) => mseLoss(outputs, targets);
    await assert.rejects(valStep(wide, loader, { lossFn: mse, task: 'regression' }), /valStep: the model gives 4 values \(\[2, 2\]\) for a batch of 2 targets/);
    await assert.rejects(valStep(model, loader, { lossFn: mseLoss, task: 'regresion' as 'regression' }), /valStep: task is "regresion"/);
  });

  it('trains a linear regression with trainStep and mseLoss, and leaks nothing', async () => {
    const layer = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 1, kernelInitializer: 'zeros' })] });
    const loader = new DataLoader(new TensorDataset(xs, ys), { batchSize: 5 });
    const optimizer = tf.train.sgd(0.05);
    const first = await valStep(layer, loader, { lossFn: mseLoss, task: 'regression' });
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 300; epoch++) await trainStep(layer, loader, { lossFn: mseLoss, optimizer });
    const last = await valStep(layer, loader, { lossFn: mseLoss, task: 'regression' });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(first.r2 < 0 && last.r2 > 0.999, `R² from ${first.r2} to ${last.r2}`);
  });

  it('still measures accuracy on a classifier, the default task', async () => {
    const logits: Model = () => tf.tensor2d([[2, 0], [0, 2]]);
    const loader = new DataLoader(new TensorDataset(tf.zeros([2, 1]), tf.tensor1d([0, 0], 'int32')), { batchSize: 2 });
    const result = await valStep(logits, loader, { lossFn: crossEntropyLoss });
    assert.equal(result.accuracy, 0.5);
  });
});
