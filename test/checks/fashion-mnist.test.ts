// Each Fashion-MNIST check passes a correct answer with a short confirmation and fails typical wrong answers with
// advice that names what to look at.
import { test } from 'node:test';
import { checkMomentumStep, checkSoftmax, checkTestErrorLine } from '../../src/checks/index.js';
import { fails, passes } from './helpers.js';

test('checkSoftmax: the shifted softmax passes; overflow, no exponentials or no normalisation fail', async () => {
  const exps = (row: number[], shift: number) => row.map((x) => Math.exp(x - shift));
  const norm = (e: number[]) => e.map((x) => x / e.reduce((a, b) => a + b, 0));
  await passes(() => checkSoftmax((row) => norm(exps(row, Math.max(...row)))));
  await fails(() => checkSoftmax((row) => norm(exps(row, 0))), /for logits \[1000, 1001, 999\] you returned \[NaN, NaN, NaN\].*subtract the row's largest logit/);
  await fails(() => checkSoftmax((row) => row.map((x) => x / row.reduce((a, b) => a + b, 0))), /exponentiate the logits first/);
  await fails(() => checkSoftmax((row) => exps(row, 0)), /divide by the sum, so that the probabilities add up to 1/);
});

test('checkTestErrorLine: PyTorch\'s exact line passes; a fraction for a percentage or the loss over examples fail', async () => {
  await passes(() => checkTestErrorLine((t) => `Test Error: \n Accuracy: ${(100 * t.correct / t.size).toFixed(1)}%, Avg loss: ${(t.testLoss / t.numBatches).toFixed(6)} \n`));
  await fails(() => checkTestErrorLine((t) => `Test Error: \n Accuracy: ${(t.correct / t.size).toFixed(1)}%, Avg loss: ${(t.testLoss / t.numBatches).toFixed(6)} \n`), /you printed "Test Error: \\n Accuracy: 0.7%.*expected "Test Error: \\n Accuracy: 67.3%, Avg loss: 0.894801 \\n": the accuracy is printed as a percentage/);
  await fails(() => checkTestErrorLine((t) => `Test Error: \n Accuracy: ${(100 * t.correct / t.size).toFixed(1)}%, Avg loss: ${(t.testLoss / t.size).toFixed(6)} \n`), /divide the summed loss by the number of batches, not examples/);
  await fails(() => checkTestErrorLine((t) => `Test Error: \n Accuracy: ${(100 * t.correct / t.size).toFixed(1)}%, Avg loss: ${(t.testLoss / t.numBatches).toFixed(6)}`), /a space and a newline after the loss/);
});

test('checkMomentumStep: PyTorch\'s momentum passes; plain SGD, no carried velocity or dampening fail', async () => {
  await passes(() => checkMomentumStep((w, v, g, { lr, momentum }) => { const nv = v.map((x, i) => momentum * x + g[i]); return { weights: w.map((x, i) => x - lr * nv[i]), velocity: nv }; }));
  await fails(() => checkMomentumStep((w, v, g, { lr, momentum }) => ({ weights: w.map((x, i) => x - lr * g[i]), velocity: v.map((x, i) => momentum * x + g[i]) })), /the weights move by the velocity, not by the gradient alone/);
  await fails(() => checkMomentumStep((w, _v, g, { lr }) => ({ weights: w.map((x, i) => x - lr * g[i]), velocity: [...g] })), /from velocity \[0.2, -0.4, 1\] .*the new velocity keeps momentum times the old one/);
  await fails(() => checkMomentumStep((w, v, g, { lr, momentum }) => { const nv = v.map((x, i) => momentum * x + (1 - momentum) * g[i]); return { weights: w.map((x, i) => x - lr * nv[i]), velocity: nv }; }), /dampening 0/);
});
