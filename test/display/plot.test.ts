import assert from 'node:assert/strict';
import { test } from 'node:test';

import { History } from '../../src/train/history.js';
import { historyFigure, metricLabel, plotHistory } from '../../src/display/plot.js';
import { resetPlotlyInjection } from '../../src/display/plotly.js';
import { RecordingSink, setDisplaySink } from '../../src/display/sink.js';

const history = { loss: [1.1, 0.7, 0.45], valLoss: [1.0, 0.72, 0.5], valAccuracy: [0.4, 0.8, 0.93], lr: [0.1, 0.1, 0.05] };

test('metric names become readable labels', () => {
  assert.equal(metricLabel('loss'), 'train loss');
  assert.equal(metricLabel('valLoss'), 'validation loss');
  assert.equal(metricLabel('val_acc'), 'validation accuracy');
  assert.equal(metricLabel('trainAccuracy'), 'train accuracy');
  assert.equal(metricLabel('testLoss'), 'test loss');
  assert.equal(metricLabel('valR2'), 'validation R²');
  assert.equal(metricLabel('val_mae'), 'validation mean absolute error');
  assert.equal(metricLabel('lr'), 'learning rate');
});

test('historyFigure puts loss, accuracy and any other metric each in its own plot, with epochs starting at 1', () => {
  const figure = historyFigure(history, { title: 'Iris' });
  assert.deepEqual(
    figure.data.map((t) => [t.name, t.x, t.y, t.xaxis ?? 'x', t.yaxis ?? 'y']),
    [
      ['train loss', [1, 2, 3], [1.1, 0.7, 0.45], 'x', 'y'],
      ['validation loss', [1, 2, 3], [1.0, 0.72, 0.5], 'x', 'y'],
      ['validation accuracy', [1, 2, 3], [0.4, 0.8, 0.93], 'x2', 'y2'],
      ['learning rate', [1, 2, 3], [0.1, 0.1, 0.05], 'x3', 'y3'],
    ],
  );
  const layout = figure.layout ?? {};
  assert.deepEqual(layout.title, { text: 'Iris', x: 0.5, xanchor: 'center', y: 1, yref: 'container', yanchor: 'top', pad: { t: 12 } });
  assert.deepEqual((layout.xaxis as { title: unknown }).title, { text: 'epoch' });
  assert.deepEqual((layout.yaxis as { title: unknown }).title, { text: 'loss' });
  assert.deepEqual((layout.yaxis2 as { title: unknown; tickformat: string }).title, { text: 'accuracy' });
  assert.equal((layout.yaxis2 as { tickformat: string }).tickformat, '.0%');
  assert.deepEqual(layout.yaxis3, { title: { text: 'learning rate' }, domain: (layout.yaxis3 as { domain: number[] }).domain, anchor: 'x3' });
  // Two rows of plots: the figure is taller than one row's 420 px.
  assert.equal(layout.height, 740);
});

test('historyFigure draws a regression history: R² and mean absolute error each on an axis named after it, as they are', () => {
  const figure = historyFigure({ loss: [0.9, 0.4], valLoss: [1, 0.5], valR2: [0.2, 0.6], r2: [0.25, 0.7], valMae: [0.8, 0.5], testMAE: [0.85, 0.52] });
  assert.deepEqual(
    figure.data.map((t) => [t.name, t.yaxis ?? 'y']),
    [
      ['train loss', 'y'],
      ['validation loss', 'y'],
      ['validation R²', 'y2'],
      ['train R²', 'y2'],
      ['validation mean absolute error', 'y3'],
      ['test mean absolute error', 'y3'],
    ],
  );
  const layout = figure.layout ?? {};
  assert.deepEqual((layout.yaxis2 as { title: unknown }).title, { text: 'R²' });
  assert.equal((layout.yaxis2 as { tickformat?: string }).tickformat, undefined, 'R² is not a percentage');
  assert.deepEqual((layout.yaxis3 as { title: unknown }).title, { text: 'mean absolute error' });
  assert.match(String(figure.data[2]?.hovertemplate), /validation R² %\{y:\.4g\}/);
});

test('historyFigure keeps every metric: nothing is dropped, and an accuracy above 1 is read as percent', () => {
  const figure = historyFigure({ loss: [1, 0.5], accuracy: [40, 80], grad_norm: [3, 2], learningRate: [0.1, 0.01] });
  assert.deepEqual(figure.data.map((t) => t.name), ['train loss', 'train accuracy', 'train grad norm', 'learning rate']);
  const layout = figure.layout ?? {};
  assert.deepEqual((layout.yaxis2 as { title: unknown }).title, { text: 'accuracy (%)' });
  assert.deepEqual((layout.yaxis3 as { title: unknown }).title, { text: 'grad norm' });
  assert.deepEqual((layout.yaxis4 as { title: unknown }).title, { text: 'learning rate' });
});

test('historyFigure puts the legend between the title and the plots, never below them where the epoch titles are', () => {
  const layout = historyFigure(history).layout ?? {};
  assert.deepEqual(layout.legend, { orientation: 'h', x: 0.5, xanchor: 'center', y: 1, yanchor: 'bottom', yref: 'paper' });
});

test('historyFigure can share one plot with a second y axis, and reads a `history` field', () => {
  const figure = historyFigure({ history: { loss: [2, 1], acc: [50, 75] } }, { arrangement: 'twoAxes', maxEpochs: 10 });
  assert.deepEqual(figure.data.map((t) => [t.name, t.yaxis ?? 'y', t.xaxis ?? 'x']), [['train loss', 'y', 'x'], ['train accuracy', 'y2', 'x']]);
  const layout = figure.layout ?? {};
  assert.deepEqual(layout.yaxis2, { title: { text: 'accuracy (%)' }, rangemode: 'tozero', overlaying: 'y', side: 'right', showgrid: false });
  assert.deepEqual((layout.xaxis as { range: number[] }).range, [0.7, 10.3]);
  assert.throws(
    () => historyFigure({ loss: [1], valR2: [0.5], lr: [0.1] }, { arrangement: 'twoAxes' }),
    /'twoAxes' draws two kinds of metric, got 3 \(loss, R², learning rate\); use arrangement 'subplots', or pick two kinds with `metrics`/,
  );
});

test('historyFigure draws missing values as gaps and only the metrics asked for', () => {
  const figure = historyFigure({ loss: [1, Number.NaN, 0.5], valLoss: [1, 0.9, 0.8] }, { metrics: ['loss'] });
  assert.equal(figure.data.length, 1);
  assert.deepEqual(figure.data[0]?.y, [1, null, 0.5]);
});

test('plotHistory says which metric is wrong', () => {
  assert.throws(() => historyFigure({ loss: [1, '2' as unknown as number] }), /history\.loss\[1\] is string, expected a number/);
  assert.throws(() => historyFigure({ loss: 3 as unknown as number[] }), /history\.loss is number, expected an array/);
  assert.throws(() => historyFigure({ loss: [1] }, { metrics: ['valLoss'] }), /no metric 'valLoss' in the history; it has loss/);
});

test('plotHistory shows one figure output', () => {
  const sink = new RecordingSink();
  setDisplaySink(sink);
  try {
    resetPlotlyInjection();
    plotHistory(history);
  } finally {
    setDisplaySink(undefined);
  }
  assert.equal(sink.outputs().length, 1);
  assert.equal(sink.outputs()[0]?.['text/plain'], "<Figure 'Training history': 4 traces (train loss, validation loss, validation accuracy, learning rate)>");
});

test("plotHistory takes trainbook's History and its JSON form", () => {
  const h = new History();
  h.record({ loss: 1, valLoss: 1.2, valAccuracy: 0.5 });
  h.record({ loss: 0.5, valLoss: 0.6, valAccuracy: 0.9 });
  assert.deepEqual(historyFigure(h).data.map((t) => t.y), [[1, 0.5], [1.2, 0.6], [0.5, 0.9]]);
  assert.equal(historyFigure(h.toJSON()).data.length, 3);
});
