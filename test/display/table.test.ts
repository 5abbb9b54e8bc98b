import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';
import * as dfd from 'danfojs-node';

import { RecordingSink, setDisplaySink } from '../../src/display/sink.js';
import { showTable, tableHtml, tableText } from '../../src/display/table.js';

tf.enableProdMode();
await tf.setBackend('cpu');

const IRIS_COLUMNS = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)', 'target'];

/** data/iris/iris.csv has scikit-learn's header line (`150,4,setosa,...`), so it is read without a header. */
async function readIris(): Promise<dfd.DataFrame> {
  const path = fileURLToPath(new URL('../../data/iris/iris.csv', import.meta.url));
  // danfojs passes these options to Papa Parse; its typings do not list them.
  const raw = await dfd.readCSV(path, { header: false, skipEmptyLines: true } as Parameters<typeof dfd.readCSV>[1]);
  return new dfd.DataFrame((raw.values as unknown[][]).slice(1), { columns: IRIS_COLUMNS });
}

function rowsOf(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...(m[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1] ?? ''));
}

test('a danfojs DataFrame read from iris.csv shows its first and last rows, columns and size', async () => {
  const df = await readIris();
  const html = tableHtml(df, { maxRows: 6 });
  const rows = rowsOf(html);
  assert.deepEqual(rows[0], ['', ...IRIS_COLUMNS]);
  assert.deepEqual(rows[1], ['0', '5.1', '3.5', '1.4', '0.2', '0']);
  assert.deepEqual(rows[4], ['…', '…', '…', '…', '…', '…']);
  assert.deepEqual(rows.at(-1), ['149', '5.9', '3.0', '5.1', '1.8', '2']);
  assert.equal(rows.length, 1 + 6 + 1);
  assert.match(html, /<caption[^>]*>150 rows × 5 columns<\/caption>/);
  assert.match(html, /text-align:right;">5\.1</);

  const text = tableText(df, { maxRows: 4 }).split('\n');
  assert.equal(text[0], '     sepal length (cm)  sepal width (cm)  petal length (cm)  petal width (cm)  target');
  assert.equal(text[1], '  0                5.1               3.5                1.4               0.2       0');
  assert.equal(text[3], '  …                  …                 …                  …                 …       …');
  assert.equal(text.at(-1), '[150 rows × 5 columns]');
});

test('a danfojs Series shows as one column, and showTable sends HTML with a text fallback', async () => {
  const df = await readIris();
  const sink = new RecordingSink();
  setDisplaySink(sink);
  try {
    showTable(df['target'] as dfd.Series, { maxRows: 2 });
  } finally {
    setDisplaySink(undefined);
  }
  const out = sink.outputs()[0];
  assert.deepEqual(Object.keys(out ?? {}), ['text/html', 'text/plain']);
  assert.deepEqual(rowsOf(String(out?.['text/html'])), [['', 'target'], ['0', '0'], ['…', '…'], ['149', '2']]);
});

test('table cells and captions are escaped', () => {
  const html = tableHtml({ columns: ['<a>'], values: [['x & "y"'], ['<script>']] }, { caption: '<i>c</i>' });
  assert.match(html, /<th [^>]*>&lt;a&gt;<\/th>/);
  assert.match(html, /x &amp; &quot;y&quot;/);
  assert.match(html, /&lt;script&gt;/);
  assert.match(html, /&lt;i&gt;c&lt;\/i&gt;/);
  assert.doesNotMatch(html, /<script>|<i>/);
  assert.throws(() => tableHtml({ columns: ['a', 'b'], values: [[1, 2], [3]] }), /row 1 has 1 values, expected 2/);
});

test('a tensor shows as a table with dtype and shape in the caption and PyTorch text as fallback', () => {
  const t = tf.tensor2d([[0.12345, -0.5], [1, 2], [3, 4]]);
  const html = tableHtml(t, { maxRows: 2 });
  assert.deepEqual(rowsOf(html), [['', '0', '1'], ['0', '0.1235', '-0.5000'], ['…', '…', '…'], ['2', '3.0000', '4.0000']]);
  assert.match(html, /tensor, dtype float32, shape \[3, 2\]/);
  assert.equal(tableText(t), 'tensor([[ 0.1235, -0.5000],\n        [ 1.0000,  2.0000],\n        [ 3.0000,  4.0000]])');

  const labels = tf.tensor1d([2, 0, 1], 'int32');
  assert.deepEqual(rowsOf(tableHtml(labels)), [['', 'value'], ['0', '2'], ['1', '0'], ['2', '1']]);
  const wide = tf.zeros([1, 30]);
  assert.equal(rowsOf(tableHtml(wide, { maxColumns: 4 }))[0]?.join(), ',0,1,…,28,29');
  const cube = tf.ones([2, 2, 2]);
  assert.match(tableHtml(cube), /<pre style="margin:0">tensor\(\[\[\[1\., 1\.\]/);
  const before = tf.memory().numTensors;
  tableHtml(t);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([t, labels, wide, cube]);
});
