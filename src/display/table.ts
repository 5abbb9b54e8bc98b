/**
 * Tables of danfojs DataFrames and Series and of tf.js tensors, as HTML with a text fallback.
 */
import { escapeHtml } from './html.js';
import { getDisplaySink } from './sink.js';
import { pyFixed, tensorToText, type TensorLike } from './tensor-text.js';

/**
 * What `showTable` reads from a danfojs DataFrame or Series (no browser needed): `columns`,
 * `values` (rows of a DataFrame, or the values of a Series), `index` and `dtypes` when present.
 */
export interface FrameLike {
  readonly columns: readonly string[];
  readonly values: readonly unknown[];
  readonly index?: readonly (string | number)[];
  readonly dtypes?: readonly string[];
}

/** Something `showTable` can show. */
export type Tabular = FrameLike | TensorLike;

/** Options of {@link showTable} and {@link tableHtml}. */
export interface TableOptions {
  /** Rows shown; longer tables show the first and last rows around a `…` row. @default 10 */
  maxRows?: number;
  /** Columns shown; wider tables show the first and last columns around a `…` column. @default 20 */
  maxColumns?: number;
  /** Caption above the table. @default the size (`150 rows × 5 columns`, or a tensor's dtype and shape) */
  caption?: string;
}

interface Grid {
  header: string[];
  rowLabels: string[];
  cells: string[][];
  caption: string;
  numeric: boolean[];
  /** Rank > 2 tensors have no grid: their text is shown instead. */
  text?: string;
}

const ELLIPSIS = '…';

function isTensorLike(x: unknown): x is TensorLike {
  return (
    typeof x === 'object' && x !== null && 'dataSync' in x && typeof x.dataSync === 'function' && 'shape' in x && Array.isArray(x.shape) && 'dtype' in x
  );
}

function isFrameLike(x: unknown): x is FrameLike {
  return typeof x === 'object' && x !== null && 'columns' in x && Array.isArray(x.columns) && 'values' in x && Array.isArray(x.values);
}

/** Positions shown out of `size` when at most `max` fit (`-1` marks the gap). */
function shownPositions(size: number, max: number): number[] {
  if (size <= max) return Array.from({ length: size }, (_, i) => i);
  const head = Math.ceil(max / 2);
  const tail = Math.max(0, max - head);
  return [...Array.from({ length: head }, (_, i) => i), -1, ...Array.from({ length: tail }, (_, i) => size - tail + i)];
}

function decimalsOf(v: number): number {
  const text = String(v);
  if (/e/i.test(text)) return 4;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Formats one column's numbers alike: as many decimals as the longest needs, at most 4. */
function formatColumn(values: readonly unknown[]): { texts: string[]; numeric: boolean } {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const numeric = values.length > 0 && values.every((v) => typeof v === 'number');
  const decimals = Math.min(4, Math.max(0, ...numbers.map(decimalsOf)));
  const texts = values.map((v) => {
    if (typeof v === 'number') return Number.isFinite(v) ? v.toFixed(decimals) : String(v);
    if (v === null || v === undefined) return 'NaN';
    return String(v);
  });
  return { texts, numeric };
}

function frameGrid(frame: FrameLike, options: TableOptions): Grid {
  const maxRows = options.maxRows ?? 10;
  const maxColumns = options.maxColumns ?? 20;
  const isSeries = frame.values.length > 0 ? !Array.isArray(frame.values[0]) : frame.columns.length === 1;
  const rows: readonly unknown[][] = isSeries ? frame.values.map((v) => [v]) : (frame.values as unknown[][]);
  frame.values.forEach((row, i) => {
    if (!isSeries && (!Array.isArray(row) || row.length !== frame.columns.length)) {
      throw new Error(`showTable: row ${i} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${frame.columns.length} (one per column)`);
    }
  });
  const rowPositions = shownPositions(rows.length, maxRows);
  const columnPositions = shownPositions(frame.columns.length, maxColumns);
  const index = frame.index ?? rows.map((_, i) => i);
  const realRows = rowPositions.filter((r) => r >= 0);
  const columnTexts = columnPositions.map((c) => {
    if (c < 0) return { texts: realRows.map(() => ELLIPSIS), numeric: false };
    return formatColumn(realRows.map((r) => rows[r]?.[c]));
  });
  let real = 0;
  const cells = rowPositions.map((r) => {
    if (r < 0) return columnTexts.map(() => ELLIPSIS);
    const i = real++;
    return columnTexts.map((column) => column.texts[i] ?? '');
  });
  return {
    header: columnPositions.map((c) => (c < 0 ? ELLIPSIS : String(frame.columns[c]))),
    rowLabels: rowPositions.map((r) => (r < 0 ? ELLIPSIS : String(index[r]))),
    cells,
    numeric: columnTexts.map((column) => column.numeric),
    caption:
      options.caption ??
      `${rows.length} row${rows.length === 1 ? '' : 's'} × ${frame.columns.length} column${frame.columns.length === 1 ? '' : 's'}`,
  };
}

function tensorGrid(t: TensorLike, options: TableOptions): Grid {
  const maxRows = options.maxRows ?? 10;
  const maxColumns = options.maxColumns ?? 20;
  const shape = [...t.shape];
  const caption = options.caption ?? `tensor, dtype ${t.dtype}, shape [${shape.join(', ')}]`;
  if (shape.length > 2) return { header: [], rowLabels: [], cells: [], numeric: [], caption, text: tensorToText(t) };
  const data = t.dataSync();
  const numRows = shape.length === 0 ? 1 : (shape[0] ?? 0);
  const numColumns = shape.length === 2 ? (shape[1] ?? 0) : 1;
  const format = (v: unknown): string => {
    if (t.dtype === 'bool') return v === 1 || v === true ? 'True' : 'False';
    if (t.dtype === 'float32') return pyFixed(Number(v), 4);
    if (v instanceof Uint8Array) return new TextDecoder().decode(v);
    return String(v);
  };
  const rowPositions = shownPositions(numRows, maxRows);
  const columnPositions = shownPositions(numColumns, maxColumns);
  return {
    header: shape.length === 2 ? columnPositions.map((c) => (c < 0 ? ELLIPSIS : String(c))) : ['value'],
    rowLabels: shape.length === 0 ? [''] : rowPositions.map((r) => (r < 0 ? ELLIPSIS : String(r))),
    cells: rowPositions.map((r) => columnPositions.map((c) => (r < 0 || c < 0 ? ELLIPSIS : format(data[r * numColumns + c])))),
    numeric: columnPositions.map(() => t.dtype !== 'string' && t.dtype !== 'bool'),
    caption,
  };
}

function grid(x: Tabular, options: TableOptions): Grid {
  const maxRows = options.maxRows ?? 10;
  if (!(Number.isInteger(maxRows) && maxRows >= 1)) throw new Error(`showTable: maxRows is ${maxRows}, expected an integer >= 1`);
  if (isTensorLike(x)) return tensorGrid(x, options);
  if (isFrameLike(x)) return frameGrid(x, options);
  throw new Error('showTable: expected a danfojs DataFrame or Series (columns and values) or a tf.Tensor (shape, dtype, dataSync)');
}

/**
 * The HTML table of a DataFrame, Series or tensor (rank 0-2; a higher rank shows its text in a
 * `<pre>`): escaped, at most `maxRows` rows and `maxColumns` columns, size or dtype and shape in the caption.
 *
 * PyTorch: pandas' `df._repr_html_()` in the tutorials' data cells.
 */
export function tableHtml(x: Tabular, options: TableOptions = {}): string {
  const g = grid(x, options);
  const caption = `<caption style="caption-side:top;text-align:left;color:#555;padding:2px 0;white-space:nowrap;">${escapeHtml(g.caption)}</caption>`;
  const style = 'border-collapse:collapse;font:13px/1.5 ui-monospace,monospace;';
  if (g.text !== undefined) {
    return `<table class="trainbook-table" style="${style}">${caption}<tbody><tr><td><pre style="margin:0">${escapeHtml(g.text)}</pre></td></tr></tbody></table>`;
  }
  const cell = 'padding:2px 10px;border-bottom:1px solid #ddd;';
  const head = `<thead><tr><th style="${cell}"></th>${g.header
    .map((h, i) => `<th style="${cell}text-align:${g.numeric[i] ? 'right' : 'left'};">${escapeHtml(h)}</th>`)
    .join('')}</tr></thead>`;
  const body = g.cells
    .map(
      (row, r) =>
        `<tr><th style="${cell}text-align:right;color:#555;">${escapeHtml(g.rowLabels[r] ?? '')}</th>${row
          .map((v, i) => `<td style="${cell}text-align:${g.numeric[i] ? 'right' : 'left'};">${escapeHtml(v)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="trainbook-table" style="${style}">${caption}${head}<tbody>${body}</tbody></table>`;
}

/**
 * The plain-text table (columns aligned), or `tensorToText` for a tensor.
 *
 * PyTorch: none (pandas' `repr(df)`).
 */
export function tableText(x: Tabular, options: TableOptions = {}): string {
  if (isTensorLike(x)) return tensorToText(x);
  const g = grid(x, options);
  const columns = [['', ...g.rowLabels], ...g.header.map((h, i) => [h, ...g.cells.map((row) => row[i] ?? '')])];
  const widths = columns.map((column) => Math.max(...column.map((v) => v.length)));
  const lines = columns[0]?.map((_, r) =>
    columns.map((column, c) => (c === 0 || g.numeric[c - 1] ? (column[r] ?? '').padStart(widths[c] ?? 0) : (column[r] ?? '').padEnd(widths[c] ?? 0))).join('  ').trimEnd(),
  );
  return [...(lines ?? []), '', `[${g.caption}]`].join('\n');
}

/**
 * Shows a danfojs DataFrame or Series, or a tf.js tensor, as a table (HTML, with text for
 * terminals: aligned columns, or PyTorch-style `tensor([[...]])` for a tensor).
 *
 * PyTorch: `df.head(10)` as a cell's last line (pandas), or `print(t)` for a tensor.
 * @example
 * const df = await dfd.readCSV('../../data/iris/iris.csv');
 * showTable(df, { maxRows: 6 });
 * showTable(tf.tensor2d([[0.1, 0.2], [0.3, 0.4]]));
 */
export function showTable(x: Tabular, options: TableOptions = {}): void {
  getDisplaySink().display({ 'text/html': tableHtml(x, options), 'text/plain': tableText(x, options) });
}
