import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agNewsText, loadAgNews, parseAgNewsCsv, readAgNewsCsv } from '../../src/text/ag-news-csv.js';

test('readAgNewsCsv reads the 7,600 shipped test rows, 1,900 per class', () => {
  const rows = readAgNewsCsv('data/ag_news/test.csv');
  assert.equal(rows.length, 7600);
  for (const label of [1, 2, 3, 4]) assert.equal(rows.filter((r) => r.label === label).length, 1900);
  assert.deepEqual(rows[0], {
    label: 3,
    title: 'Fears for T N pension after talks',
    description: "Unions representing workers at Turner   Newall say they are 'disappointed' after talks with stricken parent firm Federal Mogul.",
  });
  // Backslash sequences stay as in the release, as Python's csv module leaves them.
  assert.ok(rows[1].description.includes('A second\\team of rocketeers'));
  assert.equal(agNewsText(rows[0]), `${rows[0].title} ${rows[0].description}`);
});

test('quoted fields keep commas, doubled quotes, backslashes and line breaks', () => {
  const rows = parseAgNewsCsv('"1","A, B ""quoted""","line\\nbreak \\$5, ok"\n2,plain,"multi\nline"\n"3","back\\slash \\\\ kept","\\"\n');
  assert.deepEqual(rows, [
    { label: 1, title: 'A, B "quoted"', description: 'line\\nbreak \\$5, ok' },
    { label: 2, title: 'plain', description: 'multi\nline' },
    { label: 3, title: 'back\\slash \\\\ kept', description: '\\' },
  ]);
});

test('errors name the line a record starts on, after records that span lines', () => {
  assert.throws(() => parseAgNewsCsv('"1","a","b\nc"\n"2","d"\n', 'f.csv'), /^Error: f\.csv line 3: found 2 fields/);
  assert.throws(() => parseAgNewsCsv('1,a,b\r\n2,"c\r\nd",e\r\n9,f,g\r\n', 'crlf.csv'), /crlf\.csv line 4: class "9"/);
});

test('text after a closing quote is an error naming file and line', () => {
  assert.throws(() => parseAgNewsCsv('"1","t","d"\n"3","x"y,z\n', 'q.csv'), /q\.csv line 2: a closing quote is followed by more text/);
});

test('a row with the wrong number of fields is an error naming file and line', () => {
  assert.throws(
    () => parseAgNewsCsv('"1","t","d"\n"2","only title"\n', 'train.csv'),
    { message: /^train\.csv line 2: found 2 fields, expected 3 \(class index, title, description\)/ },
  );
  assert.throws(() => parseAgNewsCsv('"1","t","d"\n\n"2","t","d"\n', 'x.csv'), /x\.csv line 2: found 0 fields, expected 3/);
});

test('a class outside 1-4 is an error naming file, line and the value', () => {
  assert.throws(() => parseAgNewsCsv('"1","t","d"\n"2","t","d"\n"5","t","d"\n', 'test.csv'), {
    message: /^test\.csv line 3: class "5" is not one of 1, 2, 3, 4 \(1 World, 2 Sports, 3 Business, 4 Sci\/Tech\)/,
  });
  assert.throws(() => parseAgNewsCsv('"World","t","d"\n', 'f.csv'), /f\.csv line 1: class "World" is not one of/);
});

test('an unterminated quote is an error naming the line where it opens', () => {
  assert.throws(() => parseAgNewsCsv('"1","t","d"\n"2","t","cut off\n', 'test.csv'), /test\.csv line 2: a quoted field starts here and is never closed/);
});

test('a missing file is an error naming the path and how to get the data', () => {
  assert.throws(() => readAgNewsCsv('no/such/dir/train.csv'), /no\/such\/dir\/train\.csv does not exist.*trainbook download ag-news/);
});

test('loadAgNews uses train.csv when it is there and null otherwise', () => {
  const shipped = loadAgNews('data/ag_news');
  assert.equal(shipped.train, null);
  assert.equal(shipped.test.length, 7600);
  const dir = mkdtempSync(join(tmpdir(), 'ag-news-'));
  copyFileSync('data/ag_news/test.csv', join(dir, 'test.csv'));
  writeFileSync(join(dir, 'train.csv'), '"2","t1","d1"\n"4","t2","d2"\n');
  const full = loadAgNews(dir);
  assert.deepEqual(full.train?.map((r) => r.label), [2, 4]);
  assert.throws(() => loadAgNews(join(dir, 'missing')), /test\.csv does not exist/);
});
