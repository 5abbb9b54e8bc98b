/**
 * The AG News course's data setup in one call, for the notebooks after the ones that write it out.
 */
import { randomSplit } from '../data/random-split.js';
import { Subset, type Dataset } from '../data/dataset.js';
import { AgNewsDataset, loadAgNews } from './ag-news-csv.js';
import { TorchGenerator } from '../data/torch-generator.js';
import { makeCollateBatch, type LabelledText, type TextBatch } from './collate.js';
import { basicEnglish } from './tokenizer.js';
import { buildVocabFromIterator, type Vocab } from './vocab.js';

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

/** What {@link agNewsPipeline} returns: the splits plus the text pipeline of notebooks 02 and 03. */
export interface AgNewsPipelineResult extends AgNewsSplitsResult {
  /** Vocabulary of the training pool's `basic_english` tokens, `<unk>` at 0 and the default index. */
  vocab: Vocab;
  /** Text to token ids: `vocab.lookupIndices(basicEnglish(text))`. */
  textPipeline: (text: string) => number[];
  /** `(label, text)` pairs to `[labels, text, offsets]`, labels moved from 1-4 to 0-3 (caller disposes). */
  collateBatch: (batch: LabelledText[]) => TextBatch;
}

/**
 * The AG News course's setup of notebooks 01-03 in one call: {@link agNewsSplits}, then the
 * vocabulary of the training pool (notebook 02) and the collate function (notebook 03).
 *
 * PyTorch: the tutorial's `random_split`, `build_vocab_from_iterator(yield_tokens(train_iter),
 * specials=["<unk>"])`, `vocab.set_default_index(vocab["<unk>"])`, `text_pipeline` and `collate_batch`.
 *
 * @example
 * const rng = new TorchGenerator(0); // torch.manual_seed(0)
 * const { trainData, vocab, collateBatch } = agNewsPipeline('../../data/ag_news', { generator: rng });
 * const trainDataloader = new DataLoader(trainData, { batchSize: 64, shuffle: true, generator: rng, collate: collateBatch });
 */
export function agNewsPipeline(dir: string, options: AgNewsSplitsOptions = {}): AgNewsPipelineResult {
  const splits = agNewsSplits(dir, options);
  const tokens = Array.from({ length: splits.trainPool.length }, (_, i) => basicEnglish(splits.trainPool.get(i)[1]));
  const vocab = buildVocabFromIterator(tokens, { specials: ['<unk>'] });
  vocab.setDefaultIndex(vocab.indexOf('<unk>'));
  const textPipeline = (text: string): number[] => vocab.lookupIndices(basicEnglish(text));
  return { ...splits, vocab, textPipeline, collateBatch: makeCollateBatch({ textPipeline }) };
}
