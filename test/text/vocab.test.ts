import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { basicEnglish } from '../../src/text/tokenizer.js';
import { agNewsText, readAgNewsCsv } from '../../src/text/ag-news-csv.js';
import { buildVocabFromIterator, Vocab } from '../../src/text/vocab.js';

const golden = (name: string): string[] =>
  gunzipSync(readFileSync(new URL(`../golden/ag-news/${name}`, import.meta.url))).toString('utf8').split('\n').slice(0, -1);

const tokens = readAgNewsCsv('data/ag_news/test.csv').map((row) => basicEnglish(agNewsText(row)));

test('buildVocabFromIterator orders tokens exactly as torchtext build_vocab_from_iterator', () => {
  const vocab = buildVocabFromIterator(tokens, { specials: ['<unk>'] });
  const expected = golden('vocab-test-split.txt.gz');
  assert.equal(vocab.length, expected.length);
  assert.deepEqual(vocab.getItos(), expected);
});

test('buildVocabFromIterator with minFreq 3 keeps the same tokens as torchtext', () => {
  const vocab = buildVocabFromIterator(tokens, { specials: ['<unk>'], minFreq: 3 });
  assert.deepEqual(vocab.getItos(), golden('vocab-test-split-min3.txt.gz'));
});

test('ties in frequency are ordered by code point, as Python sorts strings', () => {
  // "\u{1F600}" is one code point above U+FFFF; in UTF-16 it starts with 0xD83D, below "\uFF01".
  const vocab = buildVocabFromIterator([['b', 'a', '\uff01', '\u{1F600}', 'c', 'c']], { specials: ['<unk>'] });
  assert.deepEqual(vocab.getItos(), ['<unk>', 'c', 'a', 'b', '\uff01', '\u{1F600}']);
});

test('unknown tokens map to the default index once it is set, and are an error before', () => {
  const vocab = buildVocabFromIterator([['here', 'is', 'an', 'example', 'here']], { specials: ['<unk>'] });
  assert.throws(() => vocab.indexOf('missing'), /not in the vocabulary and no default index is set/);
  vocab.setDefaultIndex(vocab.indexOf('<unk>'));
  assert.deepEqual(vocab.lookupIndices(['here', 'missing', 'example']), [1, 0, 3]);
  assert.deepEqual(vocab.lookupTokens([1, 0]), ['here', '<unk>']);
  assert.equal(vocab.has('missing'), false);
  assert.throws(() => vocab.setDefaultIndex(9), /not an id of this vocabulary \(0 to 4\)/);
});

test('maxTokens keeps the most frequent tokens and specials can go last', () => {
  const vocab = buildVocabFromIterator([['a', 'b', 'b', 'c', 'c', 'c']], { specials: ['<unk>'], maxTokens: 3, specialFirst: false });
  assert.deepEqual(vocab.getItos(), ['c', 'b', '<unk>']);
  assert.throws(() => buildVocabFromIterator([], { specials: ['<unk>'], maxTokens: 1 }), /maxTokens is 1 but there are 1 specials/);
  assert.throws(() => new Vocab(['a', 'a']), /appears twice/);
});
