import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { assertTfjsWasmKernelsVersions, useFastWasmKernels } from '../../src/patches/tfjs-wasm-kernels.js';

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

describe('useFastWasmKernels', () => {
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

  it('installs once (XNNPACK route) and reports it', () => {
    const first = useFastWasmKernels({ nativeBlas: false });
    assert.equal(first.replaced, true);
    assert.equal(first.matMul, 'XNNPACK');
    assert.equal(useFastWasmKernels().replaced, false);
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

  it('gives the same untransposed product for a new right operand and for one seen before', () => {
    const [first, second, reference] = tf.tidy(() => {
      const a = tf.tensor2d(values(64 * 300, 10), [64, 300]);
      const w = tf.tensor2d(values(300 * 200, 11), [300, 200]); // wider than a is tall: the (wᵀ·aᵀ)ᵀ route first
      const once = tf.matMul(a, w).dataSync();
      const again = tf.matMul(a, w).dataSync(); // w was packed before: XNNPACK's cached route
      const viaTransposes = tf.transpose(tf.matMul(tf.transpose(w), tf.transpose(a))).dataSync();
      return [once, again, viaTransposes];
    });
    assert.deepEqual(first, second);
    assert.deepEqual(first, reference);
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

  it('gathers rows along the first axis like the cpu backend, for float32, int32 and bool', async () => {
    const run = (): number[][] =>
      tf.tidy(() => {
        const images = tf.tensor3d(values(5 * 3 * 4, 8), [5, 3, 4]);
        const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
        const bools = tf.tensor1d([true, false, true]).cast('bool');
        const rows = tf.tensor1d([4, 0, 4, 2], 'int32');
        return [
          tf.gather(images, rows), // [4, 3, 4]
          tf.gather(ints, tf.tensor2d([[2, 0], [1, 1]], [2, 2], 'int32')), // [2, 2, 2]
          tf.gather(bools, tf.tensor1d([2, 1], 'int32')),
          tf.gather(images, tf.tensor1d([2, 1], 'int32'), 1), // axis 1: the original kernel
          tf.gather(images, rows, -3),
        ].map((t) => [...t.shape, ...Array.from(t.dataSync())]);
      });
    await assertSameOnCpu(run);
  });

  it('rejects a gather index outside the first dimension', () => {
    const x = tf.zeros([3, 2]);
    const rows = tf.tensor1d([1, 3], 'int32');
    assert.throws(() => tf.gather(x, rows), /the index value 3 is not in \[0, 2\]/);
    tf.dispose([x, rows]);
  });

  it('slices like the cpu backend, contiguous or not', async () => {
    const run = (): number[][] =>
      tf.tidy(() => {
        const x = tf.tensor3d(values(6 * 3 * 4, 9), [6, 3, 4]);
        return [
          tf.slice(x, [2, 0, 0], [3, 3, 4]), // rows 2-4: contiguous
          tf.slice(x, [5], [1]),
          tf.slice(x, [1, 1, 0], [1, 2, -1]), // contiguous inside one row
          tf.slice(x, [0, 1, 1], [2, 2, 2]), // not contiguous: the original kernel
          tf.slice(tf.tensor1d([1, 2, 3, 4], 'int32'), [1], [2]),
        ].map((t) => [...t.shape, ...Array.from(t.dataSync())]);
      });
    await assertSameOnCpu(run);
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

/** Runs `run` on wasm (the patched kernels), then on the cpu backend, and asserts both give the same shapes and values. */
async function assertSameOnCpu(run: () => number[][]): Promise<void> {
  const onWasm = run();
  await tf.setBackend('cpu');
  const onCpu = run();
  await tf.setBackend('wasm');
  assert.deepEqual(onWasm, onCpu);
}

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

describe('the tfjs-wasm-kernels patch version guard', () => {
  it('accepts the installed tf.js and refuses any other version, naming the patch, the package and both versions', () => {
    assertTfjsWasmKernelsVersions();
    assert.throws(
      () => assertTfjsWasmKernelsVersions((name) => (name === '@tensorflow/tfjs-core' ? '4.23.0' : '4.22.0')),
      /patch tfjs-wasm-kernels: written for @tensorflow\/tfjs-core 4\.22\.0, but 4\.23\.0 is installed/,
    );
  });
});
