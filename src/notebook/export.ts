/**
 * `trainbook export`: executed notebooks to a folder of self-contained HTML pages with a course
 * index, readable offline from `file://` (no Python, no network).
 */
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { writeFileWhole } from '../io/write-whole.js';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseNotebook } from './nbformat.js';
import { isTrustedByJupyter, type TrustStore } from './trust.js';
import { readCourseGuide, type CourseGuide } from './course-guide.js';
import { renderIndexPage, type IndexSection } from './html-index.js';
import { notebookTitle, renderNotebookPage, type NotebookStatus, type NotebookTitle } from './html-page.js';
import { readPlotlyBundle } from './html-plotly.js';

/** Options of {@link exportCourse}. */
export interface ExportOptions {
  /** Folder to write `index.html` and `<section>/<name>.html` into (created if missing). */
  outDir: string;
  /** Course title on the index and every page. @default 'trainbook course' */
  title?: string;
  /** Also copy each executed notebook as `<section>/<name>.ipynb` beside its page. @default false */
  ipynb?: boolean;
  /**
   * Section names in reading order; sections not listed follow in the order found.
   * @default [] (order found: inputs as given, folders' subfolders by name)
   */
  sections?: string[];
  /**
   * Path of a course guide (`notebooks/course.json`, see {@link CourseGuide}): the index then opens
   * as the course's front page, sections get their titles, descriptions and time estimates, and
   * the guide gives the title and section order unless `title` or `sections` are set.
   * @default none (a plain list of sections and notebooks)
   */
  course?: string;
  /**
   * Trust every notebook: HTML outputs keep their scripts and JavaScript outputs run, as for a
   * notebook you executed yourself. Otherwise each notebook is trusted only when Jupyter trusts it
   * (its signature is in the user's `nbsignatures.db`, see `isTrustedByJupyter`), and untrusted
   * notebooks' HTML is sanitized, as JupyterLab shows them.
   * @default false
   */
  trust?: boolean;
  /** Where Jupyter's trust database is read. @default the user's Jupyter data folder */
  trustStore?: TrustStore;
}

/** One notebook found in the inputs. */
export interface NotebookSource {
  /** Path of the executed `.ipynb`. */
  path: string;
  /** Section (folder) name, e.g. `iris`; may contain `/` for nested folders. */
  section: string;
  /** File name without `.ipynb`, e.g. `01-data`. */
  name: string;
}

/** What {@link exportCourse} wrote for one notebook. */
export interface ExportedNotebook extends NotebookSource {
  /** Path of the written page. */
  htmlPath: string;
  /** Path of the `.ipynb` copy, with `ipynb: true`. */
  ipynbPath?: string;
  title: NotebookTitle;
  status: NotebookStatus;
  /** Whether the page inlines plotly.js. */
  hasPlotly: boolean;
  /** Whether the notebook was trusted (by `trust: true` or by Jupyter's signature). */
  trusted: boolean;
  /** Size of the page in bytes. */
  bytes: number;
  warnings: string[];
}

/** What {@link exportCourse} wrote. */
export interface ExportResult {
  /** Path of the course index page. */
  indexPath: string;
  notebooks: ExportedNotebook[];
}

const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

async function notebooksUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => byName(a.name, b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await notebooksUnder(path)));
    else if (entry.name.endsWith('.ipynb')) files.push(path);
  }
  return files;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/**
 * Finds the notebooks named by `inputs` (files or folders, searched recursively; hidden folders
 * such as `.ipynb_checkpoints` are skipped). A notebook's section is its folder's path relative
 * to the input folder, or the input folder's own name for notebooks directly in it, or the
 * parent folder's name for a file input. Notebooks are in reading order: sections in the order
 * found (reordered by `sectionOrder`), notebooks by file name (`01-`, `02-`, ... `10-`).
 */
export async function findNotebooks(inputs: readonly string[], sectionOrder: readonly string[] = []): Promise<NotebookSource[]> {
  if (inputs.length === 0) throw new Error('no notebooks given: pass executed .ipynb files or folders holding them');
  const found: NotebookSource[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (info === undefined) throw new Error(`${input}: no such file or folder`);
    if (info.isDirectory()) {
      const files = await notebooksUnder(input);
      if (files.length === 0) throw new Error(`${input}: folder holds no .ipynb notebooks`);
      const own = basename(resolve(input));
      for (const path of files) {
        const folder = toPosix(relative(input, dirname(path)));
        found.push({ path, section: folder === '' ? own : folder, name: basename(path, '.ipynb') });
      }
    } else if (input.endsWith('.ipynb')) {
      found.push({ path: input, section: basename(dirname(resolve(input))), name: basename(input, '.ipynb') });
    } else {
      throw new Error(`${input}: not a folder or an .ipynb file`);
    }
  }
  const seen = new Map<string, string>();
  for (const nb of found) {
    const key = `${nb.section}/${nb.name}`;
    const other = seen.get(key);
    if (other !== undefined && resolve(other) !== resolve(nb.path)) {
      throw new Error(`${other} and ${nb.path} would both be exported as ${key}.html: export them separately or rename one`);
    }
    seen.set(key, nb.path);
  }
  const unique = found.filter((nb, i) => found.findIndex((o) => o.section === nb.section && o.name === nb.name) === i);
  const sections = [...new Set(unique.map((nb) => nb.section))];
  const rank = (section: string): number => {
    const listed = sectionOrder.indexOf(section);
    return listed === -1 ? sectionOrder.length + sections.indexOf(section) : listed;
  };
  return unique.sort((a, b) => rank(a.section) - rank(b.section) || byName(a.name, b.name));
}

function relativeHref(fromDir: string, to: string): string {
  const path = toPosix(relative(fromDir, to));
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * Exports executed notebooks as one self-contained HTML page each plus `index.html`, listing
 * sections in reading order with each notebook's title, subtitle, run status and run time
 * (from `metadata.trainbook`, see `RunInfo`). Pages link to their section's previous and next
 * notebook and back to the index; plotly.js is inlined once in each page that draws a figure.
 *
 * PyTorch: none (the counterpart of `jupyter nbconvert --to html` over a whole course).
 *
 * @example
 * const result = await exportCourse(['build/executed'], { outDir: 'course', title: 'Training in TypeScript' });
 * console.log(result.indexPath); // course/index.html
 */
export async function exportCourse(inputs: readonly string[], options: ExportOptions): Promise<ExportResult> {
  const guide: CourseGuide | undefined = options.course === undefined ? undefined : readCourseGuide(options.course);
  const title = options.title ?? guide?.title ?? 'trainbook course';
  const sectionOrder = options.sections !== undefined && options.sections.length > 0 ? options.sections : (guide?.sections.map((s) => s.folder) ?? []);
  const sources = await findNotebooks(inputs, sectionOrder);
  const outDir = options.outDir;
  const plotlyBundle = readPlotlyBundle();
  const loaded = await Promise.all(
    sources.map(async (source) => {
      const text = await readFile(source.path, 'utf8');
      const notebook = parseNotebook(text, source.path);
      const trusted = options.trust === true || (await isTrustedByJupyter(text, options.trustStore));
      return { source, notebook, trusted };
    }),
  );

  const htmlPathOf = (s: NotebookSource): string => join(outDir, ...s.section.split('/'), `${s.name}.html`);
  // Titles first, so prev/next links can carry them.
  const titles = new Map<NotebookSource, string>();
  for (const { source, notebook } of loaded) {
    titles.set(source, notebookTitle(notebook, source.name).title);
  }

  const exported: ExportedNotebook[] = [];
  for (const [i, { source, notebook, trusted }] of loaded.entries()) {
    const htmlPath = htmlPathOf(source);
    const pageDir = dirname(htmlPath);
    const neighbour = (j: number): { href: string; title: string } | undefined => {
      const other = loaded[j]?.source;
      if (other === undefined || other.section !== source.section) return undefined;
      return { href: relativeHref(pageDir, htmlPathOf(other)), title: titles.get(other) ?? other.name };
    };
    const ipynbPath = options.ipynb === true ? join(pageDir, `${source.name}.ipynb`) : undefined;
    let page;
    try {
      page = renderNotebookPage(notebook, {
        fileName: source.name,
        courseTitle: title,
        section: source.section,
        indexHref: relativeHref(pageDir, join(outDir, 'index.html')),
        prev: neighbour(i - 1),
        next: neighbour(i + 1),
        ipynbHref: ipynbPath === undefined ? undefined : encodeURIComponent(`${source.name}.ipynb`),
        baseDir: dirname(source.path),
        plotlyBundle,
        trusted,
      });
    } catch (error) {
      throw new Error(`${source.path}: ${(error as Error).message}`);
    }
    await mkdir(pageDir, { recursive: true });
    await writeFileWhole(htmlPath, page.html);
    if (ipynbPath !== undefined && resolve(ipynbPath) !== resolve(source.path)) await copyFile(source.path, ipynbPath);
    exported.push({
      ...source,
      htmlPath,
      ...(ipynbPath === undefined ? {} : { ipynbPath }),
      title: page.title,
      status: page.status,
      hasPlotly: page.hasPlotly,
      trusted: page.trusted,
      bytes: Buffer.byteLength(page.html),
      warnings: page.warnings.map((w) => `${source.path}: ${w}`),
    });
  }

  const sections: IndexSection[] = [];
  for (const nb of exported) {
    let section = sections.find((s) => s.name === nb.section);
    if (section === undefined) {
      section = { name: nb.section, entries: [] };
      sections.push(section);
    }
    section.entries.push({
      href: relativeHref(outDir, nb.htmlPath),
      name: nb.name,
      title: nb.title,
      status: nb.status,
      ...(nb.ipynbPath === undefined ? {} : { ipynbHref: relativeHref(outDir, nb.ipynbPath) }),
    });
  }
  if (guide !== undefined) applyGuide(guide, options.course ?? '', sections);
  const indexPath = join(outDir, 'index.html');
  await mkdir(outDir, { recursive: true });
  const intro = guide === undefined ? undefined : { audience: guide.audience, prerequisites: guide.prerequisites, order: guide.order };
  await writeFileWhole(indexPath, renderIndexPage(title, sections, intro));
  return { indexPath, notebooks: exported };
}

/** Gives the exported sections the guide's titles, descriptions and time estimates; the guide must cover every exported notebook. */
function applyGuide(guide: CourseGuide, path: string, sections: IndexSection[]): void {
  for (const section of sections) {
    const entry = guide.sections.find((s) => s.folder === section.name);
    if (entry === undefined) {
      throw new Error(`${path}: no section "${section.name}"; the guide has ${guide.sections.map((s) => `"${s.folder}"`).join(', ')}. Add it to the guide's sections`);
    }
    const names = section.entries.map((e) => e.name);
    const extra = Object.keys(entry.minutes).filter((name) => !names.includes(name));
    if (extra.length > 0) throw new Error(`${path}: section "${section.name}" gives minutes for ${extra.join(', ')}, which are not among its notebooks (${names.join(', ')})`);
    for (const e of section.entries) {
      const minutes = entry.minutes[e.name];
      if (minutes === undefined) throw new Error(`${path}: section "${section.name}" has no minutes for notebook ${e.name}; add "${e.name}": <minutes> to its minutes`);
      e.minutes = minutes;
    }
    section.title = entry.title;
    section.about = entry.about;
    section.mirrors = entry.mirrors;
  }
}
