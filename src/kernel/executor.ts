/**
 * Runs TypeScript cells the way tslab does (its converter type-checks each cell against the declarations of the cells
 * before it, top-level await, local imports), but hands the kernel the last expression's value, the thrown error with
 * cell line numbers, and an interrupt that ends the cell.
 */
import Module, { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import vm from 'node:vm';
import type { CompletionInfo, SideOutput } from 'tslab/dist/converter.js';
import { createMappedConverter, ts, type MappedConverter } from './converter.js';
import { KeyboardInterrupt, endInterruptScope, interruptCount, runInInterruptScope, scopeInterrupted, type InterruptScope } from '../runtime/interrupt.js';
import { AWAIT_HOOK, instrumentAwaits } from './await-checks.js';
import { diagnosticsContent, errorContent, type CellRecord, type ErrorContent } from './traceback.js';

const ownRequire = createRequire(import.meta.url);

/** Global declarations every cell is type-checked with: the kernel's display functions. */
export const KERNEL_GLOBALS_DECL = `declare global {
  /** Show a value as rich output (tensor, DataFrame, figure, or anything with a text form). Returns the display id when one was asked for. */
  function display(value: unknown, options?: { displayId?: string | true }): string | undefined;
  /** Replace the output shown earlier with \`display(value, { displayId })\`. */
  function updateDisplay(value: unknown, options: { displayId: string }): void;
  /** Clear the cell's output; with \`{ wait: true }\` only when the next output arrives. */
  function clearOutput(options?: { wait?: boolean }): void;
}
`;

/** How one cell ended. */
export type CellOutcome =
  | { status: 'ok'; hasValue: boolean; value?: unknown }
  | { status: 'error'; error: ErrorContent; interrupted: boolean };

/** Hooks from the kernel into the executor. */
export interface ExecutorHooks {
  /** Called after every `require` a cell makes, with the id and what it returned. */
  onRequire?: (id: string, exports: unknown) => unknown;
  /** Called with `true` right before a cell's synchronous part runs and `false` right after. */
  onSyncRun?: (running: boolean) => void;
  /** Called after every `await` in cell code resumes (the kernel sends printed output that is due). */
  onAwait?: () => void;
}

interface LoadedModule {
  exports: unknown;
  filename: string;
  paths: string[];
  require: (id: string) => unknown;
  _compile(content: string, filename: string): void;
}
interface ModuleInternals {
  new (id: string, parent?: unknown): LoadedModule;
  _nodeModulePaths(dir: string): string[];
}

const GLOBAL_KEY = '__trainbook_kernel__';

/** Whether the last statement of a cell is an assignment (`x = 5`), whose value Jupyter should not echo. */
function endsWithAssignment(src: string): boolean {
  const file = ts.createSourceFile('cell.ts', src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const last = file.statements[file.statements.length - 1];
  if (last === undefined || !ts.isExpressionStatement(last)) return false;
  const expr = last.expression;
  return (
    ts.isBinaryExpression(expr) &&
    expr.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    expr.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  );
}

/**
 * The cell executor: one per kernel, holding the declarations of all cells run so far.
 *
 * PyTorch: none (IPython's `InteractiveShell.run_cell`).
 */
export class CellExecutor {
  /** Variables declared by cells (tslab keeps them on one `exports` object). */
  readonly locals: Record<string, unknown> = {};
  /** Executed cells by vm filename, for tracebacks. */
  readonly cells = new Map<string, CellRecord>();
  private readonly mapped: MappedConverter;
  private prevDecl = '';
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, LoadedModule>();
  private cellCounter = 0;
  private rejectRunning: ((reason: unknown) => void) | undefined;
  private runningLabel = '';
  private readonly exportsProxy: Record<string, unknown>;
  private readonly globals = new Map<string, unknown>();

  constructor(
    readonly rootDir: string,
    private readonly hooks: ExecutorHooks = {},
  ) {
    this.mapped = createMappedConverter();
    const locals = this.locals;
    // As in tslab: named imports are compiled to defineProperty with getters; keep them rewritable values.
    this.exportsProxy = new Proxy(locals, {
      defineProperty: (_target, prop, attrs) => {
        if (prop === '__esModule') return true;
        locals[prop as string] = attrs.get ? attrs.get() : attrs.value;
        return true;
      },
    });
    const rootRequire = createRequire(join(rootDir, 'src.js'));
    const cellRequire = this.wrapRequire(rootRequire, rootDir);
    const afterAwait = <T>(value: T): T => {
      this.hooks.onAwait?.();
      if (scopeInterrupted()) throw new KeyboardInterrupt(`the kernel was interrupted while ${this.runningLabel || 'a cell'} was running`);
      return value;
    };
    (globalThis as Record<string, unknown>)[GLOBAL_KEY] = { exports: this.exportsProxy, require: cellRequire, afterAwait };
  }

  /** `require` for cells: `tslab` gives the kernel's tslab (its display API), local `.ts` files come from the converter. */
  private wrapRequire(base: NodeJS.Require, dir: string): (id: string) => unknown {
    return (id: string): unknown => {
      if (id === 'tslab') return ownRequire('tslab');
      const local = this.requireSideOutput(id, dir);
      if (local !== undefined) return local;
      const exports = base(id);
      return this.hooks.onRequire ? (this.hooks.onRequire(id, exports) ?? exports) : exports;
    };
  }

  private requireSideOutput(id: string, dir: string): unknown {
    if (!id.startsWith('.') && !id.startsWith('/')) return undefined;
    let filename = join(dir, id);
    if (extname(filename) === '') filename += '.js';
    const cached = this.sideModules.get(filename);
    if (cached) return cached.exports;
    const code = this.sideOutputs.get(filename);
    if (code === undefined) return undefined;
    const ModuleClass = Module as unknown as ModuleInternals;
    const mod = new ModuleClass(filename);
    mod.filename = filename;
    mod.paths = ModuleClass._nodeModulePaths(dirname(filename));
    const base = createRequire(filename);
    mod.require = this.wrapRequire(base, dirname(filename));
    mod._compile(code, filename);
    this.sideModules.set(filename, mod);
    return mod.exports;
  }

  private updateSideOutputs(outputs: readonly SideOutput[] | undefined): void {
    for (const out of outputs ?? []) {
      this.sideModules.delete(out.path);
      this.sideOutputs.set(out.path, out.data);
    }
  }

  /**
   * Type-check and run one cell. `label` names it in tracebacks (e.g. `Cell In[3]`).
   * Resolves when the cell, including its top-level awaits, has finished, failed or been interrupted. An interrupt
   * counted after `startCount` (default: the count now) ends the cell before it runs.
   */
  async execute(src: string, label: string, startCount: number = interruptCount()): Promise<CellOutcome> {
    const { result, map } = this.mapped.convert(KERNEL_GLOBALS_DECL + this.prevDecl, src);
    this.updateSideOutputs(result.sideOutputs);
    if (result.diagnostics.length > 0) {
      return { status: 'error', error: diagnosticsContent(result.diagnostics, label, src), interrupted: false };
    }
    if (!result.output) {
      this.prevDecl = result.declOutput ?? '';
      return { status: 'ok', hasValue: false };
    }
    const filename = `[trainbook cell ${++this.cellCounter}]`;
    const params = `exports, require, ${AWAIT_HOOK}`;
    const prefix = result.hasToplevelAwait ? `(async function (${params}) { ` : `(function (${params}) { `;
    const { code: body, insertions } = instrumentAwaits(result.output);
    const g = `globalThis.${GLOBAL_KEY}`;
    const code = `${prefix}${body}\n})(${g}.exports, ${g}.require, ${g}.afterAwait)`;
    this.cells.set(filename, { label, source: src, map, firstLineOffset: prefix.length, generatedLines: result.output.split('\n').length, insertions });

    // Compiling is synchronous: a SIGINT that came meanwhile waits in the event loop. Let it in, so an interrupt sent
    // while the cell compiled ends the cell instead of being lost behind a loop that never yields.
    await new Promise((resolve) => setImmediate(resolve));
    if (interruptCount() > startCount) {
      const error = new KeyboardInterrupt(`the kernel was interrupted while ${label} was running`);
      error.stack = `KeyboardInterrupt: ${error.message}`;
      return { status: 'error', error: errorContent(error, this.cells), interrupted: true };
    }
    let scope: InterruptScope | undefined;
    const interrupted = new Promise<never>((_, reject) => {
      this.rejectRunning = reject;
      this.runningLabel = label;
    });
    interrupted.catch(() => undefined);
    try {
      const run = runInInterruptScope(() => {
        this.hooks.onSyncRun?.(true);
        try {
          return vm.runInThisContext(code, { filename, breakOnSigint: true }) as unknown;
        } finally {
          this.hooks.onSyncRun?.(false);
        }
      }, startCount);
      scope = run.scope;
      if (result.hasToplevelAwait) await Promise.race([run.result, interrupted]);
    } catch (error) {
      // Keep what the cell declared (unlike tslab): later cells can use the names it defined before failing.
      this.prevDecl = result.declOutput ?? this.prevDecl;
      const isInterrupt =
        error instanceof KeyboardInterrupt ||
        (error instanceof Error && (error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED');
      const message = `the kernel was interrupted while ${label} was running`;
      const thrown = isInterrupt && !(error instanceof KeyboardInterrupt) ? new KeyboardInterrupt(message) : error;
      if (thrown !== error && error instanceof Error) (thrown as Error).stack = `KeyboardInterrupt: ${message}\n${(error.stack ?? '').split('\n').slice(1).join('\n')}`;
      return { status: 'error', error: errorContent(thrown, this.cells), interrupted: isInterrupt };
    } finally {
      this.rejectRunning = undefined;
      if (scope) endInterruptScope(scope);
    }
    this.prevDecl = result.declOutput ?? '';
    const name = result.lastExpressionVar;
    if (name === undefined || !(name in this.locals)) return { status: 'ok', hasValue: false };
    const value = this.locals[name];
    delete this.locals[name];
    if (value === undefined || endsWithAssignment(src)) return { status: 'ok', hasValue: false };
    return { status: 'ok', hasValue: true, value };
  }

  /**
   * Compile a throw-away cell once, so the first real cell does not pay for warming up the compiler's code paths
   * (tslab warms its converter the same way before it answers).
   */
  warmUp(): void {
    this.mapped.convert(KERNEL_GLOBALS_DECL, 'const warm: number = 1;\nwarm');
    endsWithAssignment('warm = 2');
    isCompleteCode('warm');
  }

  /**
   * End the running cell with a {@link KeyboardInterrupt}. Work that checks for interrupts (training loops,
   * `model.fit`) gets `graceMs` to stop by itself, so its error, with the cell line, is the one reported; a cell stuck
   * on a promise that never settles ends when the grace period is over.
   */
  interrupt(graceMs = 300): void {
    const reject = this.rejectRunning;
    if (reject === undefined) return;
    const label = this.runningLabel;
    setTimeout(() => reject(new KeyboardInterrupt(`the kernel was interrupted while ${label} was awaiting`)), graceMs).unref();
  }

  /** Completions at `position` (tslab's). */
  complete(src: string, position: number): CompletionInfo {
    return this.mapped.converter.complete(KERNEL_GLOBALS_DECL + this.prevDecl, src, position);
  }

  /** Quick info (type and docs) at `position`, as text, or `undefined`. */
  inspect(src: string, position: number): string | undefined {
    const info = this.mapped.converter.inspect(KERNEL_GLOBALS_DECL + this.prevDecl, src, position);
    if (!info) return undefined;
    const parts = (info.displayParts ?? []).map((p) => p.text).join('');
    const docs = (info.documentation ?? []).map((d) => d.text).join('');
    const tags = (info.tags ?? []).map((t) => `@${t.name} ${(t.text ?? []).map((p) => p.text).join('')}`.trim());
    return [parts, docs, ...tags].filter((s) => s !== '').join('\n\n');
  }

  /**
   * Define a kernel-provided name for every cell (declared in {@link KERNEL_GLOBALS_DECL}): tslab compiles names from
   * earlier declarations to `exports.<name>`, so the value lives with the cells' variables as well as on `globalThis`.
   */
  defineGlobal(name: string, value: unknown): void {
    this.globals.set(name, value);
    this.locals[name] = value;
    (globalThis as Record<string, unknown>)[name] = value;
  }

  /** Forget every declaration (used by a restart-in-place; Jupyter normally restarts the process). */
  reset(): void {
    this.prevDecl = '';
    for (const key of Object.keys(this.locals)) delete this.locals[key];
    for (const [name, value] of this.globals) this.locals[name] = value;
  }

  /** Release the compiler's watchers so the process can exit. */
  close(): void {
    this.mapped.converter.close();
  }
}

/**
 * Jupyter's `is_complete` for TypeScript: `incomplete` (with an indent) when the code stops in the middle of a
 * construct (an open brace, an operator, an unterminated template), `invalid` when it has a syntax error elsewhere,
 * `complete` otherwise.
 *
 * PyTorch: none (IPython's `TransformerManager.check_complete`).
 */
export function isCompleteCode(code: string): { status: 'complete' | 'incomplete' | 'invalid'; indent?: string } {
  if (/(^|\n)\s*\n\s*$/.test(code) && code.trim() !== '') {
    // Two trailing blank lines force execution, as in tslab and IPython.
    const file = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const diags = (file as unknown as { parseDiagnostics: readonly import('@tslab/typescript-for-tslab').DiagnosticWithLocation[] }).parseDiagnostics;
    return { status: diags.length > 0 ? 'invalid' : 'complete' };
  }
  const file = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const diags = (file as unknown as { parseDiagnostics: readonly import('@tslab/typescript-for-tslab').DiagnosticWithLocation[] }).parseDiagnostics;
  if (diags.length === 0) return { status: 'complete' };
  const end = code.length;
  const trimmedEnd = code.trimEnd().length;
  for (const d of diags) {
    const text = typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText;
    const atEnd = d.start >= trimmedEnd && d.start + d.length <= end;
    if ((atEnd && text.endsWith(' expected.')) || /^Unterminated template literal|^'\*\/' expected/.test(text)) {
      return { status: 'incomplete', indent: indentAfter(code) };
    }
  }
  return { status: 'invalid' };
}

/** The indent for the next line: the current line's, two more after an opening bracket. */
function indentAfter(code: string): string {
  const line = /[^\n]*$/.exec(code)?.[0] ?? '';
  const current = /^\s*/.exec(line)?.[0] ?? '';
  return /[{([]\s*$/.test(line) ? `${current}  ` : current;
}
