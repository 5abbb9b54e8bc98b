/**
 * Checks for the exercises of the diabetes section (notebooks/diabetes): a feature's mean and standard
 * deviation as a scaler computes them, and R².
 */
import { close, runCheck, show } from './check.js';

/**
 * A column's mean and standard deviation, the two numbers a standardizer keeps per feature.
 *
 * PyTorch: none.
 */
export interface ColumnStats {
  /** The mean of the values. */
  mean: number;
  /** The population standard deviation (divide by n). */
  std: number;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const meanOf = (values: number[]): number => sum(values) / values.length;

/**
 * Check `columnStats(values)`: the mean and the standard deviation that scikit-learn's `StandardScaler`
 * (and trainbook's) keep for a feature, the square root of the mean squared distance from the mean
 * (dividing by n, not n - 1).
 *
 * PyTorch: none (`StandardScaler().fit(x).mean_`, `.scale_`; `torch.std(x, unbiased=False)`).
 * @example
 * await checkColumnStats(columnStats);
 */
export async function checkColumnStats(columnStats: (values: number[]) => ColumnStats): Promise<void> {
  const stats = (values: number[], divisor: number, centre = true): ColumnStats => {
    const mean = meanOf(values);
    return { mean, std: Math.sqrt(sum(values.map((v) => (v - (centre ? mean : 0)) ** 2)) / divisor) };
  };
  await runCheck<number[], ColumnStats>(
    {
      exercise: 'columnStats',
      cases: [[2, 4, 4, 4, 5, 5, 7, 9], [59, 48, 72, 24, 50], [3, 3, 3], [-1.5, 0.5]],
      reference: (values) => stats(values, values.length),
      same: (a, b) => typeof a === 'object' && a !== null && close(a.mean, b.mean, 1e-9) && close(a.std, b.std, 1e-9),
      describe: (values, actual, expected) => `for ${show(values)} you returned ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (values) => stats(values, values.length - 1), hint: 'a scaler divides by n, the number of values, not by n - 1 (that is the sample standard deviation, pandas\' default)' },
        { compute: (values) => ({ mean: meanOf(values), std: sum(values.map((v) => (v - meanOf(values)) ** 2)) / values.length }), hint: 'that is the variance: the standard deviation is its square root' },
        { compute: (values) => stats(values, values.length, false), hint: 'measure the distance of each value from the mean, not from 0' },
        { compute: (values) => ({ mean: meanOf(values), std: meanOf(values.map((v) => Math.abs(v - meanOf(values)))) }), hint: 'square the distances from the mean, average them, then take the square root (not the mean absolute distance)' },
      ],
      fallbackHint: 'the mean is the sum over n; the standard deviation is the square root of the mean of the squared distances from the mean',
      passed: 'columnStats computes the mean and the standard deviation a StandardScaler keeps',
    },
    (values) => columnStats([...values]),
  );
}

/**
 * Check `rSquared(predictions, targets)`: R² = 1 − Σ(target − prediction)² / Σ(target − mean target)².
 *
 * PyTorch: none (scikit-learn's `r2_score(y_true, y_pred)`).
 * @example
 * await checkRSquared(rSquared);
 */
export async function checkRSquared(rSquared: (predictions: number[], targets: number[]) => number): Promise<void> {
  type Input = { predictions: number[]; targets: number[] };
  const residual = ({ predictions, targets }: Input) => sum(targets.map((t, i) => (t - (predictions[i] as number)) ** 2));
  const total = ({ targets }: Input) => sum(targets.map((t) => (t - meanOf(targets)) ** 2));
  await runCheck<Input, number>(
    {
      exercise: 'rSquared',
      cases: [
        { predictions: [2.5, 0.0, 2, 8], targets: [3, -0.5, 2, 7] },
        { predictions: [150, 150, 150], targets: [100, 150, 200] },
        { predictions: [300, 20, 90, 120], targets: [151, 75, 141, 206] },
        { predictions: [1, 2, 3], targets: [1, 2, 3] },
      ],
      reference: (input) => 1 - residual(input) / total(input),
      same: (a, b) => typeof a === 'number' && close(a, b, 1e-9),
      describe: (input, actual, expected) => `for predictions ${show(input.predictions)} and targets ${show(input.targets)} you returned ${show(actual)}, expected ${show(expected)}`,
      mistakes: [
        { compute: (input) => residual(input) / total(input), hint: 'R² is 1 minus that ratio: the share of the spread the model explains, not the share it leaves' },
        { compute: (input) => 1 - total(input) / residual(input), hint: 'the squared errors go on top of the fraction, the spread of the targets around their mean below' },
        { compute: (input) => 1 - residual(input) / sum(input.targets.map((t) => t * t)), hint: "measure the targets' spread around their mean, not around 0" },
        { compute: (input) => 1 - residual(input) / sum(input.predictions.map((p) => (p - meanOf(input.predictions)) ** 2)), hint: 'the denominator is the spread of the targets around their mean, not of the predictions' },
        { compute: (input) => 1 - sum(input.targets.map((t, i) => Math.abs(t - (input.predictions[i] as number)))) / total(input), hint: 'square the errors before adding them up' },
      ],
      fallbackHint: 'add up the squared errors, divide by the sum of the squared distances of the targets from their mean, and subtract that from 1',
      passed: 'rSquared computes R²: 1 for perfect predictions, 0 for always predicting the mean',
    },
    ({ predictions, targets }) => rSquared([...predictions], [...targets]),
  );
}
