/**
 * Execute a notebook top to bottom on a Jupyter kernel, like nbclient/papermill but in Node with no Jupyter server.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { writeFileWholeSync } from '../io/write-whole.js';
import { basename, dirname, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { IError } from '@jupyterlab/nbformat';
import { KernelClient, type ExecuteResult } from '../jupyter/kernel-client.js';
import { kernelJson, trainbookKernelMain } from '../jupyter/install-kernel.js';
import { getKernelSpec, type KernelSpec } from '../jupyter/kernelspec.js';
import {
  cellSource,
  cellTags,
  newCellId,
  readNotebook,
  stringifyNotebook,
  writeNotebook,
  type CodeCell,
  type ErrorOutput,
  type Notebook,
  type Output,
} from './nbformat.js';

/**
 * Tag of the cell that declares a notebook's parameters (papermill's convention).
 *
 * PyTorch: none.
 */
export const PARAMETERS_TAG = 'parameters';
/**
 * Tag of the cell the runner inserts with `--param` values.
 *
 * PyTorch: none.
 */
export const INJECTED_TAG = 'injected-parameters';

/**
 * What happened to one code cell. `not-run`: an earlier cell failed and the run stopped.
 *
 * PyTorch: none.
 */
export type CellStatus = 'ok' | 'error' | 'timeout' | 'dead' | 'not-run';

/**
 * Result of one code cell.
 *
 * PyTorch: none.
 */
export interface CellResult {
  /** 0-based index over all cells (markdown included) of the executed notebook. */
  index: number;
  /** nbformat cell id. */
  id: string;
  status: CellStatus;
  /** Execution count the runner gave the cell (1, 2, ...), `null` when not run. */
  executionCount: number | null;
  durationMs: number;
  outputs: Output[];
  /** The cell's error (as stored in the notebook) when it failed. */
  error?: ErrorOutput;
}

/**
 * Where and why a notebook failed.
 *
 * PyTorch: none.
 */
export interface RunFailure {
  /** 1-based cell number over all cells (markdown included) of the executed notebook (with any injected cell). */
  cellNumber: number;
  /** 1-based cell number in the source notebook (without the injected cell); undefined for the injected cell. */
  sourceCellNumber?: number;
  cellId: string;
  /**
   * The execution count of the failed cell: the `[n]` JupyterLab shows beside it, and the `In[n]`
   * of the kernel's traceback. The runner's messages name cells by it.
   */
  executionCount: number;
  /** 1-based line in the cell's source, when the error says (TypeScript diagnostics, Python tracebacks). */
  line?: number;
  /** The source line at fault (the transpiled line for tslab runtime errors), when known. */
  sourceLine?: string;
  /** `ename: evalue`. */
  message: string;
  /** What to do, when the runner recognises the error (e.g. plain tslab's shorthand-property rule). */
  hint?: string;
  error: ErrorOutput;
}

/**
 * The rule behind a `ReferenceError: name is not defined` on plain tslab when the cell uses `name`
 * as a shorthand property (`{ name }`) and an earlier cell declares it: tslab compiles each cell
 * alone and does not rewrite a shorthand property to the earlier cell's variable (the trainbook
 * kernel does). Undefined when the error is something else.
 *
 * PyTorch: none.
 */
export function shorthandPropertyHint(error: ErrorOutput, source: string, kernelName: string): string | undefined {
  if (kernelName === 'trainbook' || error.ename !== 'ReferenceError') return undefined;
  const name = error.evalue.match(/^([A-Za-z_$][\w$]*) is not defined$/)?.[1];
  if (name === undefined) return undefined;
  const shorthand = new RegExp(`[{,]\\s*${name.replace(/\$/g, '\\$')}\\s*[,}]`);
  if (!shorthand.test(source)) return undefined;
  return (
    `on plain tslab a shorthand property cannot name a variable of an earlier cell: write { ${name}: ${name} } instead of { ${name} }, ` +
    'or run the notebook on the trainbook kernel (--kernel trainbook), which allows it'
  );
}

/**
 * Result of {@link runNotebook}.
 *
 * PyTorch: none.
 */
export interface RunResult {
  /** Input notebook path. */
  path: string;
  /** Where the executed notebook was written, when it was. */
  outPath?: string;
  /** `ok` when every code cell ran without error; `failed` otherwise (also with `allowErrors` when a cell failed). */
  status: 'ok' | 'failed';
  /** Code cells in order. */
  cells: CellResult[];
  /** The executed notebook (outputs, execution counts, `metadata.trainbook`). */
  notebook: Notebook;
  /** Name of the kernelspec used. */
  kernelName: string;
  kernelStartMs: number;
  /** Wall-clock milliseconds from kernel start to the end of the last cell. */
  durationMs: number;
  /** The first failing cell. */
  failure?: RunFailure;
  /** Problems that did not stop the run (e.g. parameters injected at the top because no cell is tagged). */
  warnings: string[];
}

/**
 * Progress of a run, for display.
 *
 * PyTorch: none.
 */
export type RunProgress =
  | { type: 'kernel-starting'; path: string; totalCells: number }
  | { type: 'cell-start'; path: string; cell: number; totalCells: number; elapsedMs: number }
  | { type: 'cell-end'; path: string; cell: number; totalCells: number; elapsedMs: number; status: CellStatus };

/**
 * Options for {@link runNotebook}.
 *
 * PyTorch: none.
 */
export interface RunOptions {
  /** Write the executed notebook here (also when it failed). @default not written */
  outPath?: string;
  /**
   * Parameters: name → TypeScript expression written verbatim (`{ epochs: '3' }` → `const epochs = 3;`), injected as a
   * cell tagged `injected-parameters` right after the cell tagged `parameters`. @default {}
   */
  params?: Record<string, string>;
  /** Shorthand for `params.quick = 'true'`. @default false */
  quick?: boolean;
  /**
   * Kernelspec name, looked up where Jupyter looks; `tslab` and `trainbook` also work unregistered.
   * @default the notebook's `metadata.kernelspec.name`, else `"tslab"`
   */
  kernelName?: string;
  /** A kernelspec to use instead of looking one up by name. */
  kernelSpec?: KernelSpec;
  /** Per-cell time limit in milliseconds (interrupt, then fail); `0` = none. @default 0 */
  cellTimeoutMs?: number;
  /** Keep executing after a failing cell (the result is still `failed`). @default false */
  allowErrors?: boolean;
  /** @default 60000 */
  startupTimeoutMs?: number;
  /** Extra environment variables for the kernel. @default {} */
  env?: Record<string, string>;
  /** Called on kernel start and on each cell's start and end. */
  onProgress?: (event: RunProgress) => void;
}

/** A run in progress: what {@link writeInterruptedRuns} needs to write its executed copy so far. */
interface ActiveRun {
  notebook: Notebook;
  outPath?: string;
  kernelName: string;
  started: number;
  /** The code cell running now, if any. */
  running?: CodeCell;
}

/** Runs in progress in this process. */
const activeRuns = new Set<ActiveRun>();

/**
 * Write the executed copy of every run in progress as it stands, marked as interrupted (`metadata.trainbook.status`
 * `"interrupted"`, and a `KeyboardInterrupt` output on the cell that was running). Synchronous, for signal handlers:
 * `trainbook run` calls it on SIGINT/SIGTERM before it stops the kernels. Returns the paths written.
 *
 * PyTorch: none (papermill writes the partial notebook when it is interrupted).
 */
export function writeInterruptedRuns(reason: string): string[] {
  const written: string[] = [];
  for (const run of activeRuns) {
    if (run.outPath === undefined) continue;
    const message = `trainbook run was stopped (${reason}) while this cell was running`;
    run.running?.outputs.push({ output_type: 'error', ename: 'KeyboardInterrupt', evalue: message, traceback: [`KeyboardInterrupt: ${message}`] });
    run.notebook.metadata.trainbook = {
      status: 'interrupted',
      reason,
      duration: Math.round(performance.now() - run.started) / 1000,
      executedAt: new Date().toISOString(),
      kernel: run.kernelName,
    };
    mkdirSync(dirname(run.outPath), { recursive: true });
    writeFileWholeSync(run.outPath, stringifyNotebook(run.notebook));
    written.push(run.outPath);
  }
  activeRuns.clear();
  return written;
}

/** Check that a parameter name is a JavaScript identifier. */
function checkParamName(name: string): void {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
    throw new Error(`parameter name "${name}" is not a valid TypeScript identifier (expected e.g. epochs or learningRate)`);
  }
}

/**
 * Insert (or replace) the `injected-parameters` cell: after the cell tagged `parameters`, or at the top when there is
 * none (papermill's rule). Values are written verbatim: `const name = value;` (TypeScript), `name = value` (Python).
 * Returns a warning when no cell is tagged `parameters`.
 *
 * PyTorch: none (papermill's parameter injection, with TypeScript `const` declarations).
 */
export function injectParameters(
  notebook: Notebook,
  params: Record<string, string>,
  language = 'typescript',
): string | undefined {
  const names = Object.keys(params);
  if (names.length === 0) return undefined;
  for (const name of names) checkParamName(name);
  const python = language.toLowerCase() === 'python';
  const source = python
    ? ['# Parameters injected by trainbook run', ...names.map((n) => `${n} = ${params[n]}`)].join('\n')
    : ['// Parameters injected by trainbook run', ...names.map((n) => `const ${n} = ${params[n]};`)].join('\n');
  const cell: CodeCell = {
    cell_type: 'code',
    id: newCellId(),
    metadata: { tags: [INJECTED_TAG] },
    source,
    outputs: [],
    execution_count: null,
  };
  const existing = notebook.cells.findIndex((c) => cellTags(c).includes(INJECTED_TAG));
  if (existing >= 0) {
    cell.id = notebook.cells[existing].id;
    notebook.cells[existing] = cell;
    return undefined;
  }
  const parametersIndex = notebook.cells.findIndex((c) => cellTags(c).includes(PARAMETERS_TAG));
  if (parametersIndex >= 0) {
    notebook.cells.splice(parametersIndex + 1, 0, cell);
    return undefined;
  }
  notebook.cells.unshift(cell);
  return `no cell is tagged "${PARAMETERS_TAG}", so the parameters were injected at the top and a later declaration may override them`;
}

/** Remove internal frames (Node's vm, tslab's own files) from a stack trace. */
function trimTraceback(lines: string[]): string[] {
  return lines.filter((l) => !/\(node:|at node:|\/tslab\/dist\/|sigintHandlersWrap/.test(l));
}

/**
 * Find where in the cell the error happened: a TypeScript diagnostic `line:col - message`, an IPython
 * `Cell In[n], line L`, or tslab's runtime report (`evalmachine.<anonymous>:N` then the transpiled line).
 * PyTorch: none.
 */
export function locateError(error: ErrorOutput, source: string): { line?: number; sourceLine?: string } {
  const sourceLines = source.split('\n');
  const text = stripVTControlCharacters([error.evalue, ...error.traceback].join('\n'));
  const fromLine = (line: number): { line?: number; sourceLine?: string } =>
    line >= 1 && line <= sourceLines.length ? { line, sourceLine: sourceLines[line - 1] } : {};
  if (error.ename === 'TypeScriptError') {
    const match = /^(\d+):\d+ - /m.exec(text);
    if (match) return fromLine(Number(match[1]));
  }
  const ipython = /Cell In ?\[\d+\], line (\d+)/.exec(text) ?? /^-+> ?(\d+)/m.exec(text);
  if (ipython) return fromLine(Number(ipython[1]));
  const tslab = /evalmachine\.<anonymous>:\d+\n(.*)\n/.exec(text);
  if (tslab) {
    const transpiled = tslab[1].trim();
    // The transpiled line often equals a source line up to type annotations, non-null assertions and whitespace.
    const squash = (s: string): string => s.replace(/\s+/g, '').replace(/;$/, '');
    const stripTypes = (s: string): string =>
      s
        .replace(/:\s*[A-Za-z_$][\w$.]*(?:<[^>]*>)?(?:\[\])*(?=\s*[=,)])/g, '')
        .replace(/\s+as\s+[A-Za-z_$][\w$.]*(?:<[^>]*>)?(?:\[\])*/g, '')
        .replace(/!(?=[.)\];,])/g, '')
        .replace(/\(([A-Za-z_$][\w$.]*)\)/g, '$1');
    const target = squash(transpiled);
    let index = sourceLines.findIndex((l) => squash(l) === target);
    if (index < 0) index = sourceLines.findIndex((l) => squash(stripTypes(l)) === target);
    if (index >= 0) return fromLine(index + 1);
    return { sourceLine: transpiled };
  }
  return {};
}

/** The kernel name a notebook asks for in `metadata.kernelspec.name`. */
function notebookKernelName(notebook: Notebook): string | undefined {
  const spec = notebook.metadata.kernelspec;
  if (typeof spec === 'object' && spec !== null && typeof (spec as { name?: unknown }).name === 'string') {
    return (spec as { name: string }).name;
  }
  return undefined;
}

/**
 * The kernelspec registered under `name`; for `tslab` and `trainbook` (when built) a registration is not needed:
 * the spec `trainbook install-kernel` would write is used directly, so notebooks run with no Jupyter installed.
 *
 * PyTorch: none.
 */
export function resolveKernelSpec(name: string): KernelSpec {
  try {
    return getKernelSpec(name);
  } catch (error) {
    const builtIn = name === 'tslab' || (name === 'trainbook' && existsSync(trainbookKernelMain));
    if (!builtIn) throw error;
    const json = kernelJson(name);
    return { name, resourceDir: dirname(json.argv[1]), ...json };
  }
}

const ABORT_RETRY_DELAY_MS = 250;
const ABORT_RETRIES = 8;

/**
 * Execute every code cell of a notebook in order on a fresh kernel whose working directory is the notebook's folder;
 * stop at the first failing cell unless `allowErrors`; write the executed notebook (also on failure).
 *
 * Never throws for a failing cell (see `status` and `failure`); throws when the notebook cannot be read or the kernel
 * cannot start.
 * PyTorch: none (papermill / `jupyter nbconvert --execute`).
 * @example
 * const result = await runNotebook('notebooks/iris/01-data.ipynb', { quick: true, outPath: 'build/executed/01.ipynb' });
 * if (result.status === 'failed') console.error(result.failure?.message);
 */
export async function runNotebook(path: string, options: RunOptions = {}): Promise<RunResult> {
  const notebook = await readNotebook(path);
  const warnings: string[] = [];
  const kernelName = options.kernelSpec?.name ?? options.kernelName ?? notebookKernelName(notebook) ?? 'tslab';
  const spec = options.kernelSpec ?? resolveKernelSpec(kernelName);
  const python = spec.language.toLowerCase() === 'python';
  const params = { ...(options.params ?? {}) };
  if (options.quick) params.quick = python ? 'True' : 'true';
  const warning = injectParameters(notebook, params, spec.language);
  if (warning) warnings.push(warning);
  const sourceNumber = new Map<string, number>();
  notebook.cells.filter((c) => !cellTags(c).includes(INJECTED_TAG)).forEach((c, i) => sourceNumber.set(c.id, i + 1));

  const codeCells = notebook.cells
    .map((cell, index) => ({ cell, index }))
    .filter((c): c is { cell: CodeCell; index: number } => c.cell.cell_type === 'code');
  for (const { cell } of codeCells) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  const totalCells = codeCells.length;
  options.onProgress?.({ type: 'kernel-starting', path, totalCells });

  const started = performance.now();
  const kernel = await KernelClient.start(spec, {
    cwd: dirname(resolve(path)),
    env: options.env,
    startupTimeoutMs: options.startupTimeoutMs,
  });
  const kernelStartMs = performance.now() - started;
  const active: ActiveRun = { notebook, outPath: options.outPath, kernelName, started };
  activeRuns.add(active);
  const cells: CellResult[] = [];
  let failure: RunFailure | undefined;
  let count = 0;
  let stopped = false;
  try {
    for (const [position, { cell, index }] of codeCells.entries()) {
      if (stopped || !kernel.alive) {
        cells.push({ index, id: cell.id, status: 'not-run', executionCount: null, durationMs: 0, outputs: [] });
        continue;
      }
      const source = cellSource(cell);
      options.onProgress?.({ type: 'cell-start', path, cell: position + 1, totalCells, elapsedMs: performance.now() - started });
      const startedAt = new Date().toISOString();
      let result: ExecuteResult;
      let attempts = 0;
      active.running = cell;
      for (;;) {
        // Keep the cell's outputs current, so an interrupted run writes what the cell printed so far.
        const onOutput = (outputs: readonly Output[]): void => void (cell.outputs = [...outputs]);
        result = await kernel.execute(source, { timeoutMs: options.cellTimeoutMs ?? 0, onOutput });
        // tslab aborts every request arriving within 200 ms of a failure; wait the window out and resend.
        if (result.status !== 'aborted' || attempts++ >= ABORT_RETRIES) break;
        await new Promise((r) => setTimeout(r, ABORT_RETRY_DELAY_MS));
      }
      count += 1;
      cell.execution_count = count;
      for (const output of result.outputs) if (output.output_type === 'execute_result') output.execution_count = count;
      let status: CellStatus;
      if (result.status === 'ok') status = 'ok';
      else if (result.status === 'timeout' || result.status === 'dead') status = result.status;
      else status = 'error';
      let error: IError | undefined;
      if (status !== 'ok') {
        if (result.status === 'aborted') {
          error = {
            output_type: 'error',
            ename: 'Aborted',
            evalue: `the kernel aborted this cell ${ABORT_RETRIES + 1} times in a row`,
            traceback: [`Aborted: the kernel aborted this cell ${ABORT_RETRIES + 1} times in a row`],
          };
          result.outputs.push(error);
        } else if (result.error) {
          error = result.errorSynthesized || status !== 'error' ? { ...result.error, traceback: trimTraceback(result.error.traceback) } : result.error;
          if (result.errorSynthesized || status !== 'error') result.outputs.push(error);
        }
      }
      cell.outputs = result.outputs;
      active.running = undefined;
      cell.metadata.execution = {
        'iopub.status.busy': startedAt,
        'shell.execute_reply': new Date().toISOString(),
      };
      cells.push({ index, id: cell.id, status, executionCount: count, durationMs: result.durationMs, outputs: result.outputs, error });
      options.onProgress?.({
        type: 'cell-end',
        path,
        cell: position + 1,
        totalCells,
        elapsedMs: performance.now() - started,
        status,
      });
      if (status !== 'ok' && error) {
        if (!failure) {
          failure = {
            cellNumber: index + 1,
            sourceCellNumber: sourceNumber.get(cell.id),
            cellId: cell.id,
            executionCount: count,
            ...locateError(error, source),
            message: `${error.ename}: ${error.evalue}`,
            ...(() => {
              const hint = shorthandPropertyHint(error, source, kernelName);
              return hint === undefined ? {} : { hint };
            })(),
            error,
          };
        }
        if (!options.allowErrors || status === 'dead') stopped = true;
      }
    }
  } finally {
    activeRuns.delete(active);
    await kernel.shutdown();
  }
  const durationMs = performance.now() - started;
  const status: 'ok' | 'failed' = failure ? 'failed' : 'ok';
  const runInfo: Record<string, string | number | boolean | Record<string, string>> = {
    status,
    duration: Math.round(durationMs) / 1000,
    quick: options.quick === true || params.quick === 'true' || params.quick === 'True',
    executedAt: new Date().toISOString(),
    kernel: kernelName,
  };
  if (Object.keys(params).length > 0) runInfo.parameters = params;
  if (failure) {
    runInfo.failedCell = failure.cellNumber;
    runInfo.failedCellId = failure.cellId;
    runInfo.error = failure.message.split('\n')[0];
  }
  notebook.metadata.trainbook = runInfo;
  const result: RunResult = {
    path,
    status,
    cells,
    notebook,
    kernelName,
    kernelStartMs,
    durationMs,
    failure,
    warnings,
  };
  if (options.outPath !== undefined) {
    await writeNotebook(options.outPath, notebook);
    result.outPath = options.outPath;
  }
  return result;
}

/**
 * How the runner names a failed cell: by its execution count, `cell [3]`, the number JupyterLab
 * shows beside the cell (`[3]:`) and the kernel's traceback calls `In[3]`. A cell's position in
 * the file counts markdown cells, which JupyterLab does not number, so it is not used.
 *
 * PyTorch: none.
 */
export function failedCellName(failure: RunFailure): string {
  const name = `cell [${failure.executionCount}]`;
  return failure.sourceCellNumber === undefined ? `the injected parameters ${name}` : name;
}

// The kernel's traceback header, which repeats the cell and line the first line of the description gives.
const TRACEBACK_HEADER = /^Cell In\[\d+\], line \d+:?$/;

/**
 * One-paragraph description of a failure for the terminal: notebook, cell, line, the code around
 * the line, and the error, each said once. `brief`: where only (notebook, cell, line), for a list of
 * failures whose errors were already printed.
 *
 * PyTorch: none.
 */
export function describeFailure(result: RunResult, options: { brief?: boolean } = {}): string {
  const failure = result.failure;
  if (!failure) return `${result.path}: ok`;
  const where = `${result.path}: ${failedCellName(failure)}` + (failure.line !== undefined ? `, line ${failure.line}` : '');
  const message = failure.message.split('\n')[0] ?? '';
  const lines = [`${where}: ${message}`];
  if (options.brief === true) return where;
  const trace = failure.error.traceback
    .flatMap((entry) => stripVTControlCharacters(entry).split('\n'))
    .filter((l) => l.trim() !== '' && !TRACEBACK_HEADER.test(l.trim()) && l.trim() !== message.trim());
  // A code frame (`----> 2 | ...`) shows the line at fault in its context; otherwise show the line alone.
  const hasFrame = trace.some((l) => /^\s*-+>/.test(l));
  if (failure.sourceLine !== undefined && !hasFrame) lines.push(`  > ${failure.sourceLine.trim()}`);
  if (trace.length > 0) lines.push(...trace.slice(0, 12).map((l) => `  ${l}`));
  if (failure.hint !== undefined) lines.push(`  hint: ${failure.hint}`);
  if (result.outPath) lines.push(`  executed notebook (with the error): ${result.outPath}`);
  const notRun = result.cells.filter((c) => c.status === 'not-run').length;
  if (notRun > 0) lines.push(`  ${notRun} later code cell${notRun === 1 ? ' was' : 's were'} not run`);
  return lines.join('\n');
}

/**
 * Short display name of a notebook path.
 *
 * PyTorch: none.
 */
export function notebookLabel(path: string): string {
  return `${basename(dirname(path))}/${basename(path)}`;
}
