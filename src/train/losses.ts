/**
 * Loss functions.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Mean cross-entropy between raw scores (logits) and integer class targets: the mean over the
 * batch of `-log softmax(logits)[target]`.
 *
 * Computed as `-mean(sum(oneHot(targets) * logSoftmax(logits), 1))`, which trains on every
 * backend (a `tf.gather` of the log-probabilities would need a kernel that wasm lacks for its
 * gradient).
 *
 * Ownership: returns a new scalar; the caller disposes it (inside `optimizer.minimize` or
 * `tf.tidy` this happens for you).
 *
 * PyTorch: `nn.CrossEntropyLoss()(logits, targets)` with class-index targets and the default
 * `reduction='mean'`. Deviation: a target outside [0, classes) is not detected (it contributes a
 * loss of 0) because checking would read the targets back from the backend every step.
 *
 * @param logits - `[batch, classes]` float scores, before softmax.
 * @param targets - `[batch]` int32 class indices in [0, classes).
 * @returns the mean loss, a scalar.
 * @example
 * ```ts
 * const loss = crossEntropyLoss(model.apply(x) as tf.Tensor2D, y); // y: [batch] int32
 * ```
 */
export function crossEntropyLoss(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  if (logits.rank !== 2) {
    throw new Error(`crossEntropyLoss: logits have shape [${logits.shape.join(', ')}], expected [batch, classes]`);
  }
  if (targets.rank !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new Error(
      `crossEntropyLoss: targets have shape [${targets.shape.join(', ')}], expected [${logits.shape[0]}] ` +
        `(one class index per row of the logits [${logits.shape.join(', ')}])`,
    );
  }
  if (targets.dtype !== 'int32') {
    throw new Error(
      `crossEntropyLoss: targets have dtype ${targets.dtype}, expected int32 class indices; convert with tf.cast(targets, 'int32')`,
    );
  }
  const numClasses = logits.shape[1];
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits); // [batch, classes]
    const picked = tf.sum(tf.mul(tf.oneHot(targets, numClasses), logProbs), 1); // [batch]
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}
