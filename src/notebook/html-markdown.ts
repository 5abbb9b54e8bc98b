/**
 * Markdown and code to HTML for the export: GitHub-flavoured markdown (tables, task lists,
 * strikethrough) with anchored headings, highlighted code, and images made self-contained; the
 * result is sanitized, as JupyterLab does, so raw HTML in markdown runs no script.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import shell from 'highlight.js/lib/languages/shell';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import { Marked, type Token, type Tokens } from 'marked';
import { escapeHtml } from '../display/html.js';
import type { Attachments } from './nbformat.js';
import { htmlToText, sanitizeHtml } from './sanitize.js';

for (const [name, language] of Object.entries({ bash, css, javascript, json, markdown, plaintext, python, shell, typescript, xml })) {
  hljs.registerLanguage(name, language);
}

/**
 * Highlights `code` as `language` (a highlight.js name or alias such as `ts`, `py`, `sh`);
 * unknown languages are escaped without highlighting.
 *
 * @example
 * highlightCode('const x = 1;', 'typescript') // '<span class="hljs-keyword">const</span> x = ...'
 */
export function highlightCode(code: string, language: string | undefined): string {
  const name = language?.trim().toLowerCase();
  if (name === undefined || name === '' || hljs.getLanguage(name) === undefined) return escapeHtml(code);
  return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
}

/** Whether highlight.js knows `language`. */
export function isKnownLanguage(language: string): boolean {
  return hljs.getLanguage(language.toLowerCase()) !== undefined;
}

/** A GitHub-style heading slug: lower case, punctuation dropped, spaces to dashes. */
export function slugify(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

/** Options of {@link MarkdownRenderer}. */
export interface MarkdownOptions {
  /**
   * Folder that relative image paths are read from (the notebook's folder); such images are
   * inlined as data URIs so the page stays self-contained.
   * @default undefined (relative images are left as links)
   */
  baseDir?: string;
}

/**
 * Renders the markdown of one page. Heading ids are unique across all calls on one renderer
 * (a second "Training" heading gets `training-1`), so use one renderer per page.
 *
 * PyTorch: none (Jupyter renders markdown cells with marked too).
 *
 * @example
 * const md = new MarkdownRenderer({ baseDir: 'notebooks/iris' });
 * md.render('# Iris\n\n> Train a classifier') // '<h1 id="iris">...'
 */
export class MarkdownRenderer {
  /** Problems met while rendering (missing images), for the caller to report. */
  readonly warnings: string[] = [];
  private readonly usedIds = new Map<string, number>();
  private attachments: Attachments = {};
  private readonly marked: Marked;

  constructor(private readonly options: MarkdownOptions = {}) {
    // The renderer methods below need `this` to be marked's renderer, so keep ours in a local.
    const self = this;
    this.marked = new Marked({
      gfm: true,
      walkTokens: (token: Token) => {
        if (token.type === 'image') token.href = this.resolveImage(token.href);
        // A link to another notebook of the course points to its exported page.
        if (token.type === 'link' && !/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(token.href)) token.href = token.href.replace(/\.ipynb(?=$|#)/, '.html');
      },
      renderer: {
        heading({ tokens, depth }: Tokens.Heading): string {
          const inner = this.parser.parseInline(tokens);
          const id = self.uniqueId(slugify(htmlToText(inner)) || 'section');
          return `<h${depth} id="${escapeHtml(id)}">${inner}<a class="anchor" href="#${escapeHtml(id)}" aria-label="Link to this section">#</a></h${depth}>\n`;
        },
        code({ text, lang }: Tokens.Code): string {
          const language = (lang ?? '').match(/^\S*/)?.[0] ?? '';
          const cls = language === '' ? '' : ` language-${escapeHtml(language)}`;
          return `<pre class="code-block"><code class="hljs${cls}">${highlightCode(text.replace(/\n$/, ''), language)}</code></pre>\n`;
        },
      },
    });
  }

  /**
   * Renders `source` to HTML, sanitized as JupyterLab sanitizes markdown (raw `<script>`, event
   * handlers and `javascript:` links are removed, see {@link sanitizeHtml}); `attachments` are the
   * cell's nbformat attachments (`attachment:name` images).
   */
  render(source: string, attachments: Attachments = {}): string {
    this.attachments = attachments;
    try {
      return sanitizeHtml(this.marked.parse(source, { async: false }));
    } finally {
      this.attachments = {};
    }
  }

  /** Reserves `base` as an element id on this page, suffixing `-1`, `-2`, ... when taken. */
  uniqueId(base: string): string {
    const seen = this.usedIds.get(base);
    if (seen === undefined) {
      this.usedIds.set(base, 0);
      return base;
    }
    let n = seen + 1;
    while (this.usedIds.has(`${base}-${n}`)) n += 1;
    this.usedIds.set(base, n);
    this.usedIds.set(`${base}-${n}`, 0);
    return `${base}-${n}`;
  }

  private resolveImage(href: string): string {
    if (href.startsWith('attachment:')) {
      const name = decodeURIComponent(href.slice('attachment:'.length));
      const bundle = this.attachments[name];
      const mime = bundle === undefined ? undefined : Object.keys(bundle).find((m) => m.startsWith('image/'));
      if (bundle === undefined || mime === undefined) {
        this.warnings.push(`markdown image ${href}: the cell has no attachment named ${JSON.stringify(name)}`);
        return href;
      }
      const value = bundle[mime];
      const data = Array.isArray(value) ? value.join('') : String(value);
      return mime === 'image/svg+xml' ? `data:${mime};charset=utf-8,${encodeURIComponent(data)}` : `data:${mime};base64,${data.replace(/\s/g, '')}`;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//') || href.startsWith('#')) return href;
    if (this.options.baseDir === undefined) return href;
    const path = decodeURIComponent(href.split(/[?#]/)[0]);
    const file = isAbsolute(path) ? path : resolve(this.options.baseDir, path);
    const mime = IMAGE_TYPES[extname(file).toLowerCase()];
    if (mime === undefined || !existsSync(file) || !statSync(file).isFile()) {
      this.warnings.push(`markdown image ${href}: ${file} is not a readable .png/.jpg/.gif/.webp/.svg file, left as a link`);
      return href;
    }
    return `data:${mime};base64,${readFileSync(file).toString('base64')}`;
  }
}
