// Each Iris check passes a correct answer with a short confirmation and fails typical wrong answers with advice
// that names what to look at, never the solution's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  checkAccuracyCount,
  checkBestEpoch,
  checkClassCounts,
  checkEpochAverages,
  checkFastestBackend,
  checkNumBatches,
  checkParameterCount,
  checkSplitSizes,
  checkStateDictCompare,
  checkTrainStep,
  type BatchResult,
} from '../../src/checks/index.js';
import { crossEntropyLoss } from '../../src/train/losses.js';
import { fails, passes } from './helpers.js';

test('checkClassCounts: counts from 0 (Iris) and from 1 (AG News), with a 0 for an empty class', async () => {
  const right = (first: number) => (labels: number[], n: number) => {
    const counts = new Array<number>(n).fill(0);
    for (const y of labels) counts[y - first] += 1;
    return counts;
  };
  await passes(() => checkClassCounts(right(0)));
  await passes(() => checkClassCounts(right(1), { firstLabel: 1 }));
  await fails(() => checkClassCounts(right(1), { firstLabel: 0 }), /your counts are .*expected .*the labels here start at 0/);
  await fails(() => checkClassCounts(right(0), { firstLabel: 1 }), /the labels here start at 1: class k is counted at position k - 1/);
  const seenOnly = (labels: number[]) => [...new Set(labels)].sort().map((k) => labels.filter((y) => y === k).length);
  await fails(() => checkClassCounts(seenOnly), /a class with no examples still needs its 0/);
});

test('checkSplitSizes: PyTorch rounding passes; rounding to nearest, dropping or misplacing leftovers fail', async () => {
  const right = (total: number, fractions: number[]) => {
    const sizes = fractions.map((f) => Math.floor(total * f));
    for (let i = 0; sizes.reduce((a, b) => a + b, 0) < total; i++) sizes[i % sizes.length] += 1;
    return sizes;
  };
  await passes(() => checkSplitSizes(right));
  await fails(() => checkSplitSizes((t, f) => f.map((x) => Math.round(t * x))), /for 11 examples .* your sizes are \[6, 6\], expected \[6, 5\]: rounding to the nearest/);
  await fails(() => checkSplitSizes((t, f) => f.map((x) => Math.floor(t * x))), /hand them out one at a time, starting with the first part/);
  await fails(() => checkSplitSizes((t, f) => right(t, [...f].reverse()).reverse()), /first parts first, not the last/);
});

test('checkNumBatches: rounding up and down by dropLast passes; always floor or always ceil fail', async () => {
  await passes(() => checkNumBatches((n, b, drop) => (drop ? Math.floor(n / b) : Math.ceil(n / b))));
  await fails(() => checkNumBatches((n, b) => Math.floor(n / b)), /105 examples in batches of 10 with dropLast false: you said 10 batches, expected 11: without dropLast/);
  await fails(() => checkNumBatches((n, b) => Math.ceil(n / b)), /with dropLast the last, smaller batch is dropped/);
  await fails(() => checkNumBatches((n, b) => n / b), /105 examples .* you said 10.5 batches, expected 11: a number of batches is a whole number/);
});

test('checkParameterCount: weights and biases pass; forgetting biases or counting them per input fail', async () => {
  const right = (sizes: number[]) => sizes.slice(1).reduce((sum, units, i) => sum + sizes[i] * units + units, 0);
  await passes(() => checkParameterCount(right));
  await fails(() => checkParameterCount((s) => s.slice(1).reduce((sum, u, i) => sum + s[i] * u, 0)), /you counted 2 parameters, expected 3: each layer also has one bias per output unit/);
  await fails(() => checkParameterCount((s) => s.slice(1).reduce((sum, u, i) => sum + s[i] * u + s[i], 0)), /one bias per output unit, not per input/);
});

test('checkTrainStep: variableGrads + applyGradients passes; no step, the loss after the step, or leaked gradients fail', async () => {
  await tf.setBackend('wasm');
  type Step = (model: tf.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor2D, y: tf.Tensor1D) => number;
  const loss = (model: tf.LayersModel, x: tf.Tensor2D, y: tf.Tensor1D) => crossEntropyLoss(model.apply(x, { training: true }) as tf.Tensor2D, y);
  const right: Step = (model, optimizer, x, y) => {
    const { value, grads } = tf.variableGrads(() => loss(model, x, y));
    optimizer.applyGradients(grads);
    const result = value.dataSync()[0];
    tf.dispose([value, grads]);
    return result;
  };
  const before = tf.memory().numTensors;
  await passes(() => checkTrainStep(right));
  assert.equal(tf.memory().numTensors, before, 'the check itself leaves no tensors behind');
  // The library's own form of the same step (minimize) passes too.
  await passes(() => checkTrainStep((model, optimizer, x, y) => {
    const value = optimizer.minimize(() => loss(model, x, y), true)!;
    const result = value.dataSync()[0];
    value.dispose();
    return result;
  }));
  await fails(() => checkTrainStep((model, _optimizer, x, y) => {
    const { value, grads } = tf.variableGrads(() => loss(model, x, y));
    const result = value.dataSync()[0];
    tf.dispose([value, grads]);
    return result;
  }), /the weights did not change: hand the gradients to optimizer.applyGradients/);
  await fails(() => checkTrainStep((model, optimizer, x, y) => {
    right(model, optimizer, x, y);
    return tf.tidy(() => loss(model, x, y).dataSync()[0]);
  }), /you returned the loss after the step/);
  await fails(() => checkTrainStep((model, optimizer, x, y) => {
    const { value, grads } = tf.variableGrads(() => loss(model, x, y));
    optimizer.applyGradients(grads);
    return value.dataSync()[0];
  }), /takeStep left 3 tensors behind: dispose the loss value and the gradients/);
});

test('checkAccuracyCount: argMax(1) passes; comparing logits, a fraction, or a leak fail', async () => {
  await tf.setBackend('wasm');
  await passes(() => checkAccuracyCount((logits, labels) => tf.tidy(() => logits.argMax(1).equal(labels).sum().dataSync()[0])));
  await fails(
    () => checkAccuracyCount((logits, labels) => tf.tidy(() => logits.equal(labels.expandDims(1)).sum().dataSync()[0])),
    /^your accuracy counted 0 of 30, expected 27: compare argMax\(1\) with the labels, not the logits$/,
  );
  await fails(
    () => checkAccuracyCount((logits, labels) => tf.tidy(() => logits.argMax(1).equal(labels).sum().dataSync()[0] / labels.shape[0])),
    /your accuracy counted 0.9 of 30, expected 27: return the number of correct predictions, not the fraction/,
  );
  await fails(() => checkAccuracyCount((logits, labels) => logits.argMax(1).equal(labels).sum().dataSync()[0]), /countCorrect left 3 tensors behind on a batch of 30: wrap the tensor work in tf.tidy/);
  await fails(() => checkAccuracyCount(() => { throw new Error('exercise not done: write your answer here'); }), /countCorrect is not written yet/);
});

test("a check lets the kernel's own stops through: an interrupt or process.exit is not turned into advice", async () => {
  for (const name of ['KeyboardInterrupt', 'SystemExit']) {
    const stop = Object.assign(new Error('the kernel stops'), { name });
    await assert.rejects(checkAccuracyCount(() => { throw stop; }), (error) => error === stop);
  }
});

test('checkEpochAverages: loss over batches and accuracy over examples pass; dividing by the wrong count fails', async () => {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const loss = (b: BatchResult[]) => sum(b.map((x) => x.loss)) / b.length;
  await passes(() => checkEpochAverages((b) => ({ loss: loss(b), accuracy: sum(b.map((x) => x.correct)) / sum(b.map((x) => x.size)) })));
  await fails(() => checkEpochAverages((b) => ({ loss: loss(b), accuracy: sum(b.map((x) => x.correct)) / b.length })), /divide the correct predictions by the number of examples, not batches/);
  await fails(() => checkEpochAverages((b) => ({ loss: loss(b), accuracy: sum(b.map((x) => x.correct / x.size)) / b.length })), /gives the small last batch too much weight/);
  await fails(
    () => checkEpochAverages((b) => ({ loss: sum(b.map((x) => x.loss)) / sum(b.map((x) => x.size)), accuracy: sum(b.map((x) => x.correct)) / sum(b.map((x) => x.size)) })),
    /each batch loss is already a mean over its examples/,
  );
});

test('checkBestEpoch: the first lowest loss passes; the highest, the last or a 1-based epoch fail', async () => {
  await passes(() => checkBestEpoch((l) => l.indexOf(Math.min(...l))));
  await fails(() => checkBestEpoch((l) => l.indexOf(Math.max(...l))), /you picked epoch 0, expected 3: the best epoch has the lowest validation loss/);
  await fails(() => checkBestEpoch((l) => l.length - 1), /the last epoch is not always the best/);
  await fails(() => checkBestEpoch((l) => l.indexOf(Math.min(...l)) + 1), /count epochs from 0/);
  await fails(() => checkBestEpoch((l) => l.lastIndexOf(Math.min(...l))), /when two epochs tie, keep the first/);
});

test('checkFastestBackend: the smallest time passes; the largest or the first fail', async () => {
  const pick = (better: (a: number, b: number) => boolean) => (t: { backend: string; msPerEpoch: number }[]) => t.reduce((best, x) => (better(x.msPerEpoch, best.msPerEpoch) ? x : best)).backend;
  await passes(() => checkFastestBackend(pick((a, b) => a < b)));
  await fails(() => checkFastestBackend(pick((a, b) => a > b)), /you picked "cpu", expected "tensorflow": fewer milliseconds per epoch is faster/);
  await fails(() => checkFastestBackend((t) => t[0].backend), /look at every timing, not only the first/);
});

test('checkStateDictCompare: missing keys and different values pass; exact equality or keys only fail', async () => {
  const near = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-8 + 1e-5 * Math.abs(b[i]));
  await passes(() => checkStateDictCompare((a, b) => Object.keys(a).filter((k) => !(k in b) || !near(a[k], b[k]))));
  await fails(
    () => checkStateDictCompare((a, b) => Object.keys(a).filter((k) => !(k in b) || a[k].some((x, i) => x !== b[k][i]))),
    /you reported \["0.weight", "2.weight", "4.bias"\], expected \["2.weight", "4.bias"\]: .*compare them with a tolerance/,
  );
  await fails(() => checkStateDictCompare((a, b) => Object.keys(a).filter((k) => !(k in b))), /compare the values too/);
  await fails(() => checkStateDictCompare((a, b) => Object.keys(a).filter((k) => k in b && !near(a[k], b[k]))), /a key missing from the old state dict is a problem too/);
});
