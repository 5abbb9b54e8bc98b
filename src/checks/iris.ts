/**
 * Checks for the exercises of the Iris section (notebooks/iris): counting, splitting, batching, the model's
 * size, the training step, the accuracy count, the epoch averages, picking a backend and comparing state dicts.
 */
import * as tf from '@tensorflow/tfjs';
import { splitLengths } from '../data/random-split.js';
import { crossEntropyLoss } from '../train/losses.js';
import { CheckError, close, NOT_DONE, runCheck, show } from './check.js';

/**
 * Options of {@link checkClassCounts}.
 *
 * PyTorch: none.
 */
export interface ClassCountsOptions {
  /** The first label's number (Iris counts from 0, AG News from 1). @default 0 */
  firstLabel?: number;
}

/**
 * Check `countPerClass(labels, numClasses)`: how many examples each class has, `counts[k]` for the
 * class numbered `firstLabel + k`, with a 0 for a class that has none.
 *
 * PyTorch: none (the tutorials count with `collections.Counter` or `torch.bincount`).
 * @example
 * await checkClassCounts(countPerClass);
 */
export async function checkClassCounts(
  countPerClass: (labels: number[], numClasses: number) => number[],
  options: ClassCountsOptions = {},
): Promise<void> {
  const first = options.firstLabel ?? 0;
  const shift = (labels: number[]) => labels.map((y) => y + first);
  const numClasses = first === 0 ? 3 : 4;
  type Input = { labels: number[]; numClasses: number };
  const counts = ({ labels, numClasses: n }: Input, offset: number) => {
    const c = new Array<number>(n).fill(0);
    for (const y of labels) c[y - offset] += 1;
    return c;
  };
  await runCheck<Input, number[]>(
    {
      exercise: 'countPerClass',
      cases: [
        { labels: shift([0, 2, 1, 1, 0, 2, 2, 1, 2, 0, 1]), numClasses },
        { labels: shift([0, 0, 2, 0]), numClasses },
      ],
      reference: (input) => counts(input, first),
      same: (a, b) => close(a, b, 0),
      describe: (input, actual, expected) => `for the labels ${show(input.labels)} your counts are ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (input) => counts(input, first === 0 ? 1 : 0), hint: `the labels here start at ${first}: class k is counted at position k${first === 0 ? '' : ' - 1'}` },
        {
          compute: ({ labels }) => [...new Set(labels)].sort((a, b) => a - b).map((k) => labels.filter((y) => y === k).length),
          hint: 'a class with no examples still needs its 0: start from an array of numClasses zeros',
        },
      ],
      fallbackHint: 'count each label once, at the position of its class, in an array of numClasses numbers',
      passed: `countPerClass counts every class, including a class with no examples`,
    },
    ({ labels, numClasses: n }) => countPerClass([...labels], n),
  );
}

/**
 * Check `splitSizes(total, fractions)`: the part sizes `randomSplit` gives for fractions, PyTorch's rule
 * (each part rounded down, then the leftover examples handed out one at a time from the first part).
 *
 * PyTorch: `torch.utils.data.random_split` with fractions.
 * @example
 * await checkSplitSizes(splitSizes);
 */
export async function checkSplitSizes(splitSizes: (total: number, fractions: number[]) => number[]): Promise<void> {
  type Input = { total: number; fractions: number[] };
  const floors = ({ total, fractions }: Input) => fractions.map((f) => Math.floor(total * f));
  await runCheck<Input, number[]>(
    {
      exercise: 'splitSizes',
      cases: [
        { total: 150, fractions: [0.7, 0.2, 0.1] },
        { total: 11, fractions: [0.5, 0.5] },
        { total: 151, fractions: [0.7, 0.2, 0.1] },
        { total: 8, fractions: [0.3, 0.3, 0.4] },
      ],
      reference: ({ total, fractions }) => splitLengths(total, fractions),
      same: (a, b) => close(a, b, 0),
      describe: ({ total, fractions }, actual, expected) =>
        `for ${total} examples and fractions ${show(fractions)} your sizes are ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: ({ total, fractions }) => fractions.map((f) => Math.round(total * f)), hint: 'rounding to the nearest can use more examples than there are: round each part down first' },
        { compute: floors, hint: 'after rounding down some examples are left over: hand them out one at a time, starting with the first part' },
        {
          compute: (input) => {
            const sizes = floors(input);
            for (let i = 0; i < input.total - sizes.reduce((a, b) => a + b, 0); i++) sizes[sizes.length - 1 - (i % sizes.length)] += 1;
            return sizes;
          },
          hint: 'the leftover examples go to the first parts first, not the last ones',
        },
      ],
      fallbackHint: 'the sizes must add up to the total: round each part down, then add one to the first parts until they do',
      passed: 'splitSizes splits as PyTorch does, leftovers included',
    },
    ({ total, fractions }) => splitSizes(total, [...fractions]),
  );
}

/**
 * Check `numBatches(numExamples, batchSize, dropLast)`: a DataLoader's length, `len(loader)`.
 *
 * PyTorch: `len(DataLoader(dataset, batch_size, drop_last))`.
 * @example
 * await checkNumBatches(numBatches);
 */
export async function checkNumBatches(numBatches: (numExamples: number, batchSize: number, dropLast: boolean) => number): Promise<void> {
  type Input = [number, number, boolean];
  await runCheck<Input, number>(
    {
      exercise: 'numBatches',
      cases: [[100, 10, false], [105, 10, false], [105, 10, true], [9, 10, true], [64, 64, true]],
      reference: ([n, b, drop]) => (drop ? Math.floor(n / b) : Math.ceil(n / b)),
      same: (a, b) => a === b,
      describe: ([n, b, drop], actual, expected) => `${n} examples in batches of ${b} with dropLast ${drop}: you said ${show(actual)} batches, expected ${expected}`,
      mistakes: [
        { compute: ([n, b]) => Math.floor(n / b), hint: 'without dropLast the last, smaller batch is kept and counts as a batch' },
        { compute: ([n, b]) => Math.ceil(n / b), hint: 'with dropLast the last, smaller batch is dropped and does not count' },
        { compute: ([n, b]) => Math.round(n / b), hint: 'rounding to the nearest is neither rule: round up to keep the partial batch, down to drop it' },
        { compute: ([n, b]) => n / b, hint: 'a number of batches is a whole number' },
      ],
      fallbackHint: 'divide the number of examples by the batch size, then round up (partial batch kept) or down (dropLast)',
      passed: 'numBatches counts batches with and without dropLast',
    },
    ([n, b, drop]) => numBatches(n, b, drop),
  );
}

/**
 * Check `countParameters(layerSizes)`: the number of weights and biases of a stack of dense (linear) layers,
 * sizes given from input to output (`[4, 16, 8, 3]`).
 *
 * PyTorch: `sum(p.numel() for p in model.parameters())`.
 * @example
 * await checkParameterCount(countParameters);
 */
export async function checkParameterCount(countParameters: (layerSizes: number[]) => number): Promise<void> {
  const pairs = (sizes: number[]) => sizes.slice(1).map((units, i) => [sizes[i], units] as const);
  await runCheck<number[], number>(
    {
      exercise: 'countParameters',
      cases: [[2, 1], [4, 16, 8, 3], [784, 512, 512, 10]],
      reference: (sizes) => pairs(sizes).reduce((sum, [inputs, units]) => sum + inputs * units + units, 0),
      same: (a, b) => a === b,
      describe: (sizes, actual, expected) => `for layer sizes ${show(sizes)} you counted ${show(actual)} parameters, expected ${expected}`,
      mistakes: [
        { compute: (sizes) => pairs(sizes).reduce((sum, [inputs, units]) => sum + inputs * units, 0), hint: 'each layer also has one bias per output unit' },
        { compute: (sizes) => pairs(sizes).reduce((sum, [inputs, units]) => sum + inputs * units + inputs, 0), hint: 'a layer has one bias per output unit, not per input' },
        { compute: (sizes) => sizes.reduce((sum, units) => sum + units, 0), hint: 'count the weights between two layers (inputs times units), not the units themselves' },
      ],
      fallbackHint: 'a dense layer from `inputs` to `units` holds inputs × units weights and units biases; add them up over the layers',
      passed: 'countParameters counts weights and biases of every layer',
    },
    (sizes) => countParameters([...sizes]),
  );
}

/** Fixed logits and labels for the accuracy check: 30 rows, three classes, a few predictions wrong. */
function accuracyCases(): { logits: number[][]; labels: number[] }[] {
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648; // a fixed sequence
  const logits = Array.from({ length: 30 }, () => [next() * 4 - 2, next() * 4 - 2, next() * 4 - 2].map((v) => Math.round(v * 100) / 100));
  const argMax = (row: number[]) => row.indexOf(Math.max(...row));
  // Labels agree with the predictions except at rows 3, 11 and 20.
  const labels = logits.map((row, i) => ([3, 11, 20].includes(i) ? (argMax(row) + 1) % 3 : argMax(row)));
  return [
    { logits, labels },
    { logits: [[0.1, 2, -1]], labels: [1] },
  ];
}

/**
 * Check `countCorrect(logits, labels)`: the number of rows of `logits` [batch, classes] whose largest score
 * is at the label's position (labels [batch] int32). Also fails when the function leaves tensors behind.
 *
 * PyTorch: `(pred.argmax(1) == y).type(torch.float).sum().item()`.
 * @example
 * await checkAccuracyCount(countCorrect);
 */
export async function checkAccuracyCount(
  countCorrect: (logits: tf.Tensor2D, labels: tf.Tensor1D) => number | Promise<number>,
): Promise<void> {
  type Input = { logits: number[][]; labels: number[] };
  const argMax = (row: number[]) => row.indexOf(Math.max(...row));
  const correct = ({ logits, labels }: Input) => logits.filter((row, i) => argMax(row) === labels[i]).length;
  await runCheck<Input, number>(
    {
      exercise: 'countCorrect',
      cases: accuracyCases(),
      reference: correct,
      same: (a, b) => a === b,
      describe: ({ labels }, actual, expected) => `your accuracy counted ${show(actual)} of ${labels.length}, expected ${expected}`,
      mistakes: [
        { compute: ({ logits, labels }) => logits.reduce((n, row, i) => n + row.filter((v) => v === labels[i]).length, 0), hint: 'compare argMax(1) with the labels, not the logits' },
        { compute: (input) => correct(input) / input.labels.length, hint: 'return the number of correct predictions, not the fraction' },
        { compute: (input) => input.labels.length - correct(input), hint: 'you counted the wrong predictions: count where the prediction equals the label' },
        { compute: ({ logits, labels }) => logits.filter((row, i) => row.indexOf(Math.min(...row)) === labels[i]).length, hint: 'the prediction is the class with the largest score (argMax), not the smallest' },
      ],
      fallbackHint: 'take argMax along dimension 1 (one prediction per row), compare it with the labels, and sum the matches',
      passed: 'countCorrect counts correct predictions and leaves no tensors behind',
    },
    async ({ logits, labels }) => {
      const x = tf.tensor2d(logits);
      const y = tf.tensor1d(labels, 'int32');
      const before = tf.memory().numTensors;
      try {
        const count = await countCorrect(x, y);
        const leaked = tf.memory().numTensors - before;
        if (leaked > 0) {
          throw new CheckError(`countCorrect left ${leaked} tensor${leaked === 1 ? '' : 's'} behind on a batch of ${labels.length}: wrap the tensor work in tf.tidy and return a plain number`);
        }
        return count;
      } finally {
        tf.dispose([x, y]);
      }
    },
  );
}

/** Weights of the tiny model the train-step check uses: dense 4 → 3. */
const STEP_KERNEL = [[0.2, -0.1, 0.05], [-0.3, 0.25, 0.1], [0.15, 0.05, -0.2], [0.0, -0.15, 0.3]];
const STEP_BIAS = [0.01, -0.02, 0.03];
const STEP_DATA = [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [7.7, 3.0, 6.1, 2.3], [5.0, 3.4, 1.5, 0.2]];
const STEP_TARGET = [0, 1, 2, 0];

function stepModel(): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
  const start = [tf.tensor2d(STEP_KERNEL), tf.tensor1d(STEP_BIAS)];
  model.setWeights(start); // copies them
  tf.dispose(start);
  return model;
}

function weightsOf(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((w) => Array.from(w.dataSync()));
}

/**
 * Check `takeStep(model, optimizer, batchOfData, batchOfTarget)`: one training step written with
 * `tf.variableGrads` and `optimizer.applyGradients`, returning the batch's loss (before the step) as a number
 * and leaving no tensors behind. Runs it on a 4 → 3 dense model with SGD (learning rate 0.1) and compares the
 * loss and the updated weights with a reference step.
 *
 * PyTorch: `loss = loss_fn(model(X), y); loss.backward(); optimizer.step(); optimizer.zero_grad()`.
 * @example
 * await checkTrainStep(takeStep);
 */
export async function checkTrainStep(
  takeStep: (model: tf.LayersModel, optimizer: tf.Optimizer, batchOfData: tf.Tensor2D, batchOfTarget: tf.Tensor1D) => number | Promise<number>,
): Promise<void> {
  const data = tf.tensor2d(STEP_DATA);
  const target = tf.tensor1d(STEP_TARGET, 'int32');
  const reference = stepModel();
  const student = stepModel();
  const referenceOptimizer = tf.train.sgd(0.1);
  const studentOptimizer = tf.train.sgd(0.1);
  try {
    const start = weightsOf(reference);
    const { value, grads } = tf.variableGrads(() => crossEntropyLoss(reference.apply(data, { training: true }) as tf.Tensor2D, target), reference.trainableWeights.map((w) => w.read() as tf.Variable));
    referenceOptimizer.applyGradients(grads);
    const expectedLoss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    const expectedWeights = weightsOf(reference);
    const afterLoss = tf.tidy(() => crossEntropyLoss(reference.apply(data) as tf.Tensor2D, target).dataSync()[0]);

    const before = tf.memory().numTensors;
    let loss: number;
    try {
      loss = await takeStep(student, studentOptimizer, data, target);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.startsWith(NOT_DONE)) throw new CheckError('takeStep is not written yet: replace the "YOUR CODE HERE" lines with your code, run its cell, then this one');
      throw new CheckError(`takeStep threw an error on the check's batch: ${message}`);
    }
    const leaked = tf.memory().numTensors - before;
    const weights = weightsOf(student);
    if (typeof loss !== 'number') {
      throw new CheckError(`takeStep returned ${show(loss)}, expected the loss as a plain number: read it from the tensor (dataSync()[0]) and dispose the tensor`);
    }
    if (close(weights, start)) {
      throw new CheckError('after takeStep the weights did not change: hand the gradients to optimizer.applyGradients');
    }
    if (!close(weights, expectedWeights, 1e-4)) {
      throw new CheckError('after takeStep the weights moved, but not by one step downhill: take the gradients of the loss with tf.variableGrads and apply them once, unchanged');
    }
    if (!close(loss, expectedLoss, 1e-4)) {
      const hint = close(loss, afterLoss, 1e-4)
        ? 'you returned the loss after the step; return the loss the gradients were taken from'
        : 'return the value that tf.variableGrads gives back, as a number';
      throw new CheckError(`takeStep returned loss ${loss.toFixed(5)}, expected ${expectedLoss.toFixed(5)}: ${hint}`);
    }
    if (leaked > 0) {
      throw new CheckError(`takeStep left ${leaked} tensor${leaked === 1 ? '' : 's'} behind: dispose the loss value and the gradients after the step`);
    }
    console.log('✔ takeStep computes the loss, its gradients and one optimizer step, and leaves no tensors behind');
  } finally {
    tf.dispose([data, target]);
    reference.dispose();
    student.dispose();
    referenceOptimizer.dispose();
    studentOptimizer.dispose();
  }
}

/**
 * One batch's numbers, as a validation pass collects them.
 *
 * PyTorch: none.
 */
export interface BatchResult {
  /** The batch's mean loss. */
  loss: number;
  /** How many predictions of the batch were right. */
  correct: number;
  /** How many examples the batch holds. */
  size: number;
}

/**
 * Check `epochAverages(batches)`: the validation step's averages, `{ loss, accuracy }`: the mean of the batch
 * losses (divided by the number of batches, as `total_loss / len(val_loader)`) and the correct predictions
 * divided by the number of examples.
 *
 * PyTorch: `total_loss / len(val_loader)`, `total_correct / len(val_loader.dataset)`.
 * @example
 * await checkEpochAverages(epochAverages);
 */
export async function checkEpochAverages(epochAverages: (batches: BatchResult[]) => { loss: number; accuracy: number }): Promise<void> {
  type Output = { loss: number; accuracy: number };
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const batches: BatchResult[] = [
    { loss: 0.9, correct: 6, size: 10 },
    { loss: 0.7, correct: 8, size: 10 },
    { loss: 0.2, correct: 2, size: 2 },
  ];
  const meanLoss = (b: BatchResult[]) => sum(b.map((x) => x.loss)) / b.length;
  const accuracy = (b: BatchResult[]) => sum(b.map((x) => x.correct)) / sum(b.map((x) => x.size));
  await runCheck<BatchResult[], Output>(
    {
      exercise: 'epochAverages',
      cases: [batches],
      reference: (b) => ({ loss: meanLoss(b), accuracy: accuracy(b) }),
      same: (a, b) => a !== null && typeof a === 'object' && close(a.loss, b.loss) && close(a.accuracy, b.accuracy),
      describe: (_, actual, expected) => `on batches of 10, 10 and 2 examples you returned ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (b) => ({ loss: meanLoss(b), accuracy: sum(b.map((x) => x.correct)) / b.length }), hint: 'divide the correct predictions by the number of examples, not batches: the last batch is smaller' },
        { compute: (b) => ({ loss: meanLoss(b), accuracy: sum(b.map((x) => x.correct / x.size)) / b.length }), hint: 'averaging the batches\' accuracies gives the small last batch too much weight: add up the correct predictions, then divide by the number of examples' },
        { compute: (b) => ({ loss: sum(b.map((x) => x.loss)) / sum(b.map((x) => x.size)), accuracy: accuracy(b) }), hint: 'each batch loss is already a mean over its examples: divide their sum by the number of batches' },
      ],
      fallbackHint: 'loss: the sum of the batch losses over the number of batches; accuracy: the correct predictions over the number of examples',
      passed: 'epochAverages averages the loss over batches and the accuracy over examples',
    },
    (b) => epochAverages(b.map((x) => ({ ...x }))),
  );
}

/**
 * One backend's training time, as notebook 08 measures it.
 *
 * PyTorch: none.
 */
export interface BackendTiming {
  /** The backend's name (`wasm`, `cpu`, `tensorflow`). */
  backend: string;
  /** Milliseconds per training epoch. */
  msPerEpoch: number;
}

/**
 * Check `fastestBackend(timings)`: the name of the backend with the fewest milliseconds per epoch.
 *
 * PyTorch: none (`torch.accelerator.current_accelerator()` picks by kind, not by measurement).
 * @example
 * await checkFastestBackend(fastestBackend);
 */
export async function checkFastestBackend(fastestBackend: (timings: BackendTiming[]) => string): Promise<void> {
  const by = (t: BackendTiming[], better: (a: number, b: number) => boolean) => t.reduce((best, x) => (better(x.msPerEpoch, best.msPerEpoch) ? x : best)).backend;
  await runCheck<BackendTiming[], string>(
    {
      exercise: 'fastestBackend',
      cases: [
        [{ backend: 'wasm', msPerEpoch: 18.5 }, { backend: 'cpu', msPerEpoch: 41.2 }, { backend: 'tensorflow', msPerEpoch: 9.7 }],
        [{ backend: 'cpu', msPerEpoch: 30 }, { backend: 'wasm', msPerEpoch: 12 }],
      ],
      reference: (t) => by(t, (a, b) => a < b),
      same: (a, b) => a === b,
      describe: (t, actual, expected) => `for ${t.map((x) => `${x.backend} ${x.msPerEpoch} ms`).join(', ')} you picked ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (t) => by(t, (a, b) => a > b), hint: 'fewer milliseconds per epoch is faster: pick the smallest time' },
        { compute: (t) => t[0].backend, hint: 'look at every timing, not only the first' },
      ],
      fallbackHint: 'return the backend name of the timing with the smallest msPerEpoch',
      passed: 'fastestBackend picks the backend with the smallest time per epoch',
    },
    (t) => fastestBackend(t.map((x) => ({ ...x }))),
  );
}

/**
 * Check `problemKeys(newState, oldState)`: the keys of `newState` that are missing from `oldState` or whose
 * values are not close (`allClose`: |a - b| ≤ 1e-8 + 1e-5 |b|), in `newState`'s order; values are flat arrays.
 *
 * PyTorch: the tutorial's loop over `new_model.state_dict()` with `torch.allclose`.
 * @example
 * await checkStateDictCompare(problemKeys);
 */
export async function checkStateDictCompare(
  problemKeys: (newState: Record<string, number[]>, oldState: Record<string, number[]>) => string[],
): Promise<void> {
  type State = Record<string, number[]>;
  type Input = [State, State];
  const near = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-8 + 1e-5 * Math.abs(b[i]));
  const oldState: State = { '0.weight': [0.5, -0.25, 0.125], '0.bias': [0.1], '2.weight': [1, 2], '2.bias': [0] };
  const newState: State = { '0.weight': [0.5, -0.25, 0.125 + 1e-9], '0.bias': [0.1], '2.weight': [1, 2.5], '4.bias': [0] };
  await runCheck<Input, string[]>(
    {
      exercise: 'problemKeys',
      cases: [[newState, oldState]],
      reference: ([a, b]) => Object.keys(a).filter((k) => !(k in b) || !near(a[k], b[k])),
      same: (a, b) => Array.isArray(a) && a.length === b.length && a.every((k, i) => k === b[i]),
      describe: (_, actual, expected) => `for the check's two state dicts you reported ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: ([a, b]) => Object.keys(a).filter((k) => !(k in b) || a[k].some((x, i) => x !== b[k][i])), hint: 'values read back from a file may differ in the last digits: compare them with a tolerance (allClose), not with ===' },
        { compute: ([a, b]) => Object.keys(a).filter((k) => !(k in b)), hint: 'a key in both dicts can still hold different values: compare the values too' },
        { compute: ([a, b]) => Object.keys(a).filter((k) => k in b && !near(a[k], b[k])), hint: 'a key missing from the old state dict is a problem too' },
      ],
      fallbackHint: 'go through the new state dict\'s keys: a key is a problem when the old dict lacks it or its values are not close',
      passed: 'problemKeys finds missing keys and different values, and forgives rounding',
    },
    ([a, b]) => problemKeys(structuredClone(a), structuredClone(b)),
  );
}

/**
 * Check `bestEpoch(valLosses)`: the epoch (counted from 0) with the lowest validation loss, the first one
 * when several tie; the epoch whose weights a best-model checkpoint keeps.
 *
 * PyTorch: none (the tutorials save the model when validation improves; this is the epoch they keep).
 * @example
 * await checkBestEpoch(bestEpoch);
 */
export async function checkBestEpoch(bestEpoch: (valLosses: number[]) => number): Promise<void> {
  const lowest = (losses: number[]) => losses.indexOf(Math.min(...losses));
  await runCheck<number[], number>(
    {
      exercise: 'bestEpoch',
      cases: [
        [1.1, 0.9, 0.7, 0.65, 0.7, 0.8],
        [0.5, 0.6, 0.5, 0.7],
        [0.9],
      ],
      reference: lowest,
      same: (a, b) => a === b,
      describe: (losses, actual, expected) => `for validation losses ${show(losses)} you picked epoch ${show(actual)}, expected ${expected}`,
      mistakes: [
        { compute: (losses) => losses.indexOf(Math.max(...losses)), hint: 'the best epoch has the lowest validation loss, not the highest' },
        { compute: (losses) => losses.length - 1, hint: 'the last epoch is not always the best: once the model starts to overfit, validation loss rises again' },
        { compute: (losses) => lowest(losses) + 1, hint: 'count epochs from 0, as the loop over epochs does' },
        { compute: (losses) => losses.lastIndexOf(Math.min(...losses)), hint: 'when two epochs tie, keep the first: a later one is not better' },
      ],
      fallbackHint: 'return the position of the smallest validation loss',
      passed: 'bestEpoch finds the epoch with the lowest validation loss',
    },
    (losses) => bestEpoch([...losses]),
  );
}
