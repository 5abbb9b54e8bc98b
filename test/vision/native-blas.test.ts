import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFashionMNIST } from '../../src/vision/fashion-mnist.js';
import { loadNativeBlas } from '../../src/train/native-blas.js';
import { useFastWasmKernels } from '../../src/patches/tfjs-wasm-kernels.js';
import { batchSize, dataDir, golden, maxAbsDiff, steps, trainLosses } from './mlp-parity.js';

const native = loadNativeBlas();
const skip = native.blas === undefined ? `native addon ${native.reason}` : false;

function values(n: number, salt: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((i * 7919 + salt * 104729) % 2003) / 1001.5 - 1;
  return out;
}

const cases = [
  { a: [64, 300], b: [300, 200], ta: false, tb: false },
  { a: [64, 300], b: [64, 200], ta: true, tb: false },
  { a: [64, 200], b: [300, 200], ta: false, tb: true },
  { a: [200, 64], b: [300, 200], ta: true, tb: true },
  { a: [1, 10, 4], b: [1, 4, 3], ta: false, tb: false },
  { a: [2, 40, 50], b: [2, 50, 60], ta: false, tb: false }, // batched: the original kernel
];

function products(): number[][] {
  return tf.tidy(() => {
    const out = cases.map((c) => {
      const a = tf.tensor(values(c.a.reduce((x, y) => x * y, 1), 1), c.a);
      const b = tf.tensor(values(c.b.reduce((x, y) => x * y, 1), 2), c.b);
      const p = tf.matMul(a, b, c.ta, c.tb);
      return [...p.shape, ...p.dataSync()];
    });
    const a = tf.tensor2d(values(300 * 64, 3), [300, 64]);
    const b = tf.tensor2d(values(200 * 300, 4), [200, 300]);
    const bias = tf.tensor1d(values(200, 5));
    for (const activation of ['relu', 'linear'] as const) {
      const fused = tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation });
      out.push([...fused.shape, ...fused.dataSync()]);
    }
    return out;
  });
}

describe('useFastWasmKernels with the native OpenBLAS addon', { skip }, () => {
  let expected: number[][] = [];
  before(async () => {
    await tf.setBackend('cpu');
    expected = products();
    await tf.setBackend('wasm');
    const result = useFastWasmKernels({ nativeBlas: true });
    assert.equal(result.matMul, 'OpenBLAS', result.description);
  });

  it('gives the cpu backend\'s products (plain, transposed, fused with bias and relu) within 1e-4', () => {
    const got = products();
    got.forEach((row, i) => {
      const want = expected[i] as number[];
      assert.equal(row.length, want.length, `case ${i}: shape or size differs`);
      const diff = Math.max(...row.map((v, j) => Math.abs(v - (want[j] as number))));
      assert.ok(diff < 1e-4, `case ${i}: max difference ${diff}`);
    });
  });

  it('reproduces PyTorch\'s first 50 SGD and momentum losses within 1e-4, leaking nothing', () => {
    const data = readFashionMNIST(dataDir, { train: true, maxExamples: steps * batchSize });
    const numDataIds = tf.engine().backend.numDataIds();
    const sgdOptimizer = tf.train.sgd(1e-3);
    const sgd = maxAbsDiff(trainLosses(sgdOptimizer, data.images, data.labels), golden['sgd_lr_1e-3']);
    sgdOptimizer.dispose();
    assert.ok(sgd.diff < 1e-4, `SGD: largest difference ${sgd.diff} at step ${sgd.at}`);
    const optimizer = tf.train.momentum(1e-3, 0.9);
    const momentum = maxAbsDiff(trainLosses(optimizer, data.images, data.labels), golden['sgd_lr_1e-3_momentum_0.9']);
    assert.ok(momentum.diff < 1e-4, `momentum: largest difference ${momentum.diff} at step ${momentum.at}`);
    optimizer.dispose();
    const left = tf.engine().backend.numDataIds() - numDataIds;
    assert.ok(left <= 1, `${left} buffers left; expected at most tfjs's known momentum scalar`);
  });
});
