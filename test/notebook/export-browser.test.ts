// Opens exported pages in a real Chromium from file:// with every non-file request blocked, and checks
// that figures are drawn, scripts run, images load, and nothing is fetched or logged as an error.
// Needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium); screenshots go to test-artifacts/export/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { exportCourse, type ExportResult } from '../../src/notebook/export.js';
import { copyFixtureCourse } from '../fixtures/export/load.js';
import { skipUnlessSlow } from '../slow.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts/export');
const missing = !existsSync(CHROMIUM);
// Outside CI a machine without chromium skips; in CI a missing browser is a failure, not a skip.
const skip = skipUnlessSlow('exported pages in Chromium') || (missing && process.env.CI === undefined ? `${CHROMIUM} not found: apt-get install -y chromium` : false);

/** A browser context that records every request and aborts (and records) all but file: and data: ones. */
async function guardedContext(browser: Browser, requests: string[], blocked: string[]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  context.on('request', (request) => requests.push(request.url()));
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) await route.continue();
    else {
      blocked.push(url);
      await route.abort('blockedbyclient');
    }
  });
  return context;
}

interface Visit {
  page: Page;
  consoleErrors: string[];
}

describe('exported pages in Chromium from file://', { skip }, () => {
  let dir: string;
  let result: ExportResult;
  let browser: Browser;
  let context: BrowserContext;
  const requests: string[] = [];
  const blocked: string[] = [];

  before(async () => {
    assert.ok(!missing, `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)`);
    dir = mkdtempSync(join(tmpdir(), 'tb-export-browser-'));
    copyFixtureCourse(join(dir, 'in'));
    result = await exportCourse([join(dir, 'in')], { outDir: join(dir, 'out'), title: 'Fixture course', sections: ['iris'] });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    context = await guardedContext(browser, requests, blocked);
  });

  after(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function visit(name: string): Promise<Visit> {
    const exported = result.notebooks.find((n) => n.name === name);
    assert.ok(exported !== undefined, `no exported notebook ${name}`);
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await page.goto(pathToFileURL(exported.htmlPath).href, { waitUntil: 'load' });
    return { page, consoleErrors };
  }

  /** Waits for `count` plotly figures and checks each drew every trace of its figure data as a line. */
  async function expectFigures(page: Page, count: number): Promise<void> {
    await page.waitForFunction(
      (n) => {
        const plots = [...document.querySelectorAll('.js-plotly-plot')] as (Element & { data?: unknown[] })[];
        return plots.length >= n && plots.every((plot) => plot.querySelectorAll('.scatterlayer .trace').length === (plot.data?.length ?? -1));
      },
      count,
      { timeout: 20_000 },
    );
    const figures = await page.$$eval('.js-plotly-plot', (plots) =>
      (plots as (Element & { data?: unknown[] })[]).map((plot) => ({
        svgs: plot.querySelectorAll('.main-svg').length,
        dataTraces: plot.data?.length ?? 0,
        traces: plot.querySelectorAll('.scatterlayer .trace').length,
        lines: plot.querySelectorAll('.scatterlayer .trace path.js-line').length,
      })),
    );
    assert.equal(figures.length, count, `expected ${count} drawn figures, found ${JSON.stringify(figures)}`);
    for (const figure of figures) {
      assert.ok(figure.svgs >= 1, `figure without .main-svg: ${JSON.stringify(figure)}`);
      assert.ok(figure.dataTraces >= 2, `figure data has fewer traces than the fixtures put in: ${JSON.stringify(figure)}`);
      assert.equal(figure.traces, figure.dataTraces, `every data trace is drawn: ${JSON.stringify(figure)}`);
      assert.equal(figure.lines, figure.dataTraces, `every trace draws a line: ${JSON.stringify(figure)}`);
    }
  }

  test('plotly MIME figures are drawn', async () => {
    const { page, consoleErrors } = await visit('02-plotly-mime');
    await expectFigures(page, 2);
    assert.equal(await page.evaluate(() => typeof (window as unknown as { Plotly?: { version?: string } }).Plotly?.version), 'string');
    await page.screenshot({ path: join(ARTIFACTS, 'iris-02-plotly-mime.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('figures written by the display helper as HTML are drawn, with one plotly.js in the page', async () => {
    const { page, consoleErrors } = await visit('03-plotly-html');
    await expectFigures(page, 3);
    assert.equal(await page.$$eval('script', (scripts) => scripts.filter((s) => (s.textContent ?? '').includes('plotly.js v')).length), 1);
    await page.screenshot({ path: join(ARTIFACTS, 'iris-03-plotly-html.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a live chart whose plotly.js came in an output of its own is drawn', async () => {
    const { page, consoleErrors } = await visit('04-live-chart');
    await expectFigures(page, 1);
    assert.equal(await page.$$eval('.output', (outputs) => outputs.length), 1, 'the library-only output leaves no empty block');
    await page.screenshot({ path: join(ARTIFACTS, 'iris-04-live-chart.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('HTML output scripts run and images load on a page without plotly', async () => {
    const { page, consoleErrors } = await visit('01-outputs');
    assert.equal(await page.textContent('#script-target'), 'script ran');
    assert.equal(await page.evaluate(() => typeof (window as unknown as { Plotly?: unknown }).Plotly), 'undefined');
    const images = await page.$$eval('.output-image img', (imgs) => imgs.map((img) => ({ complete: (img as HTMLImageElement).complete, width: (img as HTMLImageElement).naturalWidth })));
    assert.equal(images.length, 2);
    for (const image of images) assert.ok(image.complete && image.width > 0, `image did not load: ${JSON.stringify(images)}`);
    assert.equal(await page.$eval('.output-stderr', (el) => getComputedStyle(el).backgroundColor !== getComputedStyle(document.querySelector('.output-stdout') as Element).backgroundColor), true);
    await page.screenshot({ path: join(ARTIFACTS, 'iris-01-outputs.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.$eval('.page-nav', (el) => getComputedStyle(el).display), 'none');
    await page.screenshot({ path: join(ARTIFACTS, 'iris-01-outputs-print.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('the failed notebook shows its error and the index links to every page', async () => {
    const failed = await visit('01-failed');
    assert.match((await failed.page.textContent('.output-error')) ?? '', /TypeError: shapes \[32,4\] and \[3,4\] do not match/);
    assert.equal(await failed.page.$eval('.output-error span', (el) => getComputedStyle(el).color), 'rgb(231, 92, 88)');
    await failed.page.screenshot({ path: join(ARTIFACTS, 'ag-news-01-failed.png'), fullPage: true });
    assert.deepEqual(failed.consoleErrors, []);
    await failed.page.close();

    const page = await context.newPage();
    await page.goto(pathToFileURL(result.indexPath).href);
    const hrefs = await page.$$eval('a.nb-title', (links) => links.map((a) => (a as HTMLAnchorElement).href));
    assert.equal(hrefs.length, 6);
    for (const href of hrefs) assert.ok(existsSync(new URL(href)), `index links to a missing page: ${href}`);
    await page.click('a.nb-title >> nth=0');
    await page.waitForURL(/01-outputs\.html$/);
    await page.click('a[rel="next"] >> nth=0');
    await page.waitForURL(/02-plotly-mime\.html$/);
    await page.goto(pathToFileURL(result.indexPath).href);
    await page.screenshot({ path: join(ARTIFACTS, 'index.png'), fullPage: true });
    await page.close();
  });

  test('the request guard catches a page that fetches from the network', async () => {
    const canaryRequests: string[] = [];
    const canaryBlocked: string[] = [];
    const canaryContext = await guardedContext(browser, canaryRequests, canaryBlocked);
    const canary = join(dir, 'canary.html');
    writeFileSync(canary, '<!DOCTYPE html><img src="http://127.0.0.1:9/x.png"><script>fetch("https://cdn.plot.ly/plotly-2.35.2.min.js").catch(() => {});</script>');
    const page = await canaryContext.newPage();
    await page.goto(pathToFileURL(canary).href, { waitUntil: 'load' });
    await page.waitForTimeout(200);
    await canaryContext.close();
    assert.deepEqual(canaryBlocked.sort(), ['http://127.0.0.1:9/x.png', 'https://cdn.plot.ly/plotly-2.35.2.min.js']);
  });

  test('nothing but file: and data: URLs was requested', () => {
    assert.deepEqual(blocked, []);
    assert.ok(requests.length >= 6, `saw ${requests.length} requests; the request listener is not working`);
    assert.deepEqual(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:')), []);
    assert.ok(readFileSync(join(dirname(result.indexPath), 'index.html'), 'utf8').includes('Fixture course'));
  });
});
