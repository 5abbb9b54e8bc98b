/**
 * `randomSplit`: split a dataset into non-overlapping random subsets.
 */
import { type Dataset, Subset } from './dataset.js';
import { TorchGenerator } from './torch-generator.js';

/**
 * Options of {@link randomSplit}: the {@link TorchGenerator} the split is drawn from, or a seed for a fresh one.
 */
export type RandomSplitOptions =
  | {
      /** Shorthand for `generator: new TorchGenerator(seed)`: PyTorch's `generator=torch.Generator().manual_seed(seed)`. */
      seed: number;
    }
  | {
      /**
       * Draws the split as PyTorch's `random_split` draws it from this generator (one
       * `randperm`), so the subsets hold exactly PyTorch's rows. The generator advances.
       */
      generator: TorchGenerator;
    };

/** Formats a float sum for a message without binary noise (0.8999999999999999 → 0.9). */
function formatSum(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/**
 * The subset lengths that `lengths` (fractions or counts) gives for a dataset of `total` examples,
 * by PyTorch's rule.
 *
 * Fractions (values summing to 1 within 1e-6): `floor(fraction * total)` each, then the remainder
 * is handed out one by one, round-robin from the first subset. Counts (integers) must sum to
 * `total`.
 *
 * PyTorch: the length computation inside `torch.utils.data.random_split`.
 */
export function splitLengths(total: number, lengths: readonly number[]): number[] {
  if (lengths.length === 0) {
    throw new Error('randomSplit: got no lengths; pass fractions like [0.7, 0.3] or counts like [105, 45]');
  }
  lengths.forEach((value, i) => {
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`randomSplit: lengths[${i}] is ${String(value)}, expected a fraction in [0, 1] or a non-negative count`);
    }
  });
  const sum = lengths.reduce((a, b) => a + b, 0);
  // PyTorch treats the values as fractions when they sum to 1 (and 1 <= total).
  if (Math.abs(sum - 1) <= 1e-6 && sum <= total + 1e-6) {
    const counts = lengths.map((fraction) => Math.floor(total * fraction));
    const remainder = total - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) {
      counts[i % counts.length] = (counts[i % counts.length] as number) + 1;
    }
    return counts;
  }
  if (lengths.every(Number.isInteger)) {
    if (sum !== total) {
      throw new Error(`randomSplit: counts sum to ${sum}, expected the dataset length ${total}`);
    }
    return [...lengths];
  }
  throw new Error(`randomSplit: fractions sum to ${formatSum(sum)}, expected 1`);
}

/**
 * Splits `dataset` into non-overlapping random subsets that together cover it.
 *
 * `lengths` holds fractions (`[0.7, 0.2, 0.1]`, summing to 1) or counts (`[105, 30, 15]`, summing
 * to `dataset.length`). Fractions follow PyTorch's rounding: floor each, then one extra example per
 * subset, round-robin from the first, until all are used (150 × [0.7, 0.2, 0.1] gives 105/30/15).
 * The same seed always gives the same split; each subset keeps the shuffled order.
 *
 * PyTorch: `torch.utils.data.random_split(dataset, lengths, generator=...)`, row for row: the
 * split is one `randperm` drawn from the {@link TorchGenerator} (`{ seed: n }` is short for
 * `{ generator: new TorchGenerator(n) }`).
 *
 * @param dataset - the dataset to split.
 * @param lengths - fractions or counts, one per subset.
 * @param options - `{ seed }` or `{ generator }`.
 * @returns one {@link Subset} per entry of `lengths`.
 * @example
 * ```ts
 * const [trainData, valData, testData] = randomSplit(irisDataset, [0.7, 0.2, 0.1], { generator: new TorchGenerator(20) });
 * trainData.length; // 105, the rows of torch.Generator().manual_seed(20)
 * ```
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: RandomSplitOptions): Subset<T>[] {
  const generator = options !== undefined && 'generator' in options ? options.generator : undefined;
  const seed = options !== undefined && 'seed' in options ? options.seed : undefined;
  if (generator !== undefined && !(generator instanceof TorchGenerator)) {
    throw new Error('randomSplit: generator must be a TorchGenerator, e.g. randomSplit(dataset, [0.7, 0.3], { generator: new TorchGenerator(0) })');
  }
  if (generator === undefined && typeof seed !== 'number') {
    throw new Error('randomSplit: needs a generator, e.g. randomSplit(dataset, [0.7, 0.3], { generator: new TorchGenerator(0) })');
  }
  if (dataset.length === 0) {
    throw new Error('randomSplit: the dataset is empty (length 0); there is nothing to split. Check the step that made it (the file it was read from, a filter, a limit)');
  }
  const counts = splitLengths(dataset.length, lengths);
  const order = (generator ?? new TorchGenerator(seed as number)).randperm(dataset.length);
  let offset = 0;
  return counts.map((count) => {
    const subset = new Subset(dataset, order.slice(offset, offset + count));
    offset += count;
    return subset;
  });
}
