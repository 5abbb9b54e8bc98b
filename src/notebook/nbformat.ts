/**
 * nbformat 4: reading and writing `.ipynb` files, validation against the official v4.5 JSON schema; the types are
 * `@jupyterlab/nbformat`'s.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileWhole } from '../io/write-whole.js';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type * as nb from '@jupyterlab/nbformat';
import type { ErrorObject } from 'ajv';

/**
 * Text stored as one string or as a list of lines ending in `\n` (nbformat allows both).
 *
 * PyTorch: none.
 */
export type MultilineString = nb.MultilineString;

/**
 * An output's metadata (`{ "image/png": { "width": 300 } }`).
 *
 * PyTorch: none.
 */
export type OutputMetadata = nb.OutputMetadata;

/**
 * A `stream` output: text written to stdout or stderr.
 *
 * PyTorch: none.
 */
export type StreamOutput = nb.IStream;

/**
 * A `display_data` output.
 *
 * PyTorch: none.
 */
export type DisplayDataOutput = nb.IDisplayData;

/**
 * An `execute_result` output (the value of the cell's last expression).
 *
 * PyTorch: none.
 */
export type ExecuteResultOutput = nb.IExecuteResult;

/**
 * An `error` output: exception name, value and traceback lines (may hold ANSI colours).
 *
 * PyTorch: none.
 */
export type ErrorOutput = nb.IError;

/**
 * Any cell output of a valid nbformat 4.5 notebook (JupyterLab's `IOutput` less its unrecognised kind, which the
 * schema check in {@link parseNotebook} rules out).
 *
 * PyTorch: none (nbformat's output dicts).
 */
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/**
 * Cell attachments: images keyed by file name (`![](attachment:name.png)`).
 *
 * PyTorch: none.
 */
export type Attachments = Record<string, nb.IMimeBundle>;

/**
 * A code cell (the `id` that nbformat 4.5 requires; outputs of the kinds the schema admits).
 *
 * PyTorch: none.
 */
export interface CodeCell extends nb.ICodeCell {
  id: string;
  outputs: Output[];
}

/**
 * A markdown cell.
 *
 * PyTorch: none.
 */
export interface MarkdownCell extends nb.IMarkdownCell {
  id: string;
  attachments?: Attachments;
}

/**
 * A raw cell.
 *
 * PyTorch: none.
 */
export interface RawCell extends nb.IRawCell {
  id: string;
  attachments?: Attachments;
}

/**
 * Any cell of a valid nbformat 4.5 notebook (JupyterLab's `ICell` less its unrecognised kind).
 *
 * PyTorch: none.
 */
export type Cell = CodeCell | MarkdownCell | RawCell;

/**
 * An nbformat 4 notebook (JupyterLab's `INotebookContent`, with cells and outputs of the kinds the schema admits).
 *
 * PyTorch: none (`nbformat.NotebookNode`).
 */
export interface Notebook extends nb.INotebookContent {
  nbformat: 4;
  cells: Cell[];
}

/**
 * Join a multiline string into one string.
 *
 * PyTorch: none.
 */
export function joinText(text: MultilineString | undefined): string {
  if (text === undefined) return '';
  return Array.isArray(text) ? text.join('') : text;
}

/**
 * Split text into lines that keep their `\n`, as Jupyter stores it.
 *
 * PyTorch: none.
 */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Source of a cell as one string.
 *
 * PyTorch: none.
 */
export function cellSource(cell: Cell): string {
  return joinText(cell.source);
}

/**
 * Tags of a cell (`metadata.tags`), `[]` when none.
 *
 * PyTorch: none.
 */
export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/**
 * A random nbformat cell id (8 hex digits like JupyterLab makes).
 *
 * PyTorch: none.
 */
export function newCellId(): string {
  return randomBytes(4).toString('hex');
}

/** The v4.5 schema compiled ahead of time by Ajv (see `schema/generate-validator.mjs`); loads in ~20 ms. */
interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
let validator: CompiledValidator | undefined;

function validate(): CompiledValidator {
  // The same relative path works from src/notebook (tsx) and dist/notebook (built): both sit two levels down.
  validator ??= createRequire(import.meta.url)('../../src/notebook/schema/nbformat.v4.5.validate.cjs') as CompiledValidator;
  return validator;
}

/** One readable line for a schema error, naming the cell and output by 1-based number. */
function describeSchemaError(error: ErrorObject): string {
  const parts = error.instancePath.split('/').filter((p) => p !== '');
  const where: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === 'cells' && i + 1 < parts.length) where.push(`cell ${Number(parts[++i]) + 1}`);
    else if (parts[i] === 'outputs' && i + 1 < parts.length) where.push(`output ${Number(parts[++i]) + 1}`);
    else where.push(parts[i]);
  }
  const detail = error.keyword === 'required' ? '' : ` ${JSON.stringify(error.params)}`;
  return `${where.length > 0 ? where.join(' ') : 'notebook'}: ${error.message ?? 'invalid'}${detail}`;
}

/** Required fields of each output type. */
const OUTPUT_FIELDS: Record<string, string[]> = {
  stream: ['name', 'text'],
  display_data: ['data', 'metadata'],
  execute_result: ['data', 'metadata', 'execution_count'],
  error: ['ename', 'evalue', 'traceback'],
};

/** The value at a JSON pointer such as `/cells/1/outputs/0`. */
function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const part of pointer.split('/').filter((p) => p !== '')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Check a notebook against the nbformat v4.5 JSON schema; returns `[]` when valid, else readable error lines.
 *
 * PyTorch: none (`nbformat.validate`).
 */
export function validateNotebook(notebook: unknown): string[] {
  const check = validate();
  if (check(notebook)) return [];
  // oneOf branches each report their own failure; the deepest location is the one the author can act on.
  const errors = (check.errors ?? []).filter((e) => e.keyword !== 'oneOf');
  const depth = (e: ErrorObject): number => e.instancePath.split('/').length;
  const deepest = Math.max(...errors.map(depth));
  let chosen = errors.filter((e) => depth(e) === deepest);
  // For an output, keep the errors of the branch its output_type names (a stream missing "text", not "data").
  const instance = chosen.length > 0 ? valueAt(notebook, chosen[0].instancePath) : undefined;
  const type = typeof instance === 'object' && instance !== null ? (instance as { output_type?: unknown }).output_type : undefined;
  const expected = typeof type === 'string' ? OUTPUT_FIELDS[type] : undefined;
  if (expected !== undefined) {
    const own = chosen.filter((e) => e.keyword === 'required' && expected.includes(String(e.params.missingProperty)));
    if (own.length > 0) chosen = own;
  }
  const lines = chosen.map(describeSchemaError);
  return lines.length > 0 ? [...new Set(lines)] : (check.errors ?? []).map(describeSchemaError);
}

/**
 * Bring an nbformat 4.x notebook to 4.5 in place: cell ids are added where missing (as `nbformat` upgrades do).
 * PyTorch: none.
 */
export function upgradeToV45(notebook: Notebook): Notebook {
  const seen = new Set<string>();
  for (const cell of notebook.cells) {
    if (typeof cell.id !== 'string' || cell.id === '' || seen.has(cell.id)) cell.id = newCellId();
    seen.add(cell.id);
  }
  if (notebook.nbformat_minor < 5) notebook.nbformat_minor = 5;
  return notebook;
}

/**
 * Parse notebook JSON text, upgrade it to 4.5 and validate it; errors name the file and the cell.
 *
 * PyTorch: none (`nbformat.reads(text, as_version=4)`).
 */
export function parseNotebook(text: string, path = 'notebook'): Notebook {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message}); is it an .ipynb notebook?`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(`${path}: expected a JSON object (an nbformat 4 notebook)`);
  }
  const record = data as Record<string, unknown>;
  if (record.nbformat !== 4) {
    throw new Error(`${path}: nbformat is ${JSON.stringify(record.nbformat)}, expected 4; convert it with "jupyter nbconvert --to notebook" first`);
  }
  if (!Array.isArray(record.cells)) throw new Error(`${path}: "cells" is missing or not an array`);
  const notebook = upgradeToV45(record as unknown as Notebook);
  const errors = validateNotebook(notebook);
  if (errors.length > 0) {
    throw new Error(`${path}: not a valid nbformat 4.5 notebook: ${errors.slice(0, 5).join('; ')}`);
  }
  return notebook;
}

/**
 * Read, upgrade and validate a notebook file.
 *
 * PyTorch: none (`nbformat.read(path, as_version=4)`).
 * @example
 * const nb = await readNotebook('notebooks/iris/01-data.ipynb');
 */
export async function readNotebook(path: string): Promise<Notebook> {
  return parseNotebook(await readFile(path, 'utf8'), path);
}

/** Recursively copy a JSON value with object keys sorted (how `nbformat.write` orders them). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Store text fields as line lists, as Jupyter writes them (smaller diffs). */
function splitForStorage(notebook: Notebook): Notebook {
  const split = (text: MultilineString): string[] => splitLines(joinText(text));
  const splitBundle = (bundle: nb.IMimeBundle): nb.IMimeBundle => {
    const out: nb.IMimeBundle = {};
    for (const [mime, value] of Object.entries(bundle)) {
      const isText = mime.startsWith('text/') || mime === 'image/svg+xml';
      out[mime] = isText && (typeof value === 'string' || Array.isArray(value)) ? split(value as MultilineString) : value;
    }
    return out;
  };
  return {
    ...notebook,
    cells: notebook.cells.map((cell): Cell => {
      if (cell.cell_type !== 'code') return { ...cell, source: split(cell.source) };
      return {
        ...cell,
        source: split(cell.source),
        outputs: cell.outputs.map((output): Output => {
          if (output.output_type === 'stream') return { ...output, text: split(output.text) };
          if (output.output_type === 'error') return output;
          return { ...output, data: splitBundle(output.data) };
        }),
      };
    }),
  };
}

/**
 * Serialise a notebook the way `nbformat.write` does: sorted keys, one-space indent, text as line lists, final
 * newline, non-ASCII kept.
 *
 * PyTorch: none (`nbformat.writes`).
 */
export function stringifyNotebook(notebook: Notebook): string {
  return JSON.stringify(sortKeys(splitForStorage(notebook)), null, 1) + '\n';
}

/**
 * Validate and write a notebook, creating parent folders.
 *
 * PyTorch: none (`nbformat.write`).
 */
export async function writeNotebook(path: string, notebook: Notebook): Promise<void> {
  const errors = validateNotebook(notebook);
  if (errors.length > 0) {
    throw new Error(`writeNotebook ${path}: the notebook is not valid nbformat 4.5: ${errors.slice(0, 5).join('; ')}`);
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFileWhole(path, stringifyNotebook(notebook));
}
