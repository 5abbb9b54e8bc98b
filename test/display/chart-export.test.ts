// History charts and figure options as an exported page shows them: outputs recorded as the
// trainbook kernel sends them (plotly JSON and HTML), rendered by `trainbook export`'s page
// renderer, opened from file:// in Debian's chromium. Checks where plotly put the legend, the axis
// titles and the figure title (no two overlap), and that showFigure's height reaches the page.
// Screenshots go to test-artifacts/chart-export-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import type { Browser } from 'playwright-core';

import { liveChart } from '../../src/display/live-chart.js';
import { plotHistory } from '../../src/display/plot.js';
import { resetPlotlyInjection, showFigure } from '../../src/display/plotly.js';
import { RecordingSink, setDisplaySink, type MimeBundle } from '../../src/display/sink.js';
import { renderNotebookPage } from '../../src/notebook/html-page.js';
import type { Cell, Notebook } from '../../src/notebook/nbformat.js';
import { ARTIFACTS, launchChromium, skipWithoutChromium } from './fixtures/browser-check.js';

const skip = skipWithoutChromium;

/** The charts a course draws: classification, regression (R², MAE), a learning-rate series, twoAxes, a live chart. */
function chartOutputs(): MimeBundle[] {
  const sink = new RecordingSink({ multiMime: true });
  setDisplaySink(sink);
  try {
    resetPlotlyInjection();
    plotHistory({ loss: [1.1, 0.62, 0.41, 0.33], valLoss: [1.05, 0.66, 0.47, 0.4], valAccuracy: [0.5, 0.8, 0.9, 0.93] }, { title: 'classification' });
    plotHistory({ loss: [0.9, 0.5, 0.3], valLoss: [1, 0.6, 0.35], valR2: [0.1, 0.5, 0.7], valMae: [0.8, 0.55, 0.4], lr: [0.1, 0.1, 0.01] }, { title: 'regression' });
    plotHistory({ loss: [2, 1, 0.8], acc: [0.3, 0.6, 0.7] }, { title: 'two axes', arrangement: 'twoAxes' });
    const chart = liveChart({ title: 'live', maxEpochs: 5, throttleMs: 0 });
    for (let epoch = 1; epoch <= 5; epoch++) chart.push({ loss: 1 / epoch, valLoss: 1.1 / epoch, valAccuracy: 1 - 0.5 / epoch });
    chart.close();
    showFigure({ data: [{ type: 'scatter', y: [3, 1, 2], name: 'short' }], layout: { title: { text: 'height 250' } } }, { height: 250 });
  } finally {
    setDisplaySink(undefined);
  }
  // liveChart's redraws are updates of one output: keep what the notebook keeps, its last state.
  const outputs: MimeBundle[] = [];
  const byId = new Map<string, number>();
  for (const message of sink.messages) {
    const id = message.displayId;
    if (message.kind === 'update' && id !== undefined && byId.has(id)) outputs[byId.get(id) ?? 0] = message.bundle;
    else {
      if (id !== undefined) byId.set(id, outputs.length);
      outputs.push(message.bundle);
    }
  }
  return outputs;
}

function exportedPage(outputs: MimeBundle[]): string {
  const cells: Cell[] = outputs.map((data, i) => ({
    cell_type: 'code',
    id: `c${i}`,
    metadata: {},
    source: 'plot',
    execution_count: i + 1,
    outputs: [{ output_type: 'display_data', data, metadata: {} }],
  }));
  const notebook: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
  return renderNotebookPage(notebook, { fileName: 'charts', trusted: true }).html;
}

interface Box {
  name: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface PlotGeometry {
  title: string;
  svgHeight: number;
  legend: Box | null;
  texts: Box[];
  traces: number;
}

const GEOMETRY_SCRIPT = `(() => {
  function box(el, name) {
    const r = el.getBoundingClientRect();
    return { name, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }
  return Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot) => {
    const legend = plot.querySelector('g.legend');
    const texts = Array.from(plot.querySelectorAll('text.gtitle, g.infolayer text[class$="title"]'))
      .filter((t) => (t.textContent || '') !== '')
      .map((t) => box(t, (t.getAttribute('class') || '') + " '" + t.textContent + "'"));
    const title = plot.querySelector('text.gtitle');
    const svg = plot.querySelector('svg.main-svg');
    return {
      title: title === null ? '' : title.textContent,
      svgHeight: svg === null ? 0 : svg.getBoundingClientRect().height,
      legend: legend === null ? null : box(legend, 'legend'),
      texts,
      traces: plot.querySelectorAll('.scatterlayer .trace').length,
    };
  });
})()`;

let browser: Browser | undefined;
before(async () => {
  if (skip === false) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

async function geometry(name: string, html: string): Promise<PlotGeometry[]> {
  assert.ok(browser !== undefined);
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.html`);
  writeFileSync(file, html);
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  try {
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 60_000 });
    await tab.waitForFunction(
      () => {
        const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
        return plots.length > 0 && plots.every((p) => p.querySelector('.main-svg') !== null);
      },
      undefined,
      { timeout: 30_000, polling: 100 },
    );
    await tab.screenshot({ path: file.replace(/\.html$/, '.png'), fullPage: true });
    assert.deepEqual(errors, []);
    // A string, not a function: tsx's name helpers do not exist in the page.
    return (await tab.evaluate(GEOMETRY_SCRIPT)) as PlotGeometry[];
  } finally {
    await context.close();
  }
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function assertNoOverlap(plot: PlotGeometry): void {
  const boxes = plot.legend === null ? plot.texts : [plot.legend, ...plot.texts];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      assert.ok(a !== undefined && b !== undefined);
      assert.ok(!overlaps(a, b), `in '${plot.title}', ${a.name} ${JSON.stringify(a)} overlaps ${b.name} ${JSON.stringify(b)}`);
    }
  }
}

test('on an exported page, no history chart has its legend over an axis title or the figure title', { skip, timeout: 120_000 }, async () => {
  const plots = await geometry('chart-export-page', exportedPage(chartOutputs()));
  assert.deepEqual(plots.map((p) => p.title), ['classification', 'regression', 'two axes', 'live', 'height 250']);
  assert.deepEqual(plots.map((p) => p.traces), [3, 5, 2, 3, 1]);
  for (const plot of plots.slice(0, 4)) {
    assert.ok(plot.legend !== null, `'${plot.title}' has no legend`);
    assertNoOverlap(plot);
  }
});

test('showFigure\'s height survives export: the exported page draws the figure at the height it was shown with', { skip, timeout: 120_000 }, async () => {
  const plots = await geometry('chart-export-height', exportedPage(chartOutputs().slice(-1)));
  assert.equal(plots.length, 1);
  assert.equal(Math.round(plots[0]?.svgHeight ?? 0), 250);
});

test('in the notebook (the HTML output trainbook sends), no history chart has its legend over a title either', { skip, timeout: 120_000 }, async () => {
  const html = chartOutputs()
    .map((o) => `<div class="output">${String(o['text/html'])}</div>`)
    .join('\n');
  const plots = await geometry('chart-export-notebook', `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="max-width:960px">${html}</body></html>`);
  assert.deepEqual(plots.map((p) => p.svgHeight > 0), [true, true, true, true, true]);
  for (const plot of plots.slice(0, 4)) assertNoOverlap(plot);
});
