import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AG_NEWS_BASE_URL, downloadAgNews, md5File } from '../../src/text/download.js';
import { downloadCommand } from '../../src/cli/download-command.js';
import { UsageError } from '../../src/cli/args.js';

// A loopback server: /good/test.csv is the real file, /good/train.csv a corrupted copy (one byte
// changed), /cut/test.csv stops halfway, anything else is 404.
const testCsv = readFileSync('data/ag_news/test.csv');
const corrupted = Buffer.from(testCsv);
corrupted[100] ^= 1;
let server: Server;
let base = '';
const requests: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/good/test.csv') res.end(testCsv);
    else if (req.url === '/good/train.csv') res.end(corrupted);
    else if (req.url === '/cut/test.csv') {
      res.writeHead(200, { 'content-length': String(testCsv.length) });
      res.write(testCsv.subarray(0, 1000), () => res.destroy());
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
});
after(() => server.close());

const quiet = (): void => undefined;

test('downloadAgNews downloads test.csv and checks the md5 torchtext uses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agdl-'));
  const results = await downloadAgNews({ dir, baseUrl: `${base}/good/`, splits: ['test'], log: quiet });
  assert.deepEqual(results, [{ split: 'test', path: join(dir, 'test.csv'), status: 'downloaded', bytes: testCsv.length, md5: 'd52ea96a97a2d943681189a97654912d' }]);
  assert.equal(await md5File(join(dir, 'test.csv')), 'd52ea96a97a2d943681189a97654912d');
  // A second run finds the file and does not download it again.
  const count = requests.length;
  const again = await downloadAgNews({ dir, baseUrl: `${base}/good`, splits: ['test'], log: quiet });
  assert.equal(again[0].status, 'present');
  assert.equal(requests.length, count);
});

test('a corrupted download is an error with both md5s and leaves no file behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agdl-'));
  await assert.rejects(downloadAgNews({ dir, baseUrl: `${base}/good`, splits: ['train'], log: quiet }), (error: Error) => {
    assert.match(error.message, /\/good\/train\.csv gave 1857427 bytes with md5 [0-9a-f]{32}, expected md5 b1a00f826fdfbd249f79597b59e1dc12/);
    assert.match(error.message, /nothing was written/);
    return true;
  });
  assert.deepEqual(readdirSync(dir), []);
});

test('a download cut short or a 404 is an error naming the URL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agdl-'));
  await assert.rejects(downloadAgNews({ dir, baseUrl: `${base}/cut`, splits: ['test'], log: quiet }), /cut\/test\.csv/);
  assert.deepEqual(readdirSync(dir), []);
  await assert.rejects(downloadAgNews({ dir, baseUrl: `${base}/missing`, splits: ['test'], log: quiet }), /missing\/test\.csv answered HTTP 404/);
});

test('a file with the wrong md5 on disk is downloaded again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agdl-'));
  writeFileSync(join(dir, 'test.csv'), 'stale');
  const lines: string[] = [];
  const [result] = await downloadAgNews({ dir, baseUrl: `${base}/good`, splits: ['test'], log: (l) => lines.push(l) });
  assert.equal(result.status, 'downloaded');
  assert.ok(lines[0].includes('differs from d52ea96a97a2d943681189a97654912d'));
});

test('the download command parses its flags, returns an exit code and refuses a bad command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agdl-'));
  const out: string[] = [];
  const err: string[] = [];
  assert.equal(await downloadCommand(['ag-news', '--dir', dir, '--base-url', `${base}/good`, '--split', 'test'], (l) => out.push(l), (l) => err.push(l)), 0);
  assert.ok(existsSync(join(dir, 'test.csv')));
  assert.equal(await downloadCommand(['ag-news', '--dir', dir, '--base-url', `${base}/good`], quiet, (l) => err.push(l)), 1);
  assert.match(err.at(-1) ?? '', /expected md5 b1a00f826fdfbd249f79597b59e1dc12/);
  await assert.rejects(downloadCommand(['ag-news', '--split', 'valid'], quiet, quiet), (e) => e instanceof UsageError && /--split is "valid", expected train or test/.test(e.message));
  await assert.rejects(downloadCommand(['imdb'], quiet, quiet), (e) => e instanceof UsageError && /"imdb" given, expected "ag-news"/.test(e.message));
  await assert.rejects(downloadCommand(['ag-news', '--dri', dir], quiet, quiet), (e) => e instanceof UsageError && /unknown option "--dri"/.test(e.message));
  assert.equal(await downloadCommand(['ag-news', '--help'], (l) => out.push(l), quiet), 0);
  assert.ok(out.at(-1)?.includes(AG_NEWS_BASE_URL));
});
