import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { pyExponential, pyFixed, tensorToText } from '../../src/display/tensor-text.js';

// Written by tensor-text.golden.py (torch 2.13.0): the repr PyTorch prints for each tensor.
interface GoldenCase {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  values: (number | boolean | string)[];
  expected: string;
}
const golden = JSON.parse(readFileSync(new URL('./tensor-text.golden.json', import.meta.url), 'utf8')) as { torch: string; cases: GoldenCase[] };

function build(c: GoldenCase): tf.Tensor {
  if (c.dtype === 'bool') return tf.tensor(c.values as boolean[], c.shape, 'bool');
  const numbers = c.values.map((v) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : Number(v)));
  return tf.tensor(numbers, c.shape, c.dtype);
}

tf.enableProdMode();
await tf.setBackend('cpu');

for (const c of golden.cases) {
  test(`tensorToText prints ${c.name} as PyTorch does`, () => {
    const t = build(c);
    // PyTorch names dtypes torch.int32; tf.js has no torch namespace. Summarised tensors also get shape=[...].
    let expected = c.expected.replace(/torch\./g, '');
    const numel = c.shape.reduce((a, b) => a * b, 1);
    const text = tensorToText(t);
    if (numel > 1000) {
      assert.ok(text.endsWith(`shape=[${c.shape.join(', ')}])`), text);
      expected = expected.slice(0, -1);
      assert.equal(text.slice(0, expected.length), expected);
    } else {
      assert.equal(text, expected);
    }
    assert.equal(tensorToText(t, { shape: false }), c.expected.replace(/torch\./g, ''));
    t.dispose();
  });
}

test('tensorToText reads values without creating tensors', () => {
  const t = tf.randomNormal([50, 50], 0, 1, 'float32', 3);
  const before = tf.memory().numTensors;
  tensorToText(t);
  assert.equal(tf.memory().numTensors, before);
  t.dispose();
});

test('tensorToText shows the shape on request and says which dtypes it cannot print', () => {
  const t = tf.tensor2d([[1, 2]], [1, 2], 'int32');
  assert.equal(tensorToText(t, { shape: true }), 'tensor([[1, 2]], dtype=int32, shape=[1, 2])');
  t.dispose();
  assert.throws(() => tensorToText({ shape: [1], dtype: 'complex64', dataSync: () => [0, 0] }), /dtype 'complex64' is not supported/);
});

test('pyFixed and pyExponential format like Python, ties to even and signed zero included', () => {
  assert.equal(pyFixed(1.03125, 4), '1.0312');
  assert.equal(pyFixed(1.03135, 4), '1.0313');
  assert.equal(pyFixed(0.125, 2), '0.12');
  assert.equal(pyFixed(0.375, 2), '0.38');
  assert.equal(pyFixed(-0, 4), '-0.0000');
  assert.equal(pyFixed(-0.00001, 4), '-0.0000');
  assert.equal(pyFixed(2.5, 0), '2');
  assert.equal(pyFixed(Number.NaN, 4), 'nan');
  assert.equal(pyExponential(12345.678, 4), '1.2346e+04');
  assert.equal(pyExponential(1e-5, 4), '1.0000e-05');
  assert.equal(pyExponential(-Infinity, 4), '-inf');
});
