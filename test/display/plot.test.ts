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
});

test('historyFigure puts loss and accuracy in two subplots with epochs starting at 1', () => {
  const figure = historyFigure(history, { title: 'Iris' });
  assert.deepEqual(
    figure.data.map((t) => [t.name, t.x, t.y, t.xaxis ?? 'x', t.yaxis ?? 'y']),
    [
      ['train loss', [1, 2, 3], [1.1, 0.7, 0.45], 'x', 'y'],
      ['validation loss', [1, 2, 3], [1.0, 0.72, 0.5], 'x', 'y'],
      ['validation accuracy', [1, 2, 3], [0.4, 0.8, 0.93], 'x2', 'y2'],
    ],
  );
  const layout = figure.layout ?? {};
  assert.deepEqual(layout.title, { text: 'Iris', x: 0.5, xanchor: 'center' });
  assert.deepEqual((layout.xaxis as { title: unknown }).title, { text: 'epoch' });
  assert.deepEqual((layout.yaxis as { title: unknown }).title, { text: 'loss' });
  assert.deepEqual((layout.yaxis2 as { title: unknown; tickformat: string }).title, { text: 'accuracy' });
  assert.equal((layout.yaxis2 as { tickformat: string }).tickformat, '.0%');
});

test('historyFigure can share one plot with a second y axis, and reads a `history` field', () => {
  const figure = historyFigure({ history: { loss: [2, 1], acc: [50, 75] } }, { arrangement: 'twoAxes', maxEpochs: 10 });
  assert.deepEqual(figure.data.map((t) => [t.name, t.yaxis ?? 'y', t.xaxis ?? 'x']), [['train loss', 'y', 'x'], ['train accuracy', 'y2', 'x']]);
  const layout = figure.layout ?? {};
  assert.deepEqual(layout.yaxis2, { title: { text: 'accuracy (%)' }, rangemode: 'tozero', overlaying: 'y', side: 'right', showgrid: false });
  assert.deepEqual((layout.xaxis as { range: number[] }).range, [0.7, 10.3]);
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
  assert.equal(sink.outputs()[0]?.['text/plain'], "<Figure 'Training history': 3 traces (train loss, validation loss, validation accuracy)>");
});

test("plotHistory takes trainbook's History and its JSON form", () => {
  const h = new History();
  h.record({ loss: 1, valLoss: 1.2, valAccuracy: 0.5 });
  h.record({ loss: 0.5, valLoss: 0.6, valAccuracy: 0.9 });
  assert.deepEqual(historyFigure(h).data.map((t) => t.y), [[1, 0.5], [1.2, 0.6], [0.5, 0.9]]);
  assert.equal(historyFigure(h.toJSON()).data.length, 3);
});
