import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { clipGradNorm } from '../../src/train/clip-grad-norm.js';

test('clipGradNorm scales all gradients by maxNorm / (total norm + 1e-6) when the total norm is larger', async () => {
  await tf.setBackend('wasm');
  // Total norm over both: sqrt(3² + 4² + 12²) = 13.
  const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) };
  const before = tf.memory().numTensors;
  const { grads: clipped, totalNorm } = clipGradNorm(grads, 1);
  assert.equal(tf.memory().numTensors, before + 3, 'only the returned tensors are new');
  assert.ok(Math.abs(totalNorm.dataSync()[0] - 13) < 1e-5);
  const scale = 1 / (13 + 1e-6);
  assert.deepEqual(clipped.b.shape, [1, 1]);
  const got = [...clipped.a.dataSync(), ...clipped.b.dataSync()];
  [3 * scale, 4 * scale, 12 * scale].forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-7, `${got[i]} vs ${v}`));
  // The clipped gradients have norm maxNorm (up to the 1e-6).
  const norm = Math.hypot(...got);
  assert.ok(Math.abs(norm - 1) < 1e-6, `norm after clipping ${norm}`);
  tf.dispose([clipped, totalNorm, grads]);
});

test('clipGradNorm leaves gradients unchanged when the total norm is below maxNorm', async () => {
  await tf.setBackend('cpu');
  const grads = { a: tf.tensor1d([0.03, 0.04]) };
  const { grads: clipped, totalNorm } = clipGradNorm(grads, 0.1);
  assert.ok(Math.abs(totalNorm.dataSync()[0] - 0.05) < 1e-8);
  assert.deepEqual(Array.from(clipped.a.dataSync()), Array.from(grads.a.dataSync()));
  assert.throws(() => clipGradNorm(grads, 0), /maxNorm is 0, expected a positive number/);
  assert.throws(() => clipGradNorm({}, 1), /got no gradients/);
  tf.dispose([clipped, totalNorm, grads]);
});
