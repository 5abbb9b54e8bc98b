/**
 * Downloading the full AG News release (`train.csv`, `test.csv`) from where torchtext gets it,
 * checking the md5 sums torchtext checks.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Where torchtext's `AG_NEWS` downloads the release from; `{split}.csv` is appended. */
export const AG_NEWS_BASE_URL = 'https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv';

/** The md5 sums torchtext's `AG_NEWS` checks (`torchtext/datasets/ag_news.py`). */
export const AG_NEWS_MD5 = {
  train: 'b1a00f826fdfbd249f79597b59e1dc12',
  test: 'd52ea96a97a2d943681189a97654912d',
} as const;

/** A split of the release. */
export type AgNewsSplit = keyof typeof AG_NEWS_MD5;

/** Options of {@link downloadAgNews}. */
export interface DownloadAgNewsOptions {
  /** Folder to write `train.csv` and `test.csv` into (created if missing). @default "data/ag_news" */
  dir?: string;
  /** Base URL; `/train.csv` and `/test.csv` are appended. @default {@link AG_NEWS_BASE_URL} */
  baseUrl?: string;
  /** Which files. @default ["train", "test"] */
  splits?: AgNewsSplit[];
  /** Where progress lines go. @default console.log */
  log?: (line: string) => void;
}

/** What happened to one file. */
export interface DownloadResult {
  split: AgNewsSplit;
  path: string;
  /** `"downloaded"`, or `"present"` when the file was already there with the right md5. */
  status: 'downloaded' | 'present';
  bytes: number;
  md5: string;
}

/**
 * The md5 of a file on disk, as 32 hex digits (read in a stream, so large files are fine).
 *
 * PyTorch: the md5 check of torchdata's `on_disk_cache(hash_type="md5")`.
 */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Downloads the AG News release into `dir` and checks each file's md5 against torchtext's.
 *
 * A file that is already there with the right md5 is kept. A download goes to `<name>.part` first
 * and is renamed only when its md5 matches, so a failed or corrupted download never replaces
 * or looks like a good file; on a mismatch the partial file is deleted and the error gives the
 * expected and actual md5.
 *
 * PyTorch: what `torchtext.datasets.AG_NEWS(root)` does on first use (`HttpReader` plus the md5
 * check of `on_disk_cache`).
 *
 * @example
 * await downloadAgNews({ dir: 'data/ag_news' }); // then loadAgNews('data/ag_news').train has 120,000 rows
 */
export async function downloadAgNews(options: DownloadAgNewsOptions = {}): Promise<DownloadResult[]> {
  const { dir = join('data', 'ag_news'), baseUrl = AG_NEWS_BASE_URL, splits = ['train', 'test'], log = console.log } = options;
  mkdirSync(dir, { recursive: true });
  const results: DownloadResult[] = [];
  for (const split of splits) {
    const expected = AG_NEWS_MD5[split];
    if (expected === undefined) throw new Error(`downloadAgNews: unknown split ${JSON.stringify(split)}, expected "train" or "test"`);
    const path = join(dir, `${split}.csv`);
    if (existsSync(path)) {
      const md5 = await md5File(path);
      if (md5 === expected) {
        log(`${path}: already there, md5 ${md5} ok`);
        results.push({ split, path, status: 'present', bytes: 0, md5 });
        continue;
      }
      log(`${path}: md5 ${md5} differs from ${expected}; downloading it again`);
    }
    const url = `${baseUrl.replace(/\/+$/, '')}/${split}.csv`;
    log(`${url} -> ${path}`);
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new Error(`downloadAgNews: could not reach ${url} (${(error as Error).message}); check the network or pass another --base-url`);
    }
    if (!response.ok || response.body === null) {
      throw new Error(`downloadAgNews: ${url} answered HTTP ${response.status} ${response.statusText}; expected 200 with the file`);
    }
    const part = `${path}.part`;
    const hash = createHash('md5');
    let bytes = 0;
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    try {
      await pipeline(body, createWriteStream(part));
    } catch (error) {
      rmSync(part, { force: true });
      throw new Error(`downloadAgNews: download of ${url} failed after ${bytes} bytes (${(error as Error).message}); run the command again`);
    }
    const md5 = hash.digest('hex');
    if (md5 !== expected) {
      rmSync(part, { force: true });
      throw new Error(
        `downloadAgNews: ${url} gave ${bytes} bytes with md5 ${md5}, expected md5 ${expected} (torchtext's value); ` +
          'the download is corrupted or the file changed upstream; nothing was written, run the command again',
      );
    }
    renameSync(part, path);
    log(`${path}: ${bytes} bytes, md5 ${md5} ok`);
    results.push({ split, path, status: 'downloaded', bytes, md5 });
  }
  return results;
}
