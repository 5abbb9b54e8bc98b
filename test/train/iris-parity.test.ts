// Fidelity of the Iris training loop (seed tutorial 001, "Train") against PyTorch.
//
// test/golden/iris/golden.json holds what PyTorch 2.13 computes for the tutorial's model
// (Linear(4,16) -> Linear(16,8) -> Linear(8,3), CrossEntropyLoss, Adam lr 1e-3, batch 10) when it
// starts from known weights and sees the training rows in a fixed order (no shuffling), for 5
// epochs. The same run in TensorFlow.js must give the same losses, accuracies and final weights.
// Regenerate the goldens with: python3 test/golden/iris/make_golden.py
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';
import { DataLoader } from '../../src/data/data-loader.js';
import { Subset } from '../../src/data/dataset.js';
import { loadIris } from '../../src/data/iris.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { crossEntropyLoss } from '../../src/train/losses.js';
import { trainStep, valStep } from '../../src/train/steps.js';
import { skipUnlessNative, useBackend as selectBackend } from '../backends.js';

interface LayerParams {
  weight: number[][]; // [out, in], PyTorch layout
  bias: number[]; // [out]
}

interface GoldenEpoch {
  epoch: number;
  trainLoss: number;
  batchLosses: number[];
  valLoss: number;
  valAccuracy: number;
  valCorrect: number;
}

interface Golden {
  generatedBy: { torch: string; date: string };
  setup: { batchSize: number; epochs: number };
  initialParams: LayerParams[];
  initialVal: { valLoss: number; valAccuracy: number };
  epochs: GoldenEpoch[];
  test: { testLoss: number; testAccuracy: number; testCorrect: number };
  finalParams: LayerParams[];
  adamProbe: { c: number[]; initial: number[]; paramsAfterEachStep: number[][] };
}

/** What one run of the loop produced, in the golden's shape. */
interface Run {
  initialVal: { valLoss: number; valAccuracy: number };
  epochs: GoldenEpoch[];
  test: { testLoss: number; testAccuracy: number; testCorrect: number };
  finalParams: LayerParams[];
  leakedTensors: number;
}

const golden = JSON.parse(
  readFileSync(new URL('../golden/iris/golden.json', import.meta.url), 'utf8'),
) as Golden;
const split = JSON.parse(
  readFileSync(new URL('../../data/iris/split_seed20.json', import.meta.url), 'utf8'),
) as { train: number[]; val: number[]; test: number[] };

/** The 150 Iris rows: features [150][4] and class indices [150]. */
function readIris(): { features: number[][]; labels: number[] } {
  const lines = readFileSync(new URL('../../data/iris/iris.csv', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const rows = lines.slice(1).map((line) => line.split(',')); // line 0 is the header
  return {
    features: rows.map((r) => r.slice(0, 4).map(Number)),
    labels: rows.map((r) => Number(r[4])),
  };
}

const iris = readIris();

/** Consecutive batches of `batchSize` rows, in the given order (no shuffling), last one partial. */
function batchesOf(indices: number[], batchSize: number): Array<{ x: number[][]; y: number[] }> {
  const batches: Array<{ x: number[][]; y: number[] }> = [];
  for (let start = 0; start < indices.length; start += batchSize) {
    const rows = indices.slice(start, start + batchSize);
    batches.push({ x: rows.map((i) => iris.features[i]), y: rows.map((i) => iris.labels[i]) });
  }
  return batches;
}

/** The tutorial's model with the golden initial parameters (tfjs kernel = PyTorch weight transposed). */
function buildModel(params: LayerParams[]): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, inputShape: [4] }),
      tf.layers.dense({ units: 8 }),
      tf.layers.dense({ units: 3 }),
    ],
  });
  model.layers.forEach((layer, i) => {
    const { weight, bias } = params[i];
    tf.tidy(() => layer.setWeights([tf.tensor2d(weight).transpose(), tf.tensor1d(bias)]));
  });
  return model;
}

/** PyTorch's CrossEntropyLoss: mean over the batch of -log softmax(logits)[target]. */
function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, 3), logits) as tf.Scalar;
}

function readParams(model: tf.Sequential): LayerParams[] {
  return model.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights();
    return {
      weight: tf.tidy(() => kernel.transpose().arraySync() as number[][]),
      bias: bias.arraySync() as number[],
    };
  });
}

/** Average batch loss and accuracy over `indices`, like the tutorial's val_step. */
function evaluate(model: tf.Sequential, indices: number[], batchSize: number) {
  let totalLoss = 0;
  let totalCorrect = 0;
  const batches = batchesOf(indices, batchSize);
  for (const { x, y } of batches) {
    const [loss, correct] = tf.tidy(() => {
      const targets = tf.tensor1d(y, 'int32');
      const logits = model.predict(tf.tensor2d(x)) as tf.Tensor2D; // [batch, 3]
      const lossValue = crossEntropy(logits, targets).dataSync()[0];
      const correctCount = logits.argMax(1).equal(targets).sum().dataSync()[0];
      return [lossValue, correctCount];
    });
    totalLoss += loss;
    totalCorrect += correct;
  }
  return { loss: totalLoss / batches.length, accuracy: totalCorrect / indices.length, correct: totalCorrect };
}

/** The tutorial's loop, written with plain tfjs, on the current backend. */
function runPlainTfjs(): Run {
  const before = tf.memory().numTensors;
  const { batchSize, epochs: numEpochs } = golden.setup;
  const model = buildModel(golden.initialParams);
  // tfjs Adam's epsilon defaults to the backend's epsilon (1e-7 in float32); PyTorch uses 1e-8.
  // Its update is PyTorch's: m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps), with t counted from 1.
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const initial = evaluate(model, split.val, batchSize);

  const epochs: GoldenEpoch[] = [];
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    const batchLosses: number[] = [];
    for (const { x, y } of batchesOf(split.train, batchSize)) {
      const loss = tf.tidy(() => {
        const inputs = tf.tensor2d(x); // [batch, 4]
        const targets = tf.tensor1d(y, 'int32'); // [batch]
        return optimizer.minimize(
          () => crossEntropy(model.apply(inputs, { training: true }) as tf.Tensor2D, targets),
          true,
        ) as tf.Scalar;
      });
      batchLosses.push(loss.dataSync()[0]);
      loss.dispose();
    }
    const val = evaluate(model, split.val, batchSize);
    epochs.push({
      epoch,
      trainLoss: batchLosses.reduce((a, b) => a + b, 0) / batchLosses.length,
      batchLosses,
      valLoss: val.loss,
      valAccuracy: val.accuracy,
      valCorrect: val.correct,
    });
  }
  const testResult = evaluate(model, split.test, batchSize);
  const finalParams = readParams(model);
  model.dispose();
  optimizer.dispose();
  return {
    initialVal: { valLoss: initial.loss, valAccuracy: initial.accuracy },
    epochs,
    test: { testLoss: testResult.loss, testAccuracy: testResult.accuracy, testCorrect: testResult.correct },
    finalParams,
    leakedTensors: tf.memory().numTensors - before,
  };
}

/** The same run through the cell library: loadIris, TensorDataset, Subset, DataLoader, trainStep, valStep. */
async function runWithLibrary(): Promise<Omit<Run, 'epochs'> & { epochs: Array<Omit<GoldenEpoch, 'batchLosses'>> }> {
  const before = tf.memory().numTensors;
  const { batchSize, epochs: numEpochs } = golden.setup;
  const iris = await loadIris(fileURLToPath(new URL('../../data/iris/iris.csv', import.meta.url)));
  const dataset = new TensorDataset(iris.features, iris.labels);
  const loaderFor = (indices: number[]) => new DataLoader(new Subset(dataset, indices), { batchSize, shuffle: false });
  const [trainLoader, valLoader, testLoader] = [loaderFor(split.train), loaderFor(split.val), loaderFor(split.test)];
  const model = buildModel(golden.initialParams);
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const initial = await valStep(model, valLoader, { lossFn: crossEntropyLoss });

  const epochs: Array<Omit<GoldenEpoch, 'batchLosses'>> = [];
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    const trainLoss = await trainStep(model, trainLoader, { lossFn: crossEntropyLoss, optimizer });
    const val = await valStep(model, valLoader, { lossFn: crossEntropyLoss });
    const valCorrect = Math.round(val.accuracy * split.val.length);
    epochs.push({ epoch, trainLoss, valLoss: val.loss, valAccuracy: val.accuracy, valCorrect });
  }
  const testResult = await valStep(model, testLoader, { lossFn: crossEntropyLoss });
  const finalParams = readParams(model);
  model.dispose();
  optimizer.dispose();
  tf.dispose([iris.features, iris.labels]);
  return {
    initialVal: { valLoss: initial.loss, valAccuracy: initial.accuracy },
    epochs,
    test: { testLoss: testResult.loss, testAccuracy: testResult.accuracy, testCorrect: Math.round(testResult.accuracy * split.test.length) },
    finalParams,
    leakedTensors: tf.memory().numTensors - before,
  };
}

function maxAbsDiff(actual: number[], expected: number[]): number {
  assert.equal(actual.length, expected.length, 'compared arrays differ in length');
  return Math.max(...actual.map((a, i) => Math.abs(a - expected[i])));
}

function flatParams(params: LayerParams[]): number[] {
  return params.flatMap(({ weight, bias }) => [...weight.flat(), ...bias]);
}

/** Selects a backend; wasm's Emscripten adds process handlers that would swallow test failures. */
async function useBackend(name: 'wasm' | 'cpu' | 'tensorflow'): Promise<void> {
  const rejectionsBefore = process.listeners('unhandledRejection');
  const exceptionsBefore = process.listeners('uncaughtException');
  await selectBackend(name);
  await tf.ready();
  for (const listener of process.listeners('unhandledRejection')) {
    if (!rejectionsBefore.includes(listener)) process.off('unhandledRejection', listener);
  }
  for (const listener of process.listeners('uncaughtException')) {
    if (!exceptionsBefore.includes(listener)) process.off('uncaughtException', listener);
  }
  assert.equal(tf.getBackend(), name);
}

// Tolerances: float32 on both sides, 55 Adam steps. Observed maxima are printed as diagnostics.
const TOL_BATCH_LOSS = 1e-5;
const TOL_EPOCH_LOSS = 1e-5;
const TOL_PARAMS = 5e-6;

/** Parameters after each of the probe's Adam steps on loss = sum(0.5 * c * p^2). */
function runAdamProbe(optimizer: tf.Optimizer): number[][] {
  const { c, initial, paramsAfterEachStep } = golden.adamProbe;
  const p = tf.variable(tf.tensor1d(initial));
  const coefficients = tf.tensor1d(c);
  const trajectory = paramsAfterEachStep.map(() => {
    tf.tidy(() => {
      optimizer.minimize(() => coefficients.mul(p).mul(p).mul(0.5).sum() as tf.Scalar, false, [p]);
    });
    return Array.from(p.dataSync());
  });
  tf.dispose([p, coefficients]);
  optimizer.dispose();
  return trajectory;
}

const runs = new Map<string, Run>();

for (const backend of ['wasm', 'cpu', 'tensorflow'] as const) {
  describe(`Iris loop on the tfjs ${backend} backend against PyTorch ${golden.generatedBy.torch}`, { skip: backend === 'tensorflow' ? skipUnlessNative() : false }, () => {
    let run: Run;
    before(async () => {
      tf.enableProdMode();
      await useBackend(backend);
      run = runPlainTfjs();
      runs.set(backend, run);
    });

    test('tf.train.adam with epsilon 1e-8 takes PyTorch Adam steps, even where gradients are tiny', (t) => {
      const expected = golden.adamProbe.paramsAfterEachStep;
      const withPyTorchEps = runAdamProbe(tf.train.adam(1e-3, 0.9, 0.999, 1e-8));
      const diff = Math.max(...withPyTorchEps.map((step, i) => maxAbsDiff(step, expected[i])));
      // Same probe with tfjs's default epsilon (the backend's, 1e-7): visibly not PyTorch's Adam.
      const withDefaultEps = runAdamProbe(tf.train.adam(1e-3));
      const defaultDiff = Math.max(...withDefaultEps.map((step, i) => maxAbsDiff(step, expected[i])));
      t.diagnostic(`max |Δ| Adam probe: ${diff.toExponential(2)} (default epsilon: ${defaultDiff.toExponential(2)})`);
      assert.ok(diff < 1e-6, `Adam with eps 1e-8 drifts from PyTorch by ${diff}`);
      assert.ok(defaultDiff > 1e-4, `tfjs default epsilon unexpectedly matches PyTorch (diff ${defaultDiff})`);
    });

    test('the initial model gives PyTorch validation loss and accuracy before any training', (t) => {
      const diff = Math.abs(run.initialVal.valLoss - golden.initialVal.valLoss);
      t.diagnostic(`max |Δ| initial val loss: ${diff.toExponential(2)}`);
      assert.ok(diff < 1e-6, `initial val loss ${run.initialVal.valLoss}, PyTorch ${golden.initialVal.valLoss}`);
      assert.equal(run.initialVal.valAccuracy, golden.initialVal.valAccuracy);
    });

    test('every batch loss of every epoch matches PyTorch', (t) => {
      let worst = 0;
      golden.epochs.forEach((g, e) => {
        const diff = maxAbsDiff(run.epochs[e].batchLosses, g.batchLosses);
        worst = Math.max(worst, diff);
        assert.ok(diff < TOL_BATCH_LOSS, `epoch ${e}: batch losses differ by ${diff} (tolerance ${TOL_BATCH_LOSS})\n` +
          `tfjs    ${run.epochs[e].batchLosses.join(', ')}\nPyTorch ${g.batchLosses.join(', ')}`);
      });
      t.diagnostic(`max |Δ| batch loss epoch 1: ${maxAbsDiff(run.epochs[0].batchLosses, golden.epochs[0].batchLosses).toExponential(2)}, all epochs: ${worst.toExponential(2)}`);
    });

    test('the mean training loss of each of the 5 epochs matches PyTorch', (t) => {
      const diff = maxAbsDiff(run.epochs.map((e) => e.trainLoss), golden.epochs.map((e) => e.trainLoss));
      t.diagnostic(`max |Δ| epoch train loss: ${diff.toExponential(2)}`);
      assert.ok(diff < TOL_EPOCH_LOSS, `epoch train losses differ by ${diff}: tfjs ${run.epochs.map((e) => e.trainLoss)}, ` +
        `PyTorch ${golden.epochs.map((e) => e.trainLoss)}`);
    });

    test('validation loss matches PyTorch and validation accuracy is identical after each epoch', (t) => {
      const diff = maxAbsDiff(run.epochs.map((e) => e.valLoss), golden.epochs.map((e) => e.valLoss));
      t.diagnostic(`max |Δ| epoch val loss: ${diff.toExponential(2)}`);
      assert.ok(diff < TOL_EPOCH_LOSS, `val losses differ by ${diff}`);
      assert.deepEqual(run.epochs.map((e) => e.valCorrect), golden.epochs.map((e) => e.valCorrect));
      assert.deepEqual(run.epochs.map((e) => e.valAccuracy), golden.epochs.map((e) => e.valAccuracy));
    });

    test('test loss and accuracy after training match PyTorch', (t) => {
      const diff = Math.abs(run.test.testLoss - golden.test.testLoss);
      t.diagnostic(`max |Δ| test loss: ${diff.toExponential(2)}`);
      assert.ok(diff < TOL_EPOCH_LOSS, `test loss ${run.test.testLoss}, PyTorch ${golden.test.testLoss}`);
      assert.equal(run.test.testCorrect, golden.test.testCorrect);
    });

    test('the final weights and biases match PyTorch', (t) => {
      const diff = maxAbsDiff(flatParams(run.finalParams), flatParams(golden.finalParams));
      t.diagnostic(`max |Δ| final parameter: ${diff.toExponential(2)}`);
      assert.ok(diff < TOL_PARAMS, `final parameters differ by up to ${diff} (tolerance ${TOL_PARAMS})`);
    });

    test('the whole run (model, optimizer, 5 epochs, evaluation) leaks no tensors', () => {
      assert.equal(run.leakedTensors, 0, `${run.leakedTensors} tensors left after disposing model and optimizer`);
    });
  });
}

for (const backend of ['wasm', 'cpu', 'tensorflow'] as const) {
  const skip = backend === 'tensorflow' ? skipUnlessNative() : false;
  test(`the cell library (DataLoader, trainStep, valStep, crossEntropyLoss) reproduces PyTorch's Iris run on ${backend}`, { skip }, async (t) => {
    await useBackend(backend);
    const lib = await runWithLibrary();
    const initialDiff = Math.abs(lib.initialVal.valLoss - golden.initialVal.valLoss);
    const trainDiff = maxAbsDiff(lib.epochs.map((e) => e.trainLoss), golden.epochs.map((e) => e.trainLoss));
    const valDiff = maxAbsDiff(lib.epochs.map((e) => e.valLoss), golden.epochs.map((e) => e.valLoss));
    const paramDiff = maxAbsDiff(flatParams(lib.finalParams), flatParams(golden.finalParams));
    const plain = runs.get(backend);
    const plainDiff = plain === undefined ? NaN : maxAbsDiff(lib.epochs.map((e) => e.trainLoss), plain.epochs.map((e) => e.trainLoss));
    t.diagnostic(`library on ${backend}: max |Δ| initial val loss ${initialDiff.toExponential(2)}, epoch train loss ${trainDiff.toExponential(2)}, ` +
      `val loss ${valDiff.toExponential(2)}, final parameter ${paramDiff.toExponential(2)}; vs plain tfjs loop: train loss ${plainDiff.toExponential(2)}`);
    assert.ok(initialDiff < 1e-6, `initial val loss ${lib.initialVal.valLoss}, PyTorch ${golden.initialVal.valLoss}`);
    assert.ok(trainDiff < TOL_EPOCH_LOSS, `epoch train losses differ by ${trainDiff}: library ${lib.epochs.map((e) => e.trainLoss)}, ` +
      `PyTorch ${golden.epochs.map((e) => e.trainLoss)}`);
    assert.ok(valDiff < TOL_EPOCH_LOSS, `epoch val losses differ by ${valDiff}`);
    assert.deepEqual(lib.epochs.map((e) => e.valAccuracy), golden.epochs.map((e) => e.valAccuracy));
    assert.equal(lib.test.testCorrect, golden.test.testCorrect);
    assert.ok(paramDiff < TOL_PARAMS, `final parameters differ by up to ${paramDiff} (tolerance ${TOL_PARAMS})`);
    assert.equal(lib.leakedTensors, 0, `${lib.leakedTensors} tensors left after the library run`);
  });
}

test('the wasm and cpu backends give the same Iris run to within 1e-6', (t) => {
  const wasm = runs.get('wasm');
  const cpu = runs.get('cpu');
  assert.ok(wasm !== undefined && cpu !== undefined, 'both backend runs must have completed');
  const lossDiff = maxAbsDiff(wasm.epochs.flatMap((e) => e.batchLosses), cpu.epochs.flatMap((e) => e.batchLosses));
  const paramDiff = maxAbsDiff(flatParams(wasm.finalParams), flatParams(cpu.finalParams));
  t.diagnostic(`max |Δ| wasm vs cpu: batch loss ${lossDiff.toExponential(2)}, final parameter ${paramDiff.toExponential(2)}`);
  assert.ok(lossDiff < 1e-6 && paramDiff < 1e-6, `wasm and cpu differ: losses ${lossDiff}, parameters ${paramDiff}`);
});
