/**
 * `StandardScaler`: scale each feature to mean 0 and standard deviation 1, with statistics from the
 * training split only, saved beside the model.
 */
import * as tf from '@tensorflow/tfjs';
import { loadStateDict, saveStateDict } from '../io/save-load.js';

/**
 * Standardizes features column by column: `(x - mean) / scale`, where `mean` and `scale` (the
 * standard deviation, 1 for a constant column) come from the data given to {@link StandardScaler.fit}.
 * Fit it on the training split only, then transform every split with the same statistics: the
 * validation and test sets must not leak into what the model sees during training.
 *
 * The statistics are computed in float64 and kept as float32 (what the transform computes with), so
 * a scaler saved with {@link StandardScaler.save} and read back with {@link StandardScaler.load}
 * transforms exactly as before.
 *
 * PyTorch: none in torch; scikit-learn's `StandardScaler` (`fit`, `transform`, `fit_transform`,
 * `inverse_transform`, `mean_`, `scale_`), with the population standard deviation as there.
 *
 * @example
 * ```ts
 * const scaler = new StandardScaler().fit(tf.gather(features, trainData.indices)); // training rows only
 * const scaled = scaler.transform(features); // every row, the training statistics
 * await scaler.save('scaler.safetensors');   // beside the model's weights
 * ```
 */
export class StandardScaler {
  /** Each feature's mean over the fitted rows (`mean_`); empty before {@link StandardScaler.fit}. */
  mean: number[] = [];
  /** Each feature's standard deviation over the fitted rows, 1 where it is 0 (`scale_`); empty before fitting. */
  scale: number[] = [];
  /** Rows the statistics were computed from (`n_samples_seen_`). */
  numSamplesSeen = 0;

  /**
   * Computes each column's mean and standard deviation. Does not dispose `x`.
   *
   * @param x - the training features `[rows, features]` (at least one row, finite values).
   * @returns this scaler, for `new StandardScaler().fit(x)`.
   */
  fit(x: tf.Tensor2D): this {
    if (!(x instanceof tf.Tensor) || x.rank !== 2) {
      const shape = x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : typeof x;
      throw new Error(`StandardScaler.fit: got ${shape}, expected features [rows, features]; a single feature is x.reshape([-1, 1])`);
    }
    const [rows, columns] = x.shape;
    if (rows === 0) throw new Error('StandardScaler.fit: no rows, expected the training features [rows, features] with at least one row');
    const values = x.dataSync();
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new Error(`StandardScaler.fit: row ${Math.floor(bad / columns)}, column ${bad % columns} is ${values[bad]}, expected finite numbers; fill or drop missing values first`);
    }
    const mean = new Array<number>(columns).fill(0);
    for (let i = 0; i < values.length; i++) mean[i % columns]! += values[i] as number;
    for (let c = 0; c < columns; c++) mean[c]! /= rows;
    const variance = new Array<number>(columns).fill(0);
    for (let i = 0; i < values.length; i++) variance[i % columns]! += ((values[i] as number) - (mean[i % columns] as number)) ** 2;
    this.mean = mean.map((m) => Math.fround(m));
    this.scale = variance.map((v) => Math.fround(v === 0 ? 1 : Math.sqrt(v / rows)));
    this.numSamplesSeen = rows;
    return this;
  }

  /** Checks that the scaler is fitted and `x` has its number of columns. */
  private check(x: tf.Tensor, method: string): void {
    if (this.mean.length === 0) {
      throw new Error(`StandardScaler.${method}: the scaler is not fitted yet; call fit(trainFeatures) first (or StandardScaler.load(path))`);
    }
    if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== this.mean.length) {
      const shape = x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : typeof x;
      throw new Error(`StandardScaler.${method}: got ${shape}, expected [rows, ${this.mean.length}] (the scaler was fitted on ${this.mean.length} features)`);
    }
  }

  /**
   * `(x - mean) / scale`, column by column. Caller disposes the result; `x` is not disposed.
   *
   * @param x - features `[rows, features]`, as many columns as were fitted.
   * @returns the standardized features `[rows, features]` float32.
   */
  transform(x: tf.Tensor2D): tf.Tensor2D {
    this.check(x, 'transform');
    return tf.tidy(() => tf.div(tf.sub(tf.cast(x, 'float32'), tf.tensor1d(this.mean)), tf.tensor1d(this.scale)) as tf.Tensor2D);
  }

  /**
   * `fit(x)` then `transform(x)`. Caller disposes the result.
   *
   * @param x - the training features `[rows, features]`.
   * @returns the standardized features `[rows, features]` float32.
   */
  fitTransform(x: tf.Tensor2D): tf.Tensor2D {
    return this.fit(x).transform(x);
  }

  /**
   * `x * scale + mean`: back to the original units. Caller disposes the result.
   *
   * @param x - standardized features `[rows, features]`.
   * @returns features in the original units `[rows, features]` float32.
   */
  inverseTransform(x: tf.Tensor2D): tf.Tensor2D {
    this.check(x, 'inverseTransform');
    return tf.tidy(() => tf.add(tf.mul(tf.cast(x, 'float32'), tf.tensor1d(this.scale)), tf.tensor1d(this.mean)) as tf.Tensor2D);
  }

  /**
   * Writes the statistics to a safetensors file (tensors `mean` and `scale`, float32 `[features]`),
   * the format of `saveStateDict`, so they can sit beside the model's weights (Python reads them with
   * `safetensors.numpy.load_file`).
   *
   * @param path - the file to write, e.g. `'diabetes-scaler.safetensors'`.
   */
  async save(path: string): Promise<void> {
    if (this.mean.length === 0) throw new Error('StandardScaler.save: the scaler is not fitted yet; call fit(trainFeatures) before saving it');
    const dict = { mean: tf.tensor1d(this.mean), scale: tf.tensor1d(this.scale) };
    try {
      await saveStateDict(dict, path);
    } finally {
      tf.dispose(Object.values(dict));
    }
  }

  /**
   * Reads a scaler written by {@link StandardScaler.save}.
   *
   * @param path - the safetensors file.
   * @returns a fitted scaler that transforms exactly as the saved one did.
   */
  static load(path: string): StandardScaler {
    const dict = loadStateDict(path);
    try {
      const { mean, scale } = dict;
      const keys = Object.keys(dict).join(', ');
      if (mean === undefined || scale === undefined || mean.rank !== 1 || scale.rank !== 1 || mean.size !== scale.size || mean.size === 0) {
        throw new Error(`StandardScaler.load: ${path} holds ${keys || 'nothing'}, expected the tensors mean and scale [features] that StandardScaler.save writes`);
      }
      const scaler = new StandardScaler();
      scaler.mean = Array.from(mean.dataSync());
      scaler.scale = Array.from(scale.dataSync());
      return scaler;
    } finally {
      tf.dispose(Object.values(dict));
    }
  }
}
