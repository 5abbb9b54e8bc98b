import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useFastWasmMatMul } from '../../src/vision/wasm-matmul.js';

/** Deterministic values in [-1, 1) (no RNG needed). */
function values(n: number, salt: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (((i * 7919 + salt * 104729) % 2003) / 1001.5) - 1;
  return out;
}

interface Case { a: number[]; b: number[]; ta: boolean; tb: boolean }
const cases: Case[] = [
  { a: [64, 300], b: [64, 200], ta: true, tb: false }, // dW = xᵀ·dy
  { a: [64, 200], b: [300, 200], ta: false, tb: true }, // dx = dy·Wᵀ
  { a: [200, 64], b: [300, 200], ta: true, tb: true },
  { a: [64, 300], b: [300, 200], ta: false, tb: false },
  { a: [2, 40, 50], b: [2, 40, 60], ta: true, tb: false }, // batched: original kernel
  { a: [10, 4], b: [10, 16], ta: true, tb: false }, // tiny: original kernel
];

/** Products on the cpu backend (the reference) for each case. */
let expected: Float32Array[] = [];

describe('useFastWasmMatMul', () => {
  before(async () => {
    await tf.setBackend('cpu');
    expected = cases.map((c) =>
      tf.tidy(() => {
        const a = tf.tensor(values(product(c.a), 1), c.a);
        const b = tf.tensor(values(product(c.b), 2), c.b);
        return tf.matMul(a, b, c.ta, c.tb).dataSync() as Float32Array;
      }),
    );
    await tf.setBackend('wasm');
  });

  it('installs once and reports it', () => {
    assert.equal(useFastWasmMatMul(), true);
    assert.equal(useFastWasmMatMul(), false);
  });

  it('gives the same products as the cpu backend for every transpose combination', () => {
    cases.forEach((c, i) => {
      const got = tf.tidy(() => {
        const a = tf.tensor(values(product(c.a), 1), c.a);
        const b = tf.tensor(values(product(c.b), 2), c.b);
        return tf.matMul(a, b, c.ta, c.tb).dataSync() as Float32Array;
      });
      const want = expected[i] as Float32Array;
      assert.equal(got.length, want.length);
      let maxDiff = 0;
      for (let j = 0; j < got.length; j++) maxDiff = Math.max(maxDiff, Math.abs((got[j] as number) - (want[j] as number)));
      assert.ok(maxDiff < 1e-4, `case ${i} (${JSON.stringify(c)}): max difference ${maxDiff}`);
    });
  });

  it('gives the same fused product with bias and relu when an operand is transposed', () => {
    const [plain, viaTranspose] = tf.tidy(() => {
      const a = tf.tensor2d(values(64 * 300, 3), [300, 64]);
      const b = tf.tensor2d(values(200 * 300, 4), [200, 300]);
      const bias = tf.tensor1d(values(200, 5));
      const fused = tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: 'relu' });
      const reference = tf.relu(tf.add(tf.matMul(tf.transpose(a), tf.transpose(b)), bias));
      return [fused.dataSync(), reference.dataSync()];
    });
    let maxDiff = 0;
    for (let j = 0; j < plain.length; j++) maxDiff = Math.max(maxDiff, Math.abs((plain[j] as number) - (viaTranspose[j] as number)));
    assert.ok(maxDiff < 1e-4, `max difference ${maxDiff}`);
  });

  it('leaks no tensors and no backend data through a dense layer training step', () => {
    const w = tf.variable(tf.tensor2d(values(300 * 200, 6), [300, 200]));
    const x = tf.tensor2d(values(64 * 300, 7), [64, 300]);
    const optimizer = tf.train.sgd(0.01);
    const step = (): void => {
      const loss = optimizer.minimize(() => tf.mean(tf.square(tf.relu(tf.matMul(x, w)))), true);
      loss?.dispose();
    };
    step();
    const before = tf.memory().numTensors;
    const dataIdsBefore = tf.engine().backend.numDataIds();
    step();
    step();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(tf.engine().backend.numDataIds(), dataIdsBefore, 'intermediate transposes are freed');
    tf.dispose([w, x]);
  });
});

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
