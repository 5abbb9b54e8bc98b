/**
 * Jupyter `error` content (ename, evalue, traceback) from a thrown value or from TypeScript diagnostics, with every
 * stack frame inside a cell mapped back to the cell's own line and column.
 */
import { inspect } from 'node:util';
import type { Diagnostic } from 'tslab/dist/converter.js';
import { originalColumn, type Insertion } from './await-checks.js';
import type { CellSourceMap } from './converter.js';

/** The `error` message content of the Jupyter protocol. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** What the traceback formatter knows about one executed cell. */
export interface CellRecord {
  /** How tracebacks name the cell, e.g. `Cell In[3]`. */
  label: string;
  /** The cell's TypeScript source. */
  source: string;
  /** Chains generated CommonJS positions to the cell (absent when the converter gave no map). */
  map?: CellSourceMap;
  /** Characters of wrapper code in front of the first generated line. */
  firstLineOffset: number;
  /** Lines of generated code; frames below them are the wrapper that calls the cell. */
  generatedLines: number;
  /** Text the kernel inserted into the generated code (interrupt checks after awaits), to map columns back. */
  insertions?: readonly Insertion[];
}

/** Lines of the cell around `line` (1-based), the failing one marked with an arrow, IPython style. */
export function excerpt(source: string, line: number, context = 2): string[] {
  const lines = source.split('\n');
  const from = Math.max(1, line - context);
  const to = Math.min(lines.length, line + 1);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const marker = n === line ? '---->' : '     ';
    out.push(`${marker} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
  }
  return out;
}

const FRAME = /^\s*at (?:async )?(?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

/** Frames of the kernel's own machinery and of Node internals, hidden from tracebacks. */
function isInternalFrame(file: string): boolean {
  return file.startsWith('node:') || /[\\/](?:dist|src)[\\/](?:kernel|runtime|patches)[\\/]/.test(file) || file === 'evalmachine.<anonymous>';
}

/** The name and message of any thrown value. */
export function errorName(error: unknown): { ename: string; evalue: string } {
  if (error instanceof Error) {
    const ename = error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error';
    return { ename, evalue: error.message };
  }
  if (typeof error === 'object' && error !== null) {
    const record = error as { name?: unknown; message?: unknown };
    if (typeof record.message === 'string') {
      return { ename: typeof record.name === 'string' ? record.name : 'Error', evalue: record.message };
    }
  }
  // Not String(error): a value with no prototype (`Object.create(null)`) has no toString and would throw here.
  return { ename: 'Uncaught', evalue: typeof error === 'string' ? error : inspect(error, { depth: 2, breakLength: Infinity }) };
}

/**
 * The `error` content for a value thrown by a cell: `ename`/`evalue` from the error, the traceback with the failing
 * cell line shown in context and every cell frame as `Cell In[n], line L, column C`.
 *
 * PyTorch: none (IPython's `InteractiveShell.showtraceback`).
 */
export function errorContent(error: unknown, cells: ReadonlyMap<string, CellRecord>): ErrorContent {
  const { ename, evalue } = errorName(error);
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  const frames: string[] = [];
  let first: { cell: CellRecord; line: number } | undefined;
  for (const raw of stack.split('\n')) {
    const match = FRAME.exec(raw);
    if (!match) continue;
    const [, fn, file, lineText, columnText] = match;
    const cell = cells.get(file);
    if (cell !== undefined) {
      const line0 = Number(lineText) - 1;
      if (line0 >= cell.generatedLines) continue;
      const column0 = originalColumn(cell.insertions ?? [], line0, Number(columnText) - 1 - (line0 === 0 ? cell.firstLineOffset : 0));
      const pos = cell.map?.toCell(line0, Math.max(0, column0));
      const where = pos ? `${cell.label}, line ${pos.line}, column ${pos.column}` : cell.label;
      // The anonymous wrapper function around the cell is the cell itself.
      const name = fn === undefined || fn === '' || /^(?:async )?(?:Object\.<anonymous>|<anonymous>)$/.test(fn) ? '' : fn;
      frames.push(name ? `    at ${name} (${where})` : `    at ${where}`);
      if (first === undefined && pos) first = { cell, line: pos.line };
      continue;
    }
    if (isInternalFrame(file)) continue;
    frames.push(raw.replace(/^\s*/, '    '));
  }
  const traceback: string[] = [];
  if (first !== undefined) {
    traceback.push(`${first.cell.label}, line ${first.line}:`, ...excerpt(first.cell.source, first.line), '');
  }
  traceback.push(`${ename}: ${evalue}`, ...frames);
  return { ename, evalue, traceback };
}

/**
 * The `error` content for TypeScript diagnostics that stopped a cell before it ran: ename `TypeScriptError`, evalue
 * listing each diagnostic as `line L, column C: message`, and a traceback with each line in context.
 *
 * PyTorch: none (Python's `SyntaxError` is the closest).
 */
export function diagnosticsContent(diagnostics: readonly Diagnostic[], label: string, source: string): ErrorContent {
  const describe = (d: Diagnostic): string => {
    const file = d.fileName ? `${d.fileName}, ` : '';
    return `${file}line ${d.start.line + 1}, column ${d.start.character + 1}: ${d.messageText} (TS${d.code})`;
  };
  const evalue = diagnostics.map(describe).join('\n');
  const traceback: string[] = [];
  for (const d of diagnostics) {
    traceback.push(`${d.fileName ?? label}, line ${d.start.line + 1}:`);
    if (!d.fileName) traceback.push(...excerpt(source, d.start.line + 1, 1));
    traceback.push(`TypeScriptError: ${describe(d)}`, '');
  }
  return { ename: 'TypeScriptError', evalue, traceback };
}
