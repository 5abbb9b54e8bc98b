// Every file the course ships under data/ is listed in data/README.md, and every checksum and size
// the README gives is the file's: a new section's data is checked by listing it there.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.name.startsWith('.') ? [] : [path];
  });
}

const readme = readFileSync('data/README.md', 'utf8');
// Table rows that name a file in their first cell: `iris/iris.csv`: ...
const rows = readme
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));

test('data/README.md lists every file under data/', () => {
  const shipped = files('data').map((p) => relative('data', p).split('\\').join('/')).filter((p) => p !== 'README.md');
  const unlisted = shipped.filter((p) => !readme.includes(`\`${p}\``));
  assert.deepEqual(unlisted, [], 'files under data/ with no row in data/README.md (add one: source, licence, size, sha256)');
});

test('the sizes and sha256 checksums in data/README.md are the files\'', () => {
  let checked = 0;
  for (const cells of rows) {
    const file = cells.map((c) => c.match(/^`([^`]+)`/)?.[1]).find((f) => f !== undefined);
    const hashAt = cells.findIndex((c) => /^[0-9a-f]{64}\b/.test(c));
    if (file === undefined || hashAt < 0) continue;
    const bytes = readFileSync(join('data', file));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), cells[hashAt]?.slice(0, 64), `data/${file}: sha256`);
    const size = Number(cells[hashAt - 1]?.match(/^[\d,]+/)?.[0]?.replace(/,/g, ''));
    assert.equal(statSync(join('data', file)).size, size, `data/${file}: bytes`);
    checked += 1;
  }
  assert.ok(checked >= 8, `only ${checked} rows with a checksum found in data/README.md`);
});
