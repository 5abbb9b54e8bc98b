/**
 * PyTorch's default initialisation of `nn.Linear`, reproducible bit for bit in Python.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * `count` float32 numbers uniform in [-1, 1) from a 32-bit linear congruential generator
 * (`state = 1664525 * state + 1013904223 mod 2^32`, the top 24 bits scaled to [0, 1), then
 * `2u - 1`). Every step is exact in float32, so Python with numpy gets the same numbers
 * (`test/golden/fashion-mnist/lcg.py`).
 *
 * Returns the generator's state after the last number, so a stream can continue.
 *
 * PyTorch: no counterpart; `torch.rand` uses a different generator, which is why the golden tests
 * use this one on both sides.
 *
 * @param count - how many numbers.
 * @param seed - the initial state, an integer in [0, 2^32).
 */
export function lcgUniform(count: number, seed: number): { values: Float32Array; state: number } {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new RangeError(`lcgUniform: seed is ${String(seed)}, expected an integer in [0, 2^32)`);
  }
  const values = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = ((state >>> 8) / 16777216) * 2 - 1;
  }
  return { values, state };
}

/** Options of {@link torchLinearInit}. */
export interface TorchLinearInitOptions {
  /**
   * The initial state of the generator; the same seed gives the same weights here and in
   * `test/golden/fashion-mnist/lcg.py`.
   */
  seed: number;
}

/**
 * Re-initialises every dense layer of `model` the way PyTorch initialises `nn.Linear(in, out)`:
 * weights and biases uniform in ±1/√in (`kaiming_uniform_(a=√5)` for the weights gives exactly this
 * bound). tf.js's defaults differ (Glorot-uniform kernels, zero biases), and how fast the
 * Fashion-MNIST MLP learns at lr 1e-3 depends on it.
 *
 * Numbers come from {@link lcgUniform}, layer after layer, each weight drawn in PyTorch's
 * `[out, in]` order and then the bias, so the Python side can rebuild the same initial model.
 * Each value is `float32(2u - 1) * float32(1 / √in)`, rounded to float32.
 *
 * PyTorch: `nn.Linear.reset_parameters()`; deviation: a seeded LCG instead of PyTorch's generator.
 *
 * @param model - a model whose dense layers are built (e.g. `tf.sequential` with an `inputShape`).
 * @param options - `{ seed }`.
 * @returns the number of dense layers initialised.
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 10 })] });
 * torchLinearInit(model, { seed: 0 });
 * ```
 */
export function torchLinearInit(model: tf.LayersModel, options: TorchLinearInitOptions): number {
  let state = options.seed;
  let count = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Dense') continue;
    const weights = layer.getWeights();
    const kernel = weights[0];
    if (kernel === undefined || kernel.rank !== 2) {
      throw new Error(`torchLinearInit: dense layer '${layer.name}' is not built yet; give the model an inputShape first`);
    }
    const [numIn, numOut] = kernel.shape as [number, number];
    const bound = Math.fround(1 / Math.sqrt(numIn));
    const w = lcgUniform(numIn * numOut, state);
    state = w.state;
    const kernelValues = new Float32Array(numIn * numOut); // [in, out], from PyTorch's [out, in]
    for (let o = 0; o < numOut; o++) {
      for (let i = 0; i < numIn; i++) kernelValues[i * numOut + o] = Math.fround((w.values[o * numIn + i] as number) * bound);
    }
    const next: tf.Tensor[] = [tf.tensor2d(kernelValues, [numIn, numOut])];
    if (weights.length > 1) {
      const b = lcgUniform(numOut, state);
      state = b.state;
      next.push(tf.tensor1d(b.values.map((v) => Math.fround(v * bound))));
    }
    layer.setWeights(next);
    tf.dispose(next);
    count++;
  }
  return count;
}
