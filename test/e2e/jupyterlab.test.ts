/**
 * End to end in JupyterLab: every Iris notebook opened with the trainbook kernel and run from the UI (no error output,
 * the training chart visible), then a long training cell interrupted from the toolbar.
 *
 * Needs JupyterLab from PyPI (`pip install jupyterlab`), Debian's chromium (`/usr/bin/chromium`) and the built kernel
 * (`npm run build`). Slow (about 3 minutes on 2 cores): runs with TRAINBOOK_SLOW_TESTS=1. Screenshots go to
 * `test-artifacts/jupyterlab-kernel/`.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, tempJupyterPath } from '../kernel/helpers.js';
import { skipUnlessSlow } from '../slow.js';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = join(repoRoot, 'test-artifacts', 'jupyterlab-kernel');
const irisDir = join(repoRoot, 'notebooks', 'iris');

function missingPrerequisite(): string | false {
  const slow = skipUnlessSlow('about 3 minutes, the JupyterLab end-to-end test');
  if (slow !== false) return slow;
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  if (spawnSync('jupyter', ['lab', '--version'], { encoding: 'utf8' }).status !== 0) return 'JupyterLab is missing (pip install jupyterlab)';
  return false;
}
const skip = missingPrerequisite();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface NbJson {
  metadata: Record<string, unknown>;
  cells: { cell_type: string; source: string | string[]; metadata?: { tags?: string[] } }[];
}

/** Copy a notebook for the run: declare the trainbook kernel and switch the `parameters` cell to quick mode. */
async function prepareNotebook(from: string, to: string): Promise<string> {
  const nb = JSON.parse(await readFile(from, 'utf8')) as NbJson;
  nb.metadata.kernelspec = { name: 'trainbook', display_name: 'TypeScript (trainbook)', language: 'typescript' };
  for (const cell of nb.cells) {
    if (cell.cell_type === 'code' && cell.metadata?.tags?.includes('parameters')) {
      const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
      if (!/const quick = false;/.test(source)) throw new Error(`${from}: the parameters cell does not declare "const quick = false;"`);
      cell.source = source.replace('const quick = false;', 'const quick = true;');
    }
  }
  await writeFile(to, JSON.stringify(nb, null, 1));
  return nb.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
    .join('\n');
}

interface CellState {
  count: number | null;
  outputs: { output_type: string; ename?: string; evalue?: string; data?: Record<string, unknown>; text?: string }[];
}
interface NotebookState {
  kernel: string | undefined;
  status: string | undefined;
  cells: CellState[];
}

/** The open notebook as JupyterLab's model holds it (through `window.jupyterapp`, exposed with `--LabApp.expose_app_in_browser`). */
async function notebookState(page: Page): Promise<NotebookState> {
  return await page.evaluate(() => {
    interface Widget {
      model: { type: string; executionCount?: number | null; outputs?: { toJSON(): unknown[] } };
    }
    interface Panel {
      content?: { widgets: Widget[] };
      sessionContext?: { session?: { kernel?: { name: string; status: string } | null } | null };
    }
    const app = (window as unknown as { jupyterapp: { shell: { currentWidget: Panel | null } } }).jupyterapp;
    const panel = app.shell.currentWidget;
    const kernel = panel?.sessionContext?.session?.kernel ?? undefined;
    const cells = (panel?.content?.widgets ?? [])
      .filter((w) => w.model.type === 'code')
      .map((w) => ({ count: w.model.executionCount ?? null, outputs: (w.model.outputs?.toJSON() ?? []) as CellState['outputs'] }));
    return { kernel: kernel?.name, status: kernel?.status, cells };
  });
}

/** Run a JupyterLab command (what the menus and toolbar run); does not wait for the cells it starts to finish. */
async function command(page: Page, id: string): Promise<void> {
  await page.evaluate((commandId) => {
    const app = (window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }).jupyterapp;
    void app.commands.execute(commandId);
  }, id);
}

/** Make cell `index` (over all cells) the active one, as a click would. */
async function selectCell(page: Page, index: number): Promise<void> {
  await page.evaluate((i) => {
    const app = (window as unknown as { jupyterapp: { shell: { currentWidget: { content: { activeCellIndex: number } } } } }).jupyterapp;
    app.shell.currentWidget.content.activeCellIndex = i;
  }, index);
}

/** Wait until `done(state)` holds, polling the notebook model. */
async function waitFor(page: Page, what: string, done: (s: NotebookState) => boolean, timeoutMs: number): Promise<NotebookState> {
  const deadline = Date.now() + timeoutMs;
  let state = await notebookState(page);
  while (!done(state)) {
    if (Date.now() > deadline) throw new Error(`JupyterLab: timed out after ${timeoutMs} ms waiting for ${what}; last state ${JSON.stringify(state).slice(0, 2000)}`);
    await sleep(250);
    state = await notebookState(page);
  }
  return state;
}

async function openNotebook(page: Page, base: string, path: string): Promise<void> {
  await page.goto(`${base}/lab/tree/${path}`);
  await waitFor(page, `${path} to open with the trainbook kernel idle`, (s) => s.kernel === 'trainbook' && s.status === 'idle' && s.cells.length > 0, 90_000);
}

describe('JupyterLab end to end with the trainbook kernel', { skip }, () => {
  let root: string;
  let jupyterPath: string;
  let server: ChildProcess;
  let browser: Browser;
  let page: Page;
  let base: string;
  let serverLog = '';
  const notebooks: { name: string; code: string }[] = [];

  before(async () => {
    await mkdir(artifacts, { recursive: true });
    root = await mkdtemp(join(tmpdir(), 'trainbook-lab-'));
    jupyterPath = await tempJupyterPath();
    // The notebooks' relative paths and `import "trainbook"` resolve as in the repository.
    await symlink(join(repoRoot, 'data'), join(root, 'data'));
    await symlink(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
    await mkdir(join(root, 'notebooks', 'iris'), { recursive: true });
    for (const name of (await readdir(irisDir)).filter((n) => n.endsWith('.ipynb')).sort()) {
      notebooks.push({ name, code: await prepareNotebook(join(irisDir, name), join(root, 'notebooks', 'iris', name)) });
    }
    await copyFile(join(repoRoot, 'test', 'golden', 'kernel', 'interrupt.ipynb'), join(root, 'notebooks', 'iris', 'zz-interrupt.ipynb'));

    const port = await freePort();
    const token = randomBytes(16).toString('hex');
    base = `http://127.0.0.1:${port}`;
    const isolated = { JUPYTER_PATH: jupyterPath, JUPYTER_CONFIG_DIR: join(root, '.jupyter-config'), JUPYTER_DATA_DIR: join(root, '.jupyter-data'), JUPYTER_RUNTIME_DIR: join(root, '.jupyter-runtime') };
    server = spawn(
      'jupyter',
      [
        'lab',
        '--no-browser',
        ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
        '--ServerApp.ip=127.0.0.1',
        `--ServerApp.port=${port}`,
        '--ServerApp.port_retries=0',
        `--IdentityProvider.token=${token}`,
        `--ServerApp.root_dir=${root}`,
        '--LabApp.expose_app_in_browser=True',
        '--LabApp.news_url=',
        '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
      ],
      { cwd: root, env: { ...process.env, ...isolated }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const capture = (chunk: Buffer): void => {
      serverLog = (serverLog + chunk.toString()).slice(-20000);
    };
    server.stdout?.on('data', capture);
    server.stderr?.on('data', capture);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const response = await fetch(`${base}/api/status?token=${token}`);
        if (response.ok) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`JupyterLab did not start:\n${serverLog}`);
      await sleep(300);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Log in once with the token; later pages use the cookie.
    await page.goto(`${base}/lab?token=${token}`);
  });

  after(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await Promise.race([new Promise((resolve) => server.once('exit', resolve)), sleep(10_000)]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    if (root) await rm(root, { recursive: true, force: true });
    if (jupyterPath) await rm(jupyterPath, { recursive: true, force: true });
  });

  test('every Iris notebook runs all cells with the trainbook kernel, without an error, and shows its chart', { timeout: 600_000 }, async () => {
    assert.ok(notebooks.length > 0, `no notebooks in ${irisDir}`);
    for (const { name, code } of notebooks) {
      const started = Date.now();
      await openNotebook(page, base, `notebooks/iris/${name}`);
      await command(page, 'notebook:run-all-cells');
      const state = await waitFor(
        page,
        `${name} to finish running`,
        // Finished, or stopped by an error (the cells after it are aborted and keep no count).
        (s) => s.status === 'idle' && (s.cells.every((c) => c.count !== null) || s.cells.some((c) => c.outputs.some((o) => o.output_type === 'error'))),
        240_000,
      );
      const errors = state.cells.flatMap((c) => c.outputs).filter((o) => o.output_type === 'error');
      await page.screenshot({ path: join(artifacts, `${name.replace('.ipynb', '')}.png`), fullPage: false });
      assert.deepEqual(errors, [], `${name}: error outputs`);
      assert.deepEqual(
        state.cells.map((c) => c.count),
        state.cells.map((_, i) => i + 1),
        `${name}: execution counts`,
      );
      if (/\b(?:plotHistory|liveChart|showFigure)\(/.test(code)) {
        const chart = page.locator('.jp-OutputArea-output .js-plotly-plot').last();
        await chart.scrollIntoViewIfNeeded();
        await chart.waitFor({ state: 'visible', timeout: 30_000 });
        const box = await chart.boundingBox();
        assert.ok(box !== null && box.width > 100 && box.height > 100, `${name}: the chart is not visible (${JSON.stringify(box)})`);
        await chart.screenshot({ path: join(artifacts, `${name.replace('.ipynb', '')}-chart.png`) });
      }
      await command(page, 'kernelmenu:shutdown');
      process.stdout.write(`# ${name}: ${Date.now() - started} ms\n`);
    }
  });

  test('interrupting a long training cell from the toolbar stops training and the kernel answers the next cell', { timeout: 240_000 }, async () => {
    await openNotebook(page, base, 'notebooks/iris/zz-interrupt.ipynb');
    // Select the training cell (after the markdown cell) and run it alone.
    await selectCell(page, 1);
    await command(page, 'notebook:run-cell');
    await waitFor(
      page,
      'training to report progress',
      (s) => JSON.stringify(s.cells[0]?.outputs ?? []).includes('batches: ') && !JSON.stringify(s.cells[0]?.outputs ?? []).includes('batches: 0"'),
      120_000,
    );
    await page.screenshot({ path: join(artifacts, 'interrupt-running.png') });
    const interrupt = page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]').first();
    await interrupt.click({ timeout: 10_000 });
    const interrupted = await waitFor(page, 'the training cell to end', (s) => s.status === 'idle' && s.cells[0]?.count !== null, 60_000);
    const error = interrupted.cells[0]?.outputs.find((o) => o.output_type === 'error');
    assert.equal(error?.ename, 'KeyboardInterrupt', JSON.stringify(interrupted.cells[0]?.outputs));
    await selectCell(page, 2);
    await command(page, 'notebook:run-cell');
    const checked = await waitFor(page, 'the check cell to run', (s) => s.status === 'idle' && s.cells[1]?.count !== null && (s.cells[1]?.outputs.length ?? 0) > 0, 60_000);
    await page.screenshot({ path: join(artifacts, 'interrupt.png') });
    const text = String(checked.cells[1]?.outputs.find((o) => o.output_type === 'execute_result')?.data?.['text/plain'] ?? JSON.stringify(checked.cells[1]?.outputs));
    assert.match(text, /training stopped after \d+ batches/);
    await command(page, 'kernelmenu:shutdown');
  });
});
