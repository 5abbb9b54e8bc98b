/**
 * The Iris section's model (notebook `iris/04-model`), for the notebooks after it.
 */
import * as tf from '@tensorflow/tfjs';
import { torchLinearInit, type TorchLinearInitOptions } from './linear-init.js';

/**
 * The Iris classifier written out in notebook `iris/04-model`: `[batch, 4]` measurements to
 * `[batch, 3]` logits through dense layers 4→16→8→3 with no activation, starting from the weights
 * PyTorch's three `nn.Linear` layers draw after `torch.manual_seed(seed)` ({@link torchLinearInit}).
 * `irisClassifier({ seed })` is notebook 04's `irisClassifier(seed)`, weight for weight.
 *
 * PyTorch: the tutorial's `IRISClassifier` (`nn.Sequential(nn.Linear(4, 16), nn.Linear(16, 8),
 * nn.Linear(8, 3))`), built right after `torch.manual_seed(seed)`.
 *
 * @param options - `{ seed }` (default 0) or `{ generator }` (a `TorchGenerator` the model draws
 *   from, e.g. one the data loader then shuffles with, as PyTorch's default generator is shared).
 * @example
 * const model = irisClassifier(); // notebook 04's irisClassifier(): torch.manual_seed(0); IRISClassifier()
 * const logits = model.predict(batchOfData) as tf.Tensor2D; // [batch, 3]
 */
export function irisClassifier(options: TorchLinearInitOptions = {}): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 16 }), // nn.Linear(4, 16)
      tf.layers.dense({ units: 8 }), // nn.Linear(16, 8)
      tf.layers.dense({ units: 3 }), // nn.Linear(8, 3)
    ],
  });
  torchLinearInit(model, options);
  return model;
}
