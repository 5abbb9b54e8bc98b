/**
 * PyTorch's default initialisation of `nn.Linear`, drawn from PyTorch's own generator.
 */
import * as tf from '@tensorflow/tfjs';
import { TorchGenerator } from '../data/torch-generator.js';

/** Options of {@link torchLinearInit}: the generator to draw from, or a seed for a fresh one. */
export interface TorchLinearInitOptions {
  /**
   * The generator the weights are drawn from, standing for PyTorch's default generator: after
   * `new TorchGenerator(s)` (`torch.manual_seed(s)`) the weights are those PyTorch's constructor
   * draws, and the generator's next draws (e.g. a `DataLoader`'s shuffles) are PyTorch's too.
   * @default new TorchGenerator(seed)
   */
  generator?: TorchGenerator;
  /** Shorthand for `generator: new TorchGenerator(seed)`. Not together with `generator`. @default 0 */
  seed?: number;
}

/**
 * Re-initialises every dense layer of `model`, in order, with the values PyTorch's `nn.Linear(in, out)`
 * draws when it is constructed: the weight [out, in] from `kaiming_uniform_(a=√5)` (uniform in
 * ±1/√in), then the bias [out] uniform in ±1/√in. tf.js's defaults differ (Glorot-uniform kernels,
 * zero biases), and how fast a small MLP learns depends on it.
 *
 * The values are PyTorch's bit for bit (the kernel is the transpose of PyTorch's weight), so a model
 * built after `new TorchGenerator(0)` starts where the PyTorch model built after
 * `torch.manual_seed(0)` starts, when its `nn.Linear` layers are constructed in the same order.
 *
 * PyTorch: `nn.Linear.reset_parameters()`, run by the constructor.
 *
 * @param model - a model whose dense layers are built (e.g. `tf.sequential` with an `inputShape`).
 * @param options - `{ generator }` or `{ seed }`.
 * @returns the number of dense layers initialised.
 * @example
 * ```ts
 * const generator = new TorchGenerator(0); // torch.manual_seed(0)
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 10 })] });
 * torchLinearInit(model, { generator });   // the weights of nn.Linear(784, 10)
 * ```
 */
export function torchLinearInit(model: tf.LayersModel, options: TorchLinearInitOptions = {}): number {
  if (options.generator !== undefined && options.seed !== undefined) {
    throw new Error('torchLinearInit: got both seed and generator; pass one ({ seed: n } is short for { generator: new TorchGenerator(n) })');
  }
  if (options.generator !== undefined && !(options.generator instanceof TorchGenerator)) {
    throw new Error('torchLinearInit: generator must be a TorchGenerator, e.g. { generator: new TorchGenerator(0) }');
  }
  const generator = options.generator ?? new TorchGenerator(options.seed ?? 0);
  let count = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Dense') continue;
    const weights = layer.getWeights();
    const kernel = weights[0];
    if (kernel === undefined || kernel.rank !== 2) {
      throw new Error(`torchLinearInit: dense layer '${layer.name}' is not built yet; give the model an inputShape first`);
    }
    const [numIn, numOut] = kernel.shape as [number, number];
    // kaiming_uniform_(a=sqrt(5)) computes its bound in doubles exactly this way; the bias uses 1/sqrt(fan_in).
    const a = Math.sqrt(5);
    const gain = Math.sqrt(2 / (1 + a ** 2));
    const weightBound = Math.sqrt(3) * (gain / Math.sqrt(numIn));
    const weight = generator.uniform(numOut * numIn, -weightBound, weightBound); // PyTorch's [out, in]
    const next: tf.Tensor[] = [tf.tidy(() => tf.transpose(tf.tensor2d(weight, [numOut, numIn])))]; // [in, out]
    if (weights.length > 1) {
      const biasBound = 1 / Math.sqrt(numIn);
      next.push(tf.tensor1d(generator.uniform(numOut, -biasBound, biasBound)));
    }
    layer.setWeights(next);
    tf.dispose(next);
    count++;
  }
  return count;
}
