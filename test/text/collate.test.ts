import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { collateArrays, makeCollateBatch, type LabelledText } from '../../src/text/collate.js';
import { AgNewsDataset, readAgNewsCsv } from '../../src/text/ag-news-csv.js';
import { basicEnglish } from '../../src/text/tokenizer.js';
import { buildVocabFromIterator } from '../../src/text/vocab.js';
import { DataLoader } from '../../src/data/data-loader.js';
import { TextClassificationModel } from '../../src/text/text-classification-model.js';

const vocab = buildVocabFromIterator([['a', 'b', 'b', 'c']], { specials: ['<unk>'] }); // <unk> b a c
vocab.setDefaultIndex(0);
const textPipeline = (text: string): number[] => vocab.lookupIndices(basicEnglish(text));

test('collate gives labels 0-3, the concatenated ids and the start offset of each text', async () => {
  await tf.setBackend('wasm');
  const batch: LabelledText[] = [[1, 'A b'], [4, 'c zzz c'], [3, ''], [2, 'B']];
  assert.deepEqual(collateArrays(batch, { textPipeline }), {
    labels: Int32Array.from([0, 3, 2, 1]),
    text: Int32Array.from([2, 1, 3, 0, 3, 1]),
    offsets: Int32Array.from([0, 2, 5, 5]),
  });
  const [labels, text, offsets] = makeCollateBatch({ textPipeline })(batch);
  assert.deepEqual([labels.dtype, text.dtype, offsets.dtype], ['int32', 'int32', 'int32']);
  assert.deepEqual(Array.from(offsets.dataSync()), [0, 2, 5, 5]);
  tf.dispose([labels, text, offsets]);
});

test('AgNewsDataset yields torchtext AG_NEWS examples: label 1-4 and title + " " + description', () => {
  const data = new AgNewsDataset(readAgNewsCsv('data/ag_news/test.csv'));
  assert.equal(data.length, 7600);
  assert.deepEqual(data.get(0), [3, "Fears for T N pension after talks Unions representing workers at Turner   Newall say they are 'disappointed' after talks with stricken parent firm Federal Mogul."]);
  assert.throws(() => data.get(7600), /index 7600 is out of range 0 to 7599/);
});

test('a DataLoader with the collate function runs a model over an epoch without leaking tensors', async () => {
  await tf.setBackend('wasm');
  const rows = readAgNewsCsv('data/ag_news/test.csv').slice(0, 150);
  const data = new AgNewsDataset(rows);
  const big = buildVocabFromIterator(rows.map((r) => basicEnglish(`${r.title} ${r.description}`)), { specials: ['<unk>'] });
  big.setDefaultIndex(0);
  const loader = new DataLoader(data, {
    batchSize: 64,
    shuffle: true,
    seed: 0,
    collate: makeCollateBatch({ textPipeline: (t) => big.lookupIndices(basicEnglish(t)) }),
  });
  const model = new TextClassificationModel(big.length, 8, 4, { seed: 0 });
  const before = tf.memory().numTensors;
  const sizes: number[] = [];
  const labelSum = { seen: 0, expected: rows.reduce((s, r) => s + r.label - 1, 0) };
  for await (const [labels, text, offsets] of loader) {
    sizes.push(labels.shape[0]);
    labelSum.seen += labels.dataSync().reduce((s, v) => s + v, 0);
    assert.ok(text.shape[0] > 30 * labels.shape[0]);
    tf.tidy(() => {
      model.apply(text, offsets);
    });
  }
  assert.deepEqual(sizes, [64, 64, 22]);
  assert.equal(labelSum.seen, labelSum.expected, 'every example seen once');
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('TextClassificationModel starts with uniform(-0.5, 0.5) weights, zero bias, and gives [batch, numClass] scores', async () => {
  await tf.setBackend('wasm');
  const model = new TextClassificationModel(300, 16, 4, { seed: 3 });
  const emb = model.embedding.weight.dataSync();
  assert.ok(emb.every((v) => v >= -0.5 && v < 0.5) && Math.max(...emb) > 0.45 && Math.min(...emb) < -0.45);
  assert.deepEqual(Array.from(model.fcBias.dataSync()), [0, 0, 0, 0]);
  assert.deepEqual(model.fcWeight.shape, [4, 16]);
  assert.deepEqual(Object.keys(model.namedParameters()), ['embedding.weight', 'fc.weight', 'fc.bias']);
  const out = model.apply(tf.tensor1d([1, 2, 3], 'int32'), [0, 1]);
  assert.deepEqual(out.shape, [2, 4]);
  out.dispose();
  model.dispose();
});
