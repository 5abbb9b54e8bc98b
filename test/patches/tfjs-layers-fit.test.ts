import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { patchLayersModel } from '../../src/patches/tfjs-layers-fit.js';
import { KeyboardInterrupt, endInterruptScope, installInterruptState, requestInterrupt, runInInterruptScope } from '../../src/runtime/interrupt.js';

test('an interrupt during model.fit stops it at the next batch with KeyboardInterrupt', async () => {
  installInterruptState();
  patchLayersModel(tf.LayersModel as unknown as { prototype: Record<string | symbol, unknown> });
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const x = tf.ones([40, 2]);
  const y = tf.ones([40, 1]);
  let batches = 0;
  const { scope, result } = runInInterruptScope(() =>
    model.fit(x, y, {
      batchSize: 4,
      epochs: 5,
      verbose: 0,
      callbacks: {
        onBatchEnd: async () => {
          batches++;
          if (batches === 3) requestInterrupt();
        },
      },
    }),
  );
  try {
    await assert.rejects(result, KeyboardInterrupt);
    assert.equal(batches, 3, 'fit ran on after the interrupt');
  } finally {
    endInterruptScope(scope);
    tf.dispose([x, y]);
    model.dispose();
  }
});

test('patchLayersModel refuses another tfjs-layers version, naming the patch and both versions', () => {
  const fake = { prototype: {} as Record<string | symbol, unknown> };
  assert.throws(() => patchLayersModel(fake, '5.0.0'), /patch tfjs-layers-fit: written for @tensorflow\/tfjs-layers 4\.22\.0, but 5\.0\.0 is installed/);
});
