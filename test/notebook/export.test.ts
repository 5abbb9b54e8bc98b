import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportCourse, findNotebooks, type ExportResult } from '../../src/notebook/export.js';
import { ansiToHtml, applyCarriageReturns } from '../../src/notebook/html-ansi.js';
import { MarkdownRenderer, slugify } from '../../src/notebook/html-markdown.js';
import { MIME_ORDER, newOutputContext, pickMime, renderOutputs } from '../../src/notebook/html-output.js';
import { cellDuration, formatDuration, notebookStatus, notebookTitle, renderNotebookPage } from '../../src/notebook/html-page.js';
import { countPlotlyBundles, readPlotlyBundle, stripPlotlyBundles } from '../../src/notebook/html-plotly.js';
import { stringifyNotebook, type Cell, type Notebook, type Output } from '../../src/notebook/nbformat.js';
import { buildFixtures } from '../fixtures/export/make-fixtures.js';
import { copyFixtureCourse, FIXTURE_COURSE } from '../fixtures/export/load.js';

const ESC = '\x1b';
const bundle = readPlotlyBundle();

function render(outputs: Output[], trusted = true): string {
  return renderOutputs(outputs, newOutputContext(new MarkdownRenderer(), bundle, trusted));
}

function nb(cells: Cell[], metadata: Notebook['metadata'] = {}): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata, cells };
}

let cellNumber = 0;
function codeCell(outputs: Output[], count: number | null = 1, source = 'x'): Cell {
  cellNumber += 1;
  return { cell_type: 'code', id: `code-${cellNumber}`, metadata: {}, source, execution_count: count, outputs };
}

function mdCell(source: string): Cell {
  return { cell_type: 'markdown', id: 'm1', metadata: {}, source };
}

const plotlyOutput = (y: number[]): Output => ({
  output_type: 'display_data',
  data: { 'application/vnd.plotly.v1+json': { data: [{ type: 'scatter', y }], layout: {} }, 'text/plain': '<Figure>' },
  metadata: {},
});

describe('ANSI and escaping', () => {
  test('ansiToHtml turns palette colours into Jupyter-style classes, bold into a style, and escapes the text', () => {
    assert.equal(ansiToHtml(`${ESC}[31mError${ESC}[0m <b>`), '<span class="ansi-red-fg">Error</span> &lt;b&gt;');
    assert.equal(
      ansiToHtml(`${ESC}[1;92;44mok${ESC}[22mthin${ESC}[39;49m plain`),
      '<span style="font-weight:bold" class="ansi-bright-green-fg ansi-blue-bg">ok</span><span class="ansi-bright-green-fg ansi-blue-bg">thin</span> plain',
    );
  });

  test('ansiToHtml writes 256-colour and 24-bit colours as inline rgb', () => {
    assert.equal(ansiToHtml(`${ESC}[38;5;208mx`), '<span style="color:rgb(255,135,0)">x</span>');
    assert.equal(ansiToHtml(`${ESC}[48;2;10;20;30my`), '<span style="background-color:rgb(10,20,30)">y</span>');
    assert.equal(ansiToHtml(`${ESC}[38;5;1mz`), '<span class="ansi-red-fg">z</span>');
  });

  test('ansiToHtml drops cursor moves and line erases, keeps an https hyperlink and drops a javascript: one', () => {
    assert.equal(ansiToHtml(`${ESC}[2K${ESC}[1Gdone ${ESC}]8;;https://x.org/a?b="c"${ESC}\\link${ESC}]8;;${ESC}\\`), 'done <a href="https://x.org/a?b=&quot;c&quot;">link</a>');
    assert.equal(ansiToHtml(`${ESC}]8;;javascript:alert(1)${ESC}\\bad${ESC}]8;;${ESC}\\`), '');
  });

  test('the style of one text does not leak into the next', () => {
    assert.equal(ansiToHtml(`${ESC}[31mred`), '<span class="ansi-red-fg">red</span>');
    assert.equal(ansiToHtml('plain'), 'plain');
  });

  test('carriage returns overwrite the line and backspaces delete a character', () => {
    assert.equal(applyCarriageReturns('epoch 1 10%\repoch 1 100%\nnext\n'), 'epoch 1 100%\nnext\n');
    assert.equal(applyCarriageReturns('abcdef\rXY'), 'XYcdef');
    assert.equal(applyCarriageReturns('ab\x08c\r\n'), 'ac\n');
  });
});

describe('outputs', () => {
  test('stdout and stderr streams render as separately styled blocks, consecutive chunks merged', () => {
    const html = render([
      { output_type: 'stream', name: 'stdout', text: ['a 1%\r', 'a 100%\n'] },
      { output_type: 'stream', name: 'stdout', text: 'b\n' },
      { output_type: 'stream', name: 'stderr', text: `${ESC}[33mwarn${ESC}[0m <x>\n` },
    ]);
    assert.match(html, /<pre class="output-stream output-stdout">a 100%\nb\n<\/pre>/);
    assert.match(html, /<pre class="output-stream output-stderr"><span class="ansi-yellow-fg">warn<\/span> &lt;x&gt;\n<\/pre>/);
    assert.equal(html.match(/output-stdout/g)?.length, 1);
  });

  test('text/plain is escaped and an execute_result carries its [n] prompt', () => {
    const html = render([{ output_type: 'execute_result', execution_count: 7, data: { 'text/plain': ['Tensor <float32>\n', '[1, 2]'] }, metadata: {} }]);
    assert.match(html, /<div class="prompt output-prompt">\[7\]<\/div>/);
    assert.match(html, /<pre class="output-text">Tensor &lt;float32&gt;\n\[1, 2\]<\/pre>/);
  });

  test('text/html of a trusted notebook is inserted as is, scripts included', () => {
    const html = render([{ output_type: 'display_data', data: { 'text/html': '<table><tr><td>1</td></tr></table><script>window.x = 1 < 2;</script>', 'text/plain': 'table' }, metadata: {} }]);
    assert.ok(html.includes('<div class="output-html"><table><tr><td>1</td></tr></table><script>window.x = 1 < 2;</script></div>'));
  });

  test('images become data URIs with their stored width and height', () => {
    const png = render([{ output_type: 'display_data', data: { 'image/png': 'iVBO\nRw==\n' }, metadata: { 'image/png': { width: 20, height: 10 } } }]);
    assert.match(png, /<img alt="image\/png output" src="data:image\/png;base64,iVBORw==" width="20" height="10">/);
    const jpeg = render([{ output_type: 'display_data', data: { 'image/jpeg': '/9j/4AAQ' }, metadata: {} }]);
    assert.match(jpeg, /src="data:image\/jpeg;base64,\/9j\/4AAQ"/);
    const svg = render([{ output_type: 'display_data', data: { 'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>' }, metadata: {} }]);
    assert.match(svg, /src="data:image\/svg\+xml;charset=utf-8,%3Csvg%20xmlns/);
  });

  test('text/markdown renders as markdown and application/json as highlighted, escaped JSON', () => {
    assert.match(render([{ output_type: 'display_data', data: { 'text/markdown': '**acc** 0.97' }, metadata: {} }]), /<div class="output-markdown"><p><strong>acc<\/strong> 0.97<\/p>/);
    const json = render([{ output_type: 'display_data', data: { 'application/json': { tag: '<b>' } }, metadata: {} }]);
    assert.match(json, /<pre class="output-json"><code class="hljs language-json">/);
    assert.ok(json.includes('&quot;&lt;b&gt;&quot;'));
  });

  test('an error shows its traceback with ANSI colours converted, or ename: evalue without one', () => {
    const html = render([{ output_type: 'error', ename: 'TypeError', evalue: 'bad <shape>', traceback: [`${ESC}[0;31mTypeError${ESC}[0m: bad <shape>`, '  at cell 3'] }]);
    assert.match(html, /<pre class="output-error" data-ename="TypeError"><span class="ansi-red-fg">TypeError<\/span>: bad &lt;shape&gt;\n  at cell 3<\/pre>/);
    assert.match(render([{ output_type: 'error', ename: 'Error', evalue: 'boom', traceback: [] }]), />Error: boom<\/pre>/);
  });

  test('a plotly MIME output becomes a div drawn by Plotly.newPlot with script-safe JSON', () => {
    const context = newOutputContext(new MarkdownRenderer());
    const html = renderOutputs([{ output_type: 'display_data', data: { 'application/vnd.plotly.v1+json': { data: [{ y: [1], name: '</script><b>' }], layout: { title: 't' } } }, metadata: {} }], context);
    assert.match(html, /<div id="plot" class="plotly-figure"><\/div><script>\(function \(\) \{ var f = /);
    assert.match(html, /Plotly\.newPlot\("plot"/);
    assert.ok(!html.includes('</script><b>'));
    assert.ok(html.includes('\\u003c/script\\u003e\\u003cb\\u003e'), 'the one scriptJson of display/plotly escapes < and > alike');
    assert.equal(context.needsPlotly, true);
  });

  test('a bundle with no showable MIME type says so instead of vanishing', () => {
    assert.match(render([{ output_type: 'display_data', data: { 'application/vnd.jupyter.widget-view+json': {} }, metadata: {} }]), /Output of type application\/vnd\.jupyter\.widget-view\+json is not shown/);
  });

  test('the richest MIME type is picked: plotly json > html > svg > png > markdown > plain', () => {
    const all = Object.fromEntries(MIME_ORDER.map((m) => [m, 'x']));
    const order: string[] = [];
    const left = { ...all };
    while (Object.keys(left).length > 0) {
      const mime = pickMime(left) as string;
      order.push(mime);
      delete left[mime];
    }
    const expected = ['application/vnd.plotly.v1+json', 'text/html', 'image/svg+xml', 'image/png', 'text/markdown', 'text/plain'];
    assert.deepEqual(order.filter((m) => expected.includes(m)), expected);
    assert.equal(pickMime({ 'text/plain': 'a', 'image/png': 'b' }), 'image/png');
    assert.equal(pickMime({ 'application/x-unknown': 'x' }), undefined);
  });
});

describe('what a notebook cannot carry into the page', () => {
  test('an image output that is not base64 is not written into src, and says so', () => {
    const context = newOutputContext(new MarkdownRenderer(), bundle, true);
    const html = renderOutputs([{ output_type: 'display_data', data: { 'image/png': 'iVBOR" onerror="alert(1)' }, metadata: {} }], context);
    assert.ok(!html.includes('onerror'), html);
    assert.match(html, /This image\/png output is not valid base64 and is not shown/);
    assert.match(context.warnings.join('\n'), /image\/png output is not base64 \(it starts "iVBOR\\" onerror/);
  });

  test('markdown keeps tables, images, code and anchors but loses script, event handlers and javascript: links', () => {
    const md = new MarkdownRenderer();
    const html = md.render('# T <img src="x" onerror="alert(1)">\n\n<script>alert(2)</script>\n\n[a](javascript:alert(3)) <a href="javascript:alert(4)">b</a>\n\n![i](data:image/png;base64,iVBORw==)\n\n| a |\n| - |\n| 1 |\n\n$x^2$\n');
    for (const bad of ['onerror', '<script', 'javascript:', 'alert(']) assert.ok(!html.includes(bad), `${bad} in ${html}`);
    assert.match(html, /<h1 id="t">T <img src="x"><a class="anchor" href="#t"/);
    assert.match(html, /<img src="data:image\/png;base64,iVBORw==" alt="i">/);
    assert.match(html, /<td>1<\/td>/);
    assert.match(html, /\$x\^2\$/);
  });

  test('headings named like document properties keep their anchors; other clobbering ids and names go', () => {
    const html = new MarkdownRenderer().render('## Title\n\n## Images\n\n<img name="currentScript" id="cookie" src="x">');
    assert.match(html, /<h2 id="title">Title<a class="anchor" href="#title"/);
    assert.match(html, /<h2 id="images">/);
    assert.match(html, /<img src="x">/);
  });

  test('a title carries no markup that runs script into the page or the index', () => {
    const title = notebookTitle(nb([mdCell('# Intro <img src=x onerror="alert(1)"> & more\n\n> sub <svg onload="alert(2)"></svg>')]), 'f');
    assert.equal(title.title, 'Intro  & more');
    assert.ok(!title.titleHtml.includes('onerror') && !(title.subtitleHtml ?? '').includes('onload'), JSON.stringify(title));
  });

  test('an untrusted notebook shows its HTML sanitized and passes over its JavaScript; a trusted one runs both', () => {
    const outputs: Output[] = [
      { output_type: 'display_data', data: { 'text/html': '<b>hi</b><script>alert(1)</script>' }, metadata: {} },
      { output_type: 'display_data', data: { 'application/javascript': 'element.textContent = 1', 'text/plain': 'js' }, metadata: {} },
      { output_type: 'display_data', data: { 'application/javascript': 'alert(2)' }, metadata: {} },
    ];
    const untrusted = newOutputContext(new MarkdownRenderer(), bundle, false);
    const shown = renderOutputs(outputs, untrusted);
    assert.ok(!shown.includes('<script') && !shown.includes('alert('), shown);
    assert.match(shown, /<div class="output-html"><b>hi<\/b><\/div>/);
    assert.match(shown, /<pre class="output-text">js<\/pre>/);
    assert.match(shown, /not shown: the notebook is not trusted/);
    assert.equal(untrusted.untrustedOutputs, 3);
    const trusted = renderOutputs(outputs, newOutputContext(new MarkdownRenderer(), bundle, true));
    assert.match(trusted, /<script>alert\(1\)<\/script>/);
    assert.match(trusted, /<div class="output-javascript"><\/div><script>\(function \(element\) \{\nelement\.textContent = 1\n\}\)\(document\.currentScript\.previousElementSibling\);<\/script>/);
  });
});

describe('markdown', () => {
  test('headings get unique anchors, GFM tables render, code in fences is escaped', () => {
    const md = new MarkdownRenderer();
    const html = md.render('# Train the model\n\n## Loss\n\n## Loss\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n```ts\nconst a = "<b>";\n```\n');
    assert.match(html, /<h1 id="train-the-model">Train the model<a class="anchor" href="#train-the-model"/);
    assert.match(html, /<h2 id="loss">/);
    assert.match(html, /<h2 id="loss-1">/);
    assert.match(html, /<table>\n<thead>\n<tr>\n<th>a<\/th>/);
    assert.match(html, /<span class="hljs-string">"&lt;b&gt;"<\/span>/);
    assert.equal(slugify('Step 3: `zero_grad()` & backward!'), 'step-3-zero_grad--backward');
  });

  test('links to other notebooks point to their exported pages; other links are kept', () => {
    const html = new MarkdownRenderer().render('[next](02-split.ipynb) [other section](../ag-news/01-data.ipynb#top) [site](https://example.org/a.ipynb) [here](#x)');
    assert.match(html, /href="02-split.html"/);
    assert.match(html, /href="..\/ag-news\/01-data.html#top"/);
    assert.match(html, /href="https:\/\/example.org\/a.ipynb"/);
    assert.match(html, /href="#x"/);
  });

  test('attachment and relative images are inlined as data URIs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-md-'));
    try {
      writeFileSync(join(dir, 'fig.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      const md = new MarkdownRenderer({ baseDir: dir });
      const html = md.render('![a](attachment:a.png) ![b](fig.png) ![c](missing.png)', { 'a.png': { 'image/png': 'QUJD' } });
      assert.match(html, /src="data:image\/png;base64,QUJD"/);
      assert.match(html, /src="data:image\/png;base64,iVBORw=="/);
      assert.match(html, /src="missing.png"/);
      assert.equal(md.warnings.length, 1);
      assert.match(md.warnings[0], /missing\.png/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('plotly.js in pages', () => {
  const embedded = (y: number): Output => ({
    output_type: 'display_data',
    data: {
      'text/html': `<script type="text/javascript">(function () {\nif (window.Plotly) return;\nvar define = undefined;\n${bundle}\n}).call(window);\n</script><div id="p${y}"></div><script>Plotly.newPlot("p${y}", [{ y: [${y}] }]);</script>`,
    },
    metadata: {},
  });
  const waiting: Output = { output_type: 'display_data', data: { 'text/html': '<div id="w"></div><script>(function d(){ if (window.Plotly) window.Plotly.newPlot("w", []); else setTimeout(d, 25); })();</script>' }, metadata: {} };

  test('plotly.js appears once per page with several figures and outputs that embedded it', () => {
    const page = renderNotebookPage(nb([codeCell([embedded(1)]), codeCell([plotlyOutput([1, 2]), plotlyOutput([3])]), codeCell([embedded(2), waiting])]), { trusted: true });
    assert.equal(countPlotlyBundles(page.html), 1);
    assert.equal(page.html.split(bundle).length - 1, 1);
    assert.equal(page.html.match(/data-trainbook-plotly/g)?.length, 1);
    assert.equal(page.hasPlotly, true);
    assert.equal(page.removedPlotlyBundles, 2);
    // The figure code next to the cut bundle survives; the bundle goes in the head, before any output.
    assert.ok(page.html.includes('Plotly.newPlot("p1"'));
    assert.ok(page.html.indexOf('data-trainbook-plotly') < page.html.indexOf('<body>'));
  });

  test('an output that only draws with window.Plotly still gets plotly.js in the page', () => {
    const page = renderNotebookPage(nb([codeCell([waiting])]), { trusted: true });
    assert.equal(page.hasPlotly, true);
    assert.equal(countPlotlyBundles(page.html), 1);
  });

  test('a page with no figures carries no plotly.js', () => {
    const page = renderNotebookPage(nb([mdCell('# T'), codeCell([{ output_type: 'stream', name: 'stdout', text: 'Plotly is a library\n' }])]));
    assert.equal(page.hasPlotly, false);
    assert.equal(countPlotlyBundles(page.html), 0);
    assert.ok(!page.html.includes('data-trainbook-plotly'));
    assert.ok(page.html.length < 100_000, `page is ${page.html.length} bytes`);
  });

  test('plotly loaders from a CDN and bundles of other versions are removed, other scripts kept', () => {
    const otherVersion = `/**\n* plotly.js v1.58.5\n*/\n${'x'.repeat(200_000)}`;
    const scan = stripPlotlyBundles(
      `<script src="https://cdn.plot.ly/plotly-2.35.2.min.js"></script><script>${otherVersion}</script><script src="app.js"></script><script>/* plotly.js v2.0.0 figure */ var a = 1;</script>`,
      bundle,
    );
    assert.equal(scan.removedBundles, 2);
    assert.equal(scan.html, '<script src="app.js"></script><script>/* plotly.js v2.0.0 figure */ var a = 1;</script>');
    assert.equal(scan.usesPlotly, true);
    assert.equal(stripPlotlyBundles('<b>no figure</b>', bundle).usesPlotly, false);
  });
});

describe('titles and status', () => {
  test('the title is the first H1 and the subtitle the first > quote after it', () => {
    const title = notebookTitle(nb([mdCell('# Iris: the `data`\n\n> Load *150* flowers.\n> Second line.\n\nText')]), 'fallback');
    assert.equal(title.title, 'Iris: the data');
    assert.equal(title.titleHtml, 'Iris: the <code>data</code>');
    assert.equal(title.subtitle, 'Load 150 flowers.');
    assert.equal(notebookTitle(nb([mdCell('## no h1')]), '01-x').title, '01-x');
  });

  test('the status comes from metadata.trainbook, failedCellId taking precedence over failedCell', () => {
    const cells = [mdCell('# a'), codeCell([]), { ...codeCell([]), id: 'boom' }];
    assert.deepEqual(notebookStatus(nb(cells, { trainbook: { status: 'ok', duration: 4.5, quick: true } })), { kind: 'ok', duration: 4.5, quick: true, fromMetadata: true });
    assert.equal(notebookStatus(nb(cells, { trainbook: { status: 'failed', failedCell: 2, failedCellId: 'boom' } })).failedCell, 3);
    assert.equal(notebookStatus(nb(cells, { trainbook: { status: 'failed', failedCell: 2 } })).failedCell, 2);
  });

  test('without run metadata, an error output marks the notebook failed at that cell', () => {
    const failing = nb([mdCell('# a'), codeCell([]), codeCell([{ output_type: 'error', ename: 'E', evalue: 'v', traceback: [] }])]);
    assert.deepEqual(notebookStatus(failing), { kind: 'failed', failedCell: 3, fromMetadata: false });
    assert.deepEqual(notebookStatus(nb([codeCell([])])), { kind: 'unknown', fromMetadata: false });
  });

  test('the page shows when and how long the notebook ran', () => {
    const page = renderNotebookPage(nb([codeCell([])], { trainbook: { status: 'ok', duration: 125, quick: true, executedAt: '2026-11-21T20:57:31.123Z' } }));
    assert.match(page.html, /<span class="status ok">ran ok<\/span><span>ran in 2 min 05 s<\/span><span>quick mode<\/span><time datetime="2026-11-21T20:57:31.123Z">2026-11-21 20:57 UTC<\/time>/);
  });

  test('durations read like people write them', () => {
    assert.equal(formatDuration(4.24), '4.2 s');
    assert.equal(formatDuration(38.4), '38 s');
    assert.equal(formatDuration(125), '2 min 05 s');
    assert.equal(formatDuration(3720), '1 h 02 min');
  });

  test('the failed cell is marked and later cells that never ran are dimmed', () => {
    const page = renderNotebookPage(nb([codeCell([], 1), codeCell([], 2), codeCell([], null)], { trainbook: { status: 'failed', failedCell: 2, error: 'Error: <bad>' } }));
    assert.match(page.html, /<section class="cell code-cell failed" id="cell-2"/);
    assert.match(page.html, /<section class="cell code-cell not-run" id="cell-3"/);
    assert.match(page.html, /This cell failed: Error: &lt;bad&gt;/);
    assert.match(page.html, /<a href="#cell-2"><span class="status failed" title="Error: &lt;bad&gt;">failed at cell 2<\/span><\/a>/);
    assert.match(page.html, /<div class="prompt input-prompt">\[ \]<\/div>/);
  });

  test('slow cells show their run time from metadata.execution and injected parameters are labelled', () => {
    const timed = (start: string, end: string): Cell => ({ ...codeCell([], 1, 'timed'), metadata: { execution: { 'shell.execute_reply.started': start, 'shell.execute_reply': end } } });
    const slow = timed('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:42.400Z');
    assert.equal(cellDuration(slow), 42.4);
    assert.equal(cellDuration(codeCell([])), undefined);
    const injected: Cell = { ...codeCell([], 2, 'const quick = true;'), metadata: { tags: ['injected-parameters'] } };
    const page = renderNotebookPage(nb([slow, timed('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.300Z'), injected]));
    assert.equal(page.html.match(/class="cell-time"/g)?.length, 1);
    assert.match(page.html, /\[1\]<span class="cell-time" title="run time of this cell">42 s<\/span>/);
    assert.match(page.html, /Parameters injected by <code>trainbook run<\/code>/);
  });

  test('cells tagged remove-input, remove-output and remove-cell lose those parts', () => {
    const out: Output[] = [{ output_type: 'stream', name: 'stdout', text: 'shown\n' }];
    const tagged = (tags: string[], source: string): Cell => ({ ...codeCell(out, 1, source), metadata: { tags } });
    const page = renderNotebookPage(nb([tagged(['remove-input'], 'hiddenSource1'), tagged(['remove-output'], 'keptSource2'), tagged(['remove-cell'], 'goneSource3')]));
    assert.ok(!page.html.includes('hiddenSource1'));
    assert.ok(page.html.includes('keptSource2'));
    assert.ok(!page.html.includes('goneSource3'));
    assert.equal(page.html.match(/shown/g)?.length, 1);
  });
});

describe('exportCourse and the CLI', () => {
  let dir: string;
  let result: ExportResult;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tb-export-'));
    copyFixtureCourse(join(dir, 'in'));
    result = await exportCourse([join(dir, 'in')], { outDir: join(dir, 'out'), title: 'Fixture <course>', ipynb: true, sections: ['iris'], trust: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the committed fixtures are what the display helper writes today', () => {
    for (const [path, notebook] of Object.entries(buildFixtures())) {
      const committed = readFileSync(join(FIXTURE_COURSE, path), 'utf8');
      assert.equal(stringifyNotebook(notebook), committed, `${path} is stale; regenerate with: npx tsx test/fixtures/export/make-fixtures.ts`);
    }
  });

  test('each notebook gets a page and an .ipynb copy, sections in the requested order', () => {
    assert.deepEqual(
      result.notebooks.map((n) => `${n.section}/${n.name}`),
      ['iris/01-outputs', 'iris/02-plotly-mime', 'iris/03-plotly-html', 'iris/04-live-chart', 'ag-news/01-failed', 'ag-news/02-no-record'],
    );
    for (const n of result.notebooks) {
      assert.ok(existsSync(n.htmlPath), n.htmlPath);
      assert.ok(n.ipynbPath !== undefined && existsSync(n.ipynbPath));
    }
    assert.deepEqual(result.notebooks.map((n) => n.hasPlotly), [false, true, true, true, false, false]);
    for (const n of result.notebooks) assert.equal(countPlotlyBundles(readFileSync(n.htmlPath, 'utf8')), n.hasPlotly ? 1 : 0, n.name);
  });

  test('the index lists titles, subtitles, status and run time in reading order', () => {
    const index = readFileSync(result.indexPath, 'utf8');
    assert.match(index, /<title>Fixture &lt;course&gt;<\/title>/);
    assert.ok(index.indexOf('id="section-iris"') < index.indexOf('id="section-ag-news"'));
    assert.match(index, /<a class="nb-title" href="iris\/01-outputs.html">Outputs of every kind<\/a>/);
    assert.match(index, /<div class="nb-subtitle">Each output type a notebook can hold, rendered once.<\/div>/);
    assert.match(index, /<a href="ag-news\/01-failed.html#cell-4"><span class="status failed"[^>]*>failed at cell 4<\/span><\/a>/);
    assert.match(index, /<span class="status unknown">no run record<\/span>/);
    assert.match(index, /12 s \(quick\)/);
    assert.match(index, /6 notebooks in 2 sections · 4 ran ok · 1 failed · total run time 1 min 34 s/);
  });

  test('pages link to the previous and next notebook of their own section only', () => {
    const page = (name: string): string => readFileSync(result.notebooks.find((n) => n.name === name && true)?.htmlPath ?? '', 'utf8');
    const first = page('01-outputs');
    assert.match(first, /<a rel="next" href="02-plotly-mime.html">/);
    assert.ok(!first.includes('rel="prev"'));
    const last = page('04-live-chart');
    assert.match(last, /<a class="prev" rel="prev" href="03-plotly-html.html"><span class="label">← Previous<\/span>Plotly figures as HTML<\/a>/);
    assert.ok(!last.includes('rel="next"'), 'the last iris page must not link into ag-news');
    assert.match(last, /<a href="..\/index.html">Fixture &lt;course&gt;<\/a>/);
  });

  test('pages load nothing from elsewhere: every src is a data URI', () => {
    for (const n of result.notebooks) {
      const html = readFileSync(n.htmlPath, 'utf8').split(bundle).join('');
      const sources = [...html.matchAll(/\bsrc\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1]);
      assert.deepEqual(sources.filter((src) => !src.startsWith('data:')), [], n.name);
      assert.deepEqual(html.match(/\b(href)\s*=\s*["']?(https?:)?\/\/[^"'\s>]*/gi) ?? [], [], n.name);
    }
  });

  test('findNotebooks orders by number, skips checkpoints and refuses two notebooks with one page name', async () => {
    const root = join(dir, 'order');
    for (const path of ['a/10-ten.ipynb', 'a/9-nine.ipynb', 'a/.ipynb_checkpoints/9-nine-checkpoint.ipynb', 'b/01-x.ipynb']) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), '{}');
    }
    assert.deepEqual((await findNotebooks([root])).map((n) => `${n.section}/${n.name}`), ['a/9-nine', 'a/10-ten', 'b/01-x']);
    assert.deepEqual((await findNotebooks([join(root, 'a')])).map((n) => n.section), ['a', 'a']);
    mkdirSync(join(dir, 'other', 'a'), { recursive: true });
    writeFileSync(join(dir, 'other', 'a', '9-nine.ipynb'), '{}');
    await assert.rejects(findNotebooks([root, join(dir, 'other')]), /9-nine\.ipynb and .*9-nine\.ipynb would both be exported as a\/9-nine\.html/);
  });

  test('with a course guide the index opens as the front page: audience, prerequisites, titled sections in the guide\'s order, times, mirrors, links between sections', async () => {
    const guidePath = join(dir, 'course.json');
    const guide = {
      title: 'Guided <course>',
      audience: 'For people who know JavaScript & want to train models.',
      prerequisites: ['Loops and async/await.', 'Logarithms.'],
      order: 'Read the sections in order.',
      sections: [
        { folder: 'ag-news', title: 'Text: AG News', about: 'Classify news.', mirrors: [{ title: 'Text classification', url: 'https://example.org/text' }], minutes: { '01-failed': 15, '02-no-record': 10 } },
        { folder: 'iris', title: 'Tables: Iris', about: 'A loop, step by step.', mirrors: [{ title: 'Train' }], minutes: { '01-outputs': 10, '02-plotly-mime': 20, '03-plotly-html': 30, '04-live-chart': 15 } },
      ],
    };
    writeFileSync(guidePath, JSON.stringify(guide));
    const guided = await exportCourse([join(dir, 'in')], { outDir: join(dir, 'guided'), course: guidePath });
    const index = readFileSync(guided.indexPath, 'utf8');
    assert.match(index, /<title>Guided &lt;course&gt;<\/title>/);
    assert.match(index, /<p>For people who know JavaScript &amp; want to train models.<\/p>/);
    assert.match(index, /<li>Loops and async\/await.<\/li>\n<li>Logarithms.<\/li>/);
    assert.match(index, /<p>Read the sections in order.<\/p>/);
    assert.ok(index.indexOf('id="section-ag-news"') < index.indexOf('id="section-iris"'), 'sections follow the guide');
    assert.match(index, /<li><a href="#section-ag-news">1. Text: AG News<\/a> <span class="toc-facts">\(2 notebooks, about 25 min\)<\/span><p>Classify news. Mirrors <a href="https:\/\/example.org\/text">Text classification<\/a>.<\/p><\/li>/);
    assert.match(index, /<a href="#section-iris">2. Tables: Iris<\/a> <span class="toc-facts">\(4 notebooks, about 1 h 15 min\)/);
    assert.match(index, /<h2>2. Tables: Iris<a class="anchor"/);
    assert.ok(!/<h2>[^<]*\biris\b/.test(index), 'section headings are titles, not folder names');
    assert.match(index, /<a class="nb-title" href="iris\/02-plotly-mime.html">[^<]*<\/a> <span class="nb-time">about 20 min<\/span>/);
    assert.match(index, /<p class="section-mirrors">Mirrors: Train<\/p>/);
    assert.match(index, /<p class="section-next">Next section: <a href="#section-iris">Tables: Iris<\/a><\/p><\/section>/);
    assert.equal((index.match(/class="section-next"/g) ?? []).length, 1, 'the last section has no next section');
    const page = readFileSync(guided.notebooks[0]?.htmlPath ?? '', 'utf8');
    assert.match(page, /Guided &lt;course&gt;/);

    writeFileSync(guidePath, JSON.stringify({ ...guide, sections: [guide.sections[0], { ...guide.sections[1], minutes: { '01-outputs': 10 } }] }));
    await assert.rejects(exportCourse([join(dir, 'in')], { outDir: join(dir, 'guided'), course: guidePath }), /course\.json: section "iris" has no minutes for notebook 02-plotly-mime/);
    writeFileSync(guidePath, JSON.stringify({ ...guide, sections: [guide.sections[0]] }));
    await assert.rejects(exportCourse([join(dir, 'in')], { outDir: join(dir, 'guided'), course: guidePath }), /course\.json: no section "iris"; the guide has "ag-news"/);
    writeFileSync(guidePath, JSON.stringify({ ...guide, audience: '' }));
    await assert.rejects(exportCourse([join(dir, 'in')], { outDir: join(dir, 'guided'), course: guidePath }), /course\.json: audience is "", expected a non-empty string/);
  });
});
