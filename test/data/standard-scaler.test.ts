// StandardScaler: scikit-learn's statistics (population standard deviation, 1 for a constant column),
// fitted on the rows given only, saved beside a model and read back to transform exactly as before.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { StandardScaler } from '../../src/data/standard-scaler.js';
import { saveStateDict } from '../../src/io/save-load.js';

const dir = mkdtempSync(join(tmpdir(), 'trainbook-scaler-'));

before(async () => {
  await tf.setBackend('wasm');
});

describe('StandardScaler', () => {
  it("computes scikit-learn's mean_ and scale_ (population std, 1 for a constant column)", () => {
    // sklearn StandardScaler().fit([[1, 10, 5], [2, 20, 5], [3, 60, 5]]): mean_ [2, 30, 5], scale_ [0.816496..., 21.602469..., 1]
    const scaler = new StandardScaler().fit(tf.tensor2d([[1, 10, 5], [2, 20, 5], [3, 60, 5]]));
    assert.deepEqual(scaler.mean, [2, 30, 5]);
    assert.ok(Math.abs(scaler.scale[0]! - Math.sqrt(2 / 3)) < 1e-7 && Math.abs(scaler.scale[1]! - Math.sqrt(1400 / 3)) < 1e-5);
    assert.equal(scaler.scale[2], 1);
    assert.equal(scaler.numSamplesSeen, 3);
  });

  it('transforms other rows with the statistics of the fitted rows only, and inverts', () => {
    const train = tf.tensor2d([[0], [2]]); // mean 1, std 1
    const scaler = new StandardScaler().fit(train);
    assert.deepEqual(Array.from(scaler.transform(tf.tensor2d([[0], [2], [10]])).dataSync()), [-1, 1, 9]);
    const scaled = scaler.fitTransform(tf.tensor2d([[1, 4], [3, 8]]));
    assert.deepEqual(Array.from(scaled.dataSync()), [-1, -1, 1, 1]);
    assert.deepEqual(Array.from(scaler.inverseTransform(scaled).dataSync()), [1, 4, 3, 8]);
  });

  it('saves beside the model and loads back a scaler that transforms exactly as before', async () => {
    const x = tf.randomNormal([50, 4], 3, 7, 'float32', 1) as tf.Tensor2D;
    const scaler = new StandardScaler().fit(x);
    const path = join(dir, 'scaler.safetensors');
    await scaler.save(path);
    const loaded = StandardScaler.load(path);
    assert.deepEqual([loaded.mean, loaded.scale], [scaler.mean, scaler.scale]);
    assert.deepEqual(Array.from(loaded.transform(x).dataSync()), Array.from(scaler.transform(x).dataSync()));
  });

  it('leaks no tensors', () => {
    const x = tf.tensor2d([[1, 2], [3, 5]]);
    const scaler = new StandardScaler().fit(x);
    const before = tf.memory().numTensors;
    tf.dispose([scaler.transform(x), scaler.inverseTransform(x)]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('says what is wrong: not fitted, wrong width or rank, no rows, NaN, a file that is no scaler', async () => {
    const fresh = new StandardScaler();
    assert.throws(() => fresh.transform(tf.zeros([2, 2])), /StandardScaler\.transform: the scaler is not fitted yet; call fit\(trainFeatures\) first/);
    await assert.rejects(fresh.save(join(dir, 'never.safetensors')), /StandardScaler\.save: the scaler is not fitted yet/);
    const scaler = new StandardScaler().fit(tf.zeros([3, 2]) as tf.Tensor2D);
    assert.throws(() => scaler.transform(tf.zeros([3, 5]) as tf.Tensor2D), /got \[3, 5\], expected \[rows, 2\] \(the scaler was fitted on 2 features\)/);
    assert.throws(() => new StandardScaler().fit(tf.zeros([3]) as unknown as tf.Tensor2D), /StandardScaler\.fit: got \[3\], expected features \[rows, features\]/);
    assert.throws(() => new StandardScaler().fit(tf.zeros([0, 2]) as tf.Tensor2D), /no rows/);
    assert.throws(() => new StandardScaler().fit(tf.tensor2d([[1, NaN]])), /row 0, column 1 is NaN, expected finite numbers/);
    const other = join(dir, 'weights.safetensors');
    await saveStateDict({ 'layers.0.kernel': tf.zeros([2, 2]) }, other);
    assert.throws(() => StandardScaler.load(other), /StandardScaler\.load: .*weights\.safetensors holds layers\.0\.kernel, expected the tensors mean and scale/);
    writeFileSync(join(dir, 'junk.safetensors'), 'not a file');
    assert.throws(() => StandardScaler.load(join(dir, 'junk.safetensors')));
  });
});
