import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { EmbeddingBag, embeddingBagMean } from '../../src/text/embedding-bag.js';
import { skipUnlessNative, useBackend } from '../backends.js';

// Bags: [1, 2, 4, 4] (id 4 twice), [] (empty, in the middle), [4, 3, 2, 9, 1], [] (empty, last).
const ids = [1, 2, 4, 4, 4, 3, 2, 9, 1];
const offsets = [0, 4, 4, 9];
const vocabSize = 10;
const dim = 3;
const tableValues = Array.from({ length: vocabSize * dim }, (_, i) => Math.sin(i + 1));
const bagWeights = Array.from({ length: offsets.length * dim }, (_, i) => Math.cos(i)); // dLoss/dOutput

/** The reference, with plain loops: output rows and the table's gradient for loss = sum(out * bagWeights). */
function reference(): { out: number[]; grad: number[] } {
  const out = new Array<number>(offsets.length * dim).fill(0);
  const grad = new Array<number>(vocabSize * dim).fill(0);
  offsets.forEach((start, b) => {
    const end = b + 1 < offsets.length ? offsets[b + 1] : ids.length;
    for (let j = start; j < end; j++) {
      for (let k = 0; k < dim; k++) {
        out[b * dim + k] += tableValues[ids[j] * dim + k] / (end - start);
        grad[ids[j] * dim + k] += bagWeights[b * dim + k] / (end - start);
      }
    }
  });
  return { out, grad };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

for (const backend of ['wasm', 'cpu', 'tensorflow']) {
  const skip = backend === 'tensorflow' ? skipUnlessNative() : false;
  test(`embeddingBagMean gives each bag's mean row and the right gradient on ${backend}, empty bags included`, { skip }, async () => {
    await useBackend(backend);
    const table = tf.variable(tf.tensor2d(tableValues, [vocabSize, dim]));
    const idsT = tf.tensor1d(ids, 'int32');
    const offsetsT = tf.tensor1d(offsets, 'int32');
    const w = tf.tensor2d(bagWeights, [offsets.length, dim]);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const out = embeddingBagMean(table, idsT, offsetsT);
      assert.deepEqual(out.shape, [4, 3]);
      return tf.sum(tf.mul(out, w));
    });
    const out = tf.tidy(() => embeddingBagMean(table, idsT, offsetsT));
    const expected = reference();
    assertClose(out.dataSync(), expected.out, 1e-6, 'output');
    assertClose(grads[table.name].dataSync(), expected.grad, 1e-6, 'gradient');
    tf.dispose([value, grads, out]);
    assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
    tf.dispose([table, idsT, offsetsT, w]);
  });

  test(`EmbeddingBag and a linear layer train with SGD on ${backend} without leaking tensors`, { skip }, async () => {
    await useBackend(backend);
    const embedding = new EmbeddingBag(50, 8, { seed: 1 });
    const fc = tf.variable(tf.randomUniform([8, 2], -0.5, 0.5, 'float32', 2));
    const text = tf.tensor1d([1, 2, 3, 4, 10, 11, 12, 1, 2, 13, 14], 'int32');
    const bagOffsets = tf.tensor1d([0, 4, 7, 9], 'int32');
    const labels = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    const optimizer = tf.train.sgd(0.5);
    const lossFn = (): tf.Scalar => tf.losses.softmaxCrossEntropy(labels, tf.matMul(embedding.apply(text, bagOffsets), fc)) as tf.Scalar;
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      const loss = optimizer.minimize(lossFn, true) as tf.Scalar;
      losses.push(loss.dataSync()[0]);
      loss.dispose();
    }
    assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
    assert.ok(losses[19] < losses[0] / 4, `loss went from ${losses[0]} to ${losses[19]}`);
    tf.dispose([fc, text, bagOffsets, labels]);
    embedding.dispose();
    optimizer.dispose();
  });
}

test('EmbeddingBag weights come from a seeded standard normal', async () => {
  await tf.setBackend('wasm');
  const a = new EmbeddingBag(1000, 4, { seed: 7 });
  const b = new EmbeddingBag(1000, 4, { seed: 7 });
  const c = new EmbeddingBag(1000, 4, { seed: 8 });
  assert.deepEqual(a.weight.dataSync(), b.weight.dataSync());
  assert.notDeepEqual(a.weight.dataSync(), c.weight.dataSync());
  const values = Array.from(a.weight.dataSync());
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  assert.ok(Math.abs(mean) < 0.05 && Math.abs(std - 1) < 0.05, `mean ${mean}, std ${std}`);
  [a, b, c].forEach((e) => e.dispose());
});

test('bad offsets are an error that says what is wrong', async () => {
  await tf.setBackend('cpu');
  const table = tf.zeros([5, 2]) as tf.Tensor2D;
  const idsT = tf.tensor1d([0, 1, 2], 'int32');
  assert.throws(() => embeddingBagMean(table, idsT, [1, 2]), /offsets\[0\] is 1, expected 0/);
  assert.throws(() => embeddingBagMean(table, idsT, [0, 2, 1]), /bag 1 spans 2 to 1/);
  assert.throws(() => embeddingBagMean(table, idsT, [0, 5]), /bag 0 spans 0 to 5/);
  assert.throws(() => new EmbeddingBag(0, 3), /numEmbeddings is 0, expected a positive integer/);
  tf.dispose([table, idsT]);
});
