/**
 * Cell outputs to HTML: streams, errors and rich display data, picking per output the richest
 * MIME type a static page can show.
 */
import { escapeHtml } from '../display/html.js';
import { PLOTLY_MIME, scriptJson } from '../display/plotly.js';
import { ansiToHtml, applyCarriageReturns } from './html-ansi.js';
import { highlightCode, type MarkdownRenderer } from './html-markdown.js';
import { readPlotlyBundle, stripPlotlyBundles } from './html-plotly.js';
import { sanitizeHtmlCounting } from './sanitize.js';
import { joinText, type DisplayDataOutput, type ErrorOutput, type ExecuteResultOutput, type Output, type StreamOutput } from './nbformat.js';


/**
 * MIME types the page shows, richest first; an output is shown in the first one it carries.
 * plotly json > html > svg > png > jpeg > gif > markdown > javascript > json > plain
 * (JavaScript only in a trusted notebook, after images and markdown as in JupyterLab).
 */
export const MIME_ORDER: readonly string[] = [
  PLOTLY_MIME,
  'text/html',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'image/gif',
  'text/markdown',
  'application/javascript',
  'application/json',
  'text/plain',
];

/** MIME types whose output runs script as it is: shown only from a trusted notebook. */
const RUNS_SCRIPT: ReadonlySet<string> = new Set(['application/javascript']);

/**
 * The MIME type of `data` that the page shows, or undefined when none is showable. An untrusted
 * notebook's JavaScript is passed over (JupyterLab's "prefer a safe MIME type").
 */
export function pickMime(data: DisplayDataOutput['data'], trusted = true): string | undefined {
  return MIME_ORDER.find((mime) => data[mime] !== undefined && data[mime] !== null && (trusted || !RUNS_SCRIPT.has(mime)));
}

/** Per-page state shared by all outputs of a page. */
export interface OutputContext {
  /** The page's markdown renderer (also the owner of unique element ids). */
  markdown: MarkdownRenderer;
  /** Set to true once any output needs plotly.js. */
  needsPlotly: boolean;
  /** Number of plotly.js bundles cut out of HTML outputs. */
  removedPlotlyBundles: number;
  /** The plotly.js bundle text that HTML outputs are searched for. */
  plotlyBundle: string;
  /**
   * Whether the notebook is trusted (Jupyter's signature, or the exporter told so): its HTML
   * outputs run their scripts and its JavaScript outputs run. Untrusted HTML is sanitized.
   */
  trusted: boolean;
  /** Problems met while rendering (an image that is not base64), for the caller to report. */
  warnings: string[];
  /** Number of HTML outputs that lost script when sanitized and JavaScript outputs left out, because the notebook is not trusted. */
  untrustedOutputs: number;
}

/** A fresh {@link OutputContext} for one page; `trusted` defaults to false, as in Jupyter. */
export function newOutputContext(markdown: MarkdownRenderer, plotlyBundle: string = readPlotlyBundle(), trusted = false): OutputContext {
  return { markdown, needsPlotly: false, removedPlotlyBundles: 0, plotlyBundle, trusted, untrustedOutputs: 0, warnings: [] };
}

// Standard base64 (RFC 4648 section 4), padded or not, with line breaks allowed as Jupyter stores them.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * `text` without its whitespace, when it is base64; undefined otherwise (it could break out of a `src` attribute).
 *
 * PyTorch: none.
 */
export function base64Payload(text: string): string | undefined {
  const compact = text.replace(/\s/g, '');
  return BASE64.test(compact) ? compact : undefined;
}

function mimeText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((line) => typeof line === 'string')) return value.join('');
  return JSON.stringify(value, null, 2);
}

function dimension(metadata: Record<string, unknown> | undefined, mime: string, key: 'width' | 'height'): string {
  const entry = metadata?.[mime];
  const value = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
  return typeof value === 'number' && value > 0 ? ` ${key}="${Math.round(value)}"` : '';
}

function renderPlotly(value: unknown, context: OutputContext): string {
  const figure = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (typeof figure !== 'object' || figure === null || !Array.isArray((figure as Record<string, unknown>).data)) {
    throw new Error(`${PLOTLY_MIME} output has no "data" array of traces (got ${JSON.stringify(figure).slice(0, 80)})`);
  }
  const { data, layout, config, frames } = figure as Record<string, unknown>;
  context.needsPlotly = true;
  const id = context.markdown.uniqueId('plot');
  const spec = scriptJson({ data, layout: layout ?? {}, config: { responsive: true, displaylogo: false, ...(config as object | undefined) }, frames });
  // A figure that says its height (showFigure writes it into the layout) gets exactly that room.
  const height = typeof layout === 'object' && layout !== null ? (layout as Record<string, unknown>).height : undefined;
  const style = typeof height === 'number' && height > 0 ? ` style="height:${Math.round(height)}px;min-height:0"` : '';
  return (
    `<div class="output-plotly"><div id="${id}" class="plotly-figure"${style}></div>` +
    `<script>(function () { var f = ${spec}; Plotly.newPlot(${JSON.stringify(id)}, { data: f.data, layout: f.layout, config: f.config, frames: f.frames }); })();</script></div>`
  );
}

/** Renders `data[mime]` as HTML. */
export function renderMime(mime: string, value: unknown, metadata: Record<string, unknown> | undefined, context: OutputContext): string {
  switch (mime) {
    case PLOTLY_MIME:
      return renderPlotly(value, context);
    case 'text/html': {
      const scan = stripPlotlyBundles(mimeText(value), context.plotlyBundle);
      context.removedPlotlyBundles += scan.removedBundles;
      // An output that only carried plotly.js (liveChart shows the library as its own output) leaves nothing to see.
      if (scan.removedBundles > 0 && scan.html.replace(/<script\b[\s\S]*?<\/script\s*>/gi, '').trim() === '') return '';
      if (!context.trusted) {
        const { html: safe, removed } = sanitizeHtmlCounting(scan.html);
        if (removed > 0) context.untrustedOutputs += 1;
        return safe.trim() === '' ? '' : `<div class="output-html">${safe}</div>`;
      }
      if (scan.usesPlotly) context.needsPlotly = true;
      return `<div class="output-html">${scan.html}</div>`;
    }
    case 'application/javascript': {
      if (!context.trusted) throw new Error('renderMime: application/javascript output of an untrusted notebook; pickMime passes it over');
      // Jupyter's classic contract: the code sees `element`, the output's own element.
      const code = mimeText(value).replace(/<\/(script)/gi, '<\\/$1');
      return `<div class="output-javascript"></div><script>(function (element) {\n${code}\n})(document.currentScript.previousElementSibling);</script>`;
    }
    case 'image/svg+xml':
      return `<div class="output-image"><img alt="SVG output" src="data:image/svg+xml;charset=utf-8,${encodeURIComponent(mimeText(value))}"${dimension(metadata, mime, 'width')}${dimension(metadata, mime, 'height')}></div>`;
    case 'image/png':
    case 'image/jpeg':
    case 'image/gif': {
      const payload = base64Payload(mimeText(value));
      if (payload === undefined) {
        context.warnings.push(`${mime} output is not base64 (it starts ${JSON.stringify(mimeText(value).slice(0, 40))}), not shown; an image output holds the file's bytes in base64`);
        return `<div class="output-missing">This ${escapeHtml(mime)} output is not valid base64 and is not shown.</div>`;
      }
      return `<div class="output-image"><img alt="${mime} output" src="data:${mime};base64,${payload}"${dimension(metadata, mime, 'width')}${dimension(metadata, mime, 'height')}></div>`;
    }
    case 'text/markdown':
      return `<div class="output-markdown">${context.markdown.render(mimeText(value))}</div>`;
    case 'application/json': {
      const json = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
      return `<pre class="output-json"><code class="hljs language-json">${highlightCode(json, 'json')}</code></pre>`;
    }
    case 'text/plain':
      return `<pre class="output-text">${ansiToHtml(mimeText(value))}</pre>`;
    default:
      throw new Error(`renderMime: ${mime} is not one of ${MIME_ORDER.join(', ')}`);
  }
}

function renderData(output: DisplayDataOutput | ExecuteResultOutput, context: OutputContext): string {
  const data = output.data ?? {};
  const mime = pickMime(data, context.trusted);
  if (!context.trusted && mime !== pickMime(data, true)) context.untrustedOutputs += 1;
  if (mime === undefined) {
    const kinds = Object.keys(data).join(', ') || 'no data';
    const scripted = Object.keys(data).some((m) => RUNS_SCRIPT.has(m));
    if (scripted && !context.trusted) {
      return `<div class="output-missing">Output of type ${escapeHtml(kinds)} is not shown: the notebook is not trusted (jupyter trust, or trainbook export --trust).</div>`;
    }
    return `<div class="output-missing">Output of type ${escapeHtml(kinds)} is not shown in this export.</div>`;
  }
  return renderMime(mime, data[mime], output.metadata, context);
}

function renderStream(name: string, text: string): string {
  const kind = name === 'stderr' ? 'stderr' : 'stdout';
  return `<pre class="output-stream output-${kind}">${ansiToHtml(applyCarriageReturns(text))}</pre>`;
}

function renderError(output: ErrorOutput): string {
  const traceback = Array.isArray(output.traceback) ? output.traceback.join('\n') : '';
  const text = traceback.trim() === '' ? `${output.ename}: ${output.evalue}` : traceback;
  return `<pre class="output-error" data-ename="${escapeHtml(output.ename ?? '')}">${ansiToHtml(text)}</pre>`;
}

/**
 * Renders the outputs of one code cell. Consecutive stream outputs of the same stream are merged
 * first (as Jupyter does), so `\r` progress lines overwrite across output messages too.
 * `execute_result` outputs get an `[n]` prompt.
 *
 * @example
 * renderOutputs(cell.outputs ?? [], newOutputContext(new MarkdownRenderer()))
 */
export function renderOutputs(outputs: readonly Output[], context: OutputContext): string {
  const parts: string[] = [];
  let pending: { name: string; text: string } | undefined;
  const flush = (): void => {
    if (pending !== undefined) parts.push(wrap(renderStream(pending.name, pending.text), undefined));
    pending = undefined;
  };
  for (const output of outputs) {
    if (output.output_type === 'stream') {
      const stream = output as StreamOutput;
      const text = joinText(stream.text);
      if (pending !== undefined && pending.name === stream.name) pending.text += text;
      else {
        flush();
        pending = { name: stream.name, text };
      }
      continue;
    }
    flush();
    if (output.output_type === 'error') parts.push(wrap(renderError(output), undefined));
    else if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
      const count = output.output_type === 'execute_result' ? output.execution_count : undefined;
      parts.push(wrap(renderData(output, context), count ?? undefined));
    }
  }
  flush();
  return parts.filter((part) => part !== '').join('\n');
}

function wrap(html: string, executionCount: number | undefined): string {
  if (html === '') return '';
  const prompt = executionCount === undefined ? '' : `[${executionCount}]`;
  return `<div class="output"><div class="prompt output-prompt">${prompt}</div><div class="output-body">${html}</div></div>`;
}
