/**
 * `DataLoader`: batches of a dataset, optionally shuffled, as an async iterable of tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { type Batched, type Dataset, isBatchDataset } from './dataset.js';
import { throwIfInterrupted } from '../runtime/interrupt.js';
import { TorchGenerator, torchEpochOrder } from './torch-generator.js';

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions<T, B> {
  /**
   * Examples per batch.
   * @default 1
   */
  batchSize?: number;
  /**
   * Whether to visit the examples in a new random order each epoch.
   * @default false
   */
  shuffle?: boolean;
  /**
   * Shorthand for `generator: new TorchGenerator(seed)`: a generator only this loader draws from,
   * so epoch `k` visits the order PyTorch's `DataLoader` visits in its `k`-th epoch right after
   * `torch.manual_seed(seed)`. Not together with `generator`.
   * @default 0
   */
  seed?: number;
  /**
   * The generator the shuffle draws from, as PyTorch's `DataLoader` draws from the default
   * generator (two seeds at the start of every shuffled epoch, see {@link torchEpochOrder}; one
   * without `shuffle`, as PyTorch's iterator draws its workers' base seed): with the generator a
   * PyTorch script seeds, in the same program order (split, model, loaders), the epochs visit
   * PyTorch's orders. Not together with `seed`.
   * @default new TorchGenerator(seed)
   */
  generator?: TorchGenerator;
  /**
   * Whether to drop the last batch when it is smaller than `batchSize`.
   * @default false
   */
  dropLast?: boolean;
  /**
   * Turns a list of examples into a batch. The loader disposes the tensors it finds in the
   * returned batch (a tensor, or arrays/objects of tensors) when the next batch is requested,
   * and any tensor of the examples that the batch does not reuse right away.
   * @default stacks tensors (a tensor → `[batch, ...]`, a tuple of tensors → a tuple of stacked
   * tensors), with one `tf.gather` per tensor for a `TensorDataset` or a `Subset` of one.
   */
  collate?: (items: T[]) => B;
  /**
   * Stops iteration: once aborted, requesting the next batch throws the signal's reason (the
   * current batch is disposed as usual), so a training loop ends at the next batch.
   * @default none
   */
  signal?: AbortSignal;
}

/** Every tensor inside a batch made of tensors, arrays and plain objects. */
function tensorsIn(value: unknown, found: tf.Tensor[] = []): tf.Tensor[] {
  if (value instanceof tf.Tensor) {
    found.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) tensorsIn(v, found);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) tensorsIn(v, found);
  }
  return found;
}

/** Stacks examples that are tensors, or tuples of tensors, along a new first dimension. */
function stackItems<T>(items: T[]): Batched<T> {
  const first = items[0];
  if (first instanceof tf.Tensor) {
    return tf.stack(items as tf.Tensor[]) as Batched<T>;
  }
  if (Array.isArray(first) && first.every((v) => v instanceof tf.Tensor)) {
    const width = first.length;
    return first.map((_, position) =>
      tf.stack(
        items.map((item, row) => {
          const tuple = item as unknown as tf.Tensor[];
          if (tuple.length !== width) {
            throw new Error(`DataLoader: example ${row} of the batch has ${tuple.length} tensors, expected ${width} like the first`);
          }
          return tuple[position] as tf.Tensor;
        }),
      ),
    ) as unknown as Batched<T>;
  }
  throw new Error(
    'DataLoader: the default collate stacks tensors or tuples of tensors, but an example is ' +
      `${Array.isArray(first) ? 'an array holding non-tensors' : typeof first}; ` +
      'pass a `collate: (items) => batch` option that builds the batch',
  );
}

/** Lets timers, I/O and kernel messages (interrupts, display updates) run between batches. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Batches of a dataset, as an async iterable: `for await (const [x, y] of loader)`.
 *
 * Each iteration over the loader is one epoch. With `shuffle`, each epoch visits the examples in
 * PyTorch's order for the loader's {@link TorchGenerator} (`generator`, or `new TorchGenerator(seed)`),
 * a fresh order every epoch; without it, in dataset order. The last batch may be smaller than `batchSize`
 * unless `dropLast`.
 *
 * Ownership: the loader owns each batch. A batch is valid until the next one is requested; the
 * loader disposes it then, and also when the loop ends or is left early (`break`, `return`, a
 * thrown error). To keep a batch longer, clone its tensors (`x.clone()`) and dispose the clones
 * yourself. With this rule a training loop leaks no tensors.
 *
 * Between batches the loader yields to the event loop, so a notebook kernel stays responsive to
 * interrupts and display updates during a long epoch.
 *
 * PyTorch: `torch.utils.data.DataLoader(dataset, batch_size, shuffle, generator, drop_last,
 * collate_fn)`; `length` is `len(loader)`. Differences: async iteration; batches are disposed for
 * you; the {@link TorchGenerator} stands for PyTorch's default generator (PyTorch's `generator=`
 * argument, which draws differently, is not reproduced); no worker processes.
 *
 * @example
 * ```ts
 * const trainLoader = new DataLoader(trainData, { batchSize: 10, shuffle: true, seed: 0 });
 * for await (const [x, y] of trainLoader) {
 *   // x: [10, 4] float32, y: [10] int32 (the last batch may be smaller)
 * }
 * ```
 */
export class DataLoader<T, B = Batched<T>> implements AsyncIterable<B> {
  /** The dataset the batches come from (`len(loader.dataset)` is `loader.dataset.length`). */
  readonly dataset: Dataset<T>;
  /** Examples per batch. */
  readonly batchSize: number;
  /** Whether each epoch uses a fresh random order. */
  readonly shuffle: boolean;
  /** The generator the shuffle draws from, as PyTorch's `DataLoader` draws from the default generator. */
  readonly generator: TorchGenerator;
  /** Whether a smaller last batch is dropped. */
  readonly dropLast: boolean;
  private readonly collate: ((items: T[]) => B) | undefined;
  private readonly signal: AbortSignal | undefined;
  private epochCount = 0;

  /**
   * @param dataset - where the examples come from.
   * @param options - batching, shuffling and collation; see {@link DataLoaderOptions}.
   */
  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, seed = 0, generator, dropLast = false, collate, signal } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${String(batchSize)}`);
    }
    if (!Number.isSafeInteger(seed)) {
      throw new Error(`DataLoader: seed must be an integer, got ${String(seed)}`);
    }
    if (generator !== undefined && !(generator instanceof TorchGenerator)) {
      throw new Error('DataLoader: generator must be a TorchGenerator, e.g. { shuffle: true, generator: new TorchGenerator(0) }');
    }
    if (generator !== undefined && options.seed !== undefined) {
      throw new Error('DataLoader: got both seed and generator; pass one ({ seed: n } is short for { generator: new TorchGenerator(n) })');
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.generator = generator ?? new TorchGenerator(seed);
    this.dropLast = dropLast;
    this.collate = collate;
    this.signal = signal;
  }

  /** Number of batches per epoch, like `len(loader)`. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** How many epochs (iterations over the loader) have started so far. */
  get epoch(): number {
    return this.epochCount;
  }

  /**
   * The example order of the next epoch, without starting it: the dataset order, or with
   * `shuffle` the permutation drawn from a copy of `generator` (which does not advance).
   */
  peekOrder(): number[] {
    return this.orderFor(this.generator.clone());
  }

  private orderFor(generator: TorchGenerator): number[] {
    const n = this.dataset.length;
    if (this.shuffle) return torchEpochOrder(n, generator);
    generator.randomInt64(); // PyTorch's iterator draws its workers' base seed even without shuffling
    return Array.from({ length: n }, (_, i) => i);
  }

  /** Builds the batch of the dataset rows `indices`. */
  private makeBatch(indices: number[]): B {
    const dataset = this.dataset;
    if (this.collate === undefined && isBatchDataset(dataset)) {
      return dataset.getBatch(indices) as unknown as B;
    }
    const items = indices.map((i) => dataset.get(i));
    let batch: B;
    try {
      batch = this.collate !== undefined ? this.collate(items) : (stackItems(items) as unknown as B);
    } catch (error) {
      tf.dispose(tensorsIn(items));
      throw error;
    }
    // The examples' tensors are not needed any more, unless the batch reuses them.
    const kept = new Set(tensorsIn(batch).map((t) => t.id));
    tf.dispose(tensorsIn(items).filter((t) => !kept.has(t.id)));
    return batch;
  }

  /** Starts one epoch. */
  [Symbol.asyncIterator](): AsyncIterator<B> {
    const order = this.orderFor(this.generator);
    this.epochCount += 1;
    return this.iterate(order);
  }

  private async *iterate(order: number[]): AsyncGenerator<B, void, undefined> {
    const numBatches = this.length;
    let current: B | undefined;
    try {
      for (let b = 0; b < numBatches; b++) {
        this.signal?.throwIfAborted();
        throwIfInterrupted(); // an interrupt from the trainbook kernel stops the loop here (a no-op elsewhere)
        current = this.makeBatch(order.slice(b * this.batchSize, (b + 1) * this.batchSize));
        yield current;
        tf.dispose(tensorsIn(current));
        current = undefined;
        await yieldToEventLoop();
      }
    } finally {
      if (current !== undefined) tf.dispose(tensorsIn(current));
    }
  }
}
