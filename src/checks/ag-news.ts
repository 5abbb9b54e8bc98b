/**
 * Checks for the exercises of the AG News section (notebooks/ag-news): the vocabulary's ids, the collate
 * function's offsets, the embedding bag's mean, the StepLR rule, gradient clipping, the plateau schedule,
 * the best-checkpoint rule and the confusion matrix.
 */
import * as tf from '@tensorflow/tfjs';
import { close, runCheck, show } from './check.js';

/** Sorted (token, count) pairs, most frequent first; `tieBreak` orders tokens with the same count. */
function byCount(tokenLists: string[][], tieBreak: (a: string, b: string) => number): string[] {
  const counts = new Map<string, number>();
  for (const tokens of tokenLists) for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || tieBreak(a[0], b[0])).map(([t]) => t);
}

const codePoints = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Check `vocabTokens(tokenLists)`: the vocabulary's tokens in id order: `<unk>` (id 0), then every token by
 * descending count, ties in alphabetical (code point) order.
 *
 * PyTorch: `build_vocab_from_iterator(..., specials=["<unk>"]).get_itos()` (torchtext sorts by `(-count, token)`).
 * @example
 * await checkVocabOrder(vocabTokens);
 */
export async function checkVocabOrder(vocabTokens: (tokenLists: string[][]) => string[]): Promise<void> {
  await runCheck<string[][], string[]>(
    {
      exercise: 'vocabTokens',
      cases: [[['the', 'cat', 'sat'], ['the', 'dog', 'sat', 'down'], ['a', 'dog']]],
      reference: (lists) => ['<unk>', ...byCount(lists, codePoints)],
      same: (a, b) => Array.isArray(a) && a.length === b.length && a.every((t, i) => t === b[i]),
      describe: (lists, actual, expected) => `for the texts ${show(lists)} your tokens are ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (lists) => byCount(lists, codePoints), hint: '"<unk>" comes first, with id 0, so that unknown words have an id' },
        { compute: (lists) => ['<unk>', ...byCount(lists, () => 0)], hint: 'tokens with the same count go in alphabetical order, not in the order they first appear' },
        { compute: (lists) => ['<unk>', ...byCount(lists, codePoints).reverse()], hint: 'the most frequent token gets the smallest id: sort by descending count' },
      ],
      fallbackHint: 'count every token, sort by count (highest first) then alphabetically, and put "<unk>" in front',
      passed: 'vocabTokens orders the vocabulary as torchtext does',
    },
    (lists) => vocabTokens(lists.map((l) => [...l])),
  );
}

/**
 * Check `collate(batch)`: the collate function of notebook 03 on pre-tokenised texts: `batch` holds
 * `[label 1-4, ids]` pairs; it returns `[labels 0-3, all ids in one list, offsets]` as int32 tensors
 * (caller disposes), where offset i is where text i starts.
 *
 * PyTorch: the tutorial's `collate_batch` with `offsets[:-1].cumsum(dim=0)`.
 * @example
 * await checkCollate(collate);
 */
export async function checkCollate(collate: (batch: [number, number[]][]) => [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D]): Promise<void> {
  type Batch = [number, number[]][];
  type Output = [number[], number[], number[]];
  const starts = (lengths: number[]) => lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
  const parts = (batch: Batch): Output => [batch.map(([y]) => y - 1), batch.flatMap(([, ids]) => ids), starts(batch.map(([, ids]) => ids.length))];
  await runCheck<Batch, Output>(
    {
      exercise: 'collate',
      cases: [
        [[3, [5, 8, 2]], [1, [7, 7]], [4, [9, 1, 1, 4]]],
        [[2, [6]], [2, [3, 4, 5, 6, 7]]],
      ],
      reference: parts,
      same: (a, b) => Array.isArray(a) && a.length === 3 && a.every((x, i) => close(x, b[i], 0)),
      describe: (batch, [labels, ids, offsets], [, , expected]) =>
        `for texts of ${batch.map(([, t]) => t.length).join(', ')} ids you returned labels ${show(labels)}, ids ${show(ids)}, offsets ${show(offsets)} (expected offsets ${show(expected)})`,
      mistakes: [
        { compute: (b) => { const [l, i] = parts(b); return [l, i, b.map(([, t]) => t.length)]; }, hint: 'an offset is where a text starts (the sum of the lengths before it), not its length' },
        { compute: (b) => { const [l, i] = parts(b); const lengths = b.map(([, t]) => t.length); return [l, i, lengths.map((_, k) => lengths.slice(0, k + 1).reduce((x, y) => x + y, 0))]; }, hint: 'the first text starts at 0: add up the lengths before text i, not including it' },
        { compute: (b) => { const [, i, o] = parts(b); return [b.map(([y]) => y), i, o]; }, hint: 'the labels must go from 1-4 to 0-3 (labelPipeline)' },
      ],
      fallbackHint: 'labels minus 1; all the ids one after another; offsets starting at 0 and growing by each text\'s length',
      passed: 'collate packs labels, ids and offsets as EmbeddingBag reads them',
    },
    async (batch) => {
      const tensors = collate(batch.map(([y, ids]) => [y, [...ids]] as [number, number[]]));
      try {
        return (await Promise.all(tensors.map((t) => t.array()))) as Output;
      } finally {
        tf.dispose(tensors);
      }
    },
  );
}

/**
 * Check `bagMeans(weight, text, offsets)`: what `EmbeddingBag` (mode "mean") computes, on plain arrays: for
 * each bag (from its offset to the next one, the last to the end of `text`) the mean of the rows of `weight`.
 *
 * PyTorch: `nn.EmbeddingBag(num, dim, mode="mean")(text, offsets)`.
 * @example
 * await checkEmbeddingBagMean(bagMeans);
 */
export async function checkEmbeddingBagMean(bagMeans: (weight: number[][], text: number[], offsets: number[]) => number[][]): Promise<void> {
  type Input = { weight: number[][]; text: number[]; offsets: number[] };
  const bags = ({ text, offsets }: Input) => offsets.map((start, i) => text.slice(start, i + 1 < offsets.length ? offsets[i + 1] : text.length));
  const reduce = (input: Input, mean: boolean, bagsOf = bags) =>
    bagsOf(input).map((ids) => input.weight[0].map((_, d) => ids.reduce((s, id) => s + input.weight[id][d], 0) / (mean ? ids.length : 1)));
  const weight = [[0, 0], [1, 10], [2, 20], [3, 30], [4, 40]];
  await runCheck<Input, number[][]>(
    {
      exercise: 'bagMeans',
      cases: [
        { weight, text: [1, 2, 4, 0, 4], offsets: [0, 3] },
        { weight, text: [3, 1, 1, 2, 4, 4], offsets: [0, 1, 3] },
      ],
      reference: (input) => reduce(input, true),
      same: (a, b) => close(a, b),
      describe: ({ text, offsets }, actual, expected) => `for text ${show(text)} and offsets ${show(offsets)} you returned ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (input) => reduce(input, false), hint: 'mode "mean" divides each bag\'s sum by its number of tokens' },
        { compute: (input) => reduce(input, true, ({ text, offsets }) => offsets.slice(0, -1).map((s, i) => text.slice(s, offsets[i + 1]))), hint: 'the last bag runs from the last offset to the end of the text' },
        { compute: (input) => reduce(input, true, ({ text, offsets }) => offsets.map((s, i) => text.slice(s, offsets[i + 1]))), hint: 'the last bag has no next offset: it ends at the end of the text' },
      ],
      fallbackHint: 'bag i holds the ids from offsets[i] up to offsets[i + 1] (the end of the text for the last bag); average their rows',
      passed: 'bagMeans averages each bag\'s rows, as EmbeddingBag does',
    },
    (input) => bagMeans(input.weight.map((r) => [...r]), [...input.text], [...input.offsets]),
  );
}

/**
 * StepLR's settings, as in `new StepLR(optimizer, { stepSize, gamma })` with the optimizer's `lr`.
 *
 * PyTorch: `StepLR(optimizer, step_size, gamma)` and the optimizer's `lr`.
 */
export interface StepLRSettings {
  /** The learning rate before any step. */
  lr: number;
  /** Steps between two cuts. */
  stepSize: number;
  /** The factor of each cut. */
  gamma: number;
}

/**
 * Check `lrAfter(steps, settings)`: the learning rate after `scheduler.step()` was called `steps` times.
 *
 * PyTorch: `StepLR(optimizer, step_size, gamma)`: `lr * gamma ** (steps // step_size)`.
 * @example
 * await checkStepLR(lrAfter);
 */
export async function checkStepLR(lrAfter: (steps: number, settings: StepLRSettings) => number): Promise<void> {
  type Input = [number, StepLRSettings];
  const at = (steps: number, { lr, stepSize, gamma }: StepLRSettings) => lr * gamma ** Math.floor(steps / stepSize);
  const one = { lr: 5, stepSize: 1, gamma: 0.1 };
  const two = { lr: 8, stepSize: 2, gamma: 0.5 };
  await runCheck<Input, number>(
    {
      exercise: 'lrAfter',
      cases: [[0, one], [1, one], [3, one], [1, two], [3, two], [4, two]],
      reference: ([steps, s]) => at(steps, s),
      same: (a, b) => close(a, b, 1e-9),
      describe: ([steps, s], actual, expected) => `after ${steps} steps with lr ${s.lr}, stepSize ${s.stepSize}, gamma ${s.gamma} you said ${show(actual)}, expected ${expected}`,
      mistakes: [
        { compute: ([steps, s]) => s.lr * s.gamma ** steps, hint: 'the rate is cut once every stepSize steps, not at every step' },
        { compute: ([steps, s]) => s.lr * s.gamma ** Math.ceil(steps / s.stepSize), hint: 'a cut happens only when a full stepSize of steps is complete: round the number of cuts down' },
        { compute: ([steps, s]) => s.lr * s.gamma * Math.floor(steps / s.stepSize) || s.lr, hint: 'each cut multiplies the rate by gamma again: gamma to the power of the number of cuts' },
        { compute: ([steps, s]) => s.lr * s.gamma ** Math.floor((steps + 1) / s.stepSize), hint: 'before the first step() the rate is still lr' },
      ],
      fallbackHint: 'count the completed cuts (steps divided by stepSize, rounded down) and multiply lr by gamma that many times',
      passed: 'lrAfter follows StepLR\'s rule',
    },
    ([steps, s]) => lrAfter(steps, { ...s }),
  );
}

/**
 * Check `clipByTotalNorm(grads, maxNorm)`: gradient clipping on plain arrays: the norm of all gradients taken
 * together; when it exceeds `maxNorm`, every gradient is scaled by `maxNorm / (norm + 1e-6)`.
 *
 * PyTorch: `torch.nn.utils.clip_grad_norm_(parameters, max_norm)`.
 * @example
 * await checkClipGradNorm(clipByTotalNorm);
 */
export async function checkClipGradNorm(clipByTotalNorm: (grads: number[][], maxNorm: number) => number[][]): Promise<void> {
  type Input = [number[][], number];
  const norm = (gs: number[][]) => Math.sqrt(gs.flat().reduce((s, g) => s + g * g, 0));
  const scaleAll = (gs: number[][], coef: number) => gs.map((g) => g.map((x) => x * coef));
  await runCheck<Input, number[][]>(
    {
      exercise: 'clipByTotalNorm',
      cases: [
        [[[3, 0], [0, 4]], 1],
        [[[0.03, 0.04]], 0.1],
        [[[6, 8], [1]], 5],
      ],
      reference: ([gs, max]) => scaleAll(gs, Math.min(1, max / (norm(gs) + 1e-6))),
      same: (a, b) => close(a, b, 1e-6),
      describe: ([gs, max], actual, expected) => `for gradients ${show(gs)} and maxNorm ${max} you returned ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: ([gs, max]) => gs.map((g) => scaleAll([g], Math.min(1, max / (norm([g]) + 1e-6)))[0]), hint: 'take the norm of all gradients together, as one long vector, not of each one separately' },
        { compute: ([gs, max]) => scaleAll(gs, max / (norm(gs) + 1e-6)), hint: 'gradients whose total norm is already below maxNorm stay as they are: never scale up' },
        { compute: ([gs, max]) => gs.map((g) => g.map((x) => Math.max(-max, Math.min(max, x)))), hint: 'clipping by norm scales every gradient by the same factor; it does not cut single values' },
      ],
      fallbackHint: 'total norm = square root of the sum of all squared entries; scale factor = min(1, maxNorm / (total norm + 1e-6))',
      passed: 'clipByTotalNorm scales all gradients together, and only when they are too large',
    },
    ([gs, max]) => clipByTotalNorm(gs.map((g) => [...g]), max),
  );
}

/**
 * Check `learningRates(valAccuracies, lr)`: the learning rate of each epoch under notebook 06's rule: after an
 * epoch whose validation accuracy is below the best kept so far, `scheduler.step()` cuts the rate by 10 for
 * the next epochs; otherwise that accuracy becomes the one to beat. Returns the rate each epoch trained with.
 *
 * PyTorch: the tutorial's `if total_accu is not None and total_accu > accu_val: scheduler.step()`.
 * @example
 * await checkPlateauSchedule(learningRates);
 */
export async function checkPlateauSchedule(learningRates: (valAccuracies: number[], lr: number) => number[]): Promise<void> {
  type Input = [number[], number];
  const schedule = (accs: number[], lr: number, beats: (kept: number | null, acc: number, previous: number | null) => boolean, keepOnStep = false) => {
    const rates: number[] = [];
    let kept: number | null = null;
    let previous: number | null = null;
    for (const acc of accs) {
      rates.push(lr);
      if (beats(kept, acc, previous)) {
        lr *= 0.1;
        if (keepOnStep) kept = acc;
      } else kept = acc;
      previous = acc;
    }
    return rates;
  };
  const rule = (kept: number | null, acc: number) => kept !== null && kept > acc;
  await runCheck<Input, number[]>(
    {
      exercise: 'learningRates',
      cases: [[[0.55, 0.7, 0.78, 0.76, 0.77, 0.79, 0.8], 5], [[0.7, 0.7, 0.6, 0.65], 5]],
      reference: ([accs, lr]) => schedule(accs, lr, rule),
      same: (a, b) => close(a, b, 1e-9),
      describe: ([accs], actual, expected) => `for validation accuracies ${show(accs)} your rates are ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: ([accs, lr]) => schedule(accs, lr, rule, true), hint: 'after a cut, keep the best accuracy so far as the one to beat, not the worse one' },
        { compute: ([accs, lr]) => schedule(accs, lr, (_k, acc, previous) => previous !== null && previous > acc), hint: 'compare with the accuracy kept (the last one that did not get worse), which stays put after a cut; not simply with the previous epoch' },
        { compute: ([accs, lr]) => schedule(accs, lr, (kept, acc) => kept !== null && kept >= acc), hint: 'an equal accuracy is not worse: cut only when it dropped' },
      ],
      fallbackHint: 'keep the accuracy to beat; after each epoch, cut the rate by 10 if this accuracy is below it, otherwise make it the new one to beat',
      passed: 'learningRates cuts the rate only after validation got worse',
    },
    ([accs, lr]) => learningRates([...accs], lr),
  );
}

/**
 * Check `checkpointEpochs(valAccuracies)`: the epochs (from 1) after which the best-model file is written:
 * when validation accuracy beats the best so far (starting from 0).
 *
 * PyTorch: the tutorial's `if accu_val > acc_old: torch.save(...)` pattern.
 * @example
 * await checkCheckpointEpochs(checkpointEpochs);
 */
export async function checkCheckpointEpochs(checkpointEpochs: (valAccuracies: number[]) => number[]): Promise<void> {
  const saves = (accs: number[], better: (a: number, best: number) => boolean, best0 = 0, updateAlways = false) => {
    const epochs: number[] = [];
    let best = best0;
    accs.forEach((acc, i) => {
      if (better(acc, best)) {
        epochs.push(i + 1);
        best = acc;
      } else if (updateAlways) best = acc;
    });
    return epochs;
  };
  await runCheck<number[], number[]>(
    {
      exercise: 'checkpointEpochs',
      cases: [[0.55, 0.7, 0.78, 0.76, 0.77, 0.78, 0.8]],
      reference: (accs) => saves(accs, (a, best) => a > best),
      same: (a, b) => close(a, b, 0),
      describe: (accs, actual, expected) => `for validation accuracies ${show(accs)} you saved after epochs ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (accs) => saves(accs, (a, best) => a >= best), hint: 'an equal accuracy is no improvement: save only when it is higher than the best so far' },
        { compute: (accs) => saves(accs, (a, best) => a > best, 0, true), hint: 'compare with the best accuracy so far, not with the previous epoch\'s' },
        { compute: (accs) => saves(accs, (a, best) => a > best).map((e) => e - 1), hint: 'count epochs from 1, as the loop does' },
      ],
      fallbackHint: 'keep the best accuracy (starting at 0); after each epoch whose accuracy is higher, save and remember it',
      passed: 'checkpointEpochs saves exactly when validation improves',
    },
    (accs) => checkpointEpochs([...accs]),
  );
}

/**
 * Check `confusionMatrix(truth, predicted, numClasses)`: `matrix[t][p]` counts the texts of true class t that
 * were predicted as p (classes from 0).
 *
 * PyTorch: none in the tutorial (`sklearn.metrics.confusion_matrix(y_true, y_pred)` has the same layout).
 * @example
 * await checkConfusionMatrix(confusionMatrix);
 */
export async function checkConfusionMatrix(confusionMatrix: (truth: number[], predicted: number[], numClasses: number) => number[][]): Promise<void> {
  type Input = [number[], number[], number];
  const matrix = ([truth, predicted, n]: Input, transpose = false) => {
    const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    truth.forEach((t, i) => { if (transpose) m[predicted[i]][t] += 1; else m[t][predicted[i]] += 1; });
    return m;
  };
  await runCheck<Input, number[][]>(
    {
      exercise: 'confusionMatrix',
      cases: [[[0, 1, 2, 3, 2, 2, 1, 0], [0, 2, 2, 3, 1, 2, 1, 3], 4]],
      reference: (input) => matrix(input),
      same: (a, b) => close(a, b, 0),
      describe: ([truth, predicted], actual, expected) => `for truth ${show(truth)} and predictions ${show(predicted)} you returned ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (input) => matrix(input, true), hint: 'rows are the true classes and columns the predicted ones: you swapped them' },
        { compute: ([truth, predicted, n]) => matrix([truth.map((t) => t + 1).filter((t) => t < n), predicted, n]), hint: 'classes here count from 0' },
      ],
      fallbackHint: 'start from numClasses × numClasses zeros and add 1 at [true class][predicted class] for each text',
      passed: 'confusionMatrix counts true classes by row and predictions by column',
    },
    ([truth, predicted, n]) => confusionMatrix([...truth], [...predicted], n),
  );
}
