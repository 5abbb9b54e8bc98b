/**
 * Shared by the step-parity tests: the tutorial's MLP as the notebooks write it, trained for 50
 * steps on the first 3,200 training images, compared with PyTorch's losses from the same start.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { torchLinearInit } from '../../src/train/linear-init.js';
import { TorchGenerator } from '../../src/data/torch-generator.js';

// Golden numbers from PyTorch 2.13: test/golden/fashion-mnist/step_losses.py (same init, same data).
export const golden = JSON.parse(
  readFileSync(new URL('../golden/fashion-mnist/step-losses.json', import.meta.url), 'utf8'),
) as { 'sgd_lr_1e-3': number[]; 'sgd_lr_1e-3_momentum_0.9': number[]; initial_weights_check: Record<string, number> & { next_uniform: number[] } };
export const dataDir = new URL('../../data/fashion-mnist', import.meta.url).pathname;
export const steps = 50;
export const batchSize = 64;

/** The tutorial's model, written as the notebook writes it. */
export function buildModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28] }),
      tf.layers.dense({ units: 512, activation: 'relu' }),
      tf.layers.dense({ units: 512, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

/** The loss as notebooks/fashion-mnist writes it (PyTorch's `nn.CrossEntropyLoss()`). */
export function notebookLossFn(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, 10), logits) as tf.Scalar;
}

export function trainLosses(
  optimizer: tf.Optimizer,
  images: Float32Array,
  labels: Int32Array,
  lossFn: (logits: tf.Tensor2D, targets: tf.Tensor1D) => tf.Scalar = notebookLossFn,
): number[] {
  const model = buildModel();
  torchLinearInit(model, { generator: new TorchGenerator(0) }); // torch.manual_seed(0), then the model
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const start = step * batchSize;
    const x = tf.tensor3d(images.subarray(start * 784, (start + batchSize) * 784), [batchSize, 28, 28]);
    const y = tf.tensor1d(labels.subarray(start, start + batchSize), 'int32');
    const loss = optimizer.minimize(() => lossFn(model.apply(x) as tf.Tensor2D, y), true);
    losses.push(loss?.dataSync()[0] as number);
    tf.dispose([loss as tf.Scalar, x, y]);
  }
  model.dispose();
  return losses;
}

export function maxAbsDiff(a: number[], b: number[]): { diff: number; at: number } {
  let diff = 0;
  let at = -1;
  a.forEach((v, i) => {
    const d = Math.abs(v - (b[i] as number));
    if (d > diff) [diff, at] = [d, i];
  });
  return { diff, at };
}

