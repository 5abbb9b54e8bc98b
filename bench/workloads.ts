/**
 * The tf.js side of `npm run bench`: the same workloads as bench/torch_bench.py, written the way
 * the notebooks write them (tf.layers models, `optimizer.minimize`, the DataLoader).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { DataLoader } from '../src/data/data-loader.js';
import { Subset } from '../src/data/dataset.js';
import { TensorDataset } from '../src/data/tensor-dataset.js';
import { crossEntropyLoss } from '../src/train/losses.js';
import { trainStep, valStep } from '../src/train/steps.js';
import { readFashionMNIST } from '../src/vision/fashion-mnist.js';

const root = new URL('..', import.meta.url).pathname;

/** A workload: `unit()` runs one epoch or one step and resolves when its result has been read. */
export interface Workload {
  /** What one unit is, for the table (`epoch`, `step`). */
  readonly unitName: string;
  /** Training examples one unit processes (for samples per second). */
  readonly samplesPerUnit: number;
  unit(): Promise<void>;
  dispose(): void;
}

/**
 * Iris (seed 001): 105 training rows of the seed-20 split, batch 10 shuffled, 4-16-8-3 without
 * activations, cross-entropy, Adam lr 1e-3; one unit = one epoch (11 training steps) plus the
 * validation pass (30 rows).
 */
export function irisEpoch(): Workload {
  const lines = readFileSync(`${root}data/iris/iris.csv`, 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((line) => line.split(',').map(Number));
  const features = tf.tensor2d(rows.map((r) => r.slice(0, 4)), [rows.length, 4]);
  const labels = tf.tensor1d(rows.map((r) => r[4] as number), 'int32');
  const split = JSON.parse(readFileSync(`${root}data/iris/split_seed20.json`, 'utf8')) as { train: number[]; val: number[] };
  const dataset = new TensorDataset(features, labels);
  const trainLoader = new DataLoader(new Subset(dataset, split.train), { batchSize: 10, shuffle: true, seed: 0 });
  const valLoader = new DataLoader(new Subset(dataset, split.val), { batchSize: 10 });
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 16 }), tf.layers.dense({ units: 8 }), tf.layers.dense({ units: 3 })],
  });
  const optimizer = tf.train.adam(1e-3);
  return {
    unitName: 'epoch',
    samplesPerUnit: split.train.length,
    async unit() {
      await trainStep(model, trainLoader, { lossFn: crossEntropyLoss, optimizer });
      await valStep(model, valLoader, { lossFn: crossEntropyLoss });
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
      tf.dispose([features, labels]);
    },
  };
}

/**
 * Fashion-MNIST MLP (seed 004): 784-512-512-10 with ReLU, batch 64 of training images (preloaded
 * as tensors, cycling over the first 50 batches), cross-entropy, SGD lr 1e-3 momentum 0.9; one
 * unit = one step, loss read back.
 */
export function mlpStep(): Workload {
  const numBatches = 50;
  const batchSize = 64;
  const data = readFashionMNIST(`${root}data/fashion-mnist`, { train: true, maxExamples: numBatches * batchSize });
  const batches = Array.from({ length: numBatches }, (_, i) => [
    tf.tensor3d(data.images.subarray(i * batchSize * 784, (i + 1) * batchSize * 784), [batchSize, 28, 28]),
    tf.tensor1d(data.labels.subarray(i * batchSize, (i + 1) * batchSize), 'int32'),
  ] as const);
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28] }),
      tf.layers.dense({ units: 512, activation: 'relu' }),
      tf.layers.dense({ units: 512, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
  const optimizer = tf.train.momentum(1e-3, 0.9);
  let i = 0;
  return {
    unitName: 'step',
    samplesPerUnit: batchSize,
    async unit() {
      const [x, y] = batches[i++ % numBatches] as readonly [tf.Tensor3D, tf.Tensor1D];
      const loss = optimizer.minimize(() => crossEntropyLoss(model.apply(x) as tf.Tensor2D, y), true);
      loss?.dataSync();
      loss?.dispose();
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
      tf.dispose(batches.flat());
    },
  };
}
