import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readCSV } from '../../src/data/csv.js';

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
