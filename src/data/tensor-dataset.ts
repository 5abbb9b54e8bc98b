/**
 * `TensorDataset`: a dataset over tensors whose first dimension is the example index.
 */
import * as tf from '@tensorflow/tfjs';
import { type Batched, type BatchDataset, checkIndex, type Unbatched } from './dataset.js';

/**
 * A dataset over one or more tensors that share their first dimension (the example index), for
 * instance features `[n, 4]` float32 and labels `[n]` int32. Example `i` is the tuple of row `i`
 * of each tensor (`[4]` and a scalar).
 *
 * Ownership: the dataset keeps references to the tensors you pass and never disposes them; you
 * dispose them when you no longer need the dataset. `get` and `getBatch` return new tensors that
 * the caller owns (the {@link DataLoader} disposes its batches itself).
 *
 * PyTorch: `torch.utils.data.TensorDataset(*tensors)`. `getBatch` is an addition: one `tf.gather`
 * per tensor for a list of rows, so a loader never builds one tensor per example.
 *
 * @example
 * ```ts
 * const dataset = new TensorDataset(features, labels); // [150, 4] float32, [150] int32
 * const [x, y] = dataset.get(0); // [4], scalar
 * ```
 */
export class TensorDataset<T extends tf.Tensor[]> implements BatchDataset<Unbatched<T>> {
  /** The tensors, as given (not copied, not owned). */
  readonly tensors: T;

  /**
   * @param tensors - one or more tensors of rank >= 1 with the same first dimension.
   */
  constructor(...tensors: T) {
    if (tensors.length === 0) {
      throw new Error('TensorDataset: needs at least one tensor, got none');
    }
    const first = tensors[0] as tf.Tensor;
    tensors.forEach((t, i) => {
      if (t.rank === 0) {
        throw new Error(`TensorDataset: tensor ${i} is a scalar; each tensor needs a first dimension indexing the examples`);
      }
      if (t.shape[0] !== first.shape[0]) {
        throw new Error(
          `TensorDataset: tensor ${i} has ${String(t.shape[0])} rows (shape [${t.shape.join(', ')}]), ` +
            `expected ${String(first.shape[0])} like tensor 0 (shape [${first.shape.join(', ')}]); ` +
            'every tensor needs the same first dimension, the example index',
        );
      }
    });
    this.tensors = tensors;
  }

  /** Number of examples: the tensors' shared first dimension. */
  get length(): number {
    return (this.tensors[0] as tf.Tensor).shape[0] as number;
  }

  /** Example `index`: row `index` of each tensor. Caller disposes. */
  get(index: number): Unbatched<T> {
    checkIndex(index, this.length, 'TensorDataset.get');
    return tf.tidy(() =>
      this.tensors.map((t) => tf.squeeze(tf.slice(t, [index], [1]), [0])),
    ) as Unbatched<T>;
  }

  /**
   * Rows `indices` of each tensor, stacked: `[indices.length, ...]` per tensor, one `tf.gather`
   * each. Caller disposes.
   */
  getBatch(indices: readonly number[]): Batched<Unbatched<T>> {
    const n = this.length;
    indices.forEach((i) => checkIndex(i, n, 'TensorDataset.getBatch'));
    return tf.tidy(() => {
      const rows = tf.tensor1d(indices as number[], 'int32');
      return this.tensors.map((t) => tf.gather(t, rows));
    }) as Batched<Unbatched<T>>;
  }
}
