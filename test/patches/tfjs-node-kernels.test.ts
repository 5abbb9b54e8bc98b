// The tensorflow backend's Step kernel (every ReLU's gradient) after useFastTensorflowKernels: same
// values as the cpu backend, no leaked tensors, and two inner kernels instead of tfjs-node's eight.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { useFastTensorflowKernels } from '../../src/patches/tfjs-node-kernels.js';
import { currentAccelerator } from '../../src/train/accelerator.js';

const special = [Number.NaN, -1, -0, 0, 1e-30, 2, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

let available = '';
try {
  await currentAccelerator({ prefer: 'tensorflow' });
} catch (error) {
  available = `the native tensorflow backend is not installed (npx trainbook install-native): ${(error as Error).message.slice(0, 120)}`;
}

describe('useFastTensorflowKernels', { skip: available || false }, () => {
  let expected: { alpha0: number[]; alpha: number[]; relu: number[] };
  before(async () => {
    await currentAccelerator({ prefer: 'cpu' }); // without the cpu backend's banner
    expected = tf.tidy(() => {
      const x = tf.tensor1d(special);
      const grad = tf.grad((v: tf.Tensor) => tf.relu(v).mul(tf.range(0, special.length)).sum());
      return { alpha0: Array.from(tf.step(x).dataSync()), alpha: Array.from(tf.step(x, 0.3).dataSync()), relu: Array.from(grad(x).dataSync()) };
    });
    await tf.setBackend('tensorflow');
  });

  it('is installed by currentAccelerator and is idempotent', () => {
    assert.deepEqual(useFastTensorflowKernels(), { replaced: ['Step'] });
    assert.deepEqual(useFastTensorflowKernels(), { replaced: ['Step'] });
  });

  it('gives the cpu backend values for step(x), step(x, alpha) and the ReLU gradient, NaN and -0 included', () => {
    const x = tf.tensor1d(special);
    const grad = tf.grad((v: tf.Tensor) => tf.relu(v).mul(tf.range(0, special.length)).sum());
    const before = tf.memory().numTensors;
    const alpha0 = tf.step(x);
    const alpha = tf.step(x, 0.3);
    const relu = grad(x);
    assert.deepEqual(Array.from(alpha0.dataSync()), expected.alpha0);
    assert.deepEqual(Array.from(alpha.dataSync()), expected.alpha);
    assert.deepEqual(Array.from(relu.dataSync()), expected.relu);
    tf.dispose([alpha0, alpha, relu]);
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    x.dispose();
  });

  it('runs step(x) on a ReLU-sized activation as two inner kernels (tfjs-node 4.22 alone runs eight)', async () => {
    const x = tf.randomNormal([64, 512]);
    const info = await tf.profile(() => tf.step(x));
    const names = info.kernels.map((k) => k.name);
    assert.ok(names.length <= 3, `kernels run for one step(x): ${names.join(', ')}`);
    x.dispose();
  });
});
