// Files written whole or not at all: a writer killed mid-write leaves the old file, never a truncated one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileWhole, writeFileWholeSync } from '../../src/io/write-whole.js';

const dir = mkdtempSync(join(tmpdir(), 'trainbook-write-whole-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a process that writes 256 MB to `path` with `fn`, kills it `delayMs` after it says it starts writing. */
async function killMidWrite(fn: 'writeFileWholeSync' | 'writeFileSync', path: string, delayMs: number): Promise<void> {
  const module = resolve('src/io/write-whole.ts');
  const code = [
    `const { writeFileWholeSync } = await import(${JSON.stringify(module)});`,
    `const { writeFileSync } = await import('node:fs');`,
    'const data = Buffer.alloc(256 * 1024 * 1024, 7);',
    'process.stdout.write("writing\\n");',
    `${fn}(${JSON.stringify(path)}, data);`,
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((done) => child.stdout.once('data', () => done()));
  await new Promise((done) => setTimeout(done, delayMs));
  child.kill('SIGKILL');
  await new Promise((done) => child.once('exit', done));
}

describe('writeFileWhole', () => {
  it('replaces a file with the new contents and leaves no temporary file', async () => {
    const path = join(dir, 'a.json');
    writeFileWholeSync(path, 'old');
    await writeFileWhole(path, 'new');
    assert.equal(readFileSync(path, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('a.json')), ['a.json']);
  });

  it('a writer killed mid-write leaves the old file whole', async () => {
    const path = join(dir, 'notebook.ipynb');
    writeFileSync(path, 'the old notebook');
    for (const delayMs of [5, 40, 120]) {
      await killMidWrite('writeFileWholeSync', path, delayMs);
      const size = statSync(path).size;
      // (plain writeFileSync, killed the same way, left 29-48 MB of the 256)
      assert.ok(size === 'the old notebook'.length || size === 256 * 1024 * 1024, `killed after ${delayMs} ms: ${path} holds ${size} bytes`);
    }
  });

  it('a failed write leaves the old file and no temporary file', () => {
    const path = join(dir, 'b.txt');
    writeFileWholeSync(path, 'old');
    assert.throws(() => writeFileWholeSync(join(dir, 'missing-folder', 'b.txt'), 'new'), /ENOENT/);
    assert.equal(readFileSync(path, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('.b.txt.')), []);
  });
});
