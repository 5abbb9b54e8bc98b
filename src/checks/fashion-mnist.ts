/**
 * Checks for the exercises of the Fashion-MNIST section (notebooks/fashion-mnist): softmax, the test loop's
 * report line and SGD with momentum by hand.
 */
import { close, runCheck, show } from './check.js';

/**
 * Check `softmax(logits)`: one row of probabilities from one row of logits, safe for large logits
 * (subtract the row's largest value before `Math.exp`).
 *
 * PyTorch: `nn.Softmax(dim=1)(logits)` on one row.
 * @example
 * await checkSoftmax(softmax);
 */
export async function checkSoftmax(softmax: (logits: number[]) => number[]): Promise<void> {
  const exps = (row: number[], shift: number) => row.map((x) => Math.exp(x - shift));
  const normalise = (e: number[]) => e.map((x) => x / e.reduce((a, b) => a + b, 0));
  await runCheck<number[], number[]>(
    {
      exercise: 'softmax',
      cases: [[1, 2, 3], [0.5, -1, 2, 0], [1000, 1001, 999]],
      reference: (row) => normalise(exps(row, Math.max(...row))),
      same: (a, b) => Array.isArray(a) && close(a, b, 1e-6),
      describe: (row, actual, expected) => `for logits ${show(row)} you returned ${show(actual)}, expected ${show(expected.map((p) => Number(p.toFixed(6))))}`,
      mistakes: [
        { compute: (row) => normalise(exps(row, 0)), hint: 'Math.exp(1000) is Infinity: subtract the row\'s largest logit before exponentiating (the result does not change)' },
        { compute: (row) => row.map((x) => x / row.reduce((a, b) => a + b, 0)), hint: 'exponentiate the logits first, then divide by the sum of the exponentials' },
        { compute: (row) => exps(row, 0), hint: 'divide by the sum, so that the probabilities add up to 1' },
      ],
      fallbackHint: 'exp(logit - largest logit) for each entry, divided by the sum of those exponentials',
      passed: 'softmax gives probabilities that sum to 1, even for large logits',
    },
    (row) => softmax([...row]),
  );
}

/**
 * What the test loop has added up after its last batch.
 *
 * PyTorch: `correct`, `test_loss`, `len(dataloader.dataset)`, `len(dataloader)` in the tutorial's `test_loop`.
 */
export interface TestTotals {
  /** Correct predictions over the whole test set. */
  correct: number;
  /** The sum of the batches' mean losses. */
  testLoss: number;
  /** Examples in the test set (`len(dataloader.dataset)`). */
  size: number;
  /** Batches in the test set (`len(dataloader)`). */
  numBatches: number;
}

/**
 * Check `testReport(totals)`: the text the test loop prints, exactly as the tutorial's
 * `f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n"` with `correct /= size`
 * and `test_loss /= num_batches`.
 *
 * PyTorch: the tutorial's `test_loop` print.
 * @example
 * await checkTestErrorLine(testReport);
 */
export async function checkTestErrorLine(testReport: (totals: TestTotals) => string): Promise<void> {
  const line = (accuracy: number, loss: number) => `Test Error: \n Accuracy: ${(100 * accuracy).toFixed(1)}%, Avg loss: ${loss.toFixed(6)} \n`;
  await runCheck<TestTotals, string>(
    {
      exercise: 'testReport',
      cases: [
        { correct: 6734, testLoss: 140.4837, size: 10000, numBatches: 157 },
        { correct: 1, testLoss: 4.6, size: 3, numBatches: 2 },
      ],
      reference: (t) => line(t.correct / t.size, t.testLoss / t.numBatches),
      same: (a, b) => a === b,
      describe: (t, actual, expected) => `for ${show(t)} you printed ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (t) => line(t.correct / t.size / 100, t.testLoss / t.numBatches), hint: 'the accuracy is printed as a percentage: 100 times the fraction correct' },
        { compute: (t) => `Test Error: \n Accuracy: ${(t.correct / t.size).toFixed(1)}%, Avg loss: ${(t.testLoss / t.numBatches).toFixed(6)} \n`, hint: 'the accuracy is printed as a percentage: 100 times the fraction correct' },
        { compute: (t) => line(t.correct / t.size, t.testLoss / t.size), hint: 'each batch loss is already a mean: divide the summed loss by the number of batches, not examples' },
        { compute: (t) => line(t.correct / t.numBatches, t.testLoss / t.numBatches), hint: 'divide the correct predictions by the number of examples, not batches' },
        { compute: (t) => line(t.correct / t.size, t.testLoss / t.numBatches).trimEnd(), hint: 'keep the line\'s exact layout: a space and a newline after the loss' },
      ],
      fallbackHint: 'match the layout exactly: "Test Error: \\n Accuracy: " then one decimal and "%", ", Avg loss: " then six decimals, " \\n"',
      passed: 'testReport prints the test loop\'s line exactly as PyTorch does',
    },
    (t) => testReport({ ...t }),
  );
}

/**
 * Settings of SGD with momentum.
 *
 * PyTorch: `SGD(params, lr, momentum)`.
 */
export interface MomentumSettings {
  /** Learning rate. */
  lr: number;
  /** Momentum factor. */
  momentum: number;
}

/**
 * Check `momentumStep(weights, velocity, grads, settings)`: one step of SGD with momentum on plain arrays,
 * returning the new weights and velocity: `velocity = momentum * velocity + grad; weight -= lr * velocity`.
 *
 * PyTorch: `torch.optim.SGD(params, lr, momentum)` (dampening 0, no Nesterov); tf.js's `tf.train.momentum`.
 * @example
 * await checkMomentumStep(momentumStep);
 */
export async function checkMomentumStep(
  momentumStep: (weights: number[], velocity: number[], grads: number[], settings: MomentumSettings) => { weights: number[]; velocity: number[] },
): Promise<void> {
  type Input = { weights: number[]; velocity: number[]; grads: number[]; settings: MomentumSettings };
  type Output = { weights: number[]; velocity: number[] };
  const step = ({ weights, velocity, grads, settings: { lr, momentum } }: Input, v = (i: number) => momentum * velocity[i] + grads[i], use = (i: number, vi: number) => vi): Output => {
    const next = velocity.map((_, i) => v(i));
    return { weights: weights.map((w, i) => w - lr * use(i, next[i])), velocity: next };
  };
  await runCheck<Input, Output>(
    {
      exercise: 'momentumStep',
      cases: [
        { weights: [1, -2, 0.5], velocity: [0, 0, 0], grads: [0.5, -1, 2], settings: { lr: 0.1, momentum: 0.9 } },
        { weights: [1, -2, 0.5], velocity: [0.2, -0.4, 1], grads: [0.5, -1, 2], settings: { lr: 0.1, momentum: 0.9 } },
      ],
      reference: (input) => step(input),
      same: (a, b) => a !== null && typeof a === 'object' && close(a.weights, b.weights, 1e-9) && close(a.velocity, b.velocity, 1e-9),
      describe: (input, actual, expected) => `from velocity ${show(input.velocity)} you returned ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (input) => step(input, undefined, (i) => input.grads[i]), hint: 'the weights move by the velocity, not by the gradient alone' },
        { compute: (input) => step(input, (i) => input.grads[i]), hint: 'the new velocity keeps momentum times the old one: without it there is no momentum' },
        { compute: (input) => step(input, (i) => input.settings.momentum * input.velocity[i] + (1 - input.settings.momentum) * input.grads[i]), hint: 'PyTorch adds the whole gradient to the velocity (dampening 0), not (1 - momentum) times it' },
        { compute: (input) => step(input, undefined, (i) => input.velocity[i]), hint: 'update the velocity first, then move the weights by the new velocity' },
      ],
      fallbackHint: 'velocity = momentum × velocity + gradient, then weight = weight − lr × velocity, entry by entry',
      passed: 'momentumStep matches PyTorch\'s SGD with momentum',
    },
    (input) => momentumStep([...input.weights], [...input.velocity], [...input.grads], { ...input.settings }),
  );
}
