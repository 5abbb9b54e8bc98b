// Each AG News check passes a correct answer with a short confirmation and fails typical wrong answers with advice
// that names what to look at.
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  checkCheckpointEpochs,
  checkClipGradNorm,
  checkCollate,
  checkConfusionMatrix,
  checkEmbeddingBagMean,
  checkPlateauSchedule,
  checkStepLR,
  checkVocabOrder,
} from '../../src/checks/index.js';
import { buildVocabFromIterator } from '../../src/text/vocab.js';
import { fails, passes } from './helpers.js';

test('checkVocabOrder: the library vocabulary passes; no <unk>, first-seen ties or ascending counts fail', async () => {
  await passes(() => checkVocabOrder((lists) => buildVocabFromIterator(lists, { specials: ['<unk>'] }).getItos()));
  const counted = (lists: string[][]) => {
    const counts = new Map<string, number>();
    for (const l of lists) for (const t of l) counts.set(t, (counts.get(t) ?? 0) + 1);
    return counts;
  };
  await fails(() => checkVocabOrder((lists) => buildVocabFromIterator(lists).getItos()), /your tokens are \["dog", "sat", "the", .*"<unk>" comes first/);
  await fails(() => checkVocabOrder((lists) => { const c = counted(lists); return ['<unk>', ...[...c.keys()].sort((a, b) => c.get(b)! - c.get(a)!)]; }), /alphabetical order, not in the order they first appear/);
  await fails(() => checkVocabOrder((lists) => ['<unk>', ...buildVocabFromIterator(lists).getItos().reverse()]), /sort by descending count/);
});

test('checkCollate: offsets of text starts pass; lengths as offsets, running ends, or labels 1-4 fail', async () => {
  await tf.setBackend('wasm');
  const make = (labels: (y: number) => number, offsets: (lengths: number[]) => number[]) => (batch: [number, number[]][]) => {
    const lengths = batch.map(([, ids]) => ids.length);
    return [
      tf.tensor1d(batch.map(([y]) => labels(y)), 'int32'),
      tf.tensor1d(batch.flatMap(([, ids]) => ids), 'int32'),
      tf.tensor1d(offsets(lengths), 'int32'),
    ] as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
  };
  const starts = (lengths: number[]) => lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
  const before = tf.memory().numTensors;
  await passes(() => checkCollate(make((y) => y - 1, starts)));
  await fails(() => checkCollate(make((y) => y - 1, (l) => l)), /for texts of 3, 2, 4 ids .* offsets \[3, 2, 4\] \(expected offsets \[0, 3, 5\]\): an offset is where a text starts/);
  await fails(() => checkCollate(make((y) => y - 1, (l) => l.map((_, i) => l.slice(0, i + 1).reduce((a, b) => a + b, 0)))), /the first text starts at 0/);
  await fails(() => checkCollate(make((y) => y, starts)), /labels must go from 1-4 to 0-3/);
  if (tf.memory().numTensors !== before) throw new Error('checkCollate leaves tensors behind');
});

test('checkEmbeddingBagMean: the mean passes; a sum or a dropped last bag fail', async () => {
  const bags = (text: number[], offsets: number[]) => offsets.map((s, i) => text.slice(s, i + 1 < offsets.length ? offsets[i + 1] : text.length));
  const mean = (w: number[][], ids: number[]) => w[0].map((_, d) => ids.reduce((s, id) => s + w[id][d], 0) / ids.length);
  await passes(() => checkEmbeddingBagMean((w, text, offsets) => bags(text, offsets).map((ids) => mean(w, ids))));
  await fails(
    () => checkEmbeddingBagMean((w, text, offsets) => bags(text, offsets).map((ids) => w[0].map((_, d) => ids.reduce((s, id) => s + w[id][d], 0)))),
    /for text \[1, 2, 4, 0, 4\] and offsets \[0, 3\] you returned \[\[7, 70\], \[4, 40\]\], expected \[\[2.33\d+, 23.3\d+\], \[2, 20\]\]: mode "mean" divides/,
  );
  await fails(() => checkEmbeddingBagMean((w, text, offsets) => offsets.slice(0, -1).map((s, i) => mean(w, text.slice(s, offsets[i + 1])))), /the last bag runs from the last offset to the end/);
});

test('checkStepLR: gamma to the number of whole cuts passes; a cut every step or rounding up fail', async () => {
  await passes(() => checkStepLR((steps, { lr, stepSize, gamma }) => lr * gamma ** Math.floor(steps / stepSize)));
  await fails(() => checkStepLR((steps, { lr, gamma }) => lr * gamma ** steps), /after 1 steps with lr 8, stepSize 2, gamma 0.5 you said 4, expected 8: the rate is cut once every stepSize steps/);
  await fails(() => checkStepLR((steps, { lr, stepSize, gamma }) => lr * gamma ** Math.ceil(steps / stepSize)), /round the number of cuts down/);
  await fails(() => checkStepLR((steps, { lr, stepSize, gamma }) => lr * gamma ** Math.floor((steps + 1) / stepSize)), /before the first step\(\) the rate is still lr/);
});

test('checkClipGradNorm: one factor from the total norm passes; per-gradient norms, scaling up or value clipping fail', async () => {
  const norm = (gs: number[][]) => Math.sqrt(gs.flat().reduce((s, g) => s + g * g, 0));
  await passes(() => checkClipGradNorm((gs, max) => { const c = Math.min(1, max / (norm(gs) + 1e-6)); return gs.map((g) => g.map((x) => x * c)); }));
  await fails(() => checkClipGradNorm((gs, max) => gs.map((g) => { const c = Math.min(1, max / (norm([g]) + 1e-6)); return g.map((x) => x * c); })), /all gradients together, as one long vector/);
  await fails(() => checkClipGradNorm((gs, max) => { const c = max / (norm(gs) + 1e-6); return gs.map((g) => g.map((x) => x * c)); }), /never scale up/);
  await fails(() => checkClipGradNorm((gs, max) => gs.map((g) => g.map((x) => Math.max(-max, Math.min(max, x))))), /does not cut single values/);
});

test('checkPlateauSchedule: cutting after a drop below the kept accuracy passes; comparing with the previous epoch or cutting on ties fail', async () => {
  const schedule = (worse: (kept: number | null, acc: number, prev: number | null) => boolean, keepOnCut = false) => (accs: number[], lr: number) => {
    const rates: number[] = [];
    let kept: number | null = null;
    let prev: number | null = null;
    for (const acc of accs) {
      rates.push(lr);
      if (worse(kept, acc, prev)) { lr *= 0.1; if (keepOnCut) kept = acc; } else kept = acc;
      prev = acc;
    }
    return rates;
  };
  await passes(() => checkPlateauSchedule(schedule((kept, acc) => kept !== null && kept > acc)));
  await fails(() => checkPlateauSchedule(schedule((kept, acc) => kept !== null && kept > acc, true)), /keep the best accuracy so far as the one to beat/);
  await fails(() => checkPlateauSchedule(schedule((kept, acc) => kept !== null && kept >= acc)), /an equal accuracy is not worse/);
  await fails(() => checkPlateauSchedule((accs, lr) => accs.map(() => lr)), /your rates are \[5, 5, 5, 5, 5, 5, 5\], expected \[5, 5, 5, 5, 0.5, 0.05, 0.05\]: keep the accuracy to beat/);
});

test('checkCheckpointEpochs: saving on a new best passes; saving on ties or against the previous epoch fail', async () => {
  const saves = (better: (a: number, b: number) => boolean, always = false, shift = 1) => (accs: number[]) => {
    const out: number[] = [];
    let best = 0;
    accs.forEach((a, i) => { if (better(a, best)) { out.push(i + shift); best = a; } else if (always) best = a; });
    return out;
  };
  await passes(() => checkCheckpointEpochs(saves((a, b) => a > b)));
  await fails(() => checkCheckpointEpochs(saves((a, b) => a >= b)), /you saved after epochs \[1, 2, 3, 6, 7\], expected \[1, 2, 3, 7\]: an equal accuracy is no improvement/);
  await fails(() => checkCheckpointEpochs(saves((a, b) => a > b, true)), /not with the previous epoch's/);
  await fails(() => checkCheckpointEpochs(saves((a, b) => a > b, false, 0)), /count epochs from 1/);
});

test('checkConfusionMatrix: rows of true classes pass; swapped rows and columns fail', async () => {
  const matrix = (swap: boolean) => (truth: number[], predicted: number[], n: number) => {
    const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    truth.forEach((t, i) => { if (swap) m[predicted[i]][t] += 1; else m[t][predicted[i]] += 1; });
    return m;
  };
  await passes(() => checkConfusionMatrix(matrix(false)));
  await fails(() => checkConfusionMatrix(matrix(true)), /rows are the true classes and columns the predicted ones/);
  await fails(() => checkConfusionMatrix((t, p, n) => matrix(false)(t.map((x) => x + 1).filter((x) => x < n), p, n)), /classes here count from 0/);
});
