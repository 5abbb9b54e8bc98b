import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Subset } from '../../src/data/dataset.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';

/** Features whose row i is [i, 1000 + i] and labels equal to the row index. */
function indexedData(n: number): [tf.Tensor2D, tf.Tensor1D] {
  const rows = Array.from({ length: n }, (_, i) => [i, 1000 + i]);
  return [tf.tensor2d(rows, [n, 2], 'float32'), tf.tensor1d(Array.from({ length: n }, (_, i) => i), 'int32')];
}

describe('TensorDataset', () => {
  before(async () => {
    await tf.setBackend('cpu');
    tf.enableProdMode();
  });

  it('has the tensors\' first dimension as length and returns row i of each tensor', () => {
    const [x, y] = indexedData(7);
    const dataset = new TensorDataset(x, y);
    assert.equal(dataset.length, 7);
    const [xi, yi] = dataset.get(3);
    assert.deepEqual(xi.shape, [2]);
    assert.deepEqual(yi.shape, []);
    assert.equal(yi.dtype, 'int32');
    assert.deepEqual(Array.from(xi.dataSync()), [3, 1003]);
    assert.equal(yi.dataSync()[0], 3);
    tf.dispose([xi, yi, x, y]);
  });

  it('gathers a batch of rows with one tensor per input tensor, in the given order', () => {
    const [x, y] = indexedData(10);
    const dataset = new TensorDataset(x, y);
    const [xb, yb] = dataset.getBatch([9, 0, 4]);
    assert.deepEqual(xb.shape, [3, 2]);
    assert.deepEqual(Array.from(yb.dataSync()), [9, 0, 4]);
    assert.deepEqual(Array.from(xb.dataSync()), [9, 1009, 0, 1000, 4, 1004]);
    tf.dispose([xb, yb, x, y]);
  });

  it('leaks no tensors in get and getBatch beyond the returned ones', () => {
    const [x, y] = indexedData(5);
    const dataset = new TensorDataset(x, y);
    const before = tf.memory().numTensors;
    tf.dispose(dataset.get(1));
    tf.dispose(dataset.getBatch([0, 1, 2]));
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, y]);
  });

  it('rejects tensors whose first dimensions differ, naming both shapes', () => {
    const x = tf.zeros([150, 4]);
    const y = tf.zeros([149], 'int32');
    assert.throws(
      () => new TensorDataset(x, y),
      /TensorDataset: tensor 1 has 149 rows \(shape \[149\]\), expected 150 like tensor 0 \(shape \[150, 4\]\)/,
    );
    assert.throws(() => new TensorDataset(), /needs at least one tensor/);
    assert.throws(() => new TensorDataset(tf.scalar(1)), /tensor 0 is a scalar/);
    tf.dispose([x, y]);
  });

  it('rejects out-of-range indices with the valid range', () => {
    const [x, y] = indexedData(4);
    const dataset = new TensorDataset(x, y);
    assert.throws(() => dataset.get(4), /TensorDataset.get: index 4 is out of range for a dataset of length 4 \(valid: 0 to 3\)/);
    assert.throws(() => dataset.getBatch([0, -1]), /index -1 is out of range/);
    tf.dispose([x, y]);
  });
});

describe('Subset', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('maps its positions to the parent rows, for get and for the batch path', () => {
    const [x, y] = indexedData(10);
    const subset = new Subset(new TensorDataset(x, y), [8, 2, 5]);
    assert.equal(subset.length, 3);
    const [, yi] = subset.get(0);
    assert.equal(yi.dataSync()[0], 8);
    assert.ok(subset.getBatch !== undefined);
    const [xb, yb] = subset.getBatch([2, 1]);
    assert.deepEqual(Array.from(yb.dataSync()), [5, 2]);
    assert.deepEqual(Array.from(xb.dataSync()), [5, 1005, 2, 1002]);
    tf.dispose([yi, xb, yb, x, y]);
  });

  it('has no batch path over a dataset without one, and checks its indices', () => {
    const plain = { length: 3, get: (i: number) => i * 10 };
    const subset = new Subset(plain, [2, 0]);
    assert.equal(subset.getBatch, undefined);
    assert.equal(subset.get(0), 20);
    assert.throws(() => new Subset(plain, [0, 3]), /Subset: indices\[1\] is 3, outside the parent dataset's range 0 to 2/);
    assert.throws(() => subset.get(2), /Subset.get: index 2 is out of range/);
  });
});
