// Opens cell outputs in a real browser (Debian chromium through playwright-core), from file://,
// laid out as `jupyter nbconvert --to html` lays them out, and checks that every figure draws.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { liveChart } from '../../src/display/live-chart.js';
import { plotHistory } from '../../src/display/plot.js';
import { resetPlotlyInjection, showFigure } from '../../src/display/plotly.js';
import { progress } from '../../src/display/progress.js';
import { RecordingSink, setDisplaySink, type MimeBundle } from '../../src/display/sink.js';
import { showTable } from '../../src/display/table.js';
import { ARTIFACTS, assertAllDrawn, launchChromium, openAndCheck, skipWithoutChromium, type PageReport } from './fixtures/browser-check.js';
import { SLOW_TESTS, skipUnlessSlow } from '../slow.js';

const skip = skipWithoutChromium;
const hasNbconvert = SLOW_TESTS && spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' }).status === 0;
function nbconvertSkipReason(): string | false {
  if (skip !== false) return skip;
  const slow = skipUnlessSlow('about 13 s, two nbconvert runs');
  if (slow !== false) return slow;
  return hasNbconvert ? false : 'jupyter nbconvert is missing: pip install nbconvert to run this check';
}
const skipNbconvert = nbconvertSkipReason();

/** The outputs of a short session, as tslab sends them (one mime each: text/html), in execution order. */
function sessionOutputs(): MimeBundle[] {
  const sink = new RecordingSink({ multiMime: false });
  setDisplaySink(sink);
  try {
    resetPlotlyInjection();
    showFigure({
      data: [{ type: 'scatter', mode: 'lines+markers', x: [1, 2, 3, 4], y: [1.2, 0.8, 0.5, 0.4], name: 'first figure' }],
      layout: { title: { text: 'First figure (carries plotly.js)' } },
    });
    plotHistory({ loss: [1.1, 0.62, 0.41, 0.33], valLoss: [1.05, 0.66, 0.47, 0.4], valAccuracy: [0.5, 0.8, 0.9, 0.93] }, { title: 'plotHistory' });
    const chart = liveChart({ title: 'liveChart (final update)', maxEpochs: 6, throttleMs: 0 });
    for (let epoch = 1; epoch <= 6; epoch++) chart.push({ loss: 1 / epoch, valLoss: 1.1 / epoch, valAccuracy: 1 - 0.5 / epoch });
    chart.close();
    const bar = progress(8, { label: 'epoch 1', unit: 'batch', throttleMs: 0 });
    bar.tick(8, { loss: 0.31 });
    bar.done();
    showTable({ columns: ['name', 'value'], values: [['</script><b>escaped</b>', 1.5], ['x', 2]] });
    showFigure({
      data: [{ type: 'bar', x: ['a</script>', 'b & c', "d'e"], y: [3, 1, 2], name: 'bar' }],
      layout: { title: { text: 'Bar with </script> in a label' } },
    });
  } finally {
    setDisplaySink(undefined);
  }
  return sink.outputs();
}

/** A figure drawn in an earlier cell than the one whose output carries plotly.js (out-of-order execution). */
function earlierCellFigure(): MimeBundle {
  const sink = new RecordingSink({ multiMime: false });
  setDisplaySink(sink);
  try {
    showFigure({ data: [{ type: 'scatter', y: [3, 1, 2], name: 'drawn above the library' }], layout: { title: { text: 'Placed above the library output' } } });
  } finally {
    setDisplaySink(undefined);
  }
  const out = sink.outputs()[0];
  assert.ok(out !== undefined);
  return out;
}

const FAKE_AMD = `<script>
  // Stands in for require.js as classic Notebook loads it: a global define with define.amd.
  window.amdDefines = [];
  window.define = function (deps, factory) { window.amdDefines.push(Array.isArray(deps) ? deps.join(',') : String(deps)); };
  window.define.amd = { jQuery: true };
  window.require = window.requirejs = function () {};
</script>`;

function realRequireJs(): string {
  const path = createRequire(import.meta.url).resolve('requirejs/require.js');
  return `<script>${readFileSync(path, 'utf8')}</script>\n<script>window.amdDefines = [];</script>`;
}

/** Concatenates outputs as nbconvert does: one output area per output, in document order. */
function page(title: string, head: string, outputs: MimeBundle[]): string {
  const areas = outputs
    .map((o, i) => `<div class="output_area"><div class="output_subarea output_html rendered_html" data-output="${i}">\n${String(o['text/html'])}\n</div></div>`)
    .join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title>\n${head}\n</head>\n<body style="max-width:960px;margin:16px auto;font-family:sans-serif">\n${areas}\n</body></html>\n`;
}

let browser: Browser | undefined;

before(async () => {
  if (skip === false) browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** Writes `html` (unless undefined: the file is already there) to test-artifacts/<name>.html and opens it. */
async function openPage(name: string, html: string | undefined, afterLoad?: (tab: Page) => Promise<void>): Promise<PageReport> {
  assert.ok(browser !== undefined);
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.html`);
  if (html !== undefined) writeFileSync(file, html);
  return openAndCheck(browser, file, afterLoad);
}

test('exported outputs draw every figure from file:// with a require.js-like define.amd on the page (classic Notebook)', { skip, timeout: 120_000 }, async () => {
  const outputs = sessionOutputs();
  const report = await openPage('display-classic-fake-amd', page('classic, fake AMD loader', FAKE_AMD, outputs));
  assertAllDrawn(report, 4);
  assert.deepEqual(report.amdDefines, [], 'plotly.js registered itself as an AMD module instead of window.Plotly');
  // plotHistory draws 3 traces, the live chart's final update 3.
  assert.deepEqual(report.drawn.map((p) => p.traces), [1, 3, 3, 1]);
});

test('exported outputs draw every figure with the real require.js loaded, as in classic Notebook 6.4', { skip, timeout: 120_000 }, async () => {
  const report = await openPage('display-classic-requirejs', page('classic, require.js', realRequireJs(), sessionOutputs()));
  assertAllDrawn(report, 4);
});

test('exported outputs draw every figure without any loader (JupyterLab, nbconvert lab template)', { skip, timeout: 120_000 }, async () => {
  const report = await openPage('display-lab', page('lab, no loader', '', sessionOutputs()));
  assertAllDrawn(report, 4);
  assert.equal(report.amdDefines, null);
});

test('a figure placed above the output that carries plotly.js waits for it and draws', { skip, timeout: 120_000 }, async () => {
  const outputs = sessionOutputs();
  const report = await openPage('display-out-of-order', page('out of order', FAKE_AMD, [earlierCellFigure(), ...outputs]));
  assertAllDrawn(report, 5);
});

test('a live chart redraws on its own when an update replaces its output HTML, as JupyterLab does', { skip, timeout: 120_000 }, async () => {
  const sink = new RecordingSink({ multiMime: false });
  setDisplaySink(sink);
  try {
    resetPlotlyInjection();
    const chart = liveChart({ title: 'replaced in place', maxEpochs: 5, throttleMs: 0 });
    for (let epoch = 1; epoch <= 5; epoch++) chart.push({ loss: 1 / epoch, valAccuracy: epoch / 5 });
    chart.close();
  } finally {
    setDisplaySink(undefined);
  }
  const shown = sink.messages.filter((m) => m.kind === 'display');
  const updates = sink.messages.filter((m) => m.kind === 'update').map((m) => String(m.bundle['text/html']));
  assert.equal(shown.length, 2); // plotly.js, then the chart
  const report = await openPage('display-live-update', page('live update', '', shown.map((m) => m.bundle)), async (tab) => {
    for (const html of updates) {
      // JupyterLab sets innerHTML, then replaces each <script> with a fresh copy so that it runs.
      await tab.evaluate((h: string) => {
        const area = document.querySelector('[data-output="1"]');
        if (area === null) throw new Error('no chart output');
        area.innerHTML = h;
        for (const old of Array.from(area.querySelectorAll('script'))) {
          const fresh = document.createElement('script');
          fresh.textContent = old.textContent;
          old.replaceWith(fresh);
        }
      }, html);
    }
  });
  assertAllDrawn(report, 1);
  assert.equal(report.drawn[0]?.traces, 2);
  assert.equal(report.drawn[0]?.points, 10, 'both traces show all 5 epochs');
});

test('a notebook with these outputs exported by jupyter nbconvert --to html draws every figure offline', { skip: skipNbconvert, timeout: 180_000 }, async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const outputs = sessionOutputs().map((bundle) => ({ output_type: 'display_data', data: bundle, metadata: {} }));
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, language_info: { name: 'typescript' } },
    cells: [
      { cell_type: 'markdown', id: 'title', metadata: {}, source: '# Display check' },
      { cell_type: 'code', id: 'outputs', metadata: {}, execution_count: 1, source: 'plotHistory(history);', outputs },
    ],
  };
  const ipynb = join(ARTIFACTS, 'display-nbconvert.ipynb');
  writeFileSync(ipynb, JSON.stringify(notebook));
  for (const template of ['lab', 'classic']) {
    const name = `display-nbconvert-${template}`;
    const run = spawnSync('jupyter', ['nbconvert', '--to', 'html', '--template', template, '--output', name, ipynb], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const report = await openPage(name, undefined);
    // The templates themselves ask CDNs for require.js and MathJax (offline here): not ours, so not counted.
    const external = (url: string): boolean => /^https?:\/\//.test(url);
    const ours = { ...report, errors: report.errors.filter((e) => !/ERR_|Failed to load resource/.test(e)), requests: report.requests.filter((u) => !external(u)) };
    assertAllDrawn(ours, 4);
  }
});

test('a page with no output carrying plotly.js draws from the copy this browser cached, and says so', { skip, timeout: 120_000 }, async () => {
  assert.ok(browser !== undefined);
  const outputs = sessionOutputs(); // outputs[0] carries plotly.js
  const later = earlierCellFigure(); // a figure of the same session, without the library
  mkdirSync(ARTIFACTS, { recursive: true });
  const first = join(ARTIFACTS, 'display-cache-first.html');
  const second = join(ARTIFACTS, 'display-cache-second.html');
  writeFileSync(first, page('carries the library', '', outputs.slice(0, 1)));
  writeFileSync(second, page('no library on this page', FAKE_AMD, [later, ...outputs.slice(2, 3)]));
  const context = await browser.newContext();
  try {
    const withoutCache = await openAndCheck(browser, second, undefined, { context, expectDrawn: false });
    assert.deepEqual(withoutCache.drawn.map((p) => p.hasSvg), [false, false], 'nothing to draw with before the cache is filled');
    const filled = await openAndCheck(browser, first, undefined, { context });
    assertAllDrawn(filled, 1);
    const fromCache = await openAndCheck(browser, second, undefined, { context });
    assertAllDrawn(fromCache, 2);
    assert.deepEqual(fromCache.amdDefines, []);
    assert.equal(fromCache.notes.length, 1);
    assert.match(fromCache.notes[0] ?? '', /plotly\.js came from this browser's cache/);
  } finally {
    await context.close();
  }
});
