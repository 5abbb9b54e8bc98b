import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { StepLR } from '../../src/train/step-lr.js';

test('StepLR multiplies the learning rate by gamma every stepSize steps, as torch StepLR', () => {
  const set: number[] = [];
  const holder = { setLearningRate: (lr: number) => set.push(lr) };
  const scheduler = new StepLR(holder, { stepSize: 2, gamma: 0.5, initialLr: 8 });
  const lrs = [scheduler.getLastLr()[0]];
  for (let i = 0; i < 5; i++) {
    scheduler.step();
    lrs.push(scheduler.getLastLr()[0]);
  }
  // torch: StepLR(SGD(lr=8), step_size=2, gamma=0.5) gives 8, 8, 4, 4, 2, 2.
  assert.deepEqual(lrs, [8, 8, 4, 4, 2, 2]);
  assert.deepEqual(set, [4, 2]);
  assert.equal(scheduler.lastEpoch, 5);
});

test('StepLR reads and changes the learning rate of tf.train.sgd, which then takes smaller steps', async () => {
  await tf.setBackend('wasm');
  const optimizer = tf.train.sgd(5);
  const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.1 });
  assert.deepEqual(scheduler.getLastLr(), [5]);
  scheduler.step();
  scheduler.step();
  // torch: 5 * 0.1 * 0.1 computed step by step.
  assert.deepEqual(scheduler.getLastLr(), [5 * 0.1 * 0.1]);
  const x = tf.variable(tf.scalar(1));
  optimizer.applyGradients({ [x.name]: tf.scalar(1) });
  assert.ok(Math.abs(x.dataSync()[0] - (1 - 0.05)) < 1e-6, `x after one step: ${x.dataSync()[0]}`);
  assert.throws(() => new StepLR({ setLearningRate: () => undefined }, { stepSize: 1 }), /pass it as \{ initialLr \}/);
  assert.throws(() => new StepLR(optimizer, { stepSize: 0 }), /stepSize is 0/);
  x.dispose();
  optimizer.dispose();
});

test('StepLR drives tf.train.momentum, and refuses Adam and the other optimizers without setLearningRate, saying which work', async () => {
  await tf.setBackend('wasm');
  const momentum = tf.train.momentum(0.1, 0.9);
  const scheduler = new StepLR(momentum, { stepSize: 1, gamma: 0.5 });
  scheduler.step();
  assert.equal((momentum as unknown as { learningRate: number }).learningRate, 0.05);
  for (const optimizer of [tf.train.adam(1e-3), tf.train.rmsprop(1e-3), tf.train.adagrad(0.1)]) {
    assert.throws(
      () => new StepLR(optimizer as unknown as { setLearningRate(lr: number): void }, { stepSize: 1 }),
      new RegExp(`StepLR: the optimizer \\(${optimizer.constructor.name}\\) has no setLearningRate, .*only tf\\.train\\.sgd and tf\\.train\\.momentum`),
    );
  }
});
