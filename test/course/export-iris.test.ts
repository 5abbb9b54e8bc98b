// The main job end to end on the Iris course: `trainbook run` executes it, `trainbook export` turns
// it into HTML, and the pages, opened from file:// in headless Chromium with the network blocked,
// draw every plot with no console error. Screenshots go to test-artifacts/course/.
// Needs `npm run build` (it runs the real command line) and Debian's chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { skipUnlessSlow } from '../slow.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts/course');
const missing = !existsSync(CHROMIUM);
// Outside CI a machine without chromium skips; in CI a missing browser is a failure.
const skip = skipUnlessSlow('the exported course in Chromium') || (missing && process.env.CI === undefined ? `${CHROMIUM} not found: apt-get install -y chromium` : false);

function trainbook(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8', timeout: 600_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the exported Iris course in Chromium', { skip }, () => {
  let dir: string;
  let site: string;
  let browser: Browser;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'trainbook-course-'));
    site = join(dir, 'site');
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('trainbook run executes the nine notebooks and trainbook export writes a page for each', { timeout: 900_000 }, () => {
    const run = trainbook(['run', 'notebooks/iris', '--quick', '--jobs', '2', '--out', join(dir, 'executed')]);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /All 9 notebooks ran/);
    // --trust, as npm run course: these are notebooks trainbook run has just executed, so their HTML plots may run.
    const exported = trainbook(['export', join(dir, 'executed', 'notebooks', 'iris'), '--out', site, '--trust', '--ipynb', '--title', 'Iris']);
    assert.equal(exported.status, 0, exported.output);
    const pages = readdirSync(join(site, 'iris')).filter((name) => name.endsWith('.html'));
    assert.equal(pages.length, 9);
    assert.ok(existsSync(join(site, 'index.html')));
  });

  test('every page draws its plots offline with no console error', { timeout: 300_000 }, async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const blocked: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) await route.continue();
      else {
        blocked.push(url);
        await route.abort('blockedbyclient');
      }
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    let plotsDrawn = 0;
    for (const name of ['index.html', ...readdirSync(join(site, 'iris')).filter((n) => n.endsWith('.html')).sort().map((n) => `iris/${n}`)]) {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(site, name)).href);
      const plots = await page.locator('.js-plotly-plot').count();
      for (let i = 0; i < plots; i++) {
        const plot = page.locator('.js-plotly-plot').nth(i);
        await plot.locator('.main-svg').first().waitFor({ timeout: 20_000 });
        assert.ok((await plot.locator('.scatterlayer .trace').count()) > 0, `${name}: plot ${i + 1} has no data traces`);
      }
      plotsDrawn += plots;
      if (plots > 0) await page.locator('.js-plotly-plot').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, `${name.replace(/[/.]/g, '-')}.png`) });
      assert.deepEqual(errors, [], `${name}: console errors`);
      await page.close();
    }
    // 07-epochs draws the live chart and the history plot.
    assert.ok(plotsDrawn >= 2, `expected at least the two plots of 07-epochs, found ${plotsDrawn}`);
    assert.deepEqual(blocked, [], 'the pages asked for something other than local files');
  });
});
