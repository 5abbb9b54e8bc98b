/**
 * Regression metrics: mean absolute error and the coefficient of determination R².
 */
import * as tf from '@tensorflow/tfjs';

/** Numbers from a tensor (read back) or an array, with the caller's name for messages. */
function numbers(values: tf.Tensor | ArrayLike<number>): Float64Array {
  return Float64Array.from(values instanceof tf.Tensor ? values.dataSync() : values);
}

/** Predictions and targets as equally long arrays of numbers, or a clear error. */
function pair(caller: string, predictions: tf.Tensor | ArrayLike<number>, targets: tf.Tensor | ArrayLike<number>): [Float64Array, Float64Array] {
  const p = numbers(predictions);
  const t = numbers(targets);
  if (p.length !== t.length) {
    const shape = (x: tf.Tensor | ArrayLike<number>): string => (x instanceof tf.Tensor ? `shape [${x.shape.join(', ')}]` : `length ${x.length}`);
    throw new Error(`${caller}: predictions have ${p.length} values (${shape(predictions)}) but targets have ${t.length} (${shape(targets)}), expected one prediction per target`);
  }
  if (p.length === 0) throw new Error(`${caller}: no values, expected at least one prediction and target`);
  return [p, t];
}

/**
 * Mean absolute error: the mean of `|prediction - target|`, in the target's unit (how far off a
 * prediction is, on average). Shapes may differ if the number of values agrees (`[n, 1]` against
 * `[n]`), since values are compared one to one in order, never broadcast.
 *
 * PyTorch: `nn.L1Loss()(input, target).item()`; scikit-learn: `mean_absolute_error(y_true, y_pred)`
 * (note the argument order there).
 *
 * @param predictions - the model's outputs, a tensor (read back, not disposed) or numbers.
 * @param targets - the true values, as many as `predictions`.
 * @returns the mean absolute error, a number (float64 arithmetic).
 * @example
 * ```ts
 * meanAbsoluteError([2, 4], [1, 6]); // 1.5
 * ```
 */
export function meanAbsoluteError(predictions: tf.Tensor | ArrayLike<number>, targets: tf.Tensor | ArrayLike<number>): number {
  const [p, t] = pair('meanAbsoluteError', predictions, targets);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs((p[i] as number) - (t[i] as number));
  return sum / p.length;
}

/**
 * The coefficient of determination R² = 1 − Σ(target − prediction)² / Σ(target − mean target)²:
 * 1 for perfect predictions, 0 for always predicting the targets' mean, negative for worse than
 * that. Compared one to one in order, like {@link meanAbsoluteError}.
 *
 * PyTorch: none (torchmetrics' `R2Score`); scikit-learn: `r2_score(y_true, y_pred)`, which also
 * returns 0 instead of −∞ or NaN when every target is equal and a prediction misses (here: an
 * error, since R² says nothing on such data).
 *
 * @param predictions - the model's outputs, a tensor (read back, not disposed) or numbers.
 * @param targets - the true values, as many as `predictions`, not all equal.
 * @returns R², a number (float64 arithmetic).
 * @example
 * ```ts
 * r2Score([1, 2, 3], [1, 2, 4]); // 1 - 1 / 4.667 = 0.786
 * ```
 */
export function r2Score(predictions: tf.Tensor | ArrayLike<number>, targets: tf.Tensor | ArrayLike<number>): number {
  const [p, t] = pair('r2Score', predictions, targets);
  let mean = 0;
  for (const y of t) mean += y;
  mean /= t.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < p.length; i++) {
    residual += ((t[i] as number) - (p[i] as number)) ** 2;
    total += ((t[i] as number) - mean) ** 2;
  }
  if (total === 0) {
    throw new Error(`r2Score: all ${t.length} targets equal ${mean}, so R² is undefined; measure on more varied targets, or use meanAbsoluteError`);
  }
  return 1 - residual / total;
}
