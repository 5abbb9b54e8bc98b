import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { crossEntropyLoss } from '../../src/train/losses.js';
import { readFashionMNIST } from '../../src/vision/fashion-mnist.js';
import { torchLinearInit } from '../../src/train/linear-init.js';
import { TorchGenerator } from '../../src/data/torch-generator.js';
import { useFastWasmKernels } from '../../src/patches/tfjs-wasm-kernels.js';
import { skipUnlessNative, useBackend } from '../backends.js';
import { batchSize, buildModel, dataDir, golden, maxAbsDiff, steps, trainLosses } from './mlp-parity.js';

for (const backend of ['wasm', 'tensorflow'] as const) {
  describe(`Fashion-MNIST MLP step parity with PyTorch (${backend} backend)`, { skip: backend === 'tensorflow' ? skipUnlessNative() : false }, () => {
    let data: ReturnType<typeof readFashionMNIST>;
    before(async () => {
      await useBackend(backend);
      if (backend === 'wasm') useFastWasmKernels({ nativeBlas: process.env.TRAINBOOK_NATIVE_BLAS === '1' });
      data = readFashionMNIST(dataDir, { train: true, maxExamples: steps * batchSize });
    });

    it("torchLinearInit after new TorchGenerator(0) draws PyTorch's nn.Linear weights after torch.manual_seed(0), bit for bit", () => {
      const model = buildModel();
      const generator = new TorchGenerator(0);
      assert.equal(torchLinearInit(model, { generator }), 3);
      const [w1, b1, w2, , w3, b3] = model.getWeights().map((t) => t.dataSync());
      const check = golden.initial_weights_check;
      assert.equal(w1?.[0], check['w1[0,0]']); // kernel [in, out]: PyTorch's w1[o, i] is at i * 512 + o
      assert.equal(w1?.[512], check['w1[0,1]']);
      assert.equal(w1?.[1], check['w1[1,0]']);
      assert.equal(b1?.[511], check['b1[511]']);
      assert.equal(w3?.[511 * 10 + 9], check['w3[9,511]']);
      assert.equal(b3?.[9], check['b3[9]']);
      const sumW2 = (w2 as Float32Array).reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(sumW2 - (check.sum_w2 as number)) < 1e-6, `sum of w2 is ${sumW2}`);
      assert.deepEqual(Array.from(generator.uniform(3)), check.next_uniform, 'the generator advanced as far as PyTorch\'s');
      model.dispose();
      assert.throws(() => torchLinearInit(buildModel(), { seed: 0, generator }), /got both seed and generator/);
    });

    it('reproduces the first 50 SGD (lr 1e-3) losses within 1e-4', () => {
      const losses = trainLosses(tf.train.sgd(1e-3), data.images, data.labels);
      const { diff, at } = maxAbsDiff(losses, golden['sgd_lr_1e-3']);
      assert.ok(diff < 1e-4, `largest difference ${diff} at step ${at}: ${losses[at]} vs PyTorch ${golden['sgd_lr_1e-3'][at]}`);
    });

    it("reproduces the first 50 SGD losses with the library's crossEntropyLoss too", () => {
      const losses = trainLosses(tf.train.sgd(1e-3), data.images, data.labels, crossEntropyLoss);
      const { diff, at } = maxAbsDiff(losses, golden['sgd_lr_1e-3']);
      assert.ok(diff < 1e-4, `largest difference ${diff} at step ${at}: ${losses[at]} vs PyTorch ${golden['sgd_lr_1e-3'][at]}`);
    });

    it('reproduces the first 50 SGD momentum 0.9 losses within 1e-4 and leaks no tensors', () => {
      const optimizer = tf.train.momentum(1e-3, 0.9);
      const before = tf.memory().numTensors;
      const losses = trainLosses(optimizer, data.images, data.labels);
      const { diff, at } = maxAbsDiff(losses, golden['sgd_lr_1e-3_momentum_0.9']);
      assert.ok(diff < 1e-4, `largest difference ${diff} at step ${at}: ${losses[at]} vs PyTorch ${golden['sgd_lr_1e-3_momentum_0.9'][at]}`);
      optimizer.dispose();
      // the momentum accumulators (one per weight, 6) are the optimizer's; dispose() frees all but one scalar (tfjs bug)
      assert.ok(tf.memory().numTensors - before <= 1, `${tf.memory().numTensors - before} tensors left`);
    });
  });
}
