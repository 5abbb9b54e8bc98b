// TextClassificationModel: initial weights drawn from a TorchGenerator equal PyTorch's.
// Golden: test/golden/torch-generator/golden.json ("model": torch.manual_seed(seed);
// TextClassificationModel(500, 64, 4) from test/golden/ag-news/tutorial.py), made by
// python3 test/golden/torch-generator/make_golden.py
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { TextClassificationModel } from '../../src/text/text-classification-model.js';
import { TorchGenerator } from '../../src/data/torch-generator.js';

interface ModelGolden {
  vocabSize: number;
  embeddingFirst: number[];
  embeddingSum: number;
  fcWeight: number[];
  next: number[];
}
const golden = JSON.parse(readFileSync(new URL('../golden/torch-generator/golden.json', import.meta.url), 'utf8')) as {
  seeds: { seed: string; model: ModelGolden }[];
};

test('with a TorchGenerator the model starts from PyTorch\'s exact weights and leaves the generator where PyTorch does', async () => {
  await tf.setBackend('cpu');
  for (const { seed, model: expected } of golden.seeds) {
    const generator = new TorchGenerator(BigInt(seed));
    const model = new TextClassificationModel(expected.vocabSize, 64, 4, { generator });
    const embedding = model.embedding.weight.dataSync();
    assert.deepEqual(Array.from(embedding.subarray(0, 64)), expected.embeddingFirst, `seed ${seed}: first embedding row`);
    const sum = embedding.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - expected.embeddingSum) < 1e-9, `seed ${seed}: embedding sum ${sum} vs ${expected.embeddingSum}`);
    assert.deepEqual(Array.from(model.fcWeight.dataSync()), expected.fcWeight, `seed ${seed}: fc.weight`);
    assert.deepEqual(Array.from(model.fcBias.dataSync()), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(generator.uniform(3)), expected.next, `seed ${seed}: the generator's next draws`);
    model.dispose();
  }
});

test('a seeded model is reproducible and takes a seed or a generator, not both', async () => {
  await tf.setBackend('cpu');
  const a = new TextClassificationModel(20, 8, 4, { seed: 3 });
  const b = new TextClassificationModel(20, 8, 4, { seed: 3 });
  assert.deepEqual(a.fcWeight.arraySync(), b.fcWeight.arraySync());
  assert.deepEqual(a.embedding.weight.arraySync(), b.embedding.weight.arraySync());
  assert.throws(() => new TextClassificationModel(20, 8, 4, { seed: 1, generator: new TorchGenerator(1) }), /got both seed and generator/);
  a.dispose();
  b.dispose();
});
