// Live in JupyterLab: a real JupyterLab server with the tslab kernel, driven by chromium. "Run All"
// twice in one kernel session (with a page reload between): figures draw both times, the live
// chart redraws in place while its cell runs, and plotly.js is embedded once.
// Slow (a Jupyter server, a kernel and a browser, about a minute): set TRAINBOOK_SLOW_TESTS=1.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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
const TOKEN = 'trainbook-display-test';

function reasonToSkip(): string | false {
  const slow = skipUnlessSlow('about a minute, the display helpers live in JupyterLab');
  if (slow !== false) return slow;
  if (skipWithoutChromium !== false) return skipWithoutChromium;
  if (!existsSync(join(ROOT, 'dist', 'display', 'plotly.js'))) return 'dist/ is not built: npm run build';
  if (spawnSync('jupyter', ['lab', '--version']).status !== 0) return 'JupyterLab is missing: pip install jupyterlab';
  return false;
}

const CELLS = [
  'import { plotHistory, liveChart, showFigure } from "trainbook";',
  'plotHistory({ loss: [1, 0.6, 0.4], valLoss: [1.1, 0.7, 0.5], valAccuracy: [0.5, 0.8, 0.9] });',
  'const chart = liveChart({ title: "live", maxEpochs: 30 });\nfor (let epoch = 1; epoch <= 30; epoch++) {\n  await new Promise((r) => setTimeout(r, 150));\n  chart.push({ loss: 1 / epoch, valAccuracy: 1 - 0.5 / epoch });\n}\nchart.close();',
  'showFigure({ data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }] });',
];

interface PassReport {
  points: number[];
  libraryOutputs: number;
  /** Point counts the live chart showed, in order (2 traces, so 2 per epoch). */
  liveStates: number[];
  errors: string[];
}

/** Opens the notebook, runs all cells, waits for the three figures, saves the notebook. */
async function runAll(context: BrowserContext, url: string, screenshot: string): Promise<PassReport> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|ERR_/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    // Records, inside the page, each point count the live chart (second figure) shows while it runs.
    await page.addInitScript(() => {
      const states: number[] = [];
      (window as unknown as { liveStates: number[] }).liveStates = states;
      setInterval(() => {
        const chart = document.querySelectorAll('.trainbook-plot')[1];
        const n = chart === undefined ? -1 : chart.querySelectorAll('.point').length;
        if (n >= 0 && n !== states[states.length - 1]) states.push(n);
      }, 20);
    });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 90_000 });
    await page.locator('.jp-Notebook .jp-Cell').first().click();
    await page.keyboard.press('Escape');
    await page.click('.lm-MenuBar-itemLabel:text-is("Run")');
    await page.click('.lm-Menu-itemLabel:text-is("Run All Cells")');
    const done = page.waitForFunction(
      () => {
        const plots = Array.from(document.querySelectorAll('.trainbook-plot'));
        return plots.length === 3 && plots.every((el) => el.querySelector('.main-svg') !== null) && plots[1]?.querySelectorAll('.point').length === 60;
      },
      null,
      { timeout: 120_000, polling: 200 },
    );
    await done.catch(async (error: unknown) => {
      await page.screenshot({ path: screenshot.replace(/\.png$/, '.failed.png'), fullPage: true });
      throw error;
    });
    const report = await page.evaluate(() => ({
      points: Array.from(document.querySelectorAll('.trainbook-plot')).map((el) => el.querySelectorAll('.scatterlayer .point, .barlayer .point').length),
      libraryOutputs: Array.from(document.querySelectorAll('.jp-OutputArea-output')).filter((o) => o.innerHTML.includes('plotly.js v2.')).length,
      liveStates: (window as unknown as { liveStates: number[] }).liveStates,
    }));
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.keyboard.press('Control+s');
    await sleep(1500);
    return { ...report, errors };
  } finally {
    await page.close();
  }
}

test('live in JupyterLab on the tslab kernel: figures draw on two Run Alls in one session and the live chart redraws in place', { skip: reasonToSkip(), timeout: 400_000 }, async (t) => {
  const dir = join(ARTIFACTS, 'display-jupyterlab');
  mkdirSync(dir, { recursive: true });
  writeTslabNotebook(dir, CELLS);
  const jupyterPath = tslabJupyterPath(t);

  const port = await freePort();
  let server: ChildProcess | undefined = spawn(
    'jupyter',
    ['lab', '--allow-root', '--no-browser', `--port=${port}`, '--ServerApp.ip=127.0.0.1', `--ServerApp.token=${TOKEN}`, `--ServerApp.root_dir=${dir}`],
    { env: { ...process.env, JUPYTER_PATH: jupyterPath }, stdio: 'ignore' },
  );
  const browser = await launchChromium();
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForJupyter(base, TOKEN, 'JupyterLab');
    const context = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
    const url = `${base}/lab/tree/display.ipynb?token=${TOKEN}`;

    const first = await runAll(context, url, join(dir, 'run-all-1.png'));
    assert.deepEqual(first.points, [9, 60, 2]);
    assert.equal(first.libraryOutputs, 1, 'plotly.js is embedded in one output');
    // The number of redraws seen depends on load (a busy machine delays timers and rendering): ask for 2.
    t.diagnostic(`live chart point counts seen during the first run: ${first.liveStates.join(' ')}`);
    const partial = first.liveStates.filter((n) => n > 0 && n < 60);
    assert.ok(partial.length >= 2, `the live chart showed ${first.liveStates.join(' ')} points: expected at least 2 states between 0 and 60`);
    assert.deepEqual(first.errors, []);

    // Same kernel, page reloaded: the session already embedded plotly.js, so no new output carries it.
    const second = await runAll(context, url, join(dir, 'run-all-2.png'));
    assert.deepEqual(second.points, [9, 60, 2]);
    assert.equal(second.libraryOutputs, 0);
    assert.deepEqual(second.errors, []);
    await context.close();
  } finally {
    await browser.close();
    server?.kill('SIGTERM');
    server = undefined;
  }
});
