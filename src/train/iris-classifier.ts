/**
 * The Iris section's model (notebook `iris/04-model`), for the notebooks after it.
 */
import * as tf from '@tensorflow/tfjs';

/** A dense layer that starts like PyTorch's `nn.Linear(inputs, units)`: weights and biases uniform in ±1/√inputs (seeded). */
function linear(inputs: number, units: number, seed: number): tf.layers.Layer {
  const bound = 1 / Math.sqrt(inputs);
  const uniform = (s: number): ReturnType<typeof tf.initializers.randomUniform> => tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: s });
  return tf.layers.dense({ inputShape: [inputs], units, kernelInitializer: uniform(seed), biasInitializer: uniform(seed + 1) });
}

/**
 * The Iris classifier written out in notebook `iris/04-model`: `[batch, 4]` measurements to
 * `[batch, 3]` logits through dense layers 4→16→8→3 with no activation, each initialised like
 * PyTorch's `nn.Linear` from seeds `100·seed`, `100·seed + 2`, `100·seed + 4`.
 *
 * PyTorch: the tutorial's `IRISClassifier` (`nn.Sequential(nn.Linear(4, 16), nn.Linear(16, 8),
 * nn.Linear(8, 3))`); the initial values come from tf.js's seeded generator, not PyTorch's.
 *
 * @example
 * const model = irisClassifier(); // the same weights as notebook 04's irisClassifier()
 * const logits = model.predict(batchOfData) as tf.Tensor2D; // [batch, 3]
 */
export function irisClassifier(seed = 0): tf.Sequential {
  return tf.sequential({ layers: [linear(4, 16, 100 * seed), linear(16, 8, 100 * seed + 2), linear(8, 3, 100 * seed + 4)] });
}
