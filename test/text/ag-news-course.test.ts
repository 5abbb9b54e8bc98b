import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { TorchGenerator } from '../../src/data/torch-generator.js';
import { agNewsPipeline, agNewsSplits } from '../../src/text/ag-news-course.js';
import { makeCollateBatch } from '../../src/text/collate.js';
import { basicEnglish } from '../../src/text/tokenizer.js';
import { buildVocabFromIterator } from '../../src/text/vocab.js';

const limit = { train: 200, valid: 50, test: 60 };

test('agNewsPipeline gives agNewsSplits\' rows and the vocabulary and collate function notebooks 02 and 03 write out', () => {
  const splits = agNewsSplits('data/ag_news', { generator: new TorchGenerator(0), limit });
  const pipeline = agNewsPipeline('data/ag_news', { generator: new TorchGenerator(0), limit });
  const rows = (d: { length: number; get(i: number): [number, string] }): string[] => Array.from({ length: d.length }, (_, i) => d.get(i)[1]);
  assert.deepEqual(rows(pipeline.trainData), rows(splits.trainData));
  assert.deepEqual(rows(pipeline.validData), rows(splits.validData));
  assert.deepEqual(rows(pipeline.testData), rows(splits.testData));

  const vocab = buildVocabFromIterator(rows(splits.trainPool).map(basicEnglish), { specials: ['<unk>'] });
  vocab.setDefaultIndex(vocab.indexOf('<unk>'));
  assert.deepEqual(pipeline.vocab.getItos(), vocab.getItos());
  assert.equal(pipeline.vocab.lookupIndices(['zzzyzzx-never-seen'])[0], 0, 'unknown tokens map to <unk>, id 0');
  const text = splits.testData.get(0)[1];
  assert.deepEqual(pipeline.textPipeline(text), vocab.lookupIndices(basicEnglish(text)));

  const batch = [splits.trainData.get(0), splits.trainData.get(1)];
  const before = tf.memory().numTensors;
  const ours = pipeline.collateBatch(batch);
  const written = makeCollateBatch({ textPipeline: (t) => vocab.lookupIndices(basicEnglish(t)) })(batch);
  for (const [k, tensor] of ours.entries()) assert.deepEqual(Array.from(tensor.dataSync()), Array.from(written[k]!.dataSync()));
  assert.equal(Array.from(ours[0].dataSync())[0], batch[0]![0] - 1, 'labels move from 1-4 to 0-3');
  tf.dispose([...ours, ...written]);
  assert.equal(tf.memory().numTensors, before);
});
