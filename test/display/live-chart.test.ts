import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import { liveChart } from '../../src/display/live-chart.js';
import { PLOTLY_MIME, resetPlotlyInjection } from '../../src/display/plotly.js';
import { RecordingSink, setDisplaySink, type MimeBundle } from '../../src/display/sink.js';

function withSink<T>(sink: RecordingSink, run: () => T): T {
  setDisplaySink(sink);
  try {
    return run();
  } finally {
    setDisplaySink(undefined);
  }
}

function lossesIn(bundle: MimeBundle | undefined): unknown {
  const figure = bundle?.[PLOTLY_MIME] as { data: { name: string; y: unknown }[] } | undefined;
  return figure?.data.find((t) => t.name === 'train loss')?.y;
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test('a live chart redraws at most once per throttle interval while a loop runs, and close() draws the final state', () => {
  const sink = new RecordingSink();
  resetPlotlyInjection();
  const throttleMs = 100;
  const numEpochs = 300;
  const { chart, elapsedMs } = withSink(sink, () => {
    const chart = liveChart({ throttleMs, maxEpochs: numEpochs });
    const start = performance.now();
    for (let epoch = 1; epoch <= numEpochs; epoch++) {
      busyWait(2);
      chart.push({ loss: 1 / epoch, valAccuracy: 1 - 1 / (epoch + 1) });
    }
    const elapsedMs = performance.now() - start;
    chart.close();
    return { chart, elapsedMs };
  });
  const updates = sink.messages.filter((m) => m.kind === 'update');
  const duringLoop = updates.length - 1;
  assert.ok(duringLoop >= 2, `redrew ${duringLoop} times during a ${elapsedMs.toFixed(0)} ms loop`);
  assert.ok(duringLoop <= Math.ceil(elapsedMs / throttleMs) + 1, `redrew ${duringLoop} times in ${elapsedMs.toFixed(0)} ms, throttle ${throttleMs} ms`);
  const final = sink.outputs().at(-1);
  assert.equal((lossesIn(final) as number[]).length, numEpochs);
  assert.equal(final?.['text/plain'], `final, epoch ${numEpochs}/${numEpochs}: train loss ${(1 / numEpochs).toFixed(4)}, validation accuracy ${(100 * (1 - 1 / (numEpochs + 1))).toFixed(2)}%`);
  assert.deepEqual(chart.history.loss?.slice(0, 2), [1, 0.5]);
});

test('a deferred redraw shows the latest state even without close()', async () => {
  const sink = new RecordingSink();
  const chart = withSink(sink, () => liveChart({ throttleMs: 50 }));
  chart.push({ loss: 3 });
  chart.push({ loss: 2 });
  chart.push({ loss: 1 });
  assert.equal(sink.messages.filter((m) => m.kind === 'update').length, 0);
  await sleep(120);
  assert.deepEqual(lossesIn(sink.outputs().at(-1)), [3, 2, 1]);
  chart.close();
});

test('update() revises the current epoch and the chart says what it expects', () => {
  const sink = new RecordingSink();
  const chart = withSink(sink, () => liveChart({ throttleMs: 0 }));
  chart.update(1, { loss: 0.9 });
  chart.update(1, { loss: 0.8 });
  chart.update(2, { loss: 0.7, valLoss: 0.75 });
  assert.deepEqual(chart.history, { loss: [0.8, 0.7], valLoss: [Number.NaN, 0.75] });
  assert.throws(() => chart.update(4, { loss: 1 }), /epoch is 4, expected an integer from 1 to 3/);
  assert.throws(() => chart.push({ loss: 'x' as unknown as number }), /metric 'loss' is string, expected a number/);
  chart.close();
  assert.throws(() => chart.push({ loss: 1 }), /after close\(\)/);
  assert.deepEqual(lossesIn(sink.outputs().at(-1)), [0.8, 0.7]);
});

test('without a notebook a live chart prints throttled text lines instead of redrawing', () => {
  const sink = new RecordingSink({ rich: false });
  const start = performance.now();
  withSink(sink, () => {
    const chart = liveChart({ consoleThrottleMs: 200 });
    for (let epoch = 1; epoch <= 100; epoch++) {
      busyWait(5);
      chart.push({ loss: 1 / epoch });
    }
    chart.close();
  });
  const elapsedMs = performance.now() - start;
  const lines = sink.messages.map((m) => m.bundle['text/plain']);
  assert.ok(lines.length <= Math.ceil(elapsedMs / 200) + 2, `${lines.length} lines in ${elapsedMs.toFixed(0)} ms`);
  assert.equal(lines.at(-1), 'final, epoch 100: train loss 0.0100');
  assert.ok(sink.messages.every((m) => Object.keys(m.bundle).join() === 'text/plain'));
});

test('only the final frame of a live chart is responsive (replaced frames keep no resize listener)', () => {
  const sink = new RecordingSink();
  const chart = withSink(sink, () => liveChart({ throttleMs: 0 }));
  chart.push({ loss: 1 });
  chart.close();
  const configs = sink.messages.map((m) => /"config":\{"responsive":(true|false)/.exec(String(m.bundle['text/html']))?.[1]);
  assert.deepEqual(configs.slice(-3), ['false', 'false', 'true']);
});
