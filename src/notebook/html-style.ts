/**
 * The stylesheet inlined in every exported page: readable on screen, clean on paper.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { escapeHtml } from '../display/html.js';

let cachedHighlightCss: string | undefined;

/** highlight.js's GitHub theme, read from the installed package. */
export function highlightCss(): string {
  if (cachedHighlightCss === undefined) {
    const path = createRequire(import.meta.url).resolve('highlight.js/styles/github.css');
    cachedHighlightCss = readFileSync(path, 'utf8');
  }
  return cachedHighlightCss;
}

// Jupyter's ANSI palette, so tracebacks look as they do in the notebook.
const ANSI_COLOURS: ReadonlyArray<readonly [string, string, string]> = [
  ['black', '#3e424d', '#282c36'],
  ['red', '#e75c58', '#b22b31'],
  ['green', '#00a250', '#007427'],
  ['yellow', '#ddb62b', '#b27d12'],
  ['blue', '#208ffb', '#0065ca'],
  ['magenta', '#d160c4', '#a03196'],
  ['cyan', '#60c6c8', '#258f8f'],
  ['white', '#c5c1b4', '#a1a6b2'],
];

function ansiCss(): string {
  const rules = ANSI_COLOURS.flatMap(([name, normal, intense]) => [
    `.ansi-${name}-fg { color: ${normal}; }`,
    `.ansi-${name}-bg { background-color: ${normal}; }`,
    `.ansi-bright-${name}-fg { color: ${intense}; }`,
    `.ansi-bright-${name}-bg { background-color: ${intense}; }`,
  ]);
  return rules.join('\n');
}

const PAGE_CSS = `
:root {
  --text: #1f2328; --muted: #59636e; --border: #d1d9e0; --code-bg: #f6f8fa; --accent: #0969da;
  --ok: #1a7f37; --ok-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --stderr-bg: #fff8c5;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--text); background: #fff;
  font: 16px/1.6 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
}
main, .page-nav, .site-footer { max-width: 960px; margin: 0 auto; padding: 0 24px; }
main { padding-bottom: 48px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.5em 0 0.6em; position: relative; }
h1 { font-size: 2em; border-bottom: 1px solid var(--border); padding-bottom: 0.3em; }
h2 { font-size: 1.5em; border-bottom: 1px solid var(--border); padding-bottom: 0.3em; }
h3 { font-size: 1.25em; }
.anchor { margin-left: 0.4em; color: var(--muted); opacity: 0; font-weight: 400; }
h1:hover .anchor, h2:hover .anchor, h3:hover .anchor, h4:hover .anchor, h5:hover .anchor, h6:hover .anchor, .anchor:focus { opacity: 1; }
blockquote { margin: 0 0 1em; padding: 0 1em; color: var(--muted); border-left: 0.25em solid var(--border); }
code, pre, kbd { font-family: var(--mono); font-size: 0.875em; }
:not(pre) > code { background: var(--code-bg); padding: 0.15em 0.35em; border-radius: 6px; }
pre { margin: 0; overflow-x: auto; line-height: 1.45; }
pre code { font-size: inherit; }
.code-block { background: var(--code-bg); padding: 12px 16px; border-radius: 6px; margin: 0 0 1em; }
table { border-collapse: collapse; margin: 0 0 1em; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid var(--border); padding: 4px 10px; }
th:not([align]) { text-align: left; }
th { background: var(--code-bg); font-weight: 600; }
tr:nth-child(2n) td { background: #fafbfc; }
td { font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; }
hr { border: 0; border-top: 1px solid var(--border); margin: 2em 0; }

.page-nav { display: flex; gap: 1em; justify-content: space-between; align-items: baseline; flex-wrap: wrap;
  padding-top: 14px; padding-bottom: 14px; font-size: 0.9em; color: var(--muted); }
.page-nav.top { border-bottom: 1px solid var(--border); max-width: none; padding-left: max(24px, calc((100% - 912px) / 2)); padding-right: max(24px, calc((100% - 912px) / 2)); }
.page-nav .crumbs a { font-weight: 600; }
.page-nav .prev-next { display: flex; gap: 1.5em; }
.pager { display: flex; justify-content: space-between; gap: 1em; margin-top: 3em; border-top: 1px solid var(--border); padding-top: 1em; }
.pager a { display: block; max-width: 48%; }
.pager .label { display: block; font-size: 0.8em; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; }
.pager .next { text-align: right; margin-left: auto; }

.status { display: inline-block; padding: 0.1em 0.6em; border-radius: 2em; font-size: 0.85em; font-weight: 600; white-space: nowrap; }
.status.ok { color: var(--ok); background: var(--ok-bg); }
.status.failed { color: var(--fail); background: var(--fail-bg); }
.status.unknown { color: var(--muted); background: var(--code-bg); }
.run-info { margin: 20px 0 0; color: var(--muted); font-size: 0.9em; display: flex; gap: 0.8em; align-items: center; flex-wrap: wrap; }

.cell { margin: 0 0 1em; }
.markdown-cell > :first-child { margin-top: 0.8em; }
.code-cell .input, .output { display: grid; grid-template-columns: 3.5em minmax(0, 1fr); column-gap: 0.5em; }
.prompt { font-family: var(--mono); font-size: 0.8em; color: var(--muted); text-align: right; padding-top: 0.7em; white-space: nowrap; }
.cell-time { display: block; font-size: 0.9em; opacity: 0.85; }
.injected-note { color: var(--muted); font-size: 0.8em; margin: 0 0 0.2em calc(4em / 0.8); }
.output-prompt { color: #a0410d; padding-top: 0.35em; }
.source { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 10px 14px; }
.outputs { margin-top: 4px; }
.output-body { min-width: 0; overflow-x: auto; }
.output-body > pre { padding: 4px 14px; white-space: pre-wrap; word-break: break-word; }
.output-stderr { background: var(--stderr-bg); border-left: 3px solid #d4a72c; }
.output-error { background: var(--fail-bg); border-left: 3px solid var(--fail); padding: 8px 14px !important; }
.output-json { background: var(--code-bg); }
.output-missing { color: var(--muted); font-style: italic; padding: 4px 14px; }
.output-html, .output-markdown, .output-image, .output-plotly { padding: 4px 0; }
.plotly-figure { width: 100%; min-height: 360px; }
.cell.failed .source { border-color: var(--fail); box-shadow: 0 0 0 1px var(--fail); }
.cell .failed-note { color: var(--fail); font-weight: 600; font-size: 0.85em; margin: 0 0 0.3em calc(4em / 0.85); }
.cell.not-run .source { opacity: 0.6; border-style: dashed; }
.raw-cell pre { padding: 8px 14px; border: 1px dashed var(--border); border-radius: 6px; }

.course-title { margin-top: 1em; }
.course-summary { color: var(--muted); }
.section-list { list-style: none; padding: 0; margin: 0; counter-reset: none; }
.section-list li { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0.2em 1em; padding: 0.7em 0; border-bottom: 1px solid var(--border); }
.section-list .nb-title { font-weight: 600; font-size: 1.05em; }
.section-list .nb-subtitle { grid-column: 1; color: var(--muted); font-size: 0.95em; }
.section-list .nb-run { grid-column: 2; grid-row: 1 / span 2; text-align: right; font-size: 0.85em; color: var(--muted); }
.section-list .nb-file { color: var(--muted); font-family: var(--mono); font-size: 0.8em; }
.section-list .nb-time, .toc-facts { color: var(--muted); font-size: 0.85em; }
.course-toc > li { margin: 0.6em 0; }
.course-toc p, .section-about, .section-mirrors { margin: 0.3em 0; }
.section-mirrors, .section-next { color: var(--muted); }
.site-footer { color: var(--muted); font-size: 0.8em; padding-bottom: 24px; }

@media (max-width: 640px) {
  .code-cell .input, .output { grid-template-columns: minmax(0, 1fr); }
  .prompt { text-align: left; padding-top: 0; }
  .cell .failed-note, .injected-note { margin-left: 0; }
}

@media print {
  body { font-size: 11pt; }
  main, .page-nav, .site-footer { max-width: none; padding: 0; }
  .page-nav, .pager, .anchor, .modebar-container { display: none !important; }
  a { color: inherit; }
  .cell, .output, tr, img, .plotly-figure, .js-plotly-plot { break-inside: avoid; }
  h1, h2, h3, h4 { break-after: avoid; }
  pre, .output-body > pre { white-space: pre-wrap; word-break: break-word; overflow: visible; }
  .output-body, table { overflow: visible; }
  .source, .code-block { background: #f6f8fa !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .status, .output-error, .output-stderr { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

// highlight.js's theme paints its own box; the page's code boxes already have one.
const HIGHLIGHT_OVERRIDES = 'pre code.hljs, code.hljs { background: transparent; padding: 0; display: inline; overflow: visible; }';

/** The full stylesheet of an exported page: layout, highlight.js theme and the ANSI palette. */
export function pageCss(): string {
  return `${highlightCss()}\n${PAGE_CSS}\n${HIGHLIGHT_OVERRIDES}\n${ansiCss()}`;
}

/**
 * The opening of every exported page up to `</head>`: doctype, meta tags, `title` (escaped here), the
 * page CSS, then `extraHead` (e.g. the plotly.js script). One line per entry.
 */
export function pageHead(title: string, extraHead: readonly string[] = []): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="trainbook export">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${pageCss()}</style>`,
    ...extraHead,
    '</head>',
  ];
}
