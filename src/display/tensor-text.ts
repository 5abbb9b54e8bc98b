/**
 * Tensors printed the way PyTorch prints them: `tensor([[ 0.1234, -0.5000], ...])`.
 *
 * Follows `torch/_tensor_str.py` with its default print options (precision 4, threshold 1000
 * elements, 3 edge items, line width 80), so a learner sees the same text in both courses.
 */

/** What `tensorToText` reads from a tensor: a `tf.Tensor` fits (`dataSync` copies no tensor). */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype: string;
  dataSync(): ArrayLike<unknown>;
}

/** Options of {@link tensorToText}. */
export interface TensorTextOptions {
  /**
   * Append `shape=[...]`: `'auto'` when the values are summarised with `...` (the text no
   * longer shows the shape), `true` always, `false` never (exactly PyTorch).
   * @default 'auto'
   */
  shape?: 'auto' | boolean;
}

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

type Value = number | boolean | string;

/**
 * Python's `'{:.<digits>f}'.format(v)`: round half to even on exact ties, `nan`, `inf`, signed zero.
 *
 * PyTorch: Python's format spec `.4f`, which `torch/_tensor_str.py` uses.
 */
export function pyFixed(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const a = Math.abs(v);
  let text = a.toFixed(digits);
  // toFixed rounds exact ties up; Python rounds them to even.
  const exact = a.toFixed(Math.min(100, digits + 30));
  const cut = digits === 0 ? exact.indexOf('.') : exact.indexOf('.') + digits + 1;
  const rest = exact.slice(digits === 0 ? cut + 1 : cut);
  if (/^50*$/.test(rest)) {
    const truncated = exact.slice(0, cut);
    const lastDigit = Number(truncated.replace('.', '').slice(-1));
    if (lastDigit % 2 === 0) text = truncated;
  }
  return sign + text;
}

/**
 * Python's `'{:.<digits>e}'.format(v)`: `1.2346e+04`, `nan`, `inf`.
 *
 * PyTorch: Python's format spec `.4e`, which `torch/_tensor_str.py` uses.
 */
export function pyExponential(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const sign = Object.is(v, -0) ? '-' : '';
  const [mantissa, exponent = '0'] = v.toExponential(digits).split('e');
  const e = Number(exponent);
  return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function kindOf(dtype: string): 'float' | 'int' | 'bool' | 'string' {
  if (dtype === 'float32' || dtype === 'float16' || dtype === 'float64') return 'float';
  if (dtype === 'int32' || dtype === 'int64' || dtype === 'int8' || dtype === 'uint8') return 'int';
  if (dtype === 'bool') return 'bool';
  if (dtype === 'string') return 'string';
  throw new Error(`tensorToText: dtype '${dtype}' is not supported; expected float32, int32, bool or string`);
}

/** PyTorch's `_Formatter`: one width and one notation (fixed, integer-valued or scientific) for all values. */
class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(
    values: readonly Value[],
    private readonly kind: 'float' | 'int' | 'bool' | 'string',
  ) {
    if (kind !== 'float') {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    const abs = finite.map(Math.abs);
    const min = Math.min(...abs);
    const max = Math.max(...abs);
    this.intMode = finite.every((v) => v === Math.ceil(v));
    if (this.intMode) {
      if (max / min > 1000 || max > 1e8) {
        this.sciMode = true;
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyExponential(v, PRECISION).length);
      } else {
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, 0).length + 1);
      }
    } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
      this.sciMode = true;
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyExponential(v, PRECISION).length);
    } else {
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, PRECISION).length);
    }
  }

  get width(): number {
    return this.maxWidth;
  }

  private plain(v: Value): string {
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    return String(v);
  }

  format(v: Value): string {
    let text: string;
    if (this.kind === 'float' && typeof v === 'number') {
      if (this.sciMode) text = pyExponential(v, PRECISION);
      else if (this.intMode) text = pyFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
      else text = pyFixed(v, PRECISION);
    } else {
      text = this.plain(v);
    }
    return text.padStart(this.maxWidth, ' ');
  }
}

function readValues(t: TensorLike, kind: ReturnType<typeof kindOf>): Value[] {
  const data = t.dataSync();
  const values: Value[] = new Array<Value>(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (kind === 'bool') values[i] = v === 1 || v === true;
    else if (kind === 'string') values[i] = v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v);
    else values[i] = Number(v);
  }
  return values;
}

/** Indices along one dimension that a summarised print shows (`-1` marks the `...`). */
function shownIndices(size: number, summarize: boolean): number[] {
  if (!summarize || size <= 2 * EDGE_ITEMS) return Array.from({ length: size }, (_, i) => i);
  const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i);
  return [...head, -1, ...tail];
}

function addSuffixes(text: string, suffixes: string[], indent: number): string {
  const parts = [text];
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINE_WIDTH) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLength = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLength += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/**
 * Formats a tensor as PyTorch prints it: `tensor([[ 0.1234, -0.5000], [ 1.0000,  2.0000]])`,
 * 4 decimals (scientific when magnitudes differ by more than 1000x), integer-valued floats as `1.`,
 * more than 1000 elements summarised with `...` (3 items at each edge), `dtype=` shown unless
 * float32 or bool, and `shape=[...]` appended when summarised.
 *
 * PyTorch: `print(t)` / `repr(t)`. Deviations: dtype names are tf.js's (`dtype=int32`, not
 * `torch.int32`; int32 is tf.js's integer default and is always named); the `shape=` suffix.
 * @example
 * tensorToText(tf.tensor2d([[0.12345, -0.5], [1, 2]]));
 * // tensor([[ 0.1235, -0.5000],
 * //         [ 1.0000,  2.0000]])
 */
export function tensorToText(t: TensorLike, options: TensorTextOptions = {}): string {
  const kind = kindOf(t.dtype);
  const shape = [...t.shape];
  const numel = shape.reduce((a, b) => a * b, 1);
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const dtypeShown = t.dtype !== 'float32' && t.dtype !== 'bool';
  if (numel === 0) {
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=${t.dtype}`);
    return addSuffixes(`${prefix}[]`, suffixes, indent);
  }
  const values = readValues(t, kind);
  const summarize = numel > THRESHOLD;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));

  const summarized: Value[] = [];
  const collect = (offset: number, dim: number): void => {
    if (dim === shape.length) {
      summarized.push(values[offset] as Value);
      return;
    }
    for (const i of shownIndices(shape[dim] ?? 0, summarize)) if (i >= 0) collect(offset + i * (strides[dim] ?? 0), dim + 1);
  };
  collect(0, 0);
  const formatter = new Formatter(summarized, kind);

  const vector = (offset: number, size: number, stride: number, depthIndent: number): string => {
    const elementLength = formatter.width + 2;
    const perLine = Math.max(1, Math.floor((LINE_WIDTH - depthIndent) / elementLength));
    const items = shownIndices(size, summarize).map((i) => (i < 0 ? ' ...' : formatter.format(values[offset + i * stride] as Value)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(depthIndent + 1)}`)}]`;
  };
  const block = (offset: number, dim: number, depthIndent: number): string => {
    const rank = shape.length - dim;
    if (rank === 1) return vector(offset, shape[dim] ?? 0, strides[dim] ?? 1, depthIndent);
    const slices = shownIndices(shape[dim] ?? 0, summarize).map((i) =>
      i < 0 ? '...' : block(offset + i * (strides[dim] ?? 0), dim + 1, depthIndent + 1),
    );
    return `[${slices.join(`,${'\n'.repeat(rank - 1)}${' '.repeat(depthIndent + 1)}`)}]`;
  };

  const body = shape.length === 0 ? formatter.format(values[0] as Value) : block(0, 0, indent);
  if (dtypeShown) suffixes.push(`dtype=${t.dtype}`);
  const showShape = options.shape ?? 'auto';
  if (showShape === true || (showShape === 'auto' && summarize)) suffixes.push(`shape=[${shape.join(', ')}]`);
  return addSuffixes(prefix + body, suffixes, indent);
}
