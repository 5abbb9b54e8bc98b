/**
 * Training curves: loss and accuracy per epoch, as a Plotly figure.
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
  /** `'subplots'`: loss left, accuracy right; `'twoAxes'`: one plot, loss on the left axis, accuracy on the right. @default 'subplots' */
  arrangement?: 'subplots' | 'twoAxes';
  /** Fixes the epoch axis to 1..maxEpochs (a live chart does not rescale as epochs arrive). @default fit to the data */
  maxEpochs?: number;
  /** Which metrics to draw; names containing "loss" go to the loss plot, the rest to the accuracy plot. @default every metric whose name contains "loss" or "acc" */
  metrics?: readonly string[];
}

const SPLIT_COLORS: Record<string, string> = { train: '#1f77b4', validation: '#ff7f0e', test: '#2ca02c' };
const OTHER_COLORS = ['#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** Splits `valAccuracy`, `val_acc`, `trainLoss` into a split name and a metric name. */
function describeMetric(key: string): { split: string; metric: string } {
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
  const metric = rest.map((w) => (w === 'acc' ? 'accuracy' : w)).join(' ') || key;
  return { split, metric };
}

/**
 * A readable label for a metric key: `valLoss` → `validation loss`, `acc` → `train accuracy`.
 *
 * PyTorch: none (the tutorials label their matplotlib lines by hand).
 */
export function metricLabel(key: string): string {
  const { split, metric } = describeMetric(key);
  return `${split} ${metric}`;
}

function isLoss(key: string): boolean {
  return /loss/i.test(key);
}

function isAccuracy(key: string): boolean {
  return /acc/i.test(key);
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

/**
 * The Plotly figure of a training history: loss curves and accuracy curves against epochs 1..n,
 * train in blue, validation in orange, test in green.
 *
 * PyTorch: the matplotlib cell that plots `losses` and `val_losses` after training.
 */
export function historyFigure(history: HistoryLike, options: PlotHistoryOptions = {}): PlotlyFigure {
  const record = metricHistory(history);
  const keys = options.metrics ?? Object.keys(record).filter((k) => isLoss(k) || isAccuracy(k));
  for (const key of keys) {
    if (record[key] === undefined) throw new Error(`plotHistory: no metric '${key}' in the history; it has ${Object.keys(record).join(', ') || 'no metrics'}`);
  }
  const lossKeys = keys.filter(isLoss);
  const accuracyKeys = keys.filter((k) => !isLoss(k));
  const arrangement = options.arrangement ?? 'subplots';
  const both = lossKeys.length > 0 && accuracyKeys.length > 0;
  const allValues = accuracyKeys.flatMap((k) => (record[k] ?? []).filter((v): v is number => v !== null && Number.isFinite(v)));
  const fractions = allValues.length > 0 && allValues.every((v) => v >= 0 && v <= 1);
  const longest = Math.max(1, ...keys.map((k) => record[k]?.length ?? 0));

  let otherColor = 0;
  const traces: PlotlyTrace[] = keys.map((key) => {
    const values = record[key] ?? [];
    const { split } = describeMetric(key);
    const color = SPLIT_COLORS[split] ?? OTHER_COLORS[otherColor++ % OTHER_COLORS.length];
    const accuracy = !isLoss(key);
    const secondAxis = both && accuracy;
    return {
      type: 'scatter',
      mode: longest <= 30 ? 'lines+markers' : 'lines',
      name: metricLabel(key),
      x: values.map((_, i) => i + 1),
      y: values.map((v) => (v !== null && Number.isFinite(v) ? v : null)),
      line: { color, dash: accuracy && arrangement === 'twoAxes' && both ? 'dot' : 'solid' },
      marker: { size: 5 },
      hovertemplate: `epoch %{x}<br>${metricLabel(key)} %{y:${accuracy && fractions ? '.2%' : '.4f'}}<extra></extra>`,
      ...(secondAxis ? (arrangement === 'subplots' ? { xaxis: 'x2', yaxis: 'y2' } : { yaxis: 'y2' }) : {}),
    };
  });

  const epochAxis = (): Record<string, unknown> => ({
    title: { text: 'epoch' },
    tickformat: 'd',
    ...(longest <= 20 ? { dtick: 1 } : {}),
    ...(options.maxEpochs !== undefined ? { range: [0.7, options.maxEpochs + 0.3], autorange: false } : {}),
  });
  const accuracyAxis = (): Record<string, unknown> =>
    fractions ? { title: { text: 'accuracy' }, tickformat: '.0%', rangemode: 'tozero' } : { title: { text: 'accuracy (%)' }, rangemode: 'tozero' };
  const lossAxis = { title: { text: 'loss' }, rangemode: 'tozero' };

  const layout: Record<string, unknown> = {
    title: { text: options.title ?? 'Training history', x: 0.5, xanchor: 'center' },
    template: 'plotly_white',
    font: { size: 13 },
    legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.22 },
    margin: { t: 60, r: 60, b: 90, l: 65 },
    hovermode: 'x unified',
    paper_bgcolor: 'white',
    plot_bgcolor: 'white',
  };
  if (!both) {
    layout.xaxis = epochAxis();
    layout.yaxis = accuracyKeys.length > 0 ? accuracyAxis() : lossAxis;
  } else if (arrangement === 'subplots') {
    layout.xaxis = { ...epochAxis(), domain: [0, 0.44] };
    layout.yaxis = { ...lossAxis, anchor: 'x' };
    layout.xaxis2 = { ...epochAxis(), domain: [0.56, 1], anchor: 'y2' };
    layout.yaxis2 = { ...accuracyAxis(), anchor: 'x2' };
  } else {
    layout.xaxis = epochAxis();
    layout.yaxis = lossAxis;
    layout.yaxis2 = { ...accuracyAxis(), overlaying: 'y', side: 'right', showgrid: false };
  }
  return { data: traces, layout };
}

/**
 * Plots loss curves (train and validation) and accuracy per epoch, epochs on x starting at 1.
 *
 * PyTorch: `plt.plot(losses); plt.plot(val_losses); plt.show()` after the training loop.
 * @example
 * plotHistory({ loss: [1.05, 0.61, 0.42], valLoss: [0.98, 0.58, 0.45], valAccuracy: [0.63, 0.86, 0.93] });
 * plotHistory(history, { title: 'Iris MLP', arrangement: 'twoAxes' }); // a History with a `history` record
 */
export function plotHistory(history: HistoryLike, options: PlotHistoryOptions = {}): void {
  showFigure(historyFigure(history, options), options);
}
