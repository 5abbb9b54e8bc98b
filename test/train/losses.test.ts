import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { crossEntropyLoss } from '../../src/train/losses.js';

describe('crossEntropyLoss', () => {
  before(async () => {
    await tf.setBackend('wasm');
  });

  it('equals the mean of -log softmax(logits)[target] computed by hand', () => {
    const rows = [
      [1, 2, 3],
      [1, 0, 0],
      [-2, 5, 0.5],
    ];
    const targets = [2, 0, 1];
    const byHand =
      rows
        .map((row, i) => {
          const logSumExp = Math.log(row.reduce((sum, v) => sum + Math.exp(v), 0));
          return logSumExp - (row[targets[i]!] as number);
        })
        .reduce((a, b) => a + b, 0) / rows.length;
    // torch.nn.functional.cross_entropy(torch.tensor(rows), torch.tensor(targets)).item()
    const fromPyTorch = 0.3236665725708008;
    assert.ok(Math.abs(byHand - fromPyTorch) < 1e-6);
    const loss = crossEntropyLoss(tf.tensor2d(rows), tf.tensor1d(targets, 'int32'));
    assert.deepEqual(loss.shape, []);
    assert.ok(Math.abs((loss.dataSync()[0] as number) - fromPyTorch) < 1e-6, `got ${loss.dataSync()[0]}`);
    loss.dispose();
  });

  it('has the gradient softmax(logits) - oneHot(target), divided by the batch size', () => {
    const logits = tf.tensor2d([[0.5, -1, 2], [0, 0, 0]]);
    const targets = tf.tensor1d([0, 2], 'int32');
    const grad = tf.grad((l: tf.Tensor) => crossEntropyLoss(l as tf.Tensor2D, targets))(logits);
    const expected = tf.tidy(() => tf.div(tf.sub(tf.softmax(logits), tf.oneHot(targets, 3)), 2));
    const diff = tf.max(tf.abs(tf.sub(grad, expected))).dataSync()[0] as number;
    assert.ok(diff < 1e-6, `max difference ${diff}`);
    tf.dispose([logits, targets, grad, expected]);
  });

  it('leaks no tensors besides the returned scalar', () => {
    const logits = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const targets = tf.tensor1d([0, 1, 2, 1], 'int32');
    const before = tf.memory().numTensors;
    crossEntropyLoss(logits, targets).dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([logits, targets]);
  });

  it('rejects mismatched shapes and float targets with the shapes it expected', () => {
    const logits = tf.zeros([4, 3]) as tf.Tensor2D;
    assert.throws(
      () => crossEntropyLoss(logits, tf.tensor1d([0, 1, 2], 'int32')),
      /crossEntropyLoss: targets have shape \[3\], expected \[4\] \(one class index per row of the logits \[4, 3\]\)/,
    );
    assert.throws(
      () => crossEntropyLoss(logits, tf.tensor1d([0, 1, 2, 1], 'float32')),
      /targets have dtype float32, expected int32 class indices; convert with tf.cast\(targets, 'int32'\)/,
    );
    assert.throws(() => crossEntropyLoss(tf.zeros([4]) as unknown as tf.Tensor2D, tf.tensor1d([0], 'int32')), /logits have shape \[4\], expected \[batch, classes\]/);
  });
});
