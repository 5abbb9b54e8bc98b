import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { basicEnglish, getTokenizer } from '../../src/text/tokenizer.js';
import { agNewsText, readAgNewsCsv } from '../../src/text/ag-news-csv.js';

const golden = (name: string): string => gunzipSync(readFileSync(new URL(`../golden/ag-news/${name}`, import.meta.url))).toString('utf8');

test('basicEnglish gives torchtext basic_english tokens for all 7,600 AG News test texts', () => {
  const rows = readAgNewsCsv('data/ag_news/test.csv');
  const expected = golden('tokens.txt.gz').split('\n').slice(0, -1);
  assert.equal(expected.length, 7600);
  assert.equal(rows.length, 7600);
  let mismatches = 0;
  rows.forEach((row, i) => {
    const ours = basicEnglish(agNewsText(row));
    const theirs = expected[i] === '' ? [] : expected[i].split(' ');
    if (ours.length !== theirs.length || ours.some((t, j) => t !== theirs[j])) {
      mismatches++;
      if (mismatches <= 3) assert.deepEqual(ours, theirs, `row ${i + 1}: ${agNewsText(row)}`);
    }
  });
  assert.equal(mismatches, 0);
});

test('basicEnglish follows the torchtext docstring example and each rule', () => {
  assert.deepEqual(basicEnglish('You can now install TorchText using pip!'), ['you', 'can', 'now', 'install', 'torchtext', 'using', 'pip', '!']);
  assert.deepEqual(basicEnglish(`It's "quoted"; a:b (x) y? z.<br />w, \\$5`), ['it', "'", 's', 'quoted', 'a', 'b', '(', 'x', ')', 'y', '?', 'z', '.', 'w', ',', '\\$5']);
  // Python's whitespace includes U+001C-U+001F and U+0085 but not U+FEFF.
  assert.deepEqual(basicEnglish('a\u001cb\u0085c\ufeffd'), ['a', 'b', 'c\ufeffd']);
  assert.deepEqual(basicEnglish('   '), []);
});

test('getTokenizer returns basic_english, a whitespace split, or the given function', () => {
  assert.equal(getTokenizer('basic_english'), basicEnglish);
  assert.deepEqual(getTokenizer(null)(' A b\tC '), ['A', 'b', 'C']);
  const f = (s: string): string[] => [s];
  assert.equal(getTokenizer(f), f);
});
