/**
 * plotly.js in exported pages: one inlined copy per page, in the head, only when a figure needs it.
 *
 * Figures reach a notebook two ways: the `application/vnd.plotly.v1+json` MIME type (drawn by the
 * page) and `text/html` outputs that call `Plotly.newPlot` themselves. The display helper embeds
 * the plotly.js bundle in the first figure's HTML of a kernel session; that copy is cut out here
 * so the page carries exactly one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cachedBundle: string | undefined;

/**
 * The text of `plotly.js-dist-min/plotly.min.js` (read, not required: requiring it throws in
 * Node because it touches `self`).
 */
export function readPlotlyBundle(): string {
  if (cachedBundle === undefined) {
    const path = createRequire(import.meta.url).resolve('plotly.js-dist-min/plotly.min.js');
    cachedBundle = readFileSync(path, 'utf8');
  }
  return cachedBundle;
}

/** The version in a plotly.js bundle's license header (`plotly.js v2.35.2`), if any. */
export function plotlyBundleVersion(source: string): string | undefined {
  return source.slice(0, 4000).match(BUNDLE_HEADER)?.[1];
}

// The license comment every plotly.js dist bundle starts with.
const BUNDLE_HEADER = /\/\*[*!]?\s*\*?\s*plotly\.js v(\d+\.\d+\.\d+[\w.-]*)/;
// Code that draws with (or waits for) a global Plotly.
const USES_PLOTLY = /\bPlotly\s*\.\s*(newPlot|react|plot|addTraces|extendTraces|update|relayout|restyle|animate)\b|\bwindow\s*\.\s*Plotly\b|\bwindow\s*\[\s*["']Plotly["']\s*\]|class\s*=\s*["'][^"']*\bplotly-graph-div\b/;
// Every plotly.js dist bundle is megabytes; a short script that mentions the header is not one.
const MIN_BUNDLE_LENGTH = 100_000;
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const SRC_ATTR = /\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

/** The marker attribute on the page's own plotly.js `<script>`. */
export const PLOTLY_SCRIPT_ATTRIBUTE = 'data-trainbook-plotly';

/**
 * The `<script>` that defines `window.Plotly` from the inlined bundle. `define`, `module` and
 * `exports` are shadowed so the UMD wrapper sets the global even when a page output loaded an
 * AMD or CommonJS shim.
 */
export function plotlyHeadScript(bundle: string = readPlotlyBundle()): string {
  const version = plotlyBundleVersion(bundle) ?? 'unknown';
  return `<script ${PLOTLY_SCRIPT_ATTRIBUTE}="${version}">(function (define, module, exports) {\n${bundle}\n}).call(window);</script>`;
}

/** What {@link stripPlotlyBundles} found in one HTML output. */
export interface PlotlyHtmlScan {
  /** The HTML without any plotly.js bundle or plotly.js `<script src>` loader. */
  html: string;
  /** Number of bundles or loaders removed. */
  removedBundles: number;
  /** Whether the output needs a global `Plotly` (it drew a figure or carried a bundle). */
  usesPlotly: boolean;
}

function decodeDataUrl(url: string): string | undefined {
  const match = url.match(/^data:[^,]*?(;base64)?,(.*)$/s);
  if (match === null) return undefined;
  return match[1] === undefined ? decodeURIComponent(match[2]) : Buffer.from(match[2], 'base64').toString('utf8');
}

/**
 * Cuts plotly.js bundles out of an HTML output and says whether the output draws with plotly.
 *
 * A `<script>` holding the exact installed bundle loses just the bundle text (so wrapper code
 * around it, such as `if (!window.Plotly) {...}`, stays valid and the figure code beside it still
 * runs); a script holding another plotly.js version (a script over 100 kB starting with its license header) is removed
 * whole; `<script src>` tags that load plotly (a CDN URL, a file or a data URL) are removed.
 *
 * @example
 * const { html, usesPlotly } = stripPlotlyBundles(output['text/html']);
 */
export function stripPlotlyBundles(html: string, bundle: string = readPlotlyBundle()): PlotlyHtmlScan {
  let removedBundles = 0;
  let usesPlotly = false;
  const stripped = html.replace(SCRIPT, (whole, attributes: string, content: string) => {
    const src = attributes.match(SRC_ATTR);
    if (src !== null) {
      const url = src[1] ?? src[2] ?? src[3] ?? '';
      const inline = url.startsWith('data:') ? decodeDataUrl(url) : undefined;
      const isPlotly = inline !== undefined ? BUNDLE_HEADER.test(inline.slice(0, 4000)) : /plotly[^/]*\.js(?:[?#].*)?$/i.test(url);
      if (isPlotly) {
        removedBundles += 1;
        usesPlotly = true;
        return '';
      }
      return whole;
    }
    if (content.includes(bundle)) {
      removedBundles += 1;
      usesPlotly = true;
      const rest = content.split(bundle).join('');
      return rest.trim() === '' ? '' : `<script${attributes}>${rest}</script>`;
    }
    // Another plotly.js version: a large script starting with the bundle's license header.
    if (content.length > MIN_BUNDLE_LENGTH && BUNDLE_HEADER.test(content.slice(0, 4000))) {
      removedBundles += 1;
      usesPlotly = true;
      return '';
    }
    if (USES_PLOTLY.test(content)) usesPlotly = true;
    return whole;
  });
  if (!usesPlotly && USES_PLOTLY.test(stripped)) usesPlotly = true;
  return { html: stripped, removedBundles, usesPlotly };
}

/** Counts plotly.js bundles in a finished page (its own head copy included): 1 or 0 expected. */
export function countPlotlyBundles(page: string): number {
  return page.match(new RegExp(BUNDLE_HEADER.source, 'g'))?.length ?? 0;
}
