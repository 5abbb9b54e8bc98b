// loadTable turns any CSV with named columns into feature and target tensors, and names file, line
// and column when the file is wrong.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadTable } from '../../src/data/table.js';

const dir = mkdtempSync(join(tmpdir(), 'trainbook-table-'));
function file(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadTable', () => {
  it('picks the named feature columns in the order asked, and a float32 regression target', () => {
    // the target encodes the row index, so a misaligned row would show
    const path = file('reg.csv', 'id,b,a,y\nr0,1,10,0.5\nr1,2,20,1.5\nr2,3,30,2.5\n');
    const table = loadTable(path, { features: ['a', 'b'], target: 'y', task: 'regression' });
    assert.deepEqual(table.features.shape, [3, 2]);
    assert.deepEqual(table.features.arraySync(), [[10, 1], [20, 2], [30, 3]]);
    assert.equal(table.targets.dtype, 'float32');
    assert.deepEqual(table.targets.arraySync(), [0.5, 1.5, 2.5]);
    assert.deepEqual([table.featureNames, table.targetName, table.task, table.classNames], [['a', 'b'], 'y', 'regression', []]);
    tf.dispose([table.features, table.targets]);
  });

  it('reads class indices and class names as int32 targets (names numbered in sorted order)', () => {
    const indices = loadTable(file('idx.csv', 'x,label\n1,2\n2,0\n3,1\n'), { features: ['x'], target: 'label', task: 'classification' });
    assert.equal(indices.targets.dtype, 'int32');
    assert.deepEqual(indices.targets.arraySync(), [2, 0, 1]);
    assert.deepEqual(indices.classNames, ['0', '1', '2']);
    const named = loadTable(file('names.csv', 'x,species\n1,virginica\n2,setosa\n3,virginica\n'), { features: ['x'], target: 'species', task: 'classification' });
    assert.deepEqual(named.targets.arraySync(), [1, 0, 1]);
    assert.deepEqual(named.classNames, ['setosa', 'virginica']);
    tf.dispose([indices.features, indices.targets, named.features, named.targets]);
  });

  it('reads a large classification table (300,000 rows of class indices or names)', () => {
    const rows = 300_000;
    const body = Array.from({ length: rows }, (_, i) => `${i},${i % 3}`).join('\n');
    const indices = loadTable(file('large-idx.csv', `x,label\n${body}\n`), { features: ['x'], target: 'label', task: 'classification' });
    assert.deepEqual(indices.classNames, ['0', '1', '2']);
    assert.deepEqual(Array.from(indices.targets.dataSync().slice(0, 4)), [0, 1, 2, 0]);
    const names = ['setosa', 'versicolor', 'virginica'];
    const named = loadTable(file('large-names.csv', `x,species\n${Array.from({ length: rows }, (_, i) => `${i},${names[(i + 2) % 3]}`).join('\n')}\n`), {
      features: ['x'],
      target: 'species',
      task: 'classification',
    });
    assert.deepEqual(named.classNames, names);
    assert.deepEqual(Array.from(named.targets.dataSync().slice(0, 4)), [2, 0, 1, 2]);
    assert.equal(named.targets.shape[0], rows);
    tf.dispose([indices.features, indices.targets, named.features, named.targets]);
  });

  it('reads gzip, other delimiters and quoted fields', () => {
    const table = loadTable(file('t.tsv.gz', gzipSync('"a b"\ty\n1\t2\n3\t4\n')), { features: ['a b'], target: 'y', task: 'regression', delimiter: '\t' });
    assert.deepEqual(table.features.arraySync(), [[1], [3]]);
    tf.dispose([table.features, table.targets]);
  });

  it('names the missing column and the columns the header has', () => {
    const path = file('cols.csv', 'a,b,y\n1,2,3\n');
    assert.throws(() => loadTable(path, { features: ['a', 'bmi'], target: 'y', task: 'regression' }), /loadTable: .*cols\.csv line 1: no column "bmi"; the header names "a", "b", "y"/);
    assert.throws(() => loadTable(path, { features: ['a'], target: 'target', task: 'regression' }), /no column "target"/);
  });

  it('names file, line and column for a short row, a non-number and an empty value', () => {
    assert.throws(() => loadTable(file('short.csv', 'a,y\n1,2\n3\n'), { features: ['a'], target: 'y', task: 'regression' }), /short\.csv line 3: found 1 field, expected 2 \(the columns a, y\)/);
    assert.throws(() => loadTable(file('nan.csv', 'a,y\n1,2\nabc,3\n'), { features: ['a'], target: 'y', task: 'regression' }), /nan\.csv line 3, column "a": "abc" is not a number/);
    assert.throws(() => loadTable(file('empty.csv', 'a,y\n1,2\n4,\n'), { features: ['a'], target: 'y', task: 'regression' }), /empty\.csv line 3, column "y": the value is empty/);
  });

  it('refuses a fractional or negative class index, pointing to regression', () => {
    assert.throws(() => loadTable(file('frac.csv', 'a,y\n1,0\n2,1.5\n'), { features: ['a'], target: 'y', task: 'classification' }), /frac\.csv line 3, column "y": "1\.5" is not a class index .*task: 'regression'/);
  });

  it('refuses options that cannot be right: no features, the target among them, an unknown task, a binary file', () => {
    const path = file('ok.csv', 'a,y\n1,2\n');
    assert.throws(() => loadTable(path, { features: [], target: 'y', task: 'regression' }), /features is empty/);
    assert.throws(() => loadTable(path, { features: ['a', 'y'], target: 'y', task: 'regression' }), /the target "y" is also a feature/);
    assert.throws(() => loadTable(path, { features: ['a'], target: 'y', task: 'regresion' as 'regression' }), /task is "regresion", expected 'regression'/);
    assert.throws(() => loadTable(file('x.zip', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0])), { features: ['a'], target: 'y', task: 'regression' }), /loadTable: .*x\.zip is not a text file: it looks like a ZIP archive/);
    assert.throws(() => loadTable(join(dir, 'missing.csv'), { features: ['a'], target: 'y', task: 'regression' }), /loadTable: file not found/);
  });
});
