/**
 * The dataset interface (PyTorch's `Dataset`) and `Subset`, a view on some of a dataset's rows.
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * Anything that has a length and can hand out one example by index.
 *
 * Ownership: `get` returns a fresh example that the caller owns; when the example holds tensors,
 * the caller disposes them (the {@link DataLoader} does this for you). A dataset that keeps its
 * examples as tensors returns clones (`t.clone()` is cheap: it shares the data).
 *
 * PyTorch: `torch.utils.data.Dataset` (`length` is `__len__`, `get(i)` is `__getitem__`).
 *
 * @example
 * ```ts
 * const squares: Dataset<number> = { length: 10, get: (i) => i * i };
 * ```
 */
export interface Dataset<T> {
  /** Number of examples. */
  readonly length: number;
  /** The example at `index`, in [0, length). */
  get(index: number): T;
}

/** One rank more than tensor type `X` (a scalar becomes `[batch]`, `[4]` becomes `[batch, 4]`). */
export type BatchedTensor<X> = X extends tf.Scalar
  ? tf.Tensor1D
  : X extends tf.Tensor1D
    ? tf.Tensor2D
    : X extends tf.Tensor2D
      ? tf.Tensor3D
      : X extends tf.Tensor3D
        ? tf.Tensor4D
        : X extends tf.Tensor4D
          ? tf.Tensor5D
          : tf.Tensor;

/** One rank less than tensor type `X` (`[batch, 4]` becomes `[4]`, `[batch]` becomes a scalar). */
export type UnbatchedTensor<X> = X extends tf.Tensor1D
  ? tf.Scalar
  : X extends tf.Tensor2D
    ? tf.Tensor1D
    : X extends tf.Tensor3D
      ? tf.Tensor2D
      : X extends tf.Tensor4D
        ? tf.Tensor3D
        : X extends tf.Tensor5D
          ? tf.Tensor4D
          : tf.Tensor;

/**
 * The batch type that stacking examples of type `T` gives: a tensor gains a leading `[batch]`
 * dimension, a tuple of tensors becomes a tuple of stacked tensors.
 */
export type Batched<T> = T extends tf.Tensor
  ? BatchedTensor<T>
  : T extends readonly tf.Tensor[]
    ? { -readonly [K in keyof T]: BatchedTensor<T[K]> }
    : never;

/** The example type of a batch type `B`: the inverse of {@link Batched}. */
export type Unbatched<B> = B extends tf.Tensor
  ? UnbatchedTensor<B>
  : B extends readonly tf.Tensor[]
    ? { -readonly [K in keyof B]: UnbatchedTensor<B[K]> }
    : never;

/**
 * A dataset that can also gather many examples at once, already stacked (for instance
 * {@link TensorDataset}, with one `tf.gather` per tensor). The {@link DataLoader} uses this fast
 * path instead of stacking examples one by one.
 *
 * Ownership: the returned batch is new; the caller disposes it.
 */
export interface BatchDataset<T> extends Dataset<T> {
  /** The examples at `indices`, stacked along a new first dimension `[indices.length, ...]`. */
  getBatch(indices: readonly number[]): Batched<T>;
}

/** Whether `dataset` offers the fast batch path ({@link BatchDataset.getBatch}). */
export function isBatchDataset<T>(dataset: Dataset<T>): dataset is BatchDataset<T> {
  return typeof (dataset as Partial<BatchDataset<T>>).getBatch === 'function';
}

/** Throws unless `index` is an integer in [0, length). */
export function checkIndex(index: number, length: number, caller: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${caller}: index ${String(index)} is out of range for a dataset of length ${length} (valid: 0 to ${length - 1})`);
  }
}

/**
 * The examples of `dataset` at the given `indices`, in that order (what {@link randomSplit}
 * returns). It copies no data: `get(i)` is `dataset.get(indices[i])`. When the parent dataset has
 * the fast batch path, so does the subset.
 *
 * PyTorch: `torch.utils.data.Subset(dataset, indices)`.
 *
 * @example
 * ```ts
 * // the Iris split PyTorch made with seed 20, read from data/iris/split_seed20.json
 * const trainData = new Subset(irisDataset, split.train);
 * ```
 */
export class Subset<T> implements Dataset<T> {
  /** The parent dataset. */
  readonly dataset: Dataset<T>;
  /** Rows of the parent dataset, in the subset's order. */
  readonly indices: readonly number[];
  /**
   * The fast batch path, present only when the parent dataset has one: gathers
   * `indices[i]` for each `i` of `subsetIndices`. Caller disposes the batch.
   */
  readonly getBatch?: (subsetIndices: readonly number[]) => Batched<T>;

  /**
   * @param dataset - the parent dataset.
   * @param indices - integers in [0, dataset.length); copied.
   */
  constructor(dataset: Dataset<T>, indices: readonly number[]) {
    indices.forEach((index, position) => {
      if (!Number.isInteger(index) || index < 0 || index >= dataset.length) {
        throw new RangeError(
          `Subset: indices[${position}] is ${String(index)}, outside the parent dataset's range 0 to ${dataset.length - 1}`,
        );
      }
    });
    this.dataset = dataset;
    this.indices = Object.freeze([...indices]);
    if (isBatchDataset(dataset)) {
      const parentIndices = this.indices;
      this.getBatch = (subsetIndices) => {
        const rows = subsetIndices.map((i) => {
          checkIndex(i, parentIndices.length, 'Subset.getBatch');
          return parentIndices[i] as number;
        });
        return dataset.getBatch(rows);
      };
    }
  }

  /** Number of examples in the subset. */
  get length(): number {
    return this.indices.length;
  }

  /** The example at position `index` of the subset. Caller owns (disposes) it. */
  get(index: number): T {
    checkIndex(index, this.indices.length, 'Subset.get');
    return this.dataset.get(this.indices[index] as number);
  }
}
