// End to end on the real tslab kernel: a notebook that imports trainbook's display helpers is
// executed by `jupyter nbconvert --execute` (nbclient), then exported to HTML and opened in chromium.
// Slow (a kernel start and a browser): set TRAINBOOK_SLOW_TESTS=1; needs `npm run build` first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { tslabJupyterPath, writeTslabNotebook } from './fixtures/live-notebook.js';
import { ARTIFACTS, assertAllDrawn, launchChromium, openAndCheck, skipWithoutChromium } from './fixtures/browser-check.js';
import { skipUnlessSlow } from '../slow.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function reasonToSkip(): string | false {
  const slow = skipUnlessSlow('about 30 s, the display helpers on a real tslab kernel and a browser');
  if (slow !== false) return slow;
  if (skipWithoutChromium !== false) return skipWithoutChromium;
  if (!existsSync(join(ROOT, 'dist', 'display', 'plotly.js'))) return 'dist/ is not built: npm run build';
  if (spawnSync('jupyter', ['nbconvert', '--version']).status !== 0) return 'jupyter nbconvert is missing: pip install nbconvert';
  return false;
}

const CELLS = [
  'import { inTslabKernel, plotHistory, liveChart, progress, showTable, showFigure } from "trainbook";\nconsole.log("inTslabKernel", inTslabKernel());',
  'plotHistory({ loss: [1, 0.6, 0.4], valLoss: [1.1, 0.7, 0.5], valAccuracy: [0.5, 0.8, 0.9] });',
  'const chart = liveChart({ title: "live", maxEpochs: 8, throttleMs: 100 });\nfor (let epoch = 1; epoch <= 8; epoch++) {\n  await new Promise((r) => setTimeout(r, 60));\n  chart.push({ loss: 1 / epoch, valAccuracy: 1 - 0.5 / epoch });\n}\nchart.close();',
  'const bar = progress(50, { label: "batches", unit: "batch" });\nfor (let i = 0; i < 50; i++) {\n  await new Promise((r) => setTimeout(r, 10));\n  bar.tick(1, { loss: 1 / (i + 1) });\n}\nbar.done();',
  'showTable({ columns: ["a", "b"], values: [[1, 2], [3, 4]] });',
  'showFigure({ data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }] });',
];

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

const joined = (x: string | string[] | undefined): string => (Array.isArray(x) ? x.join('') : (x ?? ''));

test('on a real tslab kernel the helpers draw, update in place, embed plotly.js once, and the export draws offline', { skip: reasonToSkip(), timeout: 300_000 }, async (t) => {
  // The kernel's working directory must be inside the project, where tslab and trainbook resolve.
  const dir = join(ARTIFACTS, 'display-tslab-kernel');
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, JUPYTER_PATH: tslabJupyterPath(t) };
  writeTslabNotebook(dir, CELLS);
  const run = spawnSync(
    'jupyter',
    ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=tslab', '--ExecutePreprocessor.timeout=120', '--output', 'display.executed.ipynb', 'display.ipynb'],
    { cwd: dir, env, encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);

  const executed = JSON.parse(readFileSync(join(dir, 'display.executed.ipynb'), 'utf8')) as { cells: { outputs: Output[] }[] };
  const outputs = executed.cells.map((c) => c.outputs);
  const html = (o: Output | undefined): string => joined(o?.data?.['text/html']);
  for (const [i, cellOutputs] of outputs.entries()) {
    assert.deepEqual(cellOutputs.filter((o) => o.name === 'stderr').map((o) => joined(o.text)), [], `cell ${i} wrote to stderr`);
  }
  assert.equal(joined(outputs[0]?.[0]?.text), 'inTslabKernel true\n');
  const libraries = outputs.flat().filter((o) => /plotly\.js v2\./.test(html(o)));
  assert.equal(libraries.length, 1, 'plotly.js embedded once in the notebook');
  assert.equal(libraries[0], outputs[1]?.[0], 'in the first plot output');
  // The live chart: one output (no plotly.js copy), updated in place to its final state, nothing printed.
  assert.equal(outputs[2]?.length, 1);
  assert.match(html(outputs[2]?.[0]), /"x":\[1,2,3,4,5,6,7,8\]/);
  assert.match(html(outputs[2]?.[0]), /"title":\{"text":"live"/);
  assert.equal(outputs[3]?.length, 1);
  assert.match(html(outputs[3]?.[0]), /100% 50\/50/);
  assert.match(html(outputs[4]?.[0]), /<table class="trainbook-table"/);
  assert.doesNotMatch(html(outputs[5]?.[0]), /plotly\.js v2\./);

  const exported = spawnSync('jupyter', ['nbconvert', '--to', 'html', '--output', 'display.executed', 'display.executed.ipynb'], { cwd: dir, env, encoding: 'utf8' });
  assert.equal(exported.status, 0, exported.stderr);
  const browser = await launchChromium();
  try {
    const report = await openAndCheck(browser, join(dir, 'display.executed.html'));
    // nbconvert's template asks CDNs for require.js and MathJax (offline here): not ours, so not counted.
    assertAllDrawn(
      { ...report, errors: report.errors.filter((e) => !/ERR_|Failed to load resource/.test(e)), requests: report.requests.filter((u) => !/^https?:\/\//.test(u)) },
      3,
    );
    assert.equal(report.drawn[1]?.points, 16, 'the live chart export shows its final 8 epochs');
  } finally {
    await browser.close();
  }
});
