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

/**
 * Mean squared error between predictions and targets of the same shape: the mean over every
 * element of `(input - target)²`.
 *
 * The shapes must be equal. PyTorch broadcasts different shapes (with a warning), and the classic
 * regression mistake, predictions `[batch, 1]` against targets `[batch]`, then silently averages a
 * `[batch, batch]` table of every prediction against every target; here it is an error that says
 * which reshape fixes it.
 *
 * Ownership: returns a new scalar; the caller disposes it (inside `optimizer.minimize` or
 * `tf.tidy` this happens for you).
 *
 * PyTorch: `nn.MSELoss()(input, target)` with the default `reduction='mean'`. Deviation: different
 * shapes are an error, not a broadcast with a `UserWarning`.
 *
 * @param input - predictions, any shape, float32 (e.g. a model's output `[batch, 1]`).
 * @param target - the true values, the same shape as `input`; int32 targets are cast to float32.
 * @returns the mean squared error, a scalar.
 * @example
 * ```ts
 * const loss = mseLoss(model.apply(x) as tf.Tensor2D, y); // both [batch, 1]
 * ```
 */
export function mseLoss(input: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const same = input.rank === target.rank && input.shape.every((size, i) => size === target.shape[i]);
  if (!same) {
    const [a, b] = [`[${input.shape.join(', ')}]`, `[${target.shape.join(', ')}]`];
    const n = input.shape[0];
    const hint =
      input.rank === 2 && input.shape[1] === 1 && target.rank === 1 && target.shape[0] === n
        ? `: reshape the targets to [${n}, 1] (targets.reshape([-1, 1])) or the predictions to [${n}] (predictions.squeeze([1])); ` +
          `PyTorch would broadcast the two to [${n}, ${n}] and average every prediction against every target`
        : input.rank === 1 && target.rank === 2 && target.shape[1] === 1 && target.shape[0] === n
          ? `: reshape the predictions to [${n}, 1] (predictions.reshape([-1, 1])) or the targets to [${n}] (targets.squeeze([1])); ` +
            `PyTorch would broadcast the two to [${n}, ${n}] and average every prediction against every target`
          : '; give both the same shape';
    throw new Error(`mseLoss: input (predictions) has shape ${a} but target has shape ${b}, expected the same shape${hint}`);
  }
  if (input.dtype !== 'float32') {
    throw new Error(`mseLoss: input (predictions) has dtype ${input.dtype}, expected float32 (a model's output)`);
  }
  return tf.tidy(() => tf.mean(tf.squaredDifference(input, tf.cast(target, 'float32'))) as tf.Scalar);
}
