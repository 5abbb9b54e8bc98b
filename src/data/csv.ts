/**
 * Reading CSV files into danfojs DataFrames, with clear errors for missing files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DataFrame } from 'danfojs-node';
import { parseCsvRecords } from './csv-records.js';

/** Options of {@link readCSV}: PapaParse's parse options, passed through to danfojs. */
export interface ReadCsvOptions {
  /**
   * Whether the first line names the columns.
   * @default true
   */
  header?: boolean;
  /**
   * Lines to skip before parsing (e.g. a header that does not name the columns).
   * @default 0
   */
  skipFirstNLines?: number;
  /**
   * Column names and dtypes of the resulting frame (`{ columns: [...] }`).
   * @default names from the header line, dtypes inferred
   */
  frameConfig?: { columns?: string[]; dtypes?: string[] };
}

/**
 * Throws a clear error unless `path` is an existing file: the message names the path tried, the
 * absolute path and the working directory (notebooks resolve relative paths from their folder).
 */
export function checkFileExists(path: string, caller: string): void {
  if (!existsSync(path)) {
    throw new Error(
      `${caller}: file not found: ${path} (looked for ${resolve(path)}; working directory ${process.cwd()}). ` +
        'Check the path; relative paths start from the working directory, which in a notebook is its folder.',
    );
  }
  if (!statSync(path).isFile()) {
    throw new Error(`${caller}: ${path} is a directory, expected a file (resolved to ${resolve(path)})`);
  }
}

/**
 * The lines of a text file, with a clear error when it is missing. Line `k` of the file is
 * `lines[k - 1]`; a final newline does not add an empty line.
 */
export function readLines(path: string, caller: string): string[] {
  checkFileExists(path, caller);
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Whether a CSV value reads as a number (what danfojs's dynamic typing makes a number). */
function isNumeric(value: string): boolean {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value);
}

/**
 * Throws, naming file, line and what is wrong, at the first row whose field count differs from
 * the header's (or the first row's), and at the first value that is not a number in a column
 * whose first value is one.
 */
function checkCsvRows(text: string, path: string, options: ReadCsvOptions): void {
  const { header = true, skipFirstNLines = 0, frameConfig = {} } = options;
  // blank lines are skipped, as danfojs skips them
  const records = parseCsvRecords(text, path).filter(({ line, fields }) => line > skipFirstNLines && fields.length > 0);
  if (records.length === 0) return;
  const names = header ? (records[0] as { fields: string[] }).fields : (frameConfig.columns ?? (records[0] as { fields: string[] }).fields.map((_, i) => String(i)));
  const rows = header ? records.slice(1) : records;
  const width = header ? names.length : (rows[0] as { fields: string[] }).fields.length;
  const columns = header || frameConfig.columns !== undefined ? ` (the columns ${names.join(', ')})` : '';
  for (const { line, fields } of rows) {
    if (fields.length !== width) {
      throw new Error(
        `readCSV: ${path} line ${line}: found ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${width}${columns}; ` +
          'fix this row (a missing or extra comma, or a quote that is not closed)',
      );
    }
  }
  const first = rows[0];
  if (first === undefined) return;
  for (let c = 0; c < width; c++) {
    if (frameConfig.dtypes?.[c] === 'string' || !isNumeric(first.fields[c] as string)) continue;
    for (const { line, fields } of rows) {
      const value = fields[c] as string;
      if (value.trim() !== '' && !isNumeric(value)) {
        throw new Error(
          `readCSV: ${path} line ${line}, column "${names[c] ?? c}": ${JSON.stringify(value)} is not a number, but the rows above hold ` +
            'numbers in this column (danfojs would turn the whole column into strings); fix the value, or pass ' +
            `frameConfig.dtypes with "string" for this column to read it as text`,
        );
      }
    }
  }
}

/** The danfojs module, imported on first use (importing it takes ~0.9 s). */
export async function importDanfo(): Promise<typeof import('danfojs-node')> {
  return import('danfojs-node');
}

/**
 * Reads a local CSV file into a danfojs `DataFrame` (for `frame.head()`, `frame.describe()`,
 * `frame.tensor`).
 *
 * danfojs is imported on the first call, so `import "trainbook"` stays fast. Beware: with a header
 * line whose names look like integers, danfojs reorders the columns (JavaScript orders integer-like
 * object keys first); pass `header: false` with `frameConfig.columns` in that case.
 *
 * The file is checked first, so a damaged row fails here, naming file and line, instead of far
 * away: every row must have as many fields as the header (or the first row), and a column whose
 * first value is a number must hold numbers (or nothing) below, unless `frameConfig.dtypes` says
 * `string` for it.
 *
 * PyTorch: none (`pandas.read_csv`).
 *
 * @param path - path of a local file (relative to the working directory).
 * @param options - PapaParse/danfojs options, see {@link ReadCsvOptions}.
 * @example
 * ```ts
 * const frame = await readCSV('../../data/iris/iris.csv', { header: false, skipFirstNLines: 1 });
 * frame.head().print();
 * ```
 */
export async function readCSV(path: string, options: ReadCsvOptions = {}): Promise<DataFrame> {
  checkFileExists(path, 'readCSV');
  checkCsvRows(readFileSync(path, 'utf8'), path, options);
  const dfd = await importDanfo();
  try {
    return await dfd.readCSV(path, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`readCSV: danfojs could not read ${path}: ${reason}`);
  }
}
