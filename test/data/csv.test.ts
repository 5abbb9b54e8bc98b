import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readCSV, type ReadCsvOptions } from '../../src/data/csv.js';

const dir = mkdtempSync(join(tmpdir(), 'trainbook-csv-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readCSV on a damaged file', () => {
  it('fails at a row with too few fields, naming file, line and both counts', async () => {
    const path = file('short-row.csv', 'a,b,c\n1,2,3\n4,5\n7,8,9\n');
    await assert.rejects(readCSV(path), /readCSV: .*short-row\.csv line 3: found 2 fields, expected 3 \(the columns a, b, c\)/);
  });

  it('fails at a row with too many fields', async () => {
    const path = file('long-row.csv', 'a,b\n1,2\n3,4,5\n');
    await assert.rejects(readCSV(path), /long-row\.csv line 3: found 3 fields, expected 2/);
  });

  it('fails where a numeric column meets a value that is not a number, naming line, column and value', async () => {
    const path = file('not-a-number.csv', 'x,y\n1.5,0\n2.5,1\nabc,1\n');
    await assert.rejects(readCSV(path), /readCSV: .*not-a-number\.csv line 4, column "x": "abc" is not a number, but the rows above hold numbers/);
  });

  it('counts lines from the file, with skipFirstNLines and without a header', async () => {
    const path = file('skip.csv', 'some title line\n1,2\n3\n');
    await assert.rejects(readCSV(path, { header: false, skipFirstNLines: 1 }), /skip\.csv line 3: found 1 field, expected 2/);
  });

  it('still reads a sound file, empty values included', async () => {
    const frame = await readCSV(file('fine.csv', 'x,name\n1,a\n,b\n3,"c, d"\n'));
    assert.deepEqual(frame.shape, [3, 2]);
  });
});

describe('readCSV on compressed and binary files', () => {
  const csv = 'x,y,name\n1.5,2,a\n3.5,4,b\n';
  function bytes(name: string, data: Uint8Array): string {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  }

  it('reads a gzipped file by its .gz extension, with the same frame as the plain file', async () => {
    const plain = await readCSV(file('plain.csv', csv));
    const zipped = await readCSV(bytes('zipped.csv.gz', gzipSync(csv)));
    assert.deepEqual(zipped.columns, plain.columns);
    assert.deepEqual(zipped.values, plain.values);
    assert.deepEqual(zipped.values, [[1.5, 2, 'a'], [3.5, 4, 'b']]);
  });

  it('reads a gzipped file by its magic bytes when the name does not say so', async () => {
    const frame = await readCSV(bytes('no-extension.csv', gzipSync(csv)));
    assert.deepEqual(frame.values, [[1.5, 2, 'a'], [3.5, 4, 'b']]);
  });

  it('checks the rows of a gzipped file too, naming file and line', async () => {
    await assert.rejects(readCSV(bytes('bad-row.csv.gz', gzipSync('a,b\n1,2\n3\n'))), /bad-row\.csv\.gz line 3: found 1 field, expected 2/);
  });

  it('fails on a ZIP archive (or .xlsx) at readCSV, naming the file and what it looks like', async () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0, 1, 2, 3, 4]);
    await assert.rejects(readCSV(bytes('sheet.csv', zip)), /readCSV: .*sheet\.csv is not a text file: it looks like a ZIP archive/);
  });

  it('fails on binary data, saying it looks like binary', async () => {
    const binary = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256);
    await assert.rejects(readCSV(bytes('data.bin', binary)), /readCSV: .*data\.bin is not a text file: it looks like binary data \(\d+ zero bytes? in the first 64 bytes/);
  });

  it('fails on a .gz file that is not gzip, and on a truncated gzip file', async () => {
    await assert.rejects(readCSV(file('fake.csv.gz', csv)), /fake\.csv\.gz is named \.gz but is not gzip-compressed/);
    const truncated = gzipSync(csv.repeat(50)).subarray(0, 30);
    await assert.rejects(readCSV(bytes('cut.csv.gz', truncated)), /cut\.csv\.gz is gzip-compressed but does not decompress .*truncated/);
  });

  it('fails on a gzipped archive inside, saying what the decompressed bytes look like', async () => {
    const tar = new Uint8Array(512);
    tar.set([...'ustar'].map((c) => c.charCodeAt(0)), 257);
    await assert.rejects(readCSV(bytes('bundle.tar.gz', gzipSync(tar))), /bundle\.tar\.gz \(after gunzip\) is not a text file: it looks like a tar archive/);
  });

  it('fails on Latin-1 text, saying how to convert it', async () => {
    await assert.rejects(readCSV(bytes('latin1.csv', Buffer.from('name,n\ncaf\xe9,1\n', 'latin1'))), /latin1\.csv is not UTF-8 text .*convert it to UTF-8/);
  });
});

describe('readCSV options', () => {
  it('takes delimiter and quoteChar as typed options, for the check and the frame', async () => {
    const options: ReadCsvOptions = { delimiter: ';', quoteChar: "'" };
    const frame = await readCSV(file('semicolon.csv', "a;b\n1;'x;y'\n2;z\n"), options);
    assert.deepEqual(frame.columns, ['a', 'b']);
    assert.deepEqual(frame.values, [[1, 'x;y'], [2, 'z']]);
    await assert.rejects(readCSV(file('semicolon-bad.csv', 'a;b\n1;2\n3\n'), { delimiter: ';' }), /semicolon-bad\.csv line 3: found 1 field, expected 2/);
  });

  it('reads space-delimited files without a header, with column names given', async () => {
    const frame = await readCSV(file('spaces.txt', '1 2\n3 4\n'), { delimiter: ' ', header: false, frameConfig: { columns: ['p', 'q'] } });
    assert.deepEqual(frame.columns, ['p', 'q']);
    assert.deepEqual(frame.values, [[1, 2], [3, 4]]);
  });
});
