/**
 * `allClose`: whether two tensors hold the same numbers within tolerances, to check that two ways
 * of computing something agree (a loaded model and the saved one, the inline and the library step).
 */
import * as tf from '@tensorflow/tfjs';

/** Options of {@link allClose}. */
export interface AllCloseOptions {
  /**
   * Relative tolerance.
   * @default 1e-5
   */
  rtol?: number;
  /**
   * Absolute tolerance.
   * @default 1e-8
   */
  atol?: number;
}

/**
 * Whether two tensors are equal within tolerances: `|a - b| <= atol + rtol * |b|` for every
 * element. NaN is never close to anything; equal infinities are close.
 *
 * PyTorch: `torch.allclose(a, b, rtol=1e-5, atol=1e-8)`. Deviations: the shapes must be equal
 * (no broadcasting) or it throws, naming both shapes; dtypes may differ (values are compared as
 * numbers).
 *
 * @example
 * ```ts
 * allClose(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor); // true
 * ```
 */
export function allClose(a: tf.Tensor, b: tf.Tensor, options: AllCloseOptions = {}): boolean {
  const { rtol = 1e-5, atol = 1e-8 } = options;
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new Error(`allClose: shapes differ, [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]; compare tensors of the same shape`);
  }
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) {
    const u = Number(x[i]);
    const v = Number(y[i]);
    if (u === v) continue;
    if (!(Math.abs(u - v) <= atol + rtol * Math.abs(v))) return false;
  }
  return true;
}
