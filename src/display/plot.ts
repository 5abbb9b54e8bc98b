/**
 * Training curves: every metric of a history per epoch (loss, accuracy, R², learning rate, …), as a Plotly figure.
 */
import { showFigure, type FigureOptions, type PlotlyFigure, type PlotlyTrace } from './plotly.js';

/** Metric values per epoch by name, e.g. `{ loss: [...], valLoss: [...], valAccuracy: [...] }` (index 0 is epoch 1; `null` or NaN is a gap). */
export type MetricHistory = Record<string, readonly (number | null)[]>;

/** A metric history, or anything holding one in a `history` field (trainbook's `History`, tf.js `model.fit`'s result). */
export type HistoryLike = MetricHistory | { readonly history: MetricHistory };

/** Options of {@link plotHistory} and {@link historyFigure}. */
export interface PlotHistoryOptions extends Omit<FigureOptions, 'divId'> {
  /** Figure title. @default 'Training history' */
  title?: string;
  /**
   * `'subplots'`: one plot per kind of metric (loss, accuracy, R², learning rate, …), two to a row;
   * `'twoAxes'`: one plot, the first kind on the left axis, the second on the right (two kinds at most).
   * @default 'subplots'
   */
  arrangement?: 'subplots' | 'twoAxes';
  /** Fixes the epoch axis to 1..maxEpochs (a live chart does not rescale as epochs arrive). @default fit to the data */
  maxEpochs?: number;
  /** Which metrics to draw, each on the axis of its kind. @default every metric the history holds */
  metrics?: readonly string[];
}

const SPLIT_COLORS: Record<string, string> = { train: '#1f77b4', validation: '#ff7f0e', test: '#2ca02c' };
const OTHER_COLORS = ['#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
// Metric words and the names their axes take; anything else is named by its own words.
const METRIC_NAMES: Record<string, string> = {
  acc: 'accuracy',
  lr: 'learning rate',
  r2: 'R²',
  'r 2': 'R²',
  mae: 'mean absolute error',
  mse: 'mean squared error',
  rmse: 'root mean squared error',
};
// Series that belong to no split (a learning rate is the optimizer's, not the training data's).
const SPLITLESS = new Set(['learning rate']);

/** Splits `valAccuracy`, `val_acc`, `trainLoss`, `valR2` into a split name and a metric name. */
function describeMetric(key: string): { split: string | undefined; metric: string } {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
  const first = words[0];
  let split = 'train';
  if (first === 'val' || first === 'valid' || first === 'validation') split = 'validation';
  else if (first === 'test') split = 'test';
  const rest = first === 'train' || split !== 'train' ? words.slice(1) : words;
  const joined = rest.join(' ');
  const metric = METRIC_NAMES[joined] ?? (rest.map((w) => METRIC_NAMES[w] ?? w).join(' ') || key);
  return { split: SPLITLESS.has(metric) && first !== 'train' ? undefined : split, metric };
}

/**
 * A readable label for a metric key: `valLoss` → `validation loss`, `acc` → `train accuracy`,
 * `valR2` → `validation R²`, `lr` → `learning rate`.
 *
 * PyTorch: none (the tutorials label their matplotlib lines by hand).
 */
export function metricLabel(key: string): string {
  const { split, metric } = describeMetric(key);
  return split === undefined ? metric : `${split} ${metric}`;
}

/** The kind of metric a key holds, which names its axis: 'loss', 'accuracy', 'R²', 'learning rate', …. */
function metricKind(key: string): string {
  if (/loss/i.test(key)) return 'loss';
  const { metric } = describeMetric(key);
  return /acc/i.test(key) && /^accuracy/.test(metric) ? 'accuracy' : metric;
}
/**
 * The metric record inside a {@link HistoryLike}, checked: every value an array of numbers.
 *
 * PyTorch: none.
 */
export function metricHistory(history: HistoryLike): MetricHistory {
  const record: unknown =
    'history' in history && typeof history.history === 'object' && !Array.isArray(history.history) ? history.history : history;
  if (typeof record !== 'object' || record === null) {
    throw new Error('plotHistory: expected { loss: number[], ... } or an object with such a `history` record');
  }
  for (const [key, values] of Object.entries(record)) {
    if (!Array.isArray(values)) throw new Error(`plotHistory: history.${key} is ${typeof values}, expected an array of numbers (one per epoch)`);
    const bad = values.findIndex((v) => typeof v !== 'number' && v !== null);
    if (bad >= 0) throw new Error(`plotHistory: history.${key}[${bad}] is ${typeof values[bad]}, expected a number (or null for a gap)`);
  }
  return record as MetricHistory;
}

/** One axis of a history chart: the metrics of one kind, e.g. every loss. */
interface MetricGroup {
  kind: string;
  keys: string[];
  /** Accuracy given as fractions (0..1): shown in percent. */
  percent: boolean;
}

function groupMetrics(keys: readonly string[], record: MetricHistory): MetricGroup[] {
  const groups: MetricGroup[] = [];
  for (const key of keys) {
    const kind = metricKind(key);
    let group = groups.find((g) => g.kind === kind);
    if (group === undefined) groups.push((group = { kind, keys: [], percent: false }));
    group.keys.push(key);
  }
  for (const group of groups) {
    const values = group.keys.flatMap((k) => (record[k] ?? []).filter((v): v is number => v !== null && Number.isFinite(v)));
    group.percent = group.kind === 'accuracy' && values.length > 0 && values.every((v) => v >= 0 && v <= 1);
  }
  // Loss first, accuracy second, the rest in the order the history holds them.
  const rank = (g: MetricGroup): number => (g.kind === 'loss' ? 0 : g.kind === 'accuracy' ? 1 : 2);
  return groups.sort((a, b) => rank(a) - rank(b));
}

function valueAxis(group: MetricGroup): Record<string, unknown> {
  if (group.kind === 'accuracy') {
    return group.percent ? { title: { text: 'accuracy' }, tickformat: '.0%', rangemode: 'tozero' } : { title: { text: 'accuracy (%)' }, rangemode: 'tozero' };
  }
  if (group.kind === 'loss') return { title: { text: 'loss' }, rangemode: 'tozero' };
  return { title: { text: group.kind } };
}

/** Default height of a history chart: 420 px for one row of plots, 320 px more per further row. */
function defaultHeight(rows: number): number {
  return 420 + 320 * (rows - 1);
}

// Pixel room above the plots for the title and the legend rows, and below each row for the epoch
// axis's ticks and title; the legend sits above the plots, so it never meets an axis title.
const TITLE_PX = 40;
const LEGEND_ROW_PX = 26;
const EPOCH_AXIS_PX = 60;
const LEGEND_ITEMS_PER_ROW = 4;

/**
 * The Plotly figure of a training history: one plot per kind of metric (loss, accuracy, R², mean
 * absolute error, learning rate, …), each with an axis named after it and its own scale, against
 * epochs 1..n; train in blue, validation in orange, test in green. Every metric the history holds
 * is drawn unless `metrics` picks some. The legend sits between the title and the plots.
 *
 * PyTorch: the matplotlib cell that plots `losses` and `val_losses` after training.
 */
export function historyFigure(history: HistoryLike, options: PlotHistoryOptions = {}): PlotlyFigure {
  const record = metricHistory(history);
  const keys = options.metrics ?? Object.keys(record);
  for (const key of keys) {
    if (record[key] === undefined) throw new Error(`plotHistory: no metric '${key}' in the history; it has ${Object.keys(record).join(', ') || 'no metrics'}`);
  }
  const groups = groupMetrics(keys, record);
  const arrangement = options.arrangement ?? 'subplots';
  if (arrangement === 'twoAxes' && groups.length > 2) {
    throw new Error(
      `plotHistory: arrangement 'twoAxes' draws two kinds of metric, got ${groups.length} (${groups.map((g) => g.kind).join(', ')}); ` +
        "use arrangement 'subplots', or pick two kinds with `metrics`",
    );
  }
  const longest = Math.max(1, ...keys.map((k) => record[k]?.length ?? 0));
  const plots = arrangement === 'twoAxes' ? 1 : Math.max(1, groups.length);
  const columns = Math.min(plots, 2);
  const rows = Math.ceil(plots / columns);
  const height = options.height ?? defaultHeight(rows);
  const legendRows = Math.ceil(keys.length / (LEGEND_ITEMS_PER_ROW * (columns === 1 ? 1 : 1.5)));
  const margin = { t: TITLE_PX + LEGEND_ROW_PX * legendRows + 10, r: arrangement === 'twoAxes' && groups.length > 1 ? 70 : 30, b: EPOCH_AXIS_PX, l: 70 };
  const plotHeight = Math.max(1, height - margin.t - margin.b);
  const rowGap = Math.min(0.4, (EPOCH_AXIS_PX + 20) / plotHeight);
  const rowHeight = (1 - rowGap * (rows - 1)) / rows;

  /** Plotly's axis names for plot `i` (0-based): 'x'/'y', 'x2'/'y2', …. */
  const axisSuffix = (i: number): string => (i === 0 ? '' : String(i + 1));
  let otherColor = 0;
  const traces: PlotlyTrace[] = [];
  groups.forEach((group, g) => {
    const plot = arrangement === 'twoAxes' ? 0 : g;
    const secondAxis = arrangement === 'twoAxes' && g === 1;
    for (const key of group.keys) {
      const values = record[key] ?? [];
      const { split } = describeMetric(key);
      const color = (split === undefined ? undefined : SPLIT_COLORS[split]) ?? OTHER_COLORS[otherColor++ % OTHER_COLORS.length];
      const label = metricLabel(key);
      traces.push({
        type: 'scatter',
        mode: longest <= 30 ? 'lines+markers' : 'lines',
        name: label,
        x: values.map((_, i) => i + 1),
        y: values.map((v) => (v !== null && Number.isFinite(v) ? v : null)),
        line: { color, dash: secondAxis ? 'dot' : 'solid' },
        marker: { size: 5 },
        hovertemplate: `epoch %{x}<br>${label} %{y:${group.percent ? '.2%' : group.kind === 'loss' ? '.4f' : '.4g'}}<extra></extra>`,
        ...(secondAxis ? { yaxis: 'y2' } : plot > 0 ? { xaxis: `x${plot + 1}`, yaxis: `y${plot + 1}` } : {}),
      });
    }
  });

  const epochAxis = (): Record<string, unknown> => ({
    title: { text: 'epoch' },
    tickformat: 'd',
    ...(longest <= 20 ? { dtick: 1 } : {}),
    ...(options.maxEpochs !== undefined ? { range: [0.7, options.maxEpochs + 0.3], autorange: false } : {}),
  });
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? 'Training history', x: 0.5, xanchor: 'center', y: 1, yref: 'container', yanchor: 'top', pad: { t: 12 } },
    template: 'plotly_white',
    font: { size: 13 },
    height,
    legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: 1, yanchor: 'bottom', yref: 'paper' },
    margin,
    hovermode: 'x unified',
    paper_bgcolor: 'white',
    plot_bgcolor: 'white',
  };
  if (arrangement === 'twoAxes') {
    layout.xaxis = epochAxis();
    layout.yaxis = groups[0] === undefined ? { title: { text: 'loss' } } : valueAxis(groups[0]);
    if (groups[1] !== undefined) layout.yaxis2 = { ...valueAxis(groups[1]), overlaying: 'y', side: 'right', showgrid: false };
  } else {
    const gap = 0.12;
    const width = (1 - gap * (columns - 1)) / columns;
    for (let i = 0; i < plots; i++) {
      const column = i % columns;
      const row = Math.floor(i / columns);
      const top = 1 - row * (rowHeight + rowGap);
      const s = axisSuffix(i);
      const group = groups[i];
      layout[`xaxis${s}`] = { ...epochAxis(), domain: [column * (width + gap), column * (width + gap) + width], anchor: `y${s}` };
      layout[`yaxis${s}`] = { ...(group === undefined ? { title: { text: 'loss' } } : valueAxis(group)), domain: [Math.max(0, top - rowHeight), top], anchor: `x${s}` };
    }
  }
  return { data: traces, layout };
}

/**
 * Plots every metric of a training history per epoch, epochs on x starting at 1: losses on a loss
 * axis, accuracies on an accuracy axis (in percent when they are fractions), any other metric (R²,
 * mean absolute error, a learning rate) on an axis named after it, with its own scale.
 *
 * PyTorch: `plt.plot(losses); plt.plot(val_losses); plt.show()` after the training loop.
 * @example
 * plotHistory({ loss: [1.05, 0.61, 0.42], valLoss: [0.98, 0.58, 0.45], valAccuracy: [0.63, 0.86, 0.93] });
 * plotHistory(history, { title: 'Iris MLP', arrangement: 'twoAxes' }); // a History with a `history` record
 */
export function plotHistory(history: HistoryLike, options: PlotHistoryOptions = {}): void {
  showFigure(historyFigure(history, options), options);
}
