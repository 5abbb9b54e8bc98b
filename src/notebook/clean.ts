/**
 * Strip outputs, execution counts and volatile metadata from notebooks, so they are committed clean.
 */
import { readFile } from 'node:fs/promises';
import { writeFileWhole } from '../io/write-whole.js';
import { INJECTED_TAG } from './run.js';
import { cellTags, joinText, parseNotebook, stringifyNotebook, type Notebook } from './nbformat.js';

/**
 * Cell metadata keys that change from run to run (nbclient timings, UI state, papermill, execute-time plugins).
 *
 * PyTorch: none.
 */
export const VOLATILE_CELL_METADATA = ['execution', 'collapsed', 'scrolled', 'ExecuteTime', 'papermill', 'trainbook'];
/**
 * Notebook metadata keys that belong to a run, not to the source (widget state, papermill, trainbook run info).
 *
 * PyTorch: none.
 */
export const VOLATILE_NOTEBOOK_METADATA = ['widgets', 'papermill', 'trainbook'];

/**
 * Clean a notebook in place: empty outputs, null execution counts, volatile metadata removed, the runner's
 * `injected-parameters` cell removed; tags and cell ids kept.
 *
 * PyTorch: none (`jupyter nbconvert --clear-output`, nbstripout).
 */
export function cleanNotebook(notebook: Notebook): Notebook {
  notebook.cells = notebook.cells.filter((cell) => !cellTags(cell).includes(INJECTED_TAG));
  for (const cell of notebook.cells) {
    for (const key of VOLATILE_CELL_METADATA) delete cell.metadata[key];
    if (cell.cell_type === 'code') {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
  for (const key of VOLATILE_NOTEBOOK_METADATA) delete notebook.metadata[key];
  return notebook;
}

/** A JSON value with multiline strings joined and object keys sorted, to compare notebooks by content. */
function canonical(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const textKeys = ['source', 'text'];
    if ((textKeys.includes(key) || key.includes('/')) && value.every((v) => typeof v === 'string')) return joinText(value as string[]);
    return value.map((v) => canonical(v));
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k], k);
    return out;
  }
  return value;
}

/**
 * Result of {@link cleanFile}.
 *
 * PyTorch: none.
 */
export interface CleanFileResult {
  path: string;
  /** Whether the notebook had outputs, counts, volatile metadata, missing cell ids or an injected cell. */
  dirty: boolean;
  /** What made it dirty, e.g. `3 cells with outputs`. */
  reasons: string[];
}

/**
 * Check one notebook file and, unless `check`, rewrite it clean (only when dirty, so clean files keep their bytes).
 *
 * PyTorch: none.
 */
export async function cleanFile(path: string, options: { check?: boolean } = {}): Promise<CleanFileResult> {
  const text = await readFile(path, 'utf8');
  const original = JSON.parse(text) as unknown;
  const notebook = parseNotebook(text, path);
  const reasons: string[] = [];
  const withOutputs = notebook.cells.filter((c) => c.cell_type === 'code' && c.outputs.length > 0).length;
  if (withOutputs > 0) reasons.push(`${withOutputs} cell${withOutputs === 1 ? '' : 's'} with outputs`);
  const withCounts = notebook.cells.filter((c) => c.cell_type === 'code' && c.execution_count !== null).length;
  if (withCounts > 0) reasons.push(`${withCounts} execution count${withCounts === 1 ? '' : 's'}`);
  const cleaned = cleanNotebook(structuredClone(notebook));
  if (cleaned.cells.length !== notebook.cells.length) reasons.push(`an "${INJECTED_TAG}" cell`);
  const dirty = JSON.stringify(canonical(original)) !== JSON.stringify(canonical(cleaned));
  if (dirty && reasons.length === 0) reasons.push('volatile metadata or missing cell ids');
  if (dirty && !options.check) await writeFileWhole(path, stringifyNotebook(cleaned));
  return { path, dirty, reasons };
}
