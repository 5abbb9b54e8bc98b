/**
 * The course guide: the course-level text of the exported home page (who the course is for,
 * prerequisites, sections, time estimates), kept in one JSON file beside the notebooks.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The tutorial a section mirrors. */
export interface MirroredTutorial {
  /** Its name, e.g. `PyTorch: Optimizing Model Parameters`. */
  title: string;
  /** Where to read it. @default none (no link) */
  url?: string;
}

/** One section of the course guide. */
export interface GuideSection {
  /** The section's folder under `notebooks/`, e.g. `iris`. */
  folder: string;
  /** The section's title on the home page, e.g. `Iris: a training loop, step by step`. */
  title: string;
  /** One paragraph: what the section teaches. */
  about: string;
  /** The tutorials the section mirrors. */
  mirrors: MirroredTutorial[];
  /** Estimated minutes per notebook, by file name without `.ipynb` (`01-load`). */
  minutes: Record<string, number>;
  /**
   * Why the section's notebooks must run one at a time, in order (a later notebook reads a file an
   * earlier one writes), e.g. `"07 and 08 read the History and the checkpoint that 06 saves"`.
   * `trainbook run --course` runs such a section with one job. @default undefined (any order, in parallel)
   */
  runInOrder?: string;
}

/** The whole course guide (`notebooks/course.json`). */
export interface CourseGuide {
  /** Course title (the home page's H1 and every page's course link). */
  title: string;
  /** One paragraph: what the course is and who it is for. */
  audience: string;
  /** What a student should know before starting, one item each. */
  prerequisites: string[];
  /** One paragraph: the suggested order and how to work through a notebook. */
  order: string;
  /** Sections in reading order. */
  sections: GuideSection[];
}

function fail(path: string, message: string): never {
  throw new Error(`${path}: ${message}`);
}

function text(path: string, where: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') fail(path, `${where} is ${JSON.stringify(value)}, expected a non-empty string`);
  return value;
}

/**
 * Reads and checks a course guide; errors name the file, the field, the value found and what was
 * expected.
 *
 * PyTorch: none.
 *
 * @example
 * const guide = readCourseGuide('notebooks/course.json');
 * guide.sections.map((s) => s.title);
 */
export function readCourseGuide(path: string): CourseGuide {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    fail(path, `cannot read the course guide (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null) fail(path, 'expected a JSON object');
  const raw = json as Record<string, unknown>;
  const prerequisites = raw.prerequisites;
  if (!Array.isArray(prerequisites)) fail(path, `prerequisites is ${JSON.stringify(prerequisites)}, expected a list of strings`);
  if (!Array.isArray(raw.sections) || raw.sections.length === 0) fail(path, 'sections is missing or empty, expected a list of sections in reading order');
  const sections = raw.sections.map((value: unknown, i: number): GuideSection => {
    const where = `sections[${i}]`;
    if (typeof value !== 'object' || value === null) fail(path, `${where} is not an object`);
    const s = value as Record<string, unknown>;
    if (!Array.isArray(s.mirrors)) fail(path, `${where}.mirrors is ${JSON.stringify(s.mirrors)}, expected a list of { title, url? }`);
    const mirrors = s.mirrors.map((m: unknown, k: number): MirroredTutorial => {
      const t = (m ?? {}) as Record<string, unknown>;
      const url = t.url === undefined ? undefined : text(path, `${where}.mirrors[${k}].url`, t.url);
      return { title: text(path, `${where}.mirrors[${k}].title`, t.title), ...(url === undefined ? {} : { url }) };
    });
    if (typeof s.minutes !== 'object' || s.minutes === null) fail(path, `${where}.minutes is ${JSON.stringify(s.minutes)}, expected { "01-name": minutes, ... }`);
    const minutes: Record<string, number> = {};
    for (const [name, m] of Object.entries(s.minutes as Record<string, unknown>)) {
      if (typeof m !== 'number' || !(m > 0)) fail(path, `${where}.minutes["${name}"] is ${JSON.stringify(m)}, expected a positive number of minutes`);
      minutes[name] = m;
    }
    const runInOrder = s.runInOrder === undefined ? undefined : text(path, `${where}.runInOrder`, s.runInOrder);
    const folder = text(path, `${where}.folder`, s.folder);
    if (folder.includes('/') || folder.includes('\\') || folder.startsWith('.')) {
      fail(path, `${where}.folder is ${JSON.stringify(folder)}, expected the name of a folder beside the course guide (e.g. "iris")`);
    }
    return {
      folder,
      title: text(path, `${where}.title`, s.title),
      about: text(path, `${where}.about`, s.about),
      mirrors,
      minutes,
      ...(runInOrder === undefined ? {} : { runInOrder }),
    };
  });
  return {
    title: text(path, 'title', raw.title),
    audience: text(path, 'audience', raw.audience),
    prerequisites: prerequisites.map((p: unknown, i: number) => text(path, `prerequisites[${i}]`, p)),
    order: text(path, 'order', raw.order),
    sections,
  };
}

/** One batch of a course run: notebook folders to run, and how many at once. */
export interface CourseRunGroup {
  /** Section folders (paths: the guide's folder joined to the guide's own folder), in the guide's order. */
  folders: string[];
  /** `1` for a section with `runInOrder`; `undefined`: the runner's `--jobs`. */
  jobs?: 1;
}

/**
 * The section folders a course guide lists, as the batches `trainbook run --course` runs in
 * turn: consecutive sections that may run in parallel share a batch; a section with `runInOrder`
 * is a batch of its own with one job. Fails when a folder beside the guide holds notebooks but is
 * not a section of it, or a section's folder is missing, naming the folder and what to do.
 *
 * PyTorch: none.
 *
 * @example
 * courseRunGroups('notebooks/course.json');
 * // [{ folders: ['notebooks/iris'] }, { folders: ['notebooks/ag-news'], jobs: 1 }, { folders: ['notebooks/fashion-mnist', ...] }]
 */
export function courseRunGroups(path: string): CourseRunGroup[] {
  const guide = readCourseGuide(path);
  const base = dirname(path);
  const listed = new Set(guide.sections.map((s) => s.folder));
  for (const section of guide.sections) {
    const folder = join(base, section.folder);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) fail(path, `section "${section.folder}" has no folder ${folder}: create it or remove the section`);
  }
  for (const name of readdirSync(base)) {
    const folder = join(base, name);
    if (listed.has(name) || name.startsWith('.') || !statSync(folder).isDirectory()) continue;
    if (readdirSync(folder).some((f) => f.endsWith('.ipynb'))) {
      fail(path, `${folder} holds notebooks but is not a section of the course guide: add it to "sections" (see the README's "Add a section")`);
    }
  }
  const groups: CourseRunGroup[] = [];
  for (const section of guide.sections) {
    const folder = join(base, section.folder);
    const last = groups[groups.length - 1];
    if (section.runInOrder !== undefined) groups.push({ folders: [folder], jobs: 1 });
    else if (last !== undefined && last.jobs === undefined) last.folders.push(folder);
    else groups.push({ folders: [folder] });
  }
  return groups;
}
