import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { readCSV } from '../../src/data/csv.js';
import { IRIS_COLUMNS, loadIris } from '../../src/data/iris.js';

const irisPath = new URL('../../data/iris/iris.csv', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'trainbook-iris-'));
const irisText = readFileSync(irisPath, 'utf8');

/** Writes `text` to a temporary CSV file and returns its path. */
function writeCsv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The real file with line `lineNumber` (1-based) replaced by `line`. */
function withLine(lineNumber: number, line: string): string {
  const lines = irisText.split('\n');
  lines[lineNumber - 1] = line;
  return lines.join('\n');
}

describe('loadIris', () => {
  const loaded: tf.Tensor[] = [];
  before(async () => {
    await tf.setBackend('cpu');
    tf.enableProdMode();
  });
  after(() => tf.dispose(loaded));

  it('loads 150 rows of 4 float32 features and int32 labels with the class names', async () => {
    const iris = await loadIris(irisPath);
    loaded.push(iris.features, iris.labels);
    assert.deepEqual(iris.features.shape, [150, 4]);
    assert.equal(iris.features.dtype, 'float32');
    assert.deepEqual(iris.labels.shape, [150]);
    assert.equal(iris.labels.dtype, 'int32');
    assert.deepEqual(iris.classNames, ['setosa', 'versicolor', 'virginica']);
    const first = Array.from(iris.features.slice([0, 0], [1, 4]).dataSync());
    assert.deepEqual(first.map((v) => Number(v.toFixed(4))), [5.1, 3.5, 1.4, 0.2]);
    const counts = [0, 0, 0];
    for (const label of iris.labels.dataSync()) counts[label] = (counts[label] as number) + 1;
    assert.deepEqual(counts, [50, 50, 50]);
  });

  it('gives a frame with the same rows and columns in file order', async () => {
    const iris = await loadIris(irisPath);
    loaded.push(iris.features, iris.labels);
    assert.deepEqual(iris.frame.columns, [...IRIS_COLUMNS]);
    assert.deepEqual(iris.frame.shape, [150, 5]);
    const values = iris.frame.values as number[][];
    const features = iris.features.arraySync();
    const labels = iris.labels.arraySync();
    values.forEach((row, i) => {
      row.slice(0, 4).forEach((v, j) => assert.ok(Math.abs(v - features[i]![j]!) < 1e-6));
      assert.equal(row[4], labels[i]);
    });
  });

  it('gives the frame danfojs reads from the file: same values, same dtypes', async () => {
    const iris = await loadIris(irisPath);
    loaded.push(iris.features, iris.labels);
    const read = await readCSV(irisPath, { header: false, skipFirstNLines: 1, frameConfig: { columns: [...IRIS_COLUMNS] } });
    assert.deepEqual(iris.frame.dtypes, read.dtypes);
    assert.deepEqual(iris.frame.values, read.values);
  });

  it('loads danfojs only when the frame is read', () => {
    const script = `
      const { loadIris } = await import(${JSON.stringify(new URL('../../src/data/iris.ts', import.meta.url).href)});
      const { createRequire } = await import('node:module');
      const danfo = createRequire(import.meta.url).resolve('danfojs-node');
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).includes(danfo);
      const iris = await loadIris(${JSON.stringify(irisPath)});
      const before = loaded();
      iris.frame;
      console.log(JSON.stringify([before, loaded()]));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1) as string), [false, true]);
  });

  it('says which path it tried and the working directory when the file is missing', async () => {
    await assert.rejects(loadIris(join(dir, 'nope.csv')), (error: Error) => {
      assert.match(error.message, /loadIris: file not found: .*nope\.csv/);
      assert.ok(error.message.includes(`working directory ${process.cwd()}`));
      return true;
    });
  });

  it('names the line and the field counts of a malformed row', async () => {
    const path = writeCsv('short.csv', withLine(5, '4.6,3.1,1.5,0'));
    await assert.rejects(loadIris(path), new RegExp(`loadIris: ${path} line 5: malformed row with 4 fields, expected 5`));
  });

  it('names the line, column and value of a feature that is not a number', async () => {
    const path = writeCsv('nan.csv', withLine(12, '5.4,abc,1.5,0.2,0'));
    await assert.rejects(loadIris(path), new RegExp(`line 12: column 2 \\(sepal width \\(cm\\)\\) is not a number: "abc"`));
    const empty = writeCsv('empty-field.csv', withLine(3, '4.9,,1.4,0.2,0'));
    await assert.rejects(loadIris(empty), /line 3: column 2 .* is not a number: ""/);
  });

  it('names the line, the value and the allowed classes of an unknown label', async () => {
    const path = writeCsv('label.csv', withLine(151, '5.9,3.0,5.1,1.8,3'));
    await assert.rejects(
      loadIris(path),
      /line 151: unknown label "3", expected a class index 0 to 2 \(0=setosa, 1=versicolor, 2=virginica\)/,
    );
  });

  it('reports a header that does not announce rows, features and classes', async () => {
    const path = writeCsv('header.csv', withLine(1, 'sepal_length,sepal_width'));
    await assert.rejects(loadIris(path), /line 1: expected a header "<rows>,<features>,<class names...>"/);
    const truncated = writeCsv('truncated.csv', irisText.split('\n').slice(0, 100).join('\n'));
    await assert.rejects(loadIris(truncated), /the header announces 150 rows, the file has 99/);
  });
});

describe('readCSV', () => {
  it('reads a CSV with a header into a danfojs DataFrame', async () => {
    const path = writeCsv('small.csv', 'a,b\n1,2\n3,4\n');
    const frame = await readCSV(path);
    assert.deepEqual(frame.columns, ['a', 'b']);
    assert.deepEqual(frame.values, [[1, 2], [3, 4]]);
  });

  it('fails with the path and working directory for a missing file', async () => {
    await assert.rejects(readCSV('no/such.csv'), /readCSV: file not found: no\/such\.csv \(looked for .*; working directory /);
  });
});
