/**
 * Reading CSV files into danfojs DataFrames, with clear errors for missing, compressed and binary files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DataFrame } from 'danfojs-node';
import Papa from 'papaparse';
import { parseCsvRecords } from './csv-records.js';

/**
 * Options of {@link readCSV}. `delimiter`, `quoteChar`, `header` and `skipFirstNLines` are passed
 * to the CSV parser (PapaParse, which danfojs uses), `frameConfig` to the `DataFrame`.
 */
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
   * The character between fields, e.g. `';'`, `'\t'` or `' '`.
   * @default ','
   */
  delimiter?: string;
  /**
   * The character that quotes a field holding the delimiter or a line break; doubled inside quotes.
   * @default '"'
   */
  quoteChar?: string;
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

/** Whether `bytes` starts with `prefix` (at `offset`). */
function startsWith(bytes: Uint8Array, prefix: readonly number[] | string, offset = 0): boolean {
  const values = typeof prefix === 'string' ? [...prefix].map((c) => c.charCodeAt(0)) : prefix;
  return bytes.length >= offset + values.length && values.every((value, i) => bytes[offset + i] === value);
}

/** File kinds recognised by their first bytes ("magic numbers"), with what to do about each. */
const BINARY_KINDS: Array<{ test: (bytes: Uint8Array) => boolean; looksLike: string }> = [
  { test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]), looksLike: 'a ZIP archive (a .zip, or a spreadsheet such as .xlsx): unzip it, or export the sheet as CSV' },
  { test: (b) => startsWith(b, [0xd0, 0xcf, 0x11, 0xe0]), looksLike: 'an old Office document (.xls): export the sheet as CSV' },
  { test: (b) => startsWith(b, 'BZh'), looksLike: 'a bzip2 file: decompress it (bunzip2) first' },
  { test: (b) => startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), looksLike: 'an xz file: decompress it (unxz) first' },
  { test: (b) => startsWith(b, [0x28, 0xb5, 0x2f, 0xfd]), looksLike: 'a Zstandard file: decompress it (unzstd) first' },
  { test: (b) => startsWith(b, 'ustar', 257), looksLike: 'a tar archive: extract it (tar -xf) and read the CSV inside' },
  { test: (b) => startsWith(b, '%PDF'), looksLike: 'a PDF document' },
  { test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47]), looksLike: 'a PNG image' },
  { test: (b) => startsWith(b, [0xff, 0xd8, 0xff]), looksLike: 'a JPEG image' },
  { test: (b) => startsWith(b, 'PAR1'), looksLike: 'a Parquet file (read it with a Parquet reader, or write it out as CSV)' },
  { test: (b) => startsWith(b, 'SQLite format 3'), looksLike: 'an SQLite database' },
  { test: (b) => startsWith(b, [0x00, 0x00, 0x08]) && (b[3] ?? 0) >= 1 && (b[3] ?? 0) <= 4, looksLike: 'an IDX file (MNIST-style tensors), which is binary' },
  { test: (b) => startsWith(b, [0xff, 0xfe]) || startsWith(b, [0xfe, 0xff]), looksLike: 'UTF-16 text: save it as UTF-8' },
];

/** Whether the file's name or first bytes say gzip (magic bytes 1f 8b). */
function isGzip(path: string, bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x1f, 0x8b]) || /\.gz$/i.test(path);
}

/**
 * The text of a file that must be text: gzip (by the `.gz` extension or the magic bytes 1f 8b) is
 * decompressed, a UTF-8 byte order mark dropped; a file that is not UTF-8 text throws, naming the
 * file and what it looks like ("a ZIP archive", "binary data: 12 zero bytes in the first 8 KB").
 * Hand-written because no maintained package here both sniffs and decodes.
 */
export function readTextFile(path: string, caller: string): string {
  checkFileExists(path, caller);
  let bytes: Uint8Array = readFileSync(path);
  let what = path;
  if (isGzip(path, bytes)) {
    if (!startsWith(bytes, [0x1f, 0x8b])) {
      const kind = BINARY_KINDS.find(({ test }) => test(bytes));
      throw new Error(
        `${caller}: ${path} is named .gz but is not gzip-compressed (its first bytes are not 1f 8b${kind ? `; it looks like ${kind.looksLike}` : ''}); ` +
          'rename it or compress it with gzip',
      );
    }
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${caller}: ${path} is gzip-compressed but does not decompress (${reason}); the file is probably truncated: download it again`);
    }
    what = `${path} (after gunzip)`;
  }
  const kind = BINARY_KINDS.find(({ test }) => test(bytes));
  if (kind !== undefined) throw new Error(`${caller}: ${what} is not a text file: it looks like ${kind.looksLike}`);
  const head = bytes.subarray(0, 8192);
  const zeros = head.reduce((count, byte) => count + (byte === 0 ? 1 : 0), 0);
  if (zeros > 0) {
    throw new Error(
      `${caller}: ${what} is not a text file: it looks like binary data (${zeros} zero byte${zeros === 1 ? '' : 's'} in the first ` +
        `${head.length} bytes; text has none). Check that this is the CSV file and not a compressed or binary one`,
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let at = 0;
    while (at < bytes.length) {
      try {
        decoder.decode(bytes.subarray(0, at + 1024));
        at += 1024;
      } catch {
        break;
      }
    }
    throw new Error(
      `${caller}: ${what} is not UTF-8 text (an invalid byte sequence near byte ${at}); if it is Latin-1 or Windows-1252 text, ` +
        'convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8), otherwise check that this is the CSV file',
    );
  }
}

/**
 * The lines of a text file (gzip is decompressed), with a clear error when it is missing or not
 * text. Line `k` of the file is `lines[k - 1]`; a final newline does not add an empty line.
 */
export function readLines(path: string, caller: string): string[] {
  const lines = readTextFile(path, caller).split(/\r?\n/);
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
  const { header = true, skipFirstNLines = 0, frameConfig = {}, delimiter = ',', quoteChar = '"' } = options;
  // blank lines are skipped, as danfojs skips them
  const records = parseCsvRecords(text, path, { delimiter, quoteChar }).filter(({ line, fields }) => line > skipFirstNLines && fields.length > 0);
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
 * `frame.tensor`). A gzip-compressed file (`.gz`, or the gzip magic bytes) is decompressed first.
 *
 * danfojs is imported on the first call, so `import "trainbook"` stays fast. Beware: with a header
 * line whose names look like integers, danfojs reorders the columns (JavaScript orders integer-like
 * object keys first); pass `header: false` with `frameConfig.columns` in that case.
 *
 * The file is checked first, so a bad file fails here, naming it, instead of far away: a file that
 * is not text (a ZIP archive, a spreadsheet, binary data, a gzip file that does not decompress)
 * says what it looks like; every row must have as many fields as the header (or the first row); a
 * column whose first value is a number must hold numbers (or nothing) below, unless
 * `frameConfig.dtypes` says `string` for it.
 *
 * PyTorch: none (`pandas.read_csv`, which also reads `.gz` files).
 *
 * @param path - path of a local file (relative to the working directory).
 * @param options - parser and frame options, see {@link ReadCsvOptions}.
 * @example
 * ```ts
 * const frame = await readCSV('../../data/iris/iris.csv', { header: false, skipFirstNLines: 1 });
 * frame.head().print();
 * ```
 */
export async function readCSV(path: string, options: ReadCsvOptions = {}): Promise<DataFrame> {
  const text = readTextFile(path, 'readCSV');
  checkCsvRows(text, path, options);
  const { frameConfig = {}, header = true, skipFirstNLines = 0, delimiter = ',', quoteChar = '"' } = options;
  // What danfojs-node's readCSV does with a file stream, on the text read (and decompressed) above.
  const parsed = Papa.parse<Record<string, unknown> | unknown[]>(text, {
    header,
    dynamicTyping: !(frameConfig.dtypes ?? []).includes('string'),
    skipEmptyLines: true,
    delimiter,
    quoteChar,
    escapeChar: quoteChar,
    skipFirstNLines,
  });
  if (parsed.data.length === 0) throw new Error(`readCSV: ${path} has no rows`);
  const dfd = await importDanfo();
  try {
    return new dfd.DataFrame(parsed.data, frameConfig);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`readCSV: danfojs could not make a DataFrame of ${path}: ${reason}`);
  }
}
