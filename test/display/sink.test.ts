import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import {
  RecordingSink,
  bestSingleMime,
  consoleSink,
  getDisplaySink,
  inTslabKernel,
  newDisplayId,
  setDisplaySink,
} from '../../src/display/sink.js';
import { liveChart } from '../../src/display/live-chart.js';
import { resetPlotlyInjection, showFigure } from '../../src/display/plotly.js';

test('bestSingleMime prefers text/html, then images, then text/plain', () => {
  assert.deepEqual(bestSingleMime({ 'text/plain': 'p', 'application/vnd.plotly.v1+json': {}, 'text/html': 'h' }), ['text/html', 'h']);
  assert.deepEqual(bestSingleMime({ 'text/plain': 'p', 'image/png': 'iVBO' }), ['image/png', 'iVBO']);
  assert.deepEqual(bestSingleMime({ 'application/json': { a: 1 } }), ['application/json', { a: 1 }]);
  assert.throws(() => bestSingleMime({}), /mime bundle is empty/);
});

test('RecordingSink holds outputs as a notebook would after in-place updates', () => {
  const sink = new RecordingSink();
  const id = newDisplayId();
  sink.display({ 'text/plain': 'first' });
  sink.display({ 'text/plain': 'chart 0' }, id);
  sink.update({ 'text/plain': 'chart 1' }, id);
  sink.update({ 'text/plain': 'ignored' }, 'no-such-id');
  sink.update({ 'text/plain': 'chart 2' }, id);
  assert.deepEqual(sink.outputs(), [{ 'text/plain': 'first' }, { 'text/plain': 'chart 2' }]);
  assert.equal(sink.messages.length, 5);
  assert.equal(sink.countFor(id), 3);
});

test('a single-mime RecordingSink keeps only the best mime, like tslab', () => {
  const sink = new RecordingSink({ multiMime: false });
  sink.display({ 'text/plain': 'p', 'text/html': '<b>h</b>' });
  assert.deepEqual(sink.outputs(), [{ 'text/html': '<b>h</b>' }]);
});

test('consoleSink prints the text/plain part of displays and updates, one line each', () => {
  const lines: string[] = [];
  const sink = consoleSink((line) => lines.push(line));
  sink.display({ 'text/html': '<b>x</b>', 'text/plain': 'x' }, 'a');
  sink.update({ 'text/plain': 'y\n' }, 'a');
  sink.display({ 'text/html': '<i>no text</i>' });
  assert.deepEqual(lines, ['x\n', 'y\n']);
});

test('outside a kernel the default sink is the console, and setDisplaySink overrides it', () => {
  assert.equal(inTslabKernel(), false);
  assert.equal(getDisplaySink().name, 'console');
  const sink = new RecordingSink();
  assert.equal(setDisplaySink(sink), undefined);
  assert.equal(getDisplaySink(), sink);
  assert.equal(setDisplaySink(undefined), sink);
  assert.equal(getDisplaySink().name, 'console');
});

test('inside a tslab kernel the default sink writes through tslab: one mime per message, updates in place', (t) => {
  // The kernel sets jupyter.lastWriteDisplayData while it executes a cell; tslab's public display API writes through it.
  const jupyter = createRequire(import.meta.url)('tslab/dist/jupyter.js') as { lastWriteDisplayData: unknown };
  const sent: { data: Record<string, unknown>; transient: { display_id?: string }; update: boolean }[] = [];
  jupyter.lastWriteDisplayData = (msg: { data: Record<string, unknown>; transient: { display_id?: string } }, update: boolean | undefined) =>
    sent.push({ data: msg.data, transient: msg.transient, update: update === true });
  t.after(() => {
    jupyter.lastWriteDisplayData = null;
  });

  assert.equal(inTslabKernel(), true);
  assert.equal(getDisplaySink().name, 'tslab');
  resetPlotlyInjection();
  showFigure({ data: [{ type: 'bar', x: ['a'], y: [1] }] });
  const chart = liveChart({ throttleMs: 0 });
  chart.push({ loss: 1 });
  chart.close();

  // figure (with plotly.js), plotly.js is not repeated for the chart, chart shown, pushed, closed.
  assert.deepEqual(
    sent.map((m) => [Object.keys(m.data), m.update]),
    [[['text/html'], false], [['text/html'], false], [['text/html'], true], [['text/html'], true]],
  );
  const chartId = sent[1]?.transient.display_id;
  assert.ok(chartId !== undefined && sent.slice(2).every((m) => m.transient.display_id === chartId));
  assert.match(String(sent[0]?.data['text/html']), /plotly\.js v\d/);
  assert.doesNotMatch(String(sent[1]?.data['text/html']), /plotly\.js v\d/);

  jupyter.lastWriteDisplayData = null;
  assert.equal(inTslabKernel(), false);
});
