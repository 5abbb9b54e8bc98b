/**
 * The course index page: the course's front page (who it is for, prerequisites, the sections in
 * order with what each teaches and mirrors), then each section's notebooks with their title,
 * subtitle, time estimate, run status and run time.
 */
import { escapeHtml } from '../display/html.js';
import { formatDuration, statusBadge, type NotebookStatus, type NotebookTitle } from './html-page.js';
import { pageHead } from './html-style.js';
import type { MirroredTutorial } from './course-guide.js';

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
  /** Estimated minutes to work through the notebook. @default none (not shown) */
  minutes?: number;
}

/** One section (a notebook folder such as `iris`), notebooks in reading order. */
export interface IndexSection {
  /** Folder name (the anchor, and the heading when there is no `title`). */
  name: string;
  entries: IndexEntry[];
  /** Heading of the section. @default `name` */
  title?: string;
  /** One paragraph on what the section teaches. @default none */
  about?: string;
  /** Tutorials the section mirrors. @default none */
  mirrors?: MirroredTutorial[];
}

/** Course-level text of the front page (from the course guide, `notebooks/course.json`). */
export interface IndexIntro {
  /** What the course is and who it is for. */
  audience: string;
  /** What to know before starting. */
  prerequisites: string[];
  /** The suggested order and how to work through a notebook. */
  order: string;
}

const sectionId = (name: string): string => `section-${name.replace(/[^\w-]+/g, '-')}`;
const sectionTitle = (section: IndexSection): string => section.title ?? section.name;

function minutesText(minutes: number): string {
  if (minutes < 60) return `about ${Math.round(minutes)} min`;
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  return `about ${h} h${m === 0 ? '' : ` ${m} min`}`;
}

function sectionMinutes(section: IndexSection): number | undefined {
  const known = section.entries.map((e) => e.minutes).filter((m): m is number => m !== undefined);
  return known.length === 0 ? undefined : known.reduce((a, b) => a + b, 0);
}

function mirrorsHtml(mirrors: readonly MirroredTutorial[]): string {
  return mirrors
    .map((m) => (m.url === undefined ? escapeHtml(m.title) : `<a href="${escapeHtml(m.url)}">${escapeHtml(m.title)}</a>`))
    .join('; ');
}

function introHtml(intro: IndexIntro, sections: readonly IndexSection[]): string[] {
  const toc = sections.map((section, i) => {
    const minutes = sectionMinutes(section);
    const facts = [`${section.entries.length} notebook${section.entries.length === 1 ? '' : 's'}`, ...(minutes === undefined ? [] : [minutesText(minutes)])];
    const mirrors = section.mirrors === undefined || section.mirrors.length === 0 ? '' : ` Mirrors ${mirrorsHtml(section.mirrors)}.`;
    return (
      `<li><a href="#${escapeHtml(sectionId(section.name))}">${i + 1}. ${escapeHtml(sectionTitle(section))}</a> <span class="toc-facts">(${facts.join(', ')})</span>` +
      (section.about === undefined ? '' : `<p>${escapeHtml(section.about)}${mirrors}</p>`) +
      '</li>'
    );
  });
  return [
    '<section class="course-intro">',
    `<p>${escapeHtml(intro.audience)}</p>`,
    '<h2 id="before-you-start">Before you start</h2>',
    `<ul class="course-prerequisites">\n${intro.prerequisites.map((p) => `<li>${escapeHtml(p)}</li>`).join('\n')}\n</ul>`,
    '<h2 id="how-to-use">How to follow the course</h2>',
    `<p>${escapeHtml(intro.order)}</p>`,
    '<h2 id="sections">The sections</h2>',
    `<ol class="course-toc">\n${toc.join('\n')}\n</ol>`,
    '</section>',
  ];
}

/**
 * Renders the course index page (self-contained, no scripts). With `intro`, the page opens as
 * the course's front page: who it is for, prerequisites, the suggested order, and the sections
 * with what they teach, what they mirror and how long they take; each section ends with a link to
 * the next one.
 *
 * PyTorch: none.
 *
 * @example
 * renderIndexPage('Neural networks in TypeScript', [{ name: 'iris', title: 'Iris', entries }], { audience, prerequisites, order })
 */
export function renderIndexPage(courseTitle: string, sections: readonly IndexSection[], intro?: IndexIntro): string {
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

  const sectionHtml = sections.map((section, i) => {
    const items = section.entries.map((entry) => {
      const run: string[] = [statusBadge(entry.status, (cell) => `${entry.href}#cell-${cell}`)];
      if (entry.status.duration !== undefined) run.push(`<div>ran in ${formatDuration(entry.status.duration)}${entry.status.quick === true ? ' (quick)' : ''}</div>`);
      if (entry.ipynbHref !== undefined) run.push(`<div><a href="${escapeHtml(entry.ipynbHref)}" download>.ipynb</a></div>`);
      const time = entry.minutes === undefined ? '' : ` <span class="nb-time">${minutesText(entry.minutes)}</span>`;
      const subtitle = entry.title.subtitleHtml === undefined ? '' : `<div class="nb-subtitle">${entry.title.subtitleHtml}</div>`;
      return (
        `<li><div><a class="nb-title" href="${escapeHtml(entry.href)}">${entry.title.titleHtml}</a>${time} <span class="nb-file">${escapeHtml(entry.name)}</span></div>` +
        `<div class="nb-run">${run.join('')}</div>${subtitle}</li>`
      );
    });
    const id = sectionId(section.name);
    // Without a front page (no intro), the section's paragraph goes under its heading.
    const about = section.about === undefined || intro !== undefined ? '' : `\n<p class="section-about">${escapeHtml(section.about)}</p>`;
    const mirrors = section.mirrors === undefined || section.mirrors.length === 0 ? '' : `\n<p class="section-mirrors">Mirrors: ${mirrorsHtml(section.mirrors)}</p>`;
    const next = sections[i + 1];
    const nextLink = next === undefined ? '' : `\n<p class="section-next">Next section: <a href="#${escapeHtml(sectionId(next.name))}">${escapeHtml(sectionTitle(next))}</a></p>`;
    return (
      `<section id="${escapeHtml(id)}"><h2>${i + 1}. ${escapeHtml(sectionTitle(section))}<a class="anchor" href="#${escapeHtml(id)}" aria-label="Link to this section">#</a></h2>` +
      `${about}${mirrors}\n<ol class="section-list">\n${items.join('\n')}\n</ol>${nextLink}</section>`
    );
  });

  return [
    ...pageHead(courseTitle),
    '<body>',
    '<main class="course-index">',
    `<h1 class="course-title">${escapeHtml(courseTitle)}</h1>`,
    ...(intro === undefined ? [] : introHtml(intro, sections)),
    `<p class="course-summary">${summary}</p>`,
    ...sectionHtml,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
