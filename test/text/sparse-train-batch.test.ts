import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { sparseTrainBatch } from '../../src/text/sparse-train-batch.js';
import { TextClassificationModel } from '../../src/text/text-classification-model.js';
import { clipGradNorm } from '../../src/train/clip-grad-norm.js';
import { crossEntropyLoss } from '../../src/train/losses.js';
import type { TextBatch } from '../../src/text/collate.js';

function batches(): TextBatch[] {
  // Ids repeat within and across texts; row 0 and rows 40-49 are never used.
  return [0, 1, 2, 3, 4].map((b) => [
    tf.tensor1d([b % 4, (b + 1) % 4, (b + 2) % 4], 'int32'),
    tf.tensor1d([1 + b, 2, 2, 7, 30 - b, 5, 5, 5, 11, 12 + b, 3], 'int32'),
    tf.tensor1d([0, 4, 8], 'int32'),
  ]);
}

for (const backend of ['wasm', 'cpu']) {
  test(`sparseTrainBatch gives the same losses and weights as the dense clipped SGD step on ${backend}`, async () => {
    await tf.setBackend(backend);
    const dense = new TextClassificationModel(50, 8, 4, { seed: 3 });
    const sparse = new TextClassificationModel(50, 8, 4, { seed: 3 });
    const denseOptimizer = tf.train.sgd(5);
    const sparseOptimizer = tf.train.sgd(5);
    const data = batches();
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const [labels, text, offsets] of data) {
        const denseLoss = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => crossEntropyLoss(dense.apply(text, offsets), labels));
          denseOptimizer.applyGradients(clipGradNorm(grads, 0.1).grads);
          return value.dataSync()[0];
        });
        const sparseLoss = sparseTrainBatch(sparse, [labels, text, offsets], { optimizer: sparseOptimizer, lossFn: crossEntropyLoss, maxNorm: 0.1 });
        assert.ok(Math.abs(denseLoss - sparseLoss) < 1e-6, `loss ${sparseLoss} vs dense ${denseLoss}`);
      }
    }
    assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
    const a = dense.embedding.weight.dataSync();
    const b = sparse.embedding.weight.dataSync();
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    assert.ok(worst < 1e-6, `embedding weights differ by ${worst}`);
    tf.dispose(data);
    [dense, sparse].forEach((m) => m.dispose());
    [denseOptimizer, sparseOptimizer].forEach((o) => o.dispose());
  });
}

test('sparseTrainBatch refuses optimizers other than plain SGD', async () => {
  await tf.setBackend('wasm');
  const model = new TextClassificationModel(10, 4, 4);
  const [batch] = batches();
  assert.throws(() => sparseTrainBatch(model, batch, { optimizer: tf.train.momentum(0.1, 0.9), lossFn: crossEntropyLoss }), /expected plain SGD/);
  tf.dispose(batch);
  model.dispose();
});
