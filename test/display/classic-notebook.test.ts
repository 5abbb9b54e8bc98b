// Live in classic Notebook 6.4 (require.js on the page, outputs rendered by jQuery) with the tslab
// kernel, driven by chromium: Run All, save, reload, Run All again in the same kernel session.
// Slow, and needs a Notebook 6 install (pip 'notebook<7', e.g. in a venv): set TRAINBOOK_SLOW_TESTS=1
// and TRAINBOOK_NOTEBOOK6_JUPYTER to that install's `jupyter` (default: `jupyter` on PATH, if it is Notebook 6).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import type { BrowserContext } from 'playwright-core';

import { ARTIFACTS, launchChromium, skipWithoutChromium } from './fixtures/browser-check.js';
import { freePort, tslabJupyterPath, waitForJupyter, writeTslabNotebook } from './fixtures/live-notebook.js';
import { skipUnlessSlow } from '../slow.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// scripts/setup.sh installs classic Notebook 6 in build/notebook6 (a venv: it conflicts with JupyterLab 4).
const SETUP_NOTEBOOK6 = join(ROOT, 'build', 'notebook6', 'bin', 'jupyter');
const JUPYTER = process.env.TRAINBOOK_NOTEBOOK6_JUPYTER ?? (existsSync(SETUP_NOTEBOOK6) ? SETUP_NOTEBOOK6 : 'jupyter');
const TOKEN = 'trainbook-display-test';

function reasonToSkip(): string | false {
  const slow = skipUnlessSlow('about 2 minutes, the display helpers live in classic Notebook 6; also set TRAINBOOK_NOTEBOOK6_JUPYTER');
  if (slow !== false) return slow;
  if (skipWithoutChromium !== false) return skipWithoutChromium;
  if (!existsSync(join(ROOT, 'dist', 'display', 'plotly.js'))) return 'dist/ is not built: npm run build';
  const version = spawnSync(JUPYTER, ['notebook', '--version'], { encoding: 'utf8' });
  if (version.status !== 0 || !version.stdout.startsWith('6.')) {
    return `no classic Notebook 6 at '${JUPYTER}' (found ${version.stdout.trim() || 'none'}): python3 -m venv /tmp/nb6 && /tmp/nb6/bin/pip install 'notebook==6.4.13', then TRAINBOOK_NOTEBOOK6_JUPYTER=/tmp/nb6/bin/jupyter`;
  }
  return false;
}

const CELLS = [
  'import { plotHistory, liveChart, showFigure } from "trainbook";',
  'plotHistory({ loss: [1, 0.6, 0.4], valLoss: [1.1, 0.7, 0.5], valAccuracy: [0.5, 0.8, 0.9] });',
  'const chart = liveChart({ title: "live", maxEpochs: 30 });\nfor (let epoch = 1; epoch <= 30; epoch++) {\n  await new Promise((r) => setTimeout(r, 150));\n  chart.push({ loss: 1 / epoch, valAccuracy: 1 - 0.5 / epoch });\n}\nchart.close();',
  'showFigure({ data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }] });',
];

interface PassReport {
  onLoad: { plotly: string; drawn: number; plots: number };
  points: number[];
  libraryOutputs: number;
  plotlyAsAmdModule: boolean;
  liveStates: number[];
  errors: string[];
}

type ClassicWindow = Window & {
  Jupyter: { notebook: { kernel?: { is_connected(): boolean }; execute_all_cells(): void; save_notebook(): void } };
  Plotly?: unknown;
  requirejs?: { defined(name: string): boolean };
  liveStates: number[];
};

async function runAll(context: BrowserContext, url: string, screenshot: string): Promise<PassReport> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // Notebook 6 asks for the ipywidgets nbextension, which is not installed: not ours.
    if (m.type() === 'error' && !/Failed to load resource|nbextensions/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const states: number[] = [];
    (window as unknown as { liveStates: number[] }).liveStates = states;
    setInterval(() => {
      const chart = document.querySelectorAll('.trainbook-plot')[1];
      const n = chart === undefined ? -1 : chart.querySelectorAll('.point').length;
      if (n >= 0 && n !== states[states.length - 1]) states.push(n);
    }, 20);
  });
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(() => (window as unknown as ClassicWindow).Jupyter?.notebook?.kernel?.is_connected() === true, null, { timeout: 90_000 });
    // Saved outputs of a trusted notebook run their scripts when the page loads.
    await sleep(5000);
    const onLoad = await page.evaluate(() => ({
      plotly: typeof (window as unknown as ClassicWindow).Plotly,
      drawn: Array.from(document.querySelectorAll('.trainbook-plot')).filter((el) => el.querySelector('.main-svg') !== null).length,
      plots: document.querySelectorAll('.trainbook-plot').length,
    }));
    await page.evaluate(() => (window as unknown as ClassicWindow).Jupyter.notebook.execute_all_cells());
    await page.waitForFunction(
      () => {
        const plots = Array.from(document.querySelectorAll('.trainbook-plot'));
        return plots.length === 3 && plots.every((el) => el.querySelector('.main-svg') !== null) && plots[1]?.querySelectorAll('.point').length === 60;
      },
      null,
      { timeout: 180_000, polling: 200 },
    );
    const report = await page.evaluate(() => ({
      points: Array.from(document.querySelectorAll('.trainbook-plot')).map((el) => el.querySelectorAll('.scatterlayer .point, .barlayer .point').length),
      libraryOutputs: Array.from(document.querySelectorAll('.output_html')).filter((o) => o.innerHTML.includes('plotly.js v2.')).length,
      plotlyAsAmdModule: (window as unknown as ClassicWindow).requirejs?.defined('plotly') === true,
      liveStates: (window as unknown as ClassicWindow).liveStates,
    }));
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.evaluate(() => (window as unknown as ClassicWindow).Jupyter.notebook.save_notebook());
    await sleep(2000);
    return { onLoad, ...report, errors };
  } finally {
    await page.close();
  }
}

test('live in classic Notebook 6 with require.js: figures draw, the live chart redraws in place, saved outputs draw again after a reload', { skip: reasonToSkip(), timeout: 600_000 }, async (t) => {
  const dir = join(ARTIFACTS, 'display-classic-notebook');
  mkdirSync(dir, { recursive: true });
  writeTslabNotebook(dir, CELLS);
  const jupyterPath = tslabJupyterPath(t);

  const port = await freePort();
  const server = spawn(
    JUPYTER,
    ['notebook', '--allow-root', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', `--NotebookApp.token=${TOKEN}`, `--notebook-dir=${dir}`],
    { env: { ...process.env, JUPYTER_PATH: jupyterPath }, stdio: 'ignore' },
  );
  const browser = await launchChromium();
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForJupyter(base, TOKEN, 'Notebook 6');
    const context = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
    const url = `${base}/notebooks/display.ipynb?token=${TOKEN}`;

    const first = await runAll(context, url, join(dir, 'run-all-1.png'));
    t.diagnostic(`live chart point counts seen during the first run: ${first.liveStates.join(' ')}`);
    assert.deepEqual(first.points, [9, 60, 2]);
    assert.equal(first.libraryOutputs, 1, 'plotly.js is embedded in one output');
    assert.equal(first.plotlyAsAmdModule, false, 'plotly.js set window.Plotly, not an AMD module');
    assert.ok(first.liveStates.filter((n) => n > 0 && n < 60).length >= 2, `the live chart showed ${first.liveStates.join(' ')} points`);
    assert.deepEqual(first.errors, []);

    // Reloaded page, same kernel: the saved (trusted) outputs draw on load, then Run All draws again.
    const second = await runAll(context, url, join(dir, 'run-all-2.png'));
    assert.deepEqual(second.onLoad, { plotly: 'object', drawn: 3, plots: 3 });
    assert.deepEqual(second.points, [9, 60, 2]);
    assert.equal(second.libraryOutputs, 0);
    assert.deepEqual(second.errors, []);
    await context.close();
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
});
