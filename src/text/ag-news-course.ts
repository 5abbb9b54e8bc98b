/**
 * The AG News course's data setup in one call, for the notebooks after the one that writes it out.
 */
import { randomSplit } from '../data/random-split.js';
import { Subset, type Dataset } from '../data/dataset.js';
import { AgNewsDataset, loadAgNews } from './ag-news-csv.js';
import { TorchGenerator } from '../data/torch-generator.js';

/** Options of {@link agNewsSplits}. */
export interface AgNewsSplitsOptions {
  /** Shorthand for `generator: new TorchGenerator(seed)`. Not together with `generator`. @default 0 */
  seed?: number;
  /**
   * The generator both splits are drawn from, as PyTorch's two `random_split` calls draw them
   * from its default generator: the rows are PyTorch's.
   * @default new TorchGenerator(seed)
   */
  generator?: TorchGenerator;
  /**
   * Keep only the first `train`, `valid` and `test` examples of each split (quick runs); the
   * training pool (and so the vocabulary) is then the kept training examples.
   * @default everything
   */
  limit?: { train: number; valid: number; test: number };
}

/** The course's splits. */
export interface AgNewsSplitsResult {
  /** True when the folder has no `train.csv` and the course trains on a split of `test.csv`. */
  offline: boolean;
  /** All training texts (train + validation): the vocabulary is built from these. */
  trainPool: Dataset<[number, string]>;
  trainData: Dataset<[number, string]>;
  validData: Dataset<[number, string]>;
  testData: Dataset<[number, string]>;
}

/**
 * Loads AG News from `dir` and splits it the way notebook `01-data-and-split` does.
 *
 * With `train.csv`: the training pool is `train.csv` and the test set `test.csv`. Without it: a
 * seeded 6,000 / 1,600 split of `test.csv` gives the pool and the held-out test set. Either way the
 * pool is split 95 / 5 into training and validation, as the tutorial does.
 *
 * PyTorch: `AG_NEWS()`, `to_map_style_dataset` and `random_split(train_dataset, [num_train,
 * len(train_dataset) - num_train])` from the tutorial, row for row.
 *
 * @example
 * const generator = new TorchGenerator(0); // torch.manual_seed(0)
 * const { offline, trainPool, trainData, validData, testData } = agNewsSplits('../../data/ag_news', { generator });
 */
export function agNewsSplits(dir: string, options: AgNewsSplitsOptions = {}): AgNewsSplitsResult {
  const { seed = 0, generator, limit } = options;
  if (generator !== undefined && options.seed !== undefined) throw new Error('agNewsSplits: got both seed and generator; pass one');
  const draw = { generator: generator ?? new TorchGenerator(seed) };
  const { train, test } = loadAgNews(dir);
  const offline = train === null;
  let trainPool: Dataset<[number, string]>;
  let testData: Dataset<[number, string]>;
  if (train === null) {
    [trainPool, testData] = randomSplit(new AgNewsDataset(test), [6000, 1600], draw) as [Subset<[number, string]>, Subset<[number, string]>];
  } else {
    trainPool = new AgNewsDataset(train);
    testData = new AgNewsDataset(test);
  }
  const numTrain = Math.floor(trainPool.length * 0.95);
  let [trainData, validData] = randomSplit(trainPool, [numTrain, trainPool.length - numTrain], draw) as Dataset<[number, string]>[];
  if (limit !== undefined) {
    const first = (data: Dataset<[number, string]>, n: number): Dataset<[number, string]> =>
      new Subset(data, Array.from({ length: Math.min(n, data.length) }, (_, i) => i));
    trainData = first(trainData as Dataset<[number, string]>, limit.train);
    validData = first(validData as Dataset<[number, string]>, limit.valid);
    testData = first(testData, limit.test);
    trainPool = trainData;
  }
  return { offline, trainPool, trainData: trainData as Dataset<[number, string]>, validData: validData as Dataset<[number, string]>, testData };
}
