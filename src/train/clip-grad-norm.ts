/**
 * Gradient clipping by the total norm over all parameters, as PyTorch's `clip_grad_norm_`.
 */
import * as tf from '@tensorflow/tfjs';

/** What {@link clipGradNorm} returns. Caller disposes both. */
export interface ClippedGrads {
  /** The gradients scaled by `min(1, maxNorm / (totalNorm + 1e-6))`, same names and shapes. */
  grads: tf.NamedTensorMap;
  /** The L2 norm of all gradients together, before clipping (a scalar). */
  totalNorm: tf.Scalar;
}

/**
 * Scales all gradients together so that their total L2 norm is at most `maxNorm`.
 *
 * The total norm is the L2 norm of the vector of every gradient's L2 norm (as if all gradients were
 * one long vector). Every gradient is multiplied by `maxNorm / (totalNorm + 1e-6)` when that is below
 * 1, and left as it is otherwise. Nothing is read back to JavaScript: the result stays on the
 * backend. The input gradients are not disposed; caller disposes the returned tensors.
 *
 * PyTorch: `torch.nn.utils.clip_grad_norm_(parameters, max_norm)` (norm_type 2), which clips the
 * `.grad` of each parameter in place and returns the total norm; tf.js gradients are immutable, so
 * the clipped gradients are returned next to the norm.
 *
 * @example
 * const { value, grads } = tf.variableGrads(() => lossFn(model.apply(text, offsets), labels));
 * const clipped = clipGradNorm(grads, 0.1);
 * optimizer.applyGradients(clipped.grads);
 * tf.dispose([value, grads, clipped.grads, clipped.totalNorm]);
 */
export function clipGradNorm(grads: tf.NamedTensorMap, maxNorm: number): ClippedGrads {
  if (!(maxNorm > 0 && Number.isFinite(maxNorm))) throw new Error(`clipGradNorm: maxNorm is ${maxNorm}, expected a positive number`);
  const names = Object.keys(grads);
  if (names.length === 0) throw new Error('clipGradNorm: got no gradients; pass the map tf.variableGrads returns');
  return tf.tidy(() => {
    // sqrt of the sum of squares: tf.norm computes |x|^2 with Abs and Pow, several times slower on wasm.
    const squares = names.map((name) => tf.sum(tf.square(grads[name] as tf.Tensor))); // one scalar per parameter
    const totalNorm = tf.sqrt(tf.addN(squares)) as tf.Scalar;
    const clipCoef = tf.minimum(tf.div(maxNorm, tf.add(totalNorm, 1e-6)), 1); // scalar, at most 1
    const clipped: tf.NamedTensorMap = {};
    for (const name of names) clipped[name] = tf.mul(grads[name] as tf.Tensor, clipCoef);
    return { grads: clipped, totalNorm };
  });
}
