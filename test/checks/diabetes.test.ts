// Each diabetes check passes a correct answer with a short confirmation and fails typical wrong answers with
// advice that names what to look at, never the solution's code.
import { test } from 'node:test';
import { checkColumnStats, checkRSquared } from '../../src/checks/index.js';
import { fails, passes } from './helpers.js';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

test('checkColumnStats: the population standard deviation passes; n - 1, the variance, distances from 0 fail', async () => {
  await passes(() => checkColumnStats((v) => ({ mean: mean(v), std: Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2))) })));
  await fails(
    () => checkColumnStats((v) => ({ mean: mean(v), std: Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1)) })),
    /for \[2, 4, 4, 4, 5, 5, 7, 9\] you returned \{ mean: 5, std: 2\.13\d+ \}, expected \{ mean: 5, std: 2 \}: a scaler divides by n/,
  );
  await fails(() => checkColumnStats((v) => ({ mean: mean(v), std: mean(v.map((x) => (x - mean(v)) ** 2)) })), /that is the variance/);
  await fails(() => checkColumnStats((v) => ({ mean: mean(v), std: Math.sqrt(mean(v.map((x) => x * x))) })), /from the mean, not from 0/);
  await fails(() => checkColumnStats(() => { throw new Error('exercise not done'); }), /columnStats is not written yet/);
});

test('checkRSquared: 1 - SSE/SST passes; the ratio alone, upside down, around 0 or unsquared fail', async () => {
  const sse = (p: number[], t: number[]) => t.reduce((s, y, i) => s + (y - p[i]!) ** 2, 0);
  const sst = (t: number[]) => t.reduce((s, y) => s + (y - mean(t)) ** 2, 0);
  await passes(() => checkRSquared((p, t) => 1 - sse(p, t) / sst(t)));
  await fails(() => checkRSquared((p, t) => sse(p, t) / sst(t)), /you returned 0\.05\d+, expected 0\.94\d+: R² is 1 minus that ratio/);
  await fails(() => checkRSquared((p, t) => 1 - sst(t) / sse(p, t)), /the squared errors go on top/);
  await fails(() => checkRSquared((p, t) => 1 - sse(p, t) / t.reduce((s, y) => s + y * y, 0)), /spread around their mean, not around 0/);
  await fails(() => checkRSquared((p, t) => 1 - t.reduce((s, y, i) => s + Math.abs(y - p[i]!), 0) / sst(t)), /square the errors/);
});
