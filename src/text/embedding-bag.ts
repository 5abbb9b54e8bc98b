/**
 * `EmbeddingBag` in mean mode: the average of the embeddings of each text's tokens, trainable on the
 * wasm, cpu and native tensorflow backends.
 *
 * tf.js's own route (`tf.gather` then a segment mean, or `tf.layers.embedding`) needs the
 * `UnsortedSegmentSum` kernel for its gradient, which wasm lacks and which is very slow on cpu.
 * Here the forward pass is `tf.sparse.sparseSegmentMean` and the gradient is written by hand with
 * `tf.customGrad`: row `ids[j]` of the table receives `dy[bag(j)] / count[bag(j)]`, summed over the
 * positions `j` (a `tf.scatterND`, which adds duplicate rows). The native backend has no sparse segment kernels;
 * there the same values come from `tf.gather` and `tf.unsortedSegmentSum`, which it has.
 */
import * as tf from '@tensorflow/tfjs';
import { TorchGenerator } from '../data/torch-generator.js';

/**
 * The bag of every position and the number of ids in every bag, from the bags' start offsets:
 * `numIds` positions, `offsets` [numBags] → `segmentIds` [numIds], `counts` [numBags].
 *
 * PyTorch: done inside `nn.EmbeddingBag` (its `offset2bag`).
 */
export function bagSegments(numIds: number, offsets: ArrayLike<number>): { segmentIds: Int32Array; counts: Float32Array } {
  const numBags = offsets.length;
  const segmentIds = new Int32Array(numIds);
  const counts = new Float32Array(numBags);
  for (let b = 0; b < numBags; b++) {
    const start = offsets[b] as number;
    const end = b + 1 < numBags ? (offsets[b + 1] as number) : numIds;
    if (!(Number.isInteger(start) && start >= 0 && start <= end && end <= numIds)) {
      throw new Error(
        `embeddingBagMean: offsets must start at 0, never decrease and stay within the ${numIds} ids; ` +
          `bag ${b} spans ${start} to ${end}`,
      );
    }
    if (b === 0 && start !== 0) throw new Error(`embeddingBagMean: offsets[0] is ${start}, expected 0`);
    segmentIds.fill(b, start, end);
    counts[b] = end - start;
  }
  return { segmentIds, counts };
}

/** Whether the current backend has a kernel (the native `tensorflow` backend has no sparse segment kernels). */
function backendHas(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

/**
 * Rows `indices` of `x`: [n, dim] and [m] int32 → [m, dim]. A sparse segment sum with one position per segment where
 * the backend has that kernel (on wasm 20-40x faster than `tf.gather`), else `tf.gather` (the native backend).
 * Not differentiable through the sparse route; use it inside a custom gradient or on values.
 *
 * PyTorch: `x[indices]`.
 */
export function gatherRows(x: tf.Tensor2D, indices: tf.Tensor1D): tf.Tensor2D {
  if (!backendHas('SparseSegmentSum')) return tf.gather(x, indices);
  return tf.sparse.sparseSegmentSum(x, indices, tf.range(0, indices.shape[0], 1, 'int32')) as tf.Tensor2D;
}

/**
 * The mean of rows `ids` of `table` per segment (`seg` sorted; an empty segment gives a row of zeros):
 * `tf.sparse.sparseSegmentMean` where the backend has it (wasm, cpu), else a gather, an unsorted segment sum and a
 * division by the counts (the native backend, which registers no SparseSegmentMean kernel).
 */
function segmentMean(table: tf.Tensor2D, ids: tf.Tensor1D, seg: tf.Tensor1D, counts: Float32Array): tf.Tensor2D {
  if (backendHas('SparseSegmentMean')) return tf.sparse.sparseSegmentMean(table, ids, seg) as tf.Tensor2D;
  const sums = tf.unsortedSegmentSum(tf.gather(table, ids), seg, counts.length); // [bags, dim]; empty bags sum to 0
  return tf.div(sums, tf.tensor2d(counts.map((c) => Math.max(c, 1)), [counts.length, 1]));
}

/**
 * The mean of the embedding rows of each bag of ids. Empty bags give zeros.
 *
 * Shapes: `weight` [numEmbeddings, dim], `input` [numIds] int32 (all bags' ids concatenated),
 * `offsets` [numBags] int32 (where each bag starts in `input`; the first is 0) → [numBags, dim].
 * Differentiable with respect to `weight` on every backend. Caller disposes the result.
 *
 * PyTorch: `torch.nn.functional.embedding_bag(input, weight, offsets, mode="mean")`.
 *
 * @example
 * const bags = embeddingBagMean(table, tf.tensor1d([1, 2, 4, 5, 4, 3, 2, 9], 'int32'), tf.tensor1d([0, 4], 'int32')); // [2, dim]
 */
export function embeddingBagMean(weight: tf.Tensor2D, input: tf.Tensor1D, offsets: tf.Tensor1D | ArrayLike<number>): tf.Tensor2D {
  if (input.rank !== 1) throw new Error(`embeddingBagMean: input has shape [${input.shape}], expected [numIds] (all bags concatenated)`);
  const offsetValues = offsets instanceof tf.Tensor ? offsets.dataSync() : offsets;
  const numBags = offsetValues.length;
  const numIds = input.shape[0];
  const { segmentIds, counts } = bagSegments(numIds, offsetValues);
  // Bags at the end that are empty get no output row from sparseSegmentMean.
  const filledBags = numIds === 0 ? 0 : (segmentIds[numIds - 1] as number) + 1;
  const [vocabSize, dim] = weight.shape;
  const bagMean = tf.customGrad<tf.Tensor2D>((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const table = inputs[0] as tf.Tensor2D;
    const ids = tf.cast(input, 'int32');
    const seg = tf.tensor1d(segmentIds, 'int32');
    let value: tf.Tensor2D =
      filledBags === 0 ? tf.zeros([0, dim]) : segmentMean(table, ids, seg, counts.subarray(0, filledBags)); // [filledBags, dim]
    if (filledBags < numBags) value = tf.concat([value, tf.zeros([numBags - filledBags, dim])]) as tf.Tensor2D; // [numBags, dim]
    // The forward pass's intermediates are disposed before the backward pass runs, so the gradient
    // rebuilds what it needs from `input` (owned by the caller) and the plain arrays.
    const gradFunc = (dy: tf.Tensor2D): tf.Tensor => {
      if (numIds === 0) return tf.zeros([vocabSize, dim]);
      const perBag = tf.div(dy, tf.tensor2d(counts, [numBags, 1]).maximum(1)); // [numBags, dim]
      // Row seg[j] of perBag for every position j. A sparse segment sum with one position per
      // segment is a gather, and on wasm it is 20-40x faster than tf.gather.
      const perId = gatherRows(perBag as tf.Tensor2D, tf.tensor1d(segmentIds, 'int32')); // [numIds, dim]
      return tf.scatterND(tf.reshape(tf.cast(input, 'int32'), [numIds, 1]), perId, [vocabSize, dim]); // [vocabSize, dim]
    };
    return { value, gradFunc };
  });
  return bagMean(weight);
}

/** Options of {@link EmbeddingBag}. */
export interface EmbeddingBagOptions {
  /** How a bag's rows are combined; only `"mean"` exists here. @default "mean" */
  mode?: 'mean';
  /** Shorthand for `generator: new TorchGenerator(seed)`. Not together with `generator`. @default 0 */
  seed?: number;
  /**
   * The generator the initial weights are drawn from, as PyTorch's constructor draws them
   * (`normal_`), so the table and the generator's next draws are PyTorch's.
   * @default new TorchGenerator(seed)
   */
  generator?: TorchGenerator;
  /** Name of the weight variable (tf.js variable names must be unique). @default a unique name tf.js picks */
  name?: string;
}

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim`; `apply(input, offsets)` averages the
 * vectors of each bag of ids.
 *
 * `weight` is a `tf.Variable` [numEmbeddings, embeddingDim], initialised from a standard normal drawn
 * from the {@link TorchGenerator} (PyTorch's default); models usually re-initialise it (the AG News model uses
 * uniform(-0.5, 0.5)). Trains on wasm, cpu and tensorflow (see {@link embeddingBagMean}).
 *
 * PyTorch: `torch.nn.EmbeddingBag(num_embeddings, embedding_dim, mode="mean")`; `max_norm`,
 * `per_sample_weights`, `padding_idx`, 2-D inputs and sparse gradients are not supported.
 *
 * @example
 * const embedding = new EmbeddingBag(vocab.length, 64, { seed: 0 });
 * const bags = embedding.apply(text, offsets); // [batch, 64]
 */
export class EmbeddingBag {
  /** The embedding table [numEmbeddings, embeddingDim]. */
  readonly weight: tf.Variable<tf.Rank.R2>;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly mode: 'mean';

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingBagOptions = {}) {
    const { mode = 'mean', seed = 0, generator, name } = options;
    for (const [what, value] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!(Number.isInteger(value) && value >= 1)) throw new Error(`EmbeddingBag: ${what} is ${value}, expected a positive integer`);
    }
    if (mode !== 'mean') throw new Error(`EmbeddingBag: mode ${JSON.stringify(mode)} is not supported, only "mean"`);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.mode = mode;
    if (generator !== undefined && options.seed !== undefined) throw new Error('EmbeddingBag: got both seed and generator; pass one');
    const values = (generator ?? new TorchGenerator(seed)).normal(numEmbeddings * embeddingDim);
    this.weight = tf.tidy(() => tf.variable(tf.tensor2d(values, [numEmbeddings, embeddingDim]), true, name));
  }

  /**
   * The mean embedding of each bag: `input` [numIds] int32, `offsets` [numBags] int32 → [numBags, embeddingDim].
   * Caller disposes the result.
   */
  apply(input: tf.Tensor1D, offsets: tf.Tensor1D | ArrayLike<number>): tf.Tensor2D {
    return embeddingBagMean(this.weight, input, offsets);
  }

  /** Frees the weight variable. */
  dispose(): void {
    this.weight.dispose();
  }
}
