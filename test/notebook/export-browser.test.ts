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
import { spawnSync } from 'node:child_process';
import { stringifyNotebook, type Cell, type Notebook } from '../../src/notebook/nbformat.js';

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
    // Trusted, as `npm run course` exports the notebooks it has just executed.
    result = await exportCourse([join(dir, 'in')], { outDir: join(dir, 'out'), title: 'Fixture course', sections: ['iris'], trust: true });
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

// Every way a notebook could carry script into an exported page; each one, if it ran, sets window.__pwned.
const PWN = (how: string): string => `window.__pwned=(window.__pwned||[]).concat('${how}')`;
function craftedNotebook(): Notebook {
  let n = 0;
  const md = (source: string): Cell => ({ cell_type: 'markdown', id: `md-${++n}`, metadata: {}, source });
  const code = (data: Record<string, string>, source = 'x'): Cell => ({
    cell_type: 'code',
    id: `code-${++n}`,
    metadata: {},
    source,
    execution_count: n,
    outputs: [{ output_type: 'display_data', data, metadata: {} }],
  });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      md(`# Lesson <img src="x" onerror="${PWN('title')}"> one\n\n> subtitle <svg onload="${PWN('subtitle')}"></svg>`),
      md(
        `<script>${PWN('md-script')}</script>\n\n<img src="nope.png" onerror="${PWN('md-onerror')}">\n\n<body onload="${PWN('md-onload')}">\n\n` +
          `[click me](javascript:${PWN('md-link')})\n\n<a id="jslink" href="javascript:${PWN('md-a')}">raw link</a>\n\n<iframe srcdoc="<script>parent.${PWN('iframe')}</script>"></iframe>\n\n` +
          '| kept | table |\n| --- | --- |\n| 1 | 2 |\n\n```ts\nconst kept = "code";\n```\n',
      ),
      code({ 'text/markdown': `output <img src="y" onerror="${PWN('output-md')}">`, 'text/plain': 'md' }),
      code({ 'text/html': `<b class="kept-html">html</b><script>${PWN('html-script')}</script><img src="z" onerror="${PWN('html-onerror')}">`, 'text/plain': 'html' }),
      code({ 'application/javascript': PWN('javascript'), 'text/plain': 'js' }),
      code({ 'image/png': `iVBOR" onerror="${PWN('png')}" x="`, 'text/plain': 'png' }),
      code({ 'image/gif': `R0lGOD"><script>${PWN('gif')}</script>`, 'text/plain': 'gif' }),
      code({ 'application/vnd.plotly.v1+json': JSON.stringify({ data: [{ type: 'scatter', y: [1, 3, 2], name: '</script><script>x' }, { type: 'scatter', y: [2, 1, 3] }], layout: {} }) }),
    ],
  };
}

describe('an exported page of a crafted notebook in Chromium runs none of its script', { skip }, () => {
  let dir: string;
  let browser: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tb-export-crafted-'));
    mkdirSync(join(dir, 'in', 'students'), { recursive: true });
    writeFileSync(join(dir, 'in', 'students', '01-crafted.ipynb'), stringifyNotebook(craftedNotebook()));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });

  after(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens `file`, clicks every link that would run script, and returns what window.__pwned collected. */
  async function pwnedBy(file: string): Promise<{ pwned: string[]; page: Page; context: BrowserContext }> {
    const context = await guardedContext(browser, [], []);
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    for (const link of await page.$$('a[href]')) {
      const href = (await link.getAttribute('href')) ?? '';
      if (href.startsWith('javascript:')) await link.click();
    }
    const pwned = await page.evaluate(() => (window as unknown as { __pwned?: string[] }).__pwned ?? []);
    return { pwned, page, context };
  }

  test('untrusted: no markdown, title, HTML, JavaScript or image output runs script, and the plotly figure draws', async () => {
    const result = await exportCourse([join(dir, 'in')], { outDir: join(dir, 'out'), trustStore: { dataDir: join(dir, 'no-jupyter') } });
    const [crafted] = result.notebooks;
    assert.equal(crafted.trusted, false);
    const { pwned, page, context } = await pwnedBy(crafted.htmlPath);
    assert.deepEqual(pwned, []);
    await page.waitForSelector('.js-plotly-plot .scatterlayer .trace', { timeout: 20_000 });
    assert.equal(await page.$$eval('.js-plotly-plot .scatterlayer .trace', (traces) => traces.length), 2);
    assert.equal(await page.textContent('table td'), '1', 'markdown tables are kept');
    assert.equal(await page.textContent('b.kept-html'), 'html', 'untrusted HTML is shown, sanitized');
    assert.ok((await page.$$('code .hljs-string')).length > 0, 'highlighted code is kept');
    assert.equal(await page.$eval('h1', (h) => h.id), 'lesson--one');
    assert.equal((await page.textContent('h1 a.anchor')) ?? '', '#');
    assert.match((await page.textContent('.notebook')) ?? '', /\[5\]x\s*js\s/, 'an untrusted JavaScript output shows its text/plain, as in JupyterLab');
    assert.match((await page.textContent('.notebook')) ?? '', /image\/png output is not valid base64/);
    assert.ok(crafted.warnings.some((w) => /not trusted/.test(w)), crafted.warnings.join('\n'));
    await page.screenshot({ path: join(ARTIFACTS, 'crafted-untrusted.png'), fullPage: true });
    await context.close();
    const index = await pwnedBy(result.indexPath);
    assert.deepEqual(index.pwned, []);
    assert.equal(await index.page.textContent('a.nb-title'), 'Lesson  one');
    await index.context.close();
  });

  test('trusted with --trust, its HTML and JavaScript outputs run; markdown, title and images still run nothing', async () => {
    const result = await exportCourse([join(dir, 'in')], { outDir: join(dir, 'trusted'), trust: true });
    const { pwned, context } = await pwnedBy(result.notebooks[0].htmlPath);
    assert.deepEqual(pwned.sort(), ['html-onerror', 'html-script', 'javascript']);
    await context.close();
  });

  test('a notebook signed by jupyter trust is trusted; once changed it is not', { skip: spawnSync('jupyter', ['--version']).status === 0 || process.env.CI !== undefined ? false : 'jupyter not found' }, async () => {
    const dataDir = join(dir, 'jupyter');
    const path = join(dir, 'in', 'students', '01-crafted.ipynb');
    const env = { ...process.env, JUPYTER_DATA_DIR: dataDir, JUPYTER_CONFIG_DIR: join(dataDir, 'config') };
    const signed = spawnSync('jupyter', ['trust', path], { encoding: 'utf8', env });
    assert.equal(signed.status, 0, signed.stderr);
    const trusted = await exportCourse([path], { outDir: join(dir, 'signed'), trustStore: { dataDir } });
    assert.equal(trusted.notebooks[0].trusted, true);
    const run = await pwnedBy(trusted.notebooks[0].htmlPath);
    assert.deepEqual(run.pwned.sort(), ['html-onerror', 'html-script', 'javascript']);
    await run.context.close();
    writeFileSync(path, readFileSync(path, 'utf8').replace('kept-html', 'changed-html'));
    const changed = await exportCourse([path], { outDir: join(dir, 'changed'), trustStore: { dataDir } });
    assert.equal(changed.notebooks[0].trusted, false);
    const none = await pwnedBy(changed.notebooks[0].htmlPath);
    assert.deepEqual(none.pwned, []);
    await none.context.close();
  });
});
