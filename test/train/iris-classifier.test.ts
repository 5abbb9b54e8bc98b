import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { irisClassifier } from '../../src/train/iris-classifier.js';

test('irisClassifier is 4-16-8-3 dense layers initialised like nn.Linear, the same for the same seed', () => {
  const a = irisClassifier();
  const b = irisClassifier();
  const c = irisClassifier(7);
  assert.deepEqual(a.weights.map((w) => w.shape), [[4, 16], [16], [16, 8], [8], [8, 3], [3]]);
  for (const [k, w] of a.getWeights().entries()) {
    const bound = 1 / Math.sqrt(w.shape.length === 2 ? (w.shape[0] as number) : [4, 4, 16, 16, 8, 8][k]!);
    const values = Array.from(w.dataSync());
    assert.ok(values.every((v) => Math.abs(v) <= bound), `weight ${k} within ±${bound}`);
    assert.deepEqual(values, Array.from(b.getWeights()[k]!.dataSync()), `weight ${k} repeats for the same seed`);
  }
  assert.notDeepEqual(Array.from(a.getWeights()[0]!.dataSync()), Array.from(c.getWeights()[0]!.dataSync()));
  [a, b, c].forEach((m) => m.dispose());
});
