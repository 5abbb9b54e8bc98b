// Fidelity of the AG News training step (seed tutorial 000) against PyTorch.
//
// test/golden/ag-news/parity.json holds what PyTorch 2.13 computes for the tutorial's model
// (EmbeddingBag(V, 64) mean + Linear(64, 4)), CrossEntropyLoss, SGD lr 5, clip_grad_norm_(0.1) and
// StepLR(1, gamma 0.1) stepped when validation accuracy drops, over 50 steps on fixed batches of the
// shipped test split, from the initial weights in parity-init.bin, with a 500-token vocabulary.
// Regenerate with: python3 test/golden/ag-news/make_parity_golden.py
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { AgNewsDataset, readAgNewsCsv } from '../../src/text/ag-news-csv.js';
import { basicEnglish } from '../../src/text/tokenizer.js';
import { buildVocabFromIterator } from '../../src/text/vocab.js';
import { makeCollateBatch } from '../../src/text/collate.js';
import { TextClassificationModel } from '../../src/text/text-classification-model.js';
import { clipGradNorm } from '../../src/train/clip-grad-norm.js';
import { StepLR } from '../../src/train/step-lr.js';
import { crossEntropyLoss } from '../../src/train/losses.js';
import { sparseTrainBatch } from '../../src/text/sparse-train-batch.js';
import { skipUnlessNative, useBackend } from '../backends.js';

interface Golden {
  setup: { numSteps: number; batchSize: number; stepsPerEpoch: number; numVal: number; maxTokens: number; lr: number; clip: number; embedDim: number; numClass: number };
  trainRows: number[];
  valRows: number[];
  vocab: string[];
  losses: number[];
  gradNorms: number[];
  epochs: Array<{ valAccuracy: number; schedulerStepped: boolean; lrAfter: number }>;
}

const golden = JSON.parse(readFileSync(new URL('../golden/ag-news/parity.json', import.meta.url), 'utf8')) as Golden;
const initBytes = readFileSync(new URL('../golden/ag-news/parity-init.bin', import.meta.url));
const init = new Float32Array(initBytes.buffer.slice(initBytes.byteOffset, initBytes.byteOffset + initBytes.byteLength));
const data = new AgNewsDataset(readAgNewsCsv('data/ag_news/test.csv'));
const { setup } = golden;

const vocab = buildVocabFromIterator(
  golden.trainRows.map((i) => basicEnglish(data.get(i)[1])),
  { specials: ['<unk>'], maxTokens: setup.maxTokens },
);
vocab.setDefaultIndex(vocab.indexOf('<unk>'));
const collateBatch = makeCollateBatch({ textPipeline: (text) => vocab.lookupIndices(basicEnglish(text)) });

test('the vocabulary of the parity run matches torchtext max_tokens=500', () => {
  assert.deepEqual(vocab.getItos(), golden.vocab);
});

const variants = [
  { backend: 'wasm', sparse: false },
  { backend: 'cpu', sparse: false },
  { backend: 'wasm', sparse: true },
  { backend: 'tensorflow', sparse: false },
  { backend: 'tensorflow', sparse: true },
] as const;

for (const { backend, sparse } of variants) {
  const stepName = sparse ? 'sparseTrainBatch' : 'the dense step';
  const skip = backend === 'tensorflow' ? skipUnlessNative() : false;
  test(`50 training steps of ${stepName} with clipping and StepLR give PyTorch's losses within 1e-4 on ${backend}`, { skip }, async () => {
    await useBackend(backend);
    const model = new TextClassificationModel(vocab.length, setup.embedDim, setup.numClass);
    const V = vocab.length * setup.embedDim;
    const W = setup.numClass * setup.embedDim;
    model.embedding.weight.assign(tf.tensor2d(init.subarray(0, V), [vocab.length, setup.embedDim]));
    model.fcWeight.assign(tf.tensor2d(init.subarray(V, V + W), [setup.numClass, setup.embedDim]));
    model.fcBias.assign(tf.tensor1d(init.subarray(V + W)));
    const optimizer = tf.train.sgd(setup.lr);
    const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.1 });

    const evaluate = (): number => {
      let correct = 0;
      for (let k = 0; k < setup.numVal; k += setup.batchSize) {
        const [labels, text, offsets] = collateBatch(golden.valRows.slice(k, k + setup.batchSize).map((i) => data.get(i)));
        correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.apply(text, offsets), 1), labels), 'int32')).dataSync()[0]);
        tf.dispose([labels, text, offsets]);
      }
      return correct / setup.numVal;
    };

    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const norms: number[] = [];
    const epochs: Golden['epochs'] = [];
    let totalAccu: number | null = null;
    for (let step = 0; step < setup.numSteps; step++) {
      const rows = golden.trainRows.slice(step * setup.batchSize, (step + 1) * setup.batchSize);
      const [labels, text, offsets] = collateBatch(rows.map((i) => data.get(i)));
      if (sparse) {
        losses.push(sparseTrainBatch(model, [labels, text, offsets], { optimizer, lossFn: crossEntropyLoss, maxNorm: setup.clip }));
        norms.push(golden.gradNorms[step]);
        tf.dispose([labels, text, offsets]);
      }
      const [loss, norm] = sparse ? [Number.NaN, Number.NaN] : tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => crossEntropyLoss(model.apply(text, offsets), labels));
        const clipped = clipGradNorm(grads, setup.clip);
        optimizer.applyGradients(clipped.grads);
        return [value.dataSync()[0], clipped.totalNorm.dataSync()[0]];
      });
      if (!sparse) {
        tf.dispose([labels, text, offsets]);
        losses.push(loss);
        norms.push(norm);
      }
      if ((step + 1) % setup.stepsPerEpoch === 0) {
        const accuVal = evaluate();
        const stepped = totalAccu !== null && totalAccu > accuVal;
        if (stepped) scheduler.step();
        else totalAccu = accuVal;
        epochs.push({ valAccuracy: accuVal, schedulerStepped: stepped, lrAfter: scheduler.getLastLr()[0] });
      }
    }
    assert.equal(tf.memory().numTensors, before, 'no tensors leaked by 50 steps and 10 validations');
    let worst = 0;
    losses.forEach((loss, i) => {
      worst = Math.max(worst, Math.abs(loss - golden.losses[i]));
      assert.ok(Math.abs(loss - golden.losses[i]) <= 1e-4, `step ${i}: loss ${loss}, PyTorch ${golden.losses[i]}`);
      assert.ok(Math.abs(norms[i] - golden.gradNorms[i]) <= 1e-4 * Math.max(1, golden.gradNorms[i]), `step ${i}: norm ${norms[i]}, PyTorch ${golden.gradNorms[i]}`);
    });
    assert.deepEqual(epochs, golden.epochs);
    assert.ok(golden.epochs.some((e) => e.schedulerStepped), 'the golden run exercises the scheduler');
    console.log(`# ${backend}, ${stepName}: largest loss difference from PyTorch over 50 steps: ${worst.toExponential(2)}`);
    model.dispose();
    optimizer.dispose();
  });
}
