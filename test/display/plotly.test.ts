import assert from 'node:assert/strict';
import { test } from 'node:test';

import { escapeHtml } from '../../src/display/html.js';
import { liveChart } from '../../src/display/live-chart.js';
import { plotHistory } from '../../src/display/plot.js';
import {
  PLOTLY_MIME,
  figureHtml,
  plotlyInjected,
  plotlyLibraryHtml,
  plotlyVersion,
  resetPlotlyInjection,
  showFigure,
  takePlotlyLibrary,
} from '../../src/display/plotly.js';
import { RecordingSink, setDisplaySink, type MimeBundle } from '../../src/display/sink.js';

const LIBRARY_MARK = /plotly\.js v2\.\d+\.\d+/;
const LIBRARY_MARKS = new RegExp(LIBRARY_MARK.source, 'g');

function html(bundle: MimeBundle | undefined): string {
  const value = bundle?.['text/html'];
  assert.equal(typeof value, 'string');
  return value as string;
}

function librariesIn(outputs: MimeBundle[]): number {
  return outputs.reduce((n, b) => n + (typeof b['text/html'] === 'string' ? (b['text/html'].match(LIBRARY_MARKS) ?? []).length : 0), 0);
}

test('escapeHtml escapes the five HTML-special characters', () => {
  assert.equal(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
});

test('figure HTML holds a div with the given id and the traces data', () => {
  const out = figureHtml(
    { data: [{ type: 'scatter', x: [1, 2, 3], y: new Float32Array([0.5, 0.25, 0.125]), name: 'train loss' }], layout: { title: { text: 'Loss' } } },
    { divId: 'fig-1', height: 300 },
  );
  assert.match(out, /<div id="fig-1" class="trainbook-plot" style="width:100%;height:300px;"><\/div>/);
  assert.match(out, /"x":\[1,2,3\],"y":\[0\.5,0\.25,0\.125\],"name":"train loss"/);
  assert.match(out, /"title":\{"text":"Loss"\}/);
  assert.match(out, /window\.Plotly/);
  assert.doesNotMatch(out, LIBRARY_MARK);
});

test('figure HTML cannot be broken out of by trace text', () => {
  const out = figureHtml({ data: [{ type: 'bar', x: ['</script><script>alert(1)</script>'], y: [1], name: "<b>&'" }] });
  assert.equal(out.match(/<\/script>/g)?.length, 1);
  assert.match(out, /\\u003c\/script\\u003e\\u003cscript\\u003ealert\(1\)/);
  assert.match(out, /"name":"\\u003cb\\u003e\\u0026'"/);
});

test('the plotly.js library shadows define, module and exports so require.js pages get window.Plotly', () => {
  const lib = plotlyLibraryHtml();
  assert.ok(lib.length > 4_000_000, `library is ${lib.length} characters`);
  assert.ok(lib.startsWith('<script type="text/javascript">'));
  assert.ok(lib.includes('(function () {\nif (window.Plotly) return;\nvar define = undefined, module = undefined, exports = undefined;\n'), 'AMD/CommonJS names shadowed');
  assert.ok(lib.includes('\n}).call(window);\n'), 'the wrapper function is called with this = window');
  assert.ok(lib.endsWith('</script>'));
  assert.equal(lib.match(/<\/script/gi)?.length, 1);
  assert.ok(lib.includes(`plotly.js v${plotlyVersion()}`), 'the embedded file is the installed version');
});

test('plotly.js is embedded once per session across figures, history plots and live charts', () => {
  const sink = new RecordingSink();
  setDisplaySink(sink);
  try {
    resetPlotlyInjection();
    assert.equal(plotlyInjected(), false);
    showFigure({ data: [{ type: 'scatter', y: [1, 2] }] });
    assert.equal(plotlyInjected(), true);
    showFigure({ data: [{ type: 'scatter', y: [3, 4] }] });
    plotHistory({ loss: [1, 0.5], valLoss: [1.1, 0.6], valAccuracy: [0.5, 0.8] });
    const chart = liveChart({ throttleMs: 0 });
    for (let epoch = 0; epoch < 5; epoch++) chart.push({ loss: 1 / (epoch + 1) });
    chart.close();
    assert.equal(librariesIn(sink.messages.map((m) => m.bundle)), 1);
    assert.ok(LIBRARY_MARK.test(html(sink.outputs()[0])), 'first output carries plotly.js');
    assert.ok(html(sink.outputs()[0]).includes('"y":[1,2]'), 'first output draws the first figure');
  } finally {
    setDisplaySink(undefined);
  }
});

test('a live chart that is the first plot puts plotly.js in its own output, so redraws stay small', () => {
  const sink = new RecordingSink();
  setDisplaySink(sink);
  try {
    resetPlotlyInjection();
    const chart = liveChart({ throttleMs: 0 });
    chart.push({ loss: 1 });
    chart.push({ loss: 0.5 });
    chart.close();
    const outputs = sink.outputs();
    assert.equal(outputs.length, 2);
    assert.ok(LIBRARY_MARK.test(html(outputs[0])), 'the first output carries plotly.js');
    assert.ok(!html(outputs[0]).includes('trainbook-plot'), 'the library output holds no figure');
    const updates = sink.messages.filter((m) => m.kind === 'update');
    assert.equal(updates.length, 3);
    for (const u of updates) assert.ok(html(u.bundle).length < 20_000, `redraw is ${html(u.bundle).length} characters`);
  } finally {
    setDisplaySink(undefined);
  }
});

test('resetPlotlyInjection makes the next plot embed plotly.js again; includePlotlyJs forces either way', () => {
  resetPlotlyInjection();
  assert.notEqual(takePlotlyLibrary(), '');
  assert.equal(takePlotlyLibrary(), '');
  assert.notEqual(takePlotlyLibrary(true), '');
  resetPlotlyInjection();
  assert.equal(takePlotlyLibrary(false), '');
  assert.equal(plotlyInjected(), false);
});

test('a multi-mime sink gets the figure as Plotly JSON and text too; a single-mime sink gets HTML only', () => {
  const multi = new RecordingSink();
  const single = new RecordingSink({ multiMime: false });
  const figure = { data: [{ type: 'scatter', x: [1, 2], y: [3, Number.NaN], name: 'loss' }], layout: { title: 'Loss' } };
  try {
    setDisplaySink(multi);
    showFigure(figure);
    setDisplaySink(single);
    showFigure(figure);
  } finally {
    setDisplaySink(undefined);
  }
  const bundle = multi.outputs()[0];
  assert.deepEqual(Object.keys(bundle ?? {}), ['text/html', PLOTLY_MIME, 'text/plain']);
  assert.deepEqual(bundle?.[PLOTLY_MIME], { data: [{ type: 'scatter', x: [1, 2], y: [3, null], name: 'loss' }], layout: { title: 'Loss', height: 420 } });
  assert.equal(bundle?.['text/plain'], "<Figure 'Loss': 1 trace (loss)>");
  assert.deepEqual(Object.keys(single.outputs()[0] ?? {}), ['text/html']);
});

test('without a notebook a figure prints its description and keeps plotly.js for later', () => {
  const sink = new RecordingSink({ rich: false });
  setDisplaySink(sink);
  try {
    resetPlotlyInjection();
    showFigure({ data: [{ type: 'scatter', y: [1] }, { type: 'scatter', y: [2], name: 'b' }] });
  } finally {
    setDisplaySink(undefined);
  }
  assert.deepEqual(sink.outputs(), [{ 'text/plain': '<Figure: 2 traces (trace 0, b)>' }]);
  assert.equal(plotlyInjected(), false);
});

test('showFigure says what a figure must look like', () => {
  assert.throws(() => showFigure({ data: 'nope' } as never), /expected a figure \{ data: \[trace, \.\.\.\]/);
});
