/**
 * One executed notebook to one self-contained HTML page.
 */
import { Lexer, marked, type Token, type Tokens } from 'marked';
import { escapeHtml } from '../display/html.js';
import { highlightCode, isKnownLanguage, MarkdownRenderer } from './html-markdown.js';
import { newOutputContext, renderOutputs } from './html-output.js';
import { plotlyHeadScript, readPlotlyBundle } from './html-plotly.js';
import { pageHead } from './html-style.js';
import { readRunInfo } from './export-run-info.js';
import { htmlToText, sanitizeHtml } from './sanitize.js';
import { cellTags, joinText, type Cell, type Notebook } from './nbformat.js';

/** A notebook's title and subtitle, from its first H1 and the first `>` quote after it. */
export interface NotebookTitle {
  /** Plain-text title (for `<title>` and file lists). */
  title: string;
  /** Title as inline HTML (keeps `code` and emphasis). */
  titleHtml: string;
  /** Plain-text subtitle, when the first markdown cell has a `>` quote. */
  subtitle?: string;
  /** Subtitle as inline HTML. */
  subtitleHtml?: string;
}

// Sanitized here, where the title leaves the notebook, so neither the page nor the course index
// ever holds a heading's raw HTML.
function inlineHtml(markdown: string): string {
  return sanitizeHtml(marked.parseInline(markdown.trim(), { async: false, gfm: true }));
}

/**
 * Reads the title (first `# ` heading of the markdown cells) and subtitle (first `>` quote in the
 * same cell after that heading), their HTML sanitized; `fallback` (e.g. the file name) when there is no H1.
 *
 * @example
 * notebookTitle(nb, '01-data') // { title: 'Iris: the data', subtitle: 'Load 150 flowers ...', ... }
 */
export function notebookTitle(notebook: Notebook, fallback: string): NotebookTitle {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'markdown') continue;
    const tokens: Token[] = Lexer.lex(joinText(cell.source), { gfm: true });
    const h1 = tokens.findIndex((t) => t.type === 'heading' && (t as Tokens.Heading).depth === 1);
    if (h1 === -1) continue;
    const titleHtml = inlineHtml((tokens[h1] as Tokens.Heading).text);
    const result: NotebookTitle = { title: htmlToText(titleHtml).trim(), titleHtml };
    const quote = tokens.slice(h1 + 1).find((t) => t.type === 'blockquote') as Tokens.Blockquote | undefined;
    if (quote !== undefined) {
      const firstLine = quote.text.trim().split('\n')[0] ?? '';
      const subtitleHtml = inlineHtml(firstLine);
      result.subtitle = htmlToText(subtitleHtml).trim();
      result.subtitleHtml = subtitleHtml;
    }
    return result;
  }
  return { title: fallback, titleHtml: escapeHtml(fallback) };
}

/** How a notebook's run went, from `metadata.trainbook` or, failing that, from its outputs. */
export interface NotebookStatus {
  /** `ok`, `failed`, or `unknown` (no run metadata and no error output). */
  kind: 'ok' | 'failed' | 'unknown';
  /** 1-based index over all cells of the cell that failed. */
  failedCell?: number;
  /** One-line error message, when known. */
  error?: string;
  /** Run time in seconds, when the runner recorded it. */
  duration?: number;
  /** Whether it ran in quick mode, when the runner recorded it. */
  quick?: boolean;
  /** ISO 8601 time the run finished, when the runner recorded it. */
  executedAt?: string;
  /** Whether the status came from `metadata.trainbook` (true) or was read off the outputs. */
  fromMetadata: boolean;
}

function firstErrorCell(cells: readonly Cell[]): number | undefined {
  const index = cells.findIndex((cell) => cell.cell_type === 'code' && cell.outputs.some((o) => o.output_type === 'error'));
  return index === -1 ? undefined : index + 1;
}

/**
 * The run status of an executed notebook: `metadata.trainbook` when the runner wrote it
 * (`failedCellId` is looked up among cell ids, else `failedCell` is used), otherwise `failed` at
 * the first cell with an `error` output, otherwise `unknown`.
 */
export function notebookStatus(notebook: Notebook): NotebookStatus {
  const run = readRunInfo(notebook);
  if (run === undefined) {
    const failedCell = firstErrorCell(notebook.cells);
    return failedCell === undefined ? { kind: 'unknown', fromMetadata: false } : { kind: 'failed', failedCell, fromMetadata: false };
  }
  const status: NotebookStatus = { kind: run.status, fromMetadata: true };
  if (run.duration !== undefined) status.duration = run.duration;
  if (run.quick !== undefined) status.quick = run.quick;
  if (run.error !== undefined) status.error = run.error;
  if (run.executedAt !== undefined) status.executedAt = run.executedAt;
  if (run.status === 'failed') {
    const byId = run.failedCellId === undefined ? -1 : notebook.cells.findIndex((c) => c.id === run.failedCellId);
    const failedCell = byId !== -1 ? byId + 1 : run.failedCell ?? firstErrorCell(notebook.cells);
    if (failedCell !== undefined && failedCell >= 1 && failedCell <= notebook.cells.length) status.failedCell = failedCell;
  }
  return status;
}

/**
 * A duration for people: `4.2 s`, `38 s`, `2 min 05 s`, `1 h 02 min`.
 *
 * @example
 * formatDuration(125) // '2 min 05 s'
 */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}

/** The status badge HTML; `cellHref` turns "failed at cell N" into a link to that cell. */
export function statusBadge(status: NotebookStatus, cellHref?: (cell: number) => string): string {
  if (status.kind === 'ok') return '<span class="status ok">ran ok</span>';
  if (status.kind === 'unknown') return '<span class="status unknown">no run record</span>';
  const where = status.failedCell === undefined ? 'failed' : `failed at cell ${status.failedCell}`;
  const title = status.error === undefined ? '' : ` title="${escapeHtml(status.error)}"`;
  const badge = `<span class="status failed"${title}>${where}</span>`;
  return status.failedCell !== undefined && cellHref !== undefined ? `<a href="${escapeHtml(cellHref(status.failedCell))}">${badge}</a>` : badge;
}

/**
 * Seconds a cell took, from the nbclient-style timestamps the runner stores in
 * `cell.metadata.execution` (`shell.execute_reply.started` or `iopub.execute_input`, to
 * `shell.execute_reply`); undefined when absent.
 */
export function cellDuration(cell: Cell): number | undefined {
  const execution = cell.metadata.execution;
  if (typeof execution !== 'object' || execution === null) return undefined;
  const times = execution as Record<string, unknown>;
  const start = times['shell.execute_reply.started'] ?? times['iopub.execute_input'];
  const end = times['shell.execute_reply'];
  if (typeof start !== 'string' || typeof end !== 'string') return undefined;
  const seconds = (Date.parse(end) - Date.parse(start)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

// Cells quicker than this show no time: only the slow ones (training loops) are worth a glance.
const SHOW_CELL_TIME_FROM_SECONDS = 1;

/** A link to a neighbouring page. */
export interface PageLink {
  href: string;
  title: string;
}

/** Options of {@link renderNotebookPage}. */
export interface NotebookPageOptions {
  /** Fallback title when the notebook has no H1 (the file name). @default 'Notebook' */
  fileName?: string;
  /** Course title shown in the top bar and `<title>`. @default 'trainbook' */
  courseTitle?: string;
  /** Section (folder) name shown in the top bar. @default undefined */
  section?: string;
  /** Relative link to the course index page. @default undefined (no link) */
  indexHref?: string;
  /** Previous notebook of the section. @default undefined */
  prev?: PageLink;
  /** Next notebook of the section. @default undefined */
  next?: PageLink;
  /** Relative link to the `.ipynb` copy. @default undefined */
  ipynbHref?: string;
  /** Folder that relative markdown images are inlined from. @default undefined */
  baseDir?: string;
  /** plotly.js source to inline (read from `plotly.js-dist-min` by default). */
  plotlyBundle?: string;
  /**
   * Whether the notebook is trusted, as Jupyter decides it (see `isTrustedByJupyter`) or because
   * the caller says so: its HTML outputs keep their scripts and its JavaScript outputs run.
   * Otherwise HTML outputs are sanitized and JavaScript outputs are left out, as JupyterLab does;
   * plotly figures of the plotly MIME type are drawn either way.
   * @default false
   */
  trusted?: boolean;
}

/** A rendered page and what went into it. */
export interface NotebookPage {
  html: string;
  title: NotebookTitle;
  status: NotebookStatus;
  /** Whether the page inlines plotly.js (some output draws a plotly figure). */
  hasPlotly: boolean;
  /** plotly.js bundles cut out of HTML outputs (the page carries its own single copy instead). */
  removedPlotlyBundles: number;
  /** Non-fatal problems (missing images, outputs left out of an untrusted notebook) to show the user. */
  warnings: string[];
  /** Whether the page was rendered as trusted. */
  trusted: boolean;
}

function notebookLanguage(notebook: Notebook): string {
  const info = notebook.metadata.language_info as Record<string, unknown> | undefined;
  const kernel = notebook.metadata.kernelspec as Record<string, unknown> | undefined;
  const name = typeof info?.name === 'string' ? info.name : typeof kernel?.language === 'string' ? kernel.language : 'typescript';
  return isKnownLanguage(name) ? name : 'typescript';
}

/**
 * Renders an executed notebook as one self-contained HTML page: markdown rendered with anchored
 * headings, code highlighted with `[n]` execution counts, every output shown in its richest MIME
 * type, CSS inlined, plotly.js inlined once in the head only when a figure needs it. The page
 * makes no network request. Cells tagged `remove-cell`, `remove-input` or `remove-output` lose
 * that part, as in Jupyter Book.
 *
 * PyTorch: none (the counterpart of `jupyter nbconvert --to html`).
 *
 * @example
 * const page = renderNotebookPage(notebook, { fileName: '01-data', courseTitle: 'Iris' });
 * await writeFile('01-data.html', page.html);
 */
export function renderNotebookPage(notebook: Notebook, options: NotebookPageOptions = {}): NotebookPage {
  const markdown = new MarkdownRenderer({ baseDir: options.baseDir });
  const context = newOutputContext(markdown, options.plotlyBundle ?? readPlotlyBundle(), options.trusted ?? false);
  const title = notebookTitle(notebook, options.fileName ?? 'Notebook');
  const status = notebookStatus(notebook);
  const language = notebookLanguage(notebook);
  const cells: string[] = [];
  const warnings: string[] = [];

  notebook.cells.forEach((cell, index) => {
    const number = index + 1;
    const tags = cellTags(cell);
    if (tags.includes('remove-cell')) return;
    const source = joinText(cell.source);
    const idAttr = `id="cell-${number}"${cell.id === undefined ? '' : ` data-cell-id="${escapeHtml(cell.id)}"`}`;
    try {
      if (cell.cell_type === 'markdown') {
        cells.push(`<section class="cell markdown-cell" ${idAttr}>${markdown.render(source, cell.attachments)}</section>`);
        return;
      }
      if (cell.cell_type === 'raw') {
        if (source.trim() !== '') cells.push(`<section class="cell raw-cell" ${idAttr}><pre>${escapeHtml(source)}</pre></section>`);
        return;
      }
      const failed = status.kind === 'failed' && status.failedCell === number;
      const notRun = status.kind === 'failed' && status.failedCell !== undefined && number > status.failedCell && (cell.outputs ?? []).length === 0 && cell.execution_count == null;
      const classes = ['cell', 'code-cell', ...(failed ? ['failed'] : []), ...(notRun ? ['not-run'] : [])].join(' ');
      const count = cell.execution_count == null ? ' ' : String(cell.execution_count);
      const seconds = cellDuration(cell);
      const time = seconds !== undefined && seconds >= SHOW_CELL_TIME_FROM_SECONDS ? `<span class="cell-time" title="run time of this cell">${formatDuration(seconds)}</span>` : '';
      const injected = tags.includes('injected-parameters') ? '<p class="injected-note">Parameters injected by <code>trainbook run</code></p>' : '';
      const parts: string[] = [injected];
      if (failed) parts.push(`<p class="failed-note">This cell failed${status.error === undefined ? '' : `: ${escapeHtml(status.error)}`}</p>`);
      if (!tags.includes('remove-input')) {
        parts.push(`<div class="input"><div class="prompt input-prompt">[${count}]${time}</div><pre class="source"><code class="hljs language-${language}">${highlightCode(source, language)}</code></pre></div>`);
      }
      const outputs = tags.includes('remove-output') ? '' : renderOutputs(cell.outputs, context);
      if (outputs !== '') parts.push(`<div class="outputs">${outputs}</div>`);
      cells.push(`<section class="${classes}" ${idAttr}>${parts.join('\n')}</section>`);
    } catch (error) {
      throw new Error(`cell ${number}${cell.id === undefined ? '' : ` (id ${cell.id})`}: ${(error as Error).message}`);
    }
  });
  warnings.push(...markdown.warnings, ...context.warnings);
  if (context.untrustedOutputs > 0) {
    warnings.push(
      `${context.untrustedOutputs} HTML or JavaScript output${context.untrustedOutputs === 1 ? ' was' : 's were'} sanitized or left out: the notebook is not trusted (sign it with "jupyter trust", or export with --trust if you made it)`,
    );
  }

  const runBits: string[] = [statusBadge(status, (n) => `#cell-${n}`)];
  if (status.duration !== undefined) runBits.push(`<span>ran in ${formatDuration(status.duration)}</span>`);
  if (status.quick === true) runBits.push('<span>quick mode</span>');
  const executed = status.executedAt === undefined ? undefined : new Date(status.executedAt);
  if (executed !== undefined && !Number.isNaN(executed.getTime())) {
    runBits.push(`<time datetime="${escapeHtml(executed.toISOString())}">${executed.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`);
  }
  if (options.ipynbHref !== undefined) runBits.push(`<a href="${escapeHtml(options.ipynbHref)}" download>Download .ipynb</a>`);

  const course = options.courseTitle ?? 'trainbook';
  const crumbs = [
    options.indexHref === undefined ? escapeHtml(course) : `<a href="${escapeHtml(options.indexHref)}">${escapeHtml(course)}</a>`,
    ...(options.section === undefined ? [] : [escapeHtml(options.section)]),
  ].join(' › ');
  const link = (page: PageLink | undefined, rel: 'prev' | 'next', label: string): string =>
    page === undefined ? '' : `<a class="${rel}" rel="${rel}" href="${escapeHtml(page.href)}"><span class="label">${label}</span>${escapeHtml(page.title)}</a>`;
  const topLinks = [
    options.prev === undefined ? '' : `<a rel="prev" href="${escapeHtml(options.prev.href)}">← Previous</a>`,
    options.next === undefined ? '' : `<a rel="next" href="${escapeHtml(options.next.href)}">Next →</a>`,
  ].join('');
  const pager = options.prev === undefined && options.next === undefined ? '' : `<nav class="pager" aria-label="Section pages">${link(options.prev, 'prev', '← Previous')}${link(options.next, 'next', 'Next →')}</nav>`;

  const head = pageHead(`${title.title} · ${course}`, context.needsPlotly ? [plotlyHeadScript(context.plotlyBundle)] : []).join('\n');
  const body = [
    '<body>',
    `<nav class="page-nav top" aria-label="Course"><span class="crumbs">${crumbs}</span><span class="prev-next">${topLinks}</span></nav>`,
    '<main class="notebook">',
    `<div class="run-info">${runBits.join('')}</div>`,
    cells.join('\n'),
    pager,
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
  return {
    html: `${head}\n${body}\n`,
    title,
    status,
    hasPlotly: context.needsPlotly,
    removedPlotlyBundles: context.removedPlotlyBundles,
    warnings,
    trusted: context.trusted,
  };
}
