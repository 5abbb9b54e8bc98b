/**
 * The course index page: sections in order, each notebook with its title, subtitle, run status
 * and run time.
 */
import { escapeHtml } from '../display/html.js';
import { formatDuration, statusBadge, type NotebookStatus, type NotebookTitle } from './html-page.js';
import { pageHead } from './html-style.js';

/** One notebook as listed on the index. */
export interface IndexEntry {
  /** Link to the notebook's page, relative to the index. */
  href: string;
  /** File name without extension (shown small, e.g. `01-data`). */
  name: string;
  title: NotebookTitle;
  status: NotebookStatus;
  /** Link to the `.ipynb` copy, relative to the index. */
  ipynbHref?: string;
}

/** One section (a notebook folder such as `iris`), notebooks in reading order. */
export interface IndexSection {
  name: string;
  entries: IndexEntry[];
}

/**
 * Renders the course index page (self-contained, no scripts).
 *
 * PyTorch: none.
 *
 * @example
 * renderIndexPage('Neural networks in TypeScript', [{ name: 'iris', entries }])
 */
export function renderIndexPage(courseTitle: string, sections: readonly IndexSection[]): string {
  const all = sections.flatMap((s) => s.entries);
  const failed = all.filter((e) => e.status.kind === 'failed').length;
  const ok = all.filter((e) => e.status.kind === 'ok').length;
  const seconds = all.reduce((sum, e) => sum + (e.status.duration ?? 0), 0);
  const summary = [
    `${all.length} notebook${all.length === 1 ? '' : 's'} in ${sections.length} section${sections.length === 1 ? '' : 's'}`,
    `${ok} ran ok`,
    ...(failed > 0 ? [`${failed} failed`] : []),
    ...(seconds > 0 ? [`total run time ${formatDuration(seconds)}`] : []),
  ].join(' · ');

  const sectionHtml = sections.map((section) => {
    const items = section.entries.map((entry) => {
      const run: string[] = [statusBadge(entry.status, (cell) => `${entry.href}#cell-${cell}`)];
      if (entry.status.duration !== undefined) run.push(`<div>${formatDuration(entry.status.duration)}${entry.status.quick === true ? ' (quick)' : ''}</div>`);
      if (entry.ipynbHref !== undefined) run.push(`<div><a href="${escapeHtml(entry.ipynbHref)}" download>.ipynb</a></div>`);
      const subtitle = entry.title.subtitleHtml === undefined ? '' : `<div class="nb-subtitle">${entry.title.subtitleHtml}</div>`;
      return (
        `<li><div><a class="nb-title" href="${escapeHtml(entry.href)}">${entry.title.titleHtml}</a> <span class="nb-file">${escapeHtml(entry.name)}</span></div>` +
        `<div class="nb-run">${run.join('')}</div>${subtitle}</li>`
      );
    });
    const id = `section-${section.name.replace(/[^\w-]+/g, '-')}`;
    return `<section id="${escapeHtml(id)}"><h2>${escapeHtml(section.name)}<a class="anchor" href="#${escapeHtml(id)}" aria-label="Link to this section">#</a></h2>\n<ol class="section-list">\n${items.join('\n')}\n</ol></section>`;
  });

  return [
    ...pageHead(courseTitle),
    '<body>',
    '<main class="course-index">',
    `<h1 class="course-title">${escapeHtml(courseTitle)}</h1>`,
    `<p class="course-summary">${summary}</p>`,
    ...sectionHtml,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
