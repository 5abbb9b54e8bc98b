import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DataLoader } from '../../src/data/data-loader.js';
import { Subset } from '../../src/data/dataset.js';
import type { TensorDataset } from '../../src/data/tensor-dataset.js';
import { loadFashionMNIST } from '../../src/vision/fashion-mnist.js';
import { torchLinearInit } from '../../src/train/linear-init.js';
import { TorchGenerator } from '../../src/data/torch-generator.js';
import { useFastWasmKernels } from '../../src/patches/tfjs-wasm-kernels.js';
import { SLOW_TESTS } from '../slow.js';

// Golden accuracies from PyTorch 2.13 with the same initial weights and the same batches:
// test/golden/fashion-mnist/accuracy.py.
interface Result { accuracy: number; avg_loss: number }
const golden = JSON.parse(readFileSync(new URL('../golden/fashion-mnist/accuracy.json', import.meta.url), 'utf8')) as {
  quick: { sgd: Result[]; momentum: Result[] };
  full: { sgd: Result[]; momentum: Result[] };
};
const dataDir = new URL('../../data/fashion-mnist', import.meta.url).pathname;
const slow = SLOW_TESTS;
// The tutorial's numbers (REFERENCE.md: PyTorch's own random init): test accuracy after 5 epochs.
const TUTORIAL_ACCURACY_5_EPOCHS = { sgd: 0.649, momentum: 0.824 };

type Images = TensorDataset<[tf.Tensor3D, tf.Tensor1D]>;

function lossFn(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, 10), logits) as tf.Scalar;
}

/** The notebook's train and test loops, without the printing; returns accuracy and loss after each epoch. */
async function run(trainData: Images | Subset<[tf.Tensor2D, tf.Scalar]>, testData: Images, momentum: number, epochs: number): Promise<Result[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28] }),
      tf.layers.dense({ units: 512, activation: 'relu' }),
      tf.layers.dense({ units: 512, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
  torchLinearInit(model, { generator: new TorchGenerator(0) }); // torch.manual_seed(0), then the model
  const optimizer = momentum === 0 ? tf.train.sgd(1e-3) : tf.train.momentum(1e-3, momentum);
  const trainLoader = new DataLoader(trainData, { batchSize: 64 });
  const testLoader = new DataLoader(testData, { batchSize: 64 });
  const results: Result[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for await (const [x, y] of trainLoader) {
      const loss = optimizer.minimize(() => lossFn(model.apply(x) as tf.Tensor2D, y as tf.Tensor1D), true);
      loss?.dispose();
    }
    let testLoss = 0;
    let correct = 0;
    for await (const [x, y] of testLoader) {
      tf.tidy(() => {
        const pred = model.predict(x) as tf.Tensor2D;
        testLoss += lossFn(pred, y as tf.Tensor1D).dataSync()[0] as number;
        correct += tf.sum(tf.cast(tf.equal(tf.argMax(pred, 1), y), 'float32')).dataSync()[0] as number;
      });
    }
    results.push({ accuracy: correct / testData.length, avg_loss: testLoss / testLoader.length });
  }
  model.dispose();
  optimizer.dispose();
  return results;
}

describe('Fashion-MNIST test accuracy against PyTorch (wasm backend)', () => {
  let train: Images;
  let test: Images;
  before(async () => {
    await tf.setBackend('wasm');
    useFastWasmKernels({ nativeBlas: process.env.TRAINBOOK_NATIVE_BLAS === '1' });
    train = loadFashionMNIST(dataDir, { train: true, maxExamples: slow ? undefined : 2000 });
    test = loadFashionMNIST(dataDir, { train: false });
  });
  after(() => tf.dispose([...train.tensors, ...test.tensors]));

  it('quick mode (2,000 training images, 1 epoch) gives the accuracy and loss PyTorch gives from the same start', async () => {
    const quickTrain = new Subset(train, Array.from({ length: 2000 }, (_, i) => i));
    for (const name of ['sgd', 'momentum'] as const) {
      const [got] = await run(quickTrain, test, name === 'sgd' ? 0 : 0.9, 1);
      const want = golden.quick[name][0] as Result;
      assert.ok(Math.abs((got as Result).accuracy - want.accuracy) <= 0.002, `${name}: accuracy ${got?.accuracy} vs PyTorch ${want.accuracy}`);
      assert.ok(Math.abs((got as Result).avg_loss - want.avg_loss) < 1e-3, `${name}: loss ${got?.avg_loss} vs PyTorch ${want.avg_loss}`);
    }
  });

  for (const name of ['sgd', 'momentum'] as const) {
    it(`after 5 epochs of SGD lr 1e-3${name === 'momentum' ? ' momentum 0.9' : ''} is within 2 points of the tutorial and 0.5 of PyTorch from the same start (slow: TRAINBOOK_SLOW_TESTS=1)`, { skip: !slow }, async () => {
      const results = await run(train, test, name === 'sgd' ? 0 : 0.9, 5);
      console.log(`${name}: test accuracy per epoch ${results.map((r) => (100 * r.accuracy).toFixed(1)).join(', ')}; PyTorch same start ${golden.full[name].map((r) => (100 * r.accuracy).toFixed(1)).join(', ')}`);
      const last = results[4] as Result;
      assert.ok(Math.abs(last.accuracy - TUTORIAL_ACCURACY_5_EPOCHS[name]) <= 0.02, `accuracy ${last.accuracy} vs the tutorial's ${TUTORIAL_ACCURACY_5_EPOCHS[name]}`);
      assert.ok(Math.abs(last.accuracy - (golden.full[name][4] as Result).accuracy) <= 0.005, `accuracy ${last.accuracy} vs PyTorch ${golden.full[name][4]?.accuracy}`);
    });
  }
});

