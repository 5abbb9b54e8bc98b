/**
 * Plotly figures as cell output that renders live in JupyterLab, in classic Notebook, in
 * `jupyter nbconvert --to html` exports and offline from file://.
 *
 * plotly.js (4.5 MB) is embedded once per kernel session, in the first plot output; every
 * figure's script waits until `window.Plotly` exists, so figures drawn before the library
 * (out-of-order execution, outputs rendered again from a saved notebook) draw once it loads.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { getShared, setShared } from '../runtime/shared.js';
import { escapeHtml } from './html.js';
import { getDisplaySink, type JsonValue, type MimeBundle } from './sink.js';

/** One Plotly trace (`{ type: 'scatter', x: [...], y: [...], name: 'loss' }`); typed arrays are allowed as data. */
export type PlotlyTrace = Record<string, unknown>;

/**
 * A Plotly figure in plotly's JSON schema (what `Plotly.newPlot(div, data, layout, config)` takes).
 *
 * PyTorch: none; matplotlib's figure plays this role in the PyTorch tutorials.
 */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/**
 * The mime type of Plotly JSON (rendered by JupyterLab's plotly extension and by the project's exporter).
 *
 * PyTorch: none (plotly.py's renderer uses the same mime type).
 */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Options of {@link figureHtml} and {@link showFigure}. */
export interface FigureOptions {
  /**
   * Whether the output carries plotly.js: `'auto'` embeds it only in the first plot output of this
   * kernel session, `true` always, `false` never (the page must already have `window.Plotly`).
   * @default 'auto'
   */
  includePlotlyJs?: 'auto' | boolean;
  /**
   * Height of the figure in CSS pixels. It is written into the figure's `layout.height` too, so
   * that every renderer (JupyterLab's plotly extension, `trainbook export`) draws it at this height.
   * @default the figure's `layout.height`, else 420
   */
  height?: number;
  /** The id of the figure's `<div>`. @default a new unique id (`tb-plot-<16 hex digits>`) */
  divId?: string;
}


let librarySource: string | undefined;

/**
 * The plotly.js version that is embedded (from `plotly.js-dist-min`'s package.json).
 *
 * PyTorch: none.
 */
export function plotlyVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg: unknown = require('plotly.js-dist-min/package.json');
  if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  throw new Error('plotlyVersion: plotly.js-dist-min/package.json has no version string; reinstall plotly.js-dist-min');
}

function readLibrary(): string {
  if (librarySource !== undefined) return librarySource;
  // require('plotly.js-dist-min') throws in Node (the bundle uses `self`): read its file as text.
  const path = createRequire(import.meta.url).resolve('plotly.js-dist-min');
  const source = readFileSync(path, 'utf8');
  // Inside <script>, `</script` ends the element and `<!--` can change how the HTML parser reads it.
  const unsafe = /<\/script|<!--/i.exec(source);
  if (unsafe !== null) {
    throw new Error(`plotly: ${path} contains '${unsafe[0]}' at character ${unsafe.index}; it cannot be inlined in a <script> element`);
  }
  librarySource = source;
  return source;
}

/**
 * The `<script>` element that defines `window.Plotly`, with plotly.js inlined (about 4.5 MB).
 * Safe with require.js on the page (classic Notebook): `define`, `module` and `exports` are
 * shadowed in a function scope, so the UMD bundle sets `window.Plotly` instead of registering
 * an AMD module. Does nothing if `window.Plotly` already exists.
 *
 * PyTorch: none (plotly.py's `include_plotlyjs=True`).
 */
export function plotlyLibraryHtml(): string {
  return (
    `<script type="text/javascript">/* plotly.js ${plotlyVersion()} (MIT licence), embedded by trainbook once per kernel session */\n` +
    'window.PlotlyConfig = window.PlotlyConfig || { MathJaxConfig: "local" };\n' +
    '(function () {\n' +
    'if (window.Plotly) return;\n' +
    'var define = undefined, module = undefined, exports = undefined;\n' +
    readLibrary() +
    '\n}).call(window);\n' +
    // A copy in this browser's IndexedDB lets figures draw on a page where no output carries the
    // library any more (a cell re-run in a running kernel, then the page reloaded): see figureHtml.
    '(function (script, key) {\n' +
    '  try {\n' +
    '    if (!script || !window.indexedDB) return;\n' +
    '    var open = indexedDB.open("trainbook", 1);\n' +
    '    open.onupgradeneeded = function () { open.result.createObjectStore("plotly"); };\n' +
    '    open.onsuccess = function () {\n' +
    '      try {\n' +
    '        var store = open.result.transaction("plotly", "readwrite").objectStore("plotly");\n' +
    '        var seen = store.getKey(key);\n' +
    '        seen.onsuccess = function () { if (seen.result === undefined) store.put(script.textContent, key); };\n' +
    '      } catch (e) {}\n' +
    '    };\n' +
    '  } catch (e) {}\n' +
    `})(document.currentScript, ${scriptJson(cacheKey())});\n` +
    '</script>'
  );
}

/** The IndexedDB key of the cached library script. */
function cacheKey(): string {
  return `trainbook plotly.js ${plotlyVersion()}`;
}

/**
 * Whether plotly.js was already embedded in an output of this kernel session.
 *
 * PyTorch: none.
 */
export function plotlyInjected(): boolean {
  return getShared<boolean>('plotlyInjected') === true;
}

/**
 * Makes the next plot output embed plotly.js again. Use it after clearing the output that
 * carried the library (otherwise a saved or exported notebook has figures but no plotly.js).
 *
 * PyTorch: none (plotly.py's `init_notebook_mode` re-embeds the library on demand).
 */
export function resetPlotlyInjection(): void {
  setShared('plotlyInjected', false);
}

/**
 * Returns the library `<script>` if this session has not embedded it yet (and marks it embedded),
 * else `''`. `include` forces either way.
 *
 * PyTorch: none.
 */
export function takePlotlyLibrary(include: 'auto' | boolean = 'auto'): string {
  if (include === false) return '';
  if (include === 'auto' && plotlyInjected()) return '';
  setShared('plotlyInjected', true);
  return plotlyLibraryHtml();
}

/**
 * A new unique figure div id (`tb-plot-` + 16 hex digits): unique across kernel sessions too, since saved outputs of several sessions share one page.
 *
 * PyTorch: none.
 */
export function newPlotId(): string {
  return `tb-plot-${randomBytes(8).toString('hex')}`;
}

/**
 * JSON that is safe inside a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 are escaped.
 *
 * PyTorch: none.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, typedArraysAsArrays)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function typedArraysAsArrays(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/**
 * The figure as plain JSON (typed arrays become arrays, NaN becomes null), for the Plotly mime type.
 *
 * PyTorch: none (plotly.py's `fig.to_plotly_json()`).
 */
export function figureJson(figure: PlotlyFigure): { [key: string]: JsonValue } {
  const json: unknown = JSON.parse(JSON.stringify(figure, typedArraysAsArrays));
  return json as { [key: string]: JsonValue };
}

const DEFAULT_CONFIG = { responsive: true, displaylogo: false };

/**
 * The HTML of one figure: a `<div>` with a unique id and a script that draws into it once both
 * the div is in the page and `window.Plotly` exists. It polls; if plotly.js is not on the page
 * once the page has loaded, it loads the copy this browser cached from an earlier library output
 * (IndexedDB) and says under the figure that the notebook itself no longer carries plotly.js;
 * after 5 s without plotly.js it writes a hint into the div and keeps waiting. Does not include
 * plotly.js itself.
 *
 * PyTorch: none (plotly.py's `fig.to_html(include_plotlyjs=False)`).
 */
export function figureHtml(figure: PlotlyFigure, options: Omit<FigureOptions, 'includePlotlyJs'> = {}): string {
  checkFigure(figure);
  const id = options.divId ?? newPlotId();
  const sized = withHeight(figure, options.height);
  const style = `width:100%;height:${String(sized.layout?.height)}px;`;
  const spec = { data: sized.data, layout: sized.layout ?? {}, config: { ...DEFAULT_CONFIG, ...figure.config } };
  const hint =
    'Waiting for plotly.js. trainbook embeds it once per kernel session, in the first plot output, ' +
    'and that output is not on this page (its cell was re-run or cleared). ' +
    'Restart the kernel and run all cells, or run resetPlotlyInjection() and show the figure again.';
  const note =
    "plotly.js came from this browser's cache: no output of this notebook carries it now, so a saved or exported copy " +
    'will show no plots. Restart the kernel and run all cells before saving.';
  return (
    `<div id="${escapeHtml(id)}" class="trainbook-plot" style="${style}"></div>\n` +
    '<script type="text/javascript">\n' +
    '(function () {\n' +
    `  var id = ${scriptJson(id)}, key = ${scriptJson(cacheKey())}, style = ${scriptJson(style)};\n` +
    `  var fig = ${scriptJson(spec)};\n` +
    '  var start = Date.now();\n' +
    '  function fromBrowserCache() {\n' +
    '    if (window.trainbookPlotlyCache || !window.indexedDB) return;\n' +
    '    window.trainbookPlotlyCache = "loading";\n' +
    '    try {\n' +
    '      var open = indexedDB.open("trainbook", 1);\n' +
    '      open.onupgradeneeded = function () { open.result.createObjectStore("plotly"); };\n' +
    '      open.onsuccess = function () {\n' +
    '        try {\n' +
    '          var get = open.result.transaction("plotly").objectStore("plotly").get(key);\n' +
    '          get.onsuccess = function () {\n' +
    '            if (typeof get.result !== "string" || window.Plotly) return;\n' +
    '            var script = document.createElement("script");\n' +
    '            script.textContent = get.result;\n' +
    '            document.head.appendChild(script);\n' +
    '            window.trainbookPlotlyCache = "used";\n' +
    '          };\n' +
    '        } catch (e) {}\n' +
    '      };\n' +
    '    } catch (e) {}\n' +
    '  }\n' +
    '  function draw() {\n' +
    '    var el = document.getElementById(id);\n' +
    '    var Plotly = window.Plotly;\n' +
    '    var waited = Date.now() - start;\n' +
    '    if (el && Plotly) {\n' +
    '      el.style.cssText = style; el.textContent = "";\n' +
    '      Plotly.newPlot(el, fig.data, fig.layout, fig.config);\n' +
    '      if (window.trainbookPlotlyCache === "used") {\n' +
    '        window.trainbookPlotlyCache = "noted";\n' +
    '        var p = document.createElement("p");\n' +
    '        p.style.cssText = "font:12px sans-serif;color:#a33;margin:4px 0;";\n' +
    `        p.textContent = ${scriptJson(note)};\n` +
    '        el.insertAdjacentElement("afterend", p);\n' +
    '      }\n' +
    '      return;\n' +
    '    }\n' +
    // Every inline script of an exported page has run by "complete": plotly.js is not coming from the page.
    '    if (!Plotly && waited > 300 && document.readyState === "complete") fromBrowserCache();\n' +
    `    if (el && !Plotly && waited > 5000 && !el.firstChild) { el.style.cssText = style + "height:auto;font:13px sans-serif;color:#a33;padding:8px;"; el.textContent = ${scriptJson(hint)}; }\n` +
    // With plotly.js present but no div, the output was replaced (live update) or removed: stop.
    '    if (waited > (Plotly ? 5000 : 600000)) return;\n' +
    '    setTimeout(draw, waited < 2000 ? 25 : 250);\n' +
    '  }\n' +
    '  draw();\n' +
    '})();\n' +
    '</script>'
  );
}

/**
 * The figure with its height in `layout.height`: `height` if given, else the layout's own, else 420.
 * The figure's JSON carries it, so a renderer that draws from the JSON alone (an exported page,
 * JupyterLab's plotly extension) draws the figure at the height the notebook showed it.
 */
function withHeight(figure: PlotlyFigure, height: number | undefined): PlotlyFigure {
  if (height !== undefined && !(Number.isFinite(height) && height > 0)) {
    throw new Error(`showFigure: height is ${height}, expected a positive number of CSS pixels (e.g. 300)`);
  }
  const own = figure.layout?.height;
  const effective = height ?? (typeof own === 'number' && own > 0 ? own : 420);
  return { ...figure, layout: { ...figure.layout, height: effective } };
}

function checkFigure(figure: PlotlyFigure): void {
  if (typeof figure !== 'object' || figure === null || !Array.isArray(figure.data)) {
    throw new Error('showFigure: expected a figure { data: [trace, ...], layout?: {...} } with data an array of traces');
  }
}

function figureTitle(figure: PlotlyFigure): string | undefined {
  const title = figure.layout?.title;
  if (typeof title === 'string') return title;
  if (typeof title === 'object' && title !== null && 'text' in title && typeof title.text === 'string') return title.text;
  return undefined;
}

/**
 * A one-line text description of a figure (its `text/plain` output).
 *
 * PyTorch: none (a matplotlib figure's repr, `<Figure size 640x480 with 1 Axes>`).
 */
export function figureText(figure: PlotlyFigure): string {
  const title = figureTitle(figure);
  const names = figure.data.map((trace, i) => (typeof trace.name === 'string' ? trace.name : `trace ${i}`));
  return `<Figure${title === undefined ? '' : ` '${title}'`}: ${figure.data.length} trace${figure.data.length === 1 ? '' : 's'}${names.length > 0 ? ` (${names.join(', ')})` : ''}>`;
}

/**
 * The mime bundle of a figure: `text/html` (with plotly.js if this is the session's first plot,
 * see {@link FigureOptions.includePlotlyJs}), `application/vnd.plotly.v1+json` when `multiMime`,
 * and `text/plain`.
 *
 * PyTorch: none (IPython's `_repr_mimebundle_`).
 */
export function figureBundle(figure: PlotlyFigure, options: FigureOptions & { multiMime?: boolean } = {}): MimeBundle {
  const html = figureHtml(figure, options);
  const library = takePlotlyLibrary(options.includePlotlyJs ?? 'auto');
  const bundle: MimeBundle = { 'text/html': library === '' ? html : `${library}\n${html}` };
  if (options.multiMime ?? true) bundle[PLOTLY_MIME] = figureJson(withHeight(figure, options.height));
  bundle['text/plain'] = figureText(figure);
  return bundle;
}

/**
 * Shows a Plotly figure as the cell's output.
 *
 * PyTorch: `plt.plot(...); plt.show()` in the tutorials (matplotlib); here the figure is plotly JSON.
 * @example
 * showFigure({
 *   data: [{ type: 'scatter', mode: 'lines', x: [1, 2, 3], y: [0.9, 0.5, 0.3], name: 'loss' }],
 *   layout: { title: { text: 'Training loss' }, xaxis: { title: { text: 'epoch' } } },
 * });
 */
export function showFigure(figure: PlotlyFigure, options: FigureOptions = {}): void {
  const sink = getDisplaySink();
  // A terminal cannot draw the figure: print its description and keep plotly.js for the first notebook output.
  if (!sink.rich) {
    checkFigure(figure);
    sink.display({ 'text/plain': figureText(figure) });
    return;
  }
  sink.display(figureBundle(figure, { ...options, multiMime: sink.multiMime }));
}
