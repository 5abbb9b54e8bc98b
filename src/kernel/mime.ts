/**
 * Rich output of a cell's last expression (and of `display(value)`): a Jupyter mime bundle per kind of value.
 */
import { inspect } from 'node:util';
import { figureBundle, type PlotlyFigure } from '../display/plotly.js';
import type { MimeBundle } from '../display/sink.js';
import { tableHtml, tableText } from '../display/table.js';
import { tensorToText, type TensorLike } from '../display/tensor-text.js';

/**
 * Objects that render themselves define a method under this symbol returning a mime bundle
 * (`{ 'text/html': ..., 'text/plain': ... }`).
 *
 * PyTorch: IPython's `_repr_mimebundle_()`.
 * @example
 * class Score { [Symbol.for('trainbook.mimeBundle')]() { return { 'text/plain': 'score 0.97' }; } }
 */
export const MIME_BUNDLE = Symbol.for('trainbook.mimeBundle');

function isRecord(x: unknown): x is Record<string | symbol, unknown> {
  return typeof x === 'object' && x !== null;
}

/** A tf.js tensor (duck-typed so any copy of tf.js qualifies). */
export function isTensor(x: unknown): x is TensorLike & { isDisposed: boolean } {
  return (
    isRecord(x) &&
    Array.isArray(x.shape) &&
    typeof x.dtype === 'string' &&
    typeof x.dataSync === 'function' &&
    typeof x.isDisposed === 'boolean' &&
    'rankType' in x
  );
}

/** A danfojs DataFrame or Series (columns and values, as danfojs-node 1.2 has them). */
function isFrame(x: unknown): x is { columns: string[]; values: unknown[]; index?: (string | number)[]; dtypes?: string[] } {
  if (!isRecord(x) || !Array.isArray(x.values)) return false;
  const name = (x as { constructor?: { name?: string } }).constructor?.name;
  return (name === 'DataFrame' || name === 'Series') && Array.isArray((x as { columns?: unknown }).columns);
}

/** A Plotly figure object: `{ data: [traces], layout?, config? }` and nothing else. */
function isFigure(x: unknown): x is PlotlyFigure {
  if (!isRecord(x) || Object.getPrototypeOf(x) !== Object.prototype) return false;
  if (!Array.isArray(x.data) || x.data.length === 0) return false;
  if (!Object.keys(x).every((k) => k === 'data' || k === 'layout' || k === 'config' || k === 'frames')) return false;
  return x.data.every((trace) => isRecord(trace) && (typeof trace.type === 'string' || 'x' in trace || 'y' in trace));
}

/** Keep only JSON-safe mime data (strings, numbers, booleans, arrays and plain objects of them). */
function toJson(value: unknown): MimeBundle[string] {
  return JSON.parse(JSON.stringify(value ?? null)) as MimeBundle[string];
}

/**
 * The mime bundle Jupyter shows for a value: a tensor as PyTorch prints it (`text/plain`) plus an HTML table with its
 * dtype and shape; a danfojs DataFrame/Series as an HTML table plus aligned text; a Plotly figure as a plot; an object
 * with a {@link MIME_BUNDLE} method as what it returns; anything else as `util.inspect` text.
 *
 * PyTorch: IPython's display formatter (`repr(tensor)`, pandas' `_repr_html_`, matplotlib's inline figures).
 */
export function mimeBundle(value: unknown): MimeBundle {
  if (isRecord(value) && typeof value[MIME_BUNDLE] === 'function') {
    const produced: unknown = (value[MIME_BUNDLE] as () => unknown).call(value);
    if (!isRecord(produced)) throw new Error('mimeBundle: the [Symbol.for("trainbook.mimeBundle")]() method must return an object keyed by mime type');
    const bundle: MimeBundle = {};
    for (const [mime, data] of Object.entries(produced)) bundle[mime] = toJson(data);
    if (bundle['text/plain'] === undefined) bundle['text/plain'] = inspect(value, { depth: 2 });
    return bundle;
  }
  if (isTensor(value)) {
    if (value.isDisposed) return { 'text/plain': `tensor(<disposed>, dtype=${value.dtype}, shape=[${value.shape.join(', ')}])` };
    return { 'text/plain': tensorToText(value), 'text/html': tableHtml(value) };
  }
  if (isFrame(value)) return { 'text/plain': tableText(value), 'text/html': tableHtml(value) };
  if (isFigure(value)) return figureBundle(value);
  return { 'text/plain': inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 }) };
}
