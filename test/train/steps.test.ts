import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DataLoader } from '../../src/data/data-loader.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { crossEntropyLoss } from '../../src/train/losses.js';
import { trainStep, valStep } from '../../src/train/steps.js';

/** Three separable blobs in 2-D, 60 points, labels 0-2; seeded. */
function blobs(): [tf.Tensor2D, tf.Tensor1D] {
  return tf.tidy(() => {
    const labels = Array.from({ length: 60 }, (_, i) => i % 3);
    const centres = [[-3, 0], [3, 0], [0, 3]];
    const noise = tf.randomNormal([60, 2], 0, 0.3, 'float32', 7);
    const x = tf.add(tf.tensor2d(labels.map((k) => centres[k]!)), noise) as tf.Tensor2D;
    return [x, tf.tensor1d(labels, 'int32')];
  });
}

function makeModel(seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 8, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

describe('trainStep and valStep', () => {
  before(async () => {
    await tf.setBackend('wasm');
  });

  it('trainStep returns the mean of the batch losses, the same as a loop written out', async () => {
    const [x, y] = blobs();
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 16 });
    const a = makeModel(1);
    const b = makeModel(1);
    const optimizerA = tf.train.adam(0.01);
    const optimizerB = tf.train.adam(0.01);
    const meanLoss = await trainStep(a, loader, { lossFn: crossEntropyLoss, optimizer: optimizerA });

    let totalLoss = 0;
    for await (const [xb, yb] of loader) {
      const loss = optimizerB.minimize(() => crossEntropyLoss(b.apply(xb) as tf.Tensor2D, yb), true)!;
      totalLoss += loss.dataSync()[0] as number;
      loss.dispose();
    }
    assert.equal(loader.length, 4);
    assert.ok(Math.abs(meanLoss - totalLoss / loader.length) < 1e-6, `${meanLoss} vs ${totalLoss / 4}`);
    const wa = a.getWeights()[0]!.dataSync();
    const wb = b.getWeights()[0]!.dataSync();
    assert.deepEqual(Array.from(wa), Array.from(wb));
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
    optimizerA.dispose();
    optimizerB.dispose();
  });

  it('valStep counts correct predictions over the dataset length and averages losses over batches', async () => {
    // A "model" that predicts the class given in the first feature: logits = oneHot(round(x0)) * 10.
    const x = tf.tensor2d([[0, 0], [1, 0], [2, 0], [1, 0], [0, 0]]);
    const y = tf.tensor1d([0, 1, 1, 1, 2], 'int32'); // 3 of 5 correct
    const model = (input: tf.Tensor): tf.Tensor =>
      tf.mul(tf.oneHot(tf.cast(tf.squeeze(tf.slice(input, [0, 0], [-1, 1]), [1]), 'int32'), 3), 10);
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 2 });
    const result = await valStep(model, loader, { lossFn: crossEntropyLoss });
    assert.equal(result.accuracy, 3 / 5);
    // Per-example losses: correct ones ≈ 2 * exp(-10) (log(1 + 2e^-10)), wrong ones ≈ 10.
    const good = Math.log(1 + 2 * Math.exp(-10));
    const bad = 10 + good;
    const batchMeans = [(good + good) / 2, (bad + good) / 2, bad];
    const expected = batchMeans.reduce((p, q) => p + q, 0) / 3;
    assert.ok(Math.abs(result.loss - expected) < 1e-4, `${result.loss} vs ${expected}`);
    tf.dispose([x, y]);
  });

  it('learns separable data: validation accuracy 1 after a few epochs', async () => {
    const [x, y] = blobs();
    const dataset = new TensorDataset(x, y);
    const loader = new DataLoader(dataset, { batchSize: 10, shuffle: true, seed: 3 });
    const model = makeModel(5);
    const optimizer = tf.train.adam(0.05);
    const first = await trainStep(model, loader, { lossFn: crossEntropyLoss, optimizer });
    let last = first;
    for (let epoch = 0; epoch < 15; epoch++) last = await trainStep(model, loader, { lossFn: crossEntropyLoss, optimizer });
    const val = await valStep(model, new DataLoader(dataset, { batchSize: 64 }), { lossFn: crossEntropyLoss });
    assert.ok(last < first / 4, `loss ${first} → ${last}`);
    assert.equal(val.accuracy, 1);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });

  it('leaks no tensors over whole epochs of training and validation', async () => {
    const [x, y] = blobs();
    const dataset = new TensorDataset(x, y);
    const trainLoader = new DataLoader(dataset, { batchSize: 7, shuffle: true, seed: 0 });
    const valLoader = new DataLoader(dataset, { batchSize: 7 });
    const model = makeModel(2);
    const optimizer = tf.train.adam(1e-3);
    // The first step creates the optimizer's slots (2 per weight) and its step counters.
    await trainStep(model, trainLoader, { lossFn: crossEntropyLoss, optimizer });
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 3; epoch++) {
      await trainStep(model, trainLoader, { lossFn: crossEntropyLoss, optimizer });
      await valStep(model, valLoader, { lossFn: crossEntropyLoss });
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });

  it('explains a model output that is not [batch, classes] logits', async () => {
    const x = tf.zeros([4, 2]);
    const y = tf.tensor1d([0, 1, 0, 1], 'int32');
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 2 });
    await assert.rejects(
      valStep((input) => tf.sum(input, 1), loader, { lossFn: crossEntropyLoss }),
      /the model's output is \[2\], expected \[batch, outputs\] \(logits \[batch, classes\], or predictions \[batch, 1\]\)/,
    );
    tf.dispose([x, y]);
  });
});
