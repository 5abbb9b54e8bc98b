/**
 * Reading the AG News release (`train.csv`, `test.csv`) the way torchtext's `AG_NEWS` reads it.
 *
 * Each row has three fields: class index 1-4, title, description. Fields are quoted with `"`, a `"`
 * inside a field is written `""`, and commas inside quotes are text. Backslash sequences in the
 * release (`\$`, `\\`, a `\` where a line break was) are kept as they are, because Python's `csv`
 * module (which torchtext uses) keeps them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { parseCsvRecords } from '../data/csv-records.js';

/** The four AG News classes, in label order (label 1 is `World`). */
export const AG_NEWS_CLASSES = ['World', 'Sports', 'Business', 'Sci/Tech'] as const;

/** One row of the release. */
export interface AgNewsRow {
  /** Class index as in the file, 1-4 (1 World, 2 Sports, 3 Business, 4 Sci/Tech). */
  label: number;
  title: string;
  description: string;
}

/** Number of rows torchtext expects in each split. */
export const AG_NEWS_NUM_LINES = { train: 120_000, test: 7_600 } as const;

/**
 * Parses the text of an AG News CSV file into rows, checking every row.
 *
 * Errors name the file and line: a row without exactly 3 fields, a class that is not an integer 1-4.
 *
 * PyTorch: what `torchtext.datasets.AG_NEWS` does per row (`int(t[0])`, the rest kept as text).
 *
 * @example
 * parseAgNewsCsv('"3","Wall St. Bears Claw Back","Reuters - Short-sellers, ..."\n', 'train.csv');
 * // [{ label: 3, title: "Wall St. Bears Claw Back", description: "Reuters - Short-sellers, ..." }]
 */
export function parseAgNewsCsv(text: string, file = '<string>'): AgNewsRow[] {
  return parseCsvRecords(text, file).map(({ line, fields }) => {
    if (fields.length !== 3) {
      throw new Error(
        `${file} line ${line}: found ${fields.length} field${fields.length === 1 ? '' : 's'}, expected 3 ` +
          '(class index, title, description); check the quoting of this row',
      );
    }
    const [labelText, title, description] = fields;
    const label = Number(labelText.trim());
    if (!/^\s*[0-9]+\s*$/.test(labelText) || !(label >= 1 && label <= 4)) {
      throw new Error(
        `${file} line ${line}: class ${JSON.stringify(labelText)} is not one of 1, 2, 3, 4 ` +
          `(${AG_NEWS_CLASSES.map((name, i) => `${i + 1} ${name}`).join(', ')})`,
      );
    }
    return { label, title, description };
  });
}

/**
 * Reads one AG News CSV file from disk (UTF-8) and parses it with {@link parseAgNewsCsv}.
 *
 * PyTorch: one split of `torchtext.datasets.AG_NEWS(root)`.
 */
export function readAgNewsCsv(path: string): AgNewsRow[] {
  if (!existsSync(path)) {
    throw new Error(
      `readAgNewsCsv: ${path} does not exist; trainbook ships data/ag_news/test.csv, ` +
        'and `trainbook download ag-news` fetches train.csv and test.csv',
    );
  }
  return parseAgNewsCsv(readFileSync(path, 'utf8'), path);
}

/**
 * The text torchtext's `AG_NEWS` yields for a row: title and description joined by one space.
 *
 * PyTorch: `" ".join(t[1:])` in torchtext's `AG_NEWS` (`_modify_res`).
 */
export function agNewsText(row: AgNewsRow): string {
  return `${row.title} ${row.description}`;
}

/** What {@link loadAgNews} found. */
export interface AgNewsSplits {
  /** Rows of `train.csv`, or `null` when the folder has no `train.csv`. */
  train: AgNewsRow[] | null;
  /** Rows of `test.csv`. */
  test: AgNewsRow[];
}

/**
 * Loads the AG News folder: `test.csv` always, `train.csv` when it is there.
 *
 * The project ships only `test.csv`; a user who ran `trainbook download ag-news` also has
 * `train.csv`, and then the course trains on the full release.
 *
 * PyTorch: `train_iter, test_iter = AG_NEWS()`.
 *
 * @example
 * const { train, test } = loadAgNews('../../data/ag_news');
 * console.log(train === null ? 'test split only' : `${train.length} training rows`);
 */
export function loadAgNews(dir: string): AgNewsSplits {
  const trainPath = join(dir, 'train.csv');
  const test = readAgNewsCsv(join(dir, 'test.csv'));
  const train = existsSync(trainPath) ? readAgNewsCsv(trainPath) : null;
  return { train, test };
}

/**
 * The rows as a dataset of `[label, text]` examples (label 1-4, text = title + " " + description),
 * exactly what torchtext's `AG_NEWS` yields.
 *
 * PyTorch: `to_map_style_dataset(AG_NEWS(split=...))`.
 *
 * @example
 * const testData = new AgNewsDataset(loadAgNews('../../data/ag_news').test);
 * testData.get(0); // [3, "Fears for T N pension after talks Unions representing workers at ..."]
 */
export class AgNewsDataset implements Dataset<[number, string]> {
  readonly rows: readonly AgNewsRow[];

  constructor(rows: readonly AgNewsRow[]) {
    this.rows = rows;
  }

  /** Number of examples. */
  get length(): number {
    return this.rows.length;
  }

  /** The example at `index`: `[label 1-4, text]`. */
  get(index: number): [number, string] {
    const row = this.rows[index];
    if (row === undefined || !Number.isInteger(index)) {
      throw new RangeError(`AgNewsDataset: index ${index} is out of range 0 to ${this.rows.length - 1}`);
    }
    return [row.label, agNewsText(row)];
  }
}
