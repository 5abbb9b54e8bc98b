/**
 * tslab's TypeScript converter, loaded with source maps switched on, so runtime errors point at the cell's own lines.
 *
 * tslab 1.0.22 compiles a cell in two stages: the TypeScript watch program emits an ES module (its transformer stores
 * the last expression in `tsLastExpr`), then `ts.transpileModule` turns that into CommonJS. Neither stage keeps a
 * source map. The `ts` namespace exports are read-only getters, so instead of patching them this module loads a private
 * copy of `tslab/dist/converter.js` (`src/patches/tslab-converter.ts`) whose `require("@tslab/typescript-for-tslab")` returns a wrapper: the watch program
 * gets `inlineSourceMap: true` (and `types: ["node"]`) and the CommonJS stage gets `sourceMap: true`. Each conversion then yields two maps,
 * CommonJS → ES module → TypeScript, which {@link CellSourceMap} chains.
 */
import { SourceMap, createRequire, type SourceMapPayload } from 'node:module';
import type { Converter, ConvertResult } from 'tslab/dist/converter.js';
import { loadPatchedConverter } from '../patches/tslab-converter.js';

const require = createRequire(import.meta.url);

type TypeScript = typeof import('@tslab/typescript-for-tslab');

/** The TypeScript compiler bundled with tslab (the one that type-checks cells). */
export const ts: TypeScript = require('@tslab/typescript-for-tslab') as TypeScript;

/** The two maps of the last CommonJS conversion: its output text, its map, and the ES module text it came from. */
interface StageMaps {
  output: string;
  cjsMap: string;
  esmSource: string;
}

/** A converter plus the source maps of its conversions. */
export interface MappedConverter {
  converter: Converter;
  /** Convert a cell; `map` chains the generated CommonJS back to the cell (`undefined` when nothing was emitted). */
  convert(prevDecl: string, src: string): { result: ConvertResult; map: CellSourceMap | undefined };
}

const INLINE_MAP = /\n?\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*/;

/**
 * Create a tslab converter (the same compiler options as tslab's kernel) whose conversions carry source maps.
 *
 * PyTorch: none.
 */
export function createMappedConverter(): MappedConverter {
  const stage: { last?: StageMaps } = {};
  const wrapped = Object.create(ts, {
    __esModule: { value: true },
    createWatchCompilerHost: {
      value: (...args: unknown[]) => {
        const [rootFiles, options, ...rest] = args as [string[], Record<string, unknown>, ...unknown[]];
        const fn = ts.createWatchCompilerHost as unknown as (...a: unknown[]) => unknown;
        // types: only @types/node is loaded on its own; without it every @types package in node_modules (a
        // project's dev tools' too) is type-checked into every kernel (about 30 MB; cells still get the types of
        // what they import).
        return fn(rootFiles, { ...options, inlineSourceMap: true, types: ['node'] }, ...rest);
      },
    },
    transpileModule: {
      value: (input: string, options: import('@tslab/typescript-for-tslab').TranspileOptions) => {
        if (options.fileName !== 'custom.js') return ts.transpileModule(input, options);
        const out = ts.transpileModule(input, { ...options, compilerOptions: { ...options.compilerOptions, sourceMap: true } });
        if (out.sourceMapText !== undefined) stage.last = { output: out.outputText, cjsMap: out.sourceMapText, esmSource: input };
        return out;
      },
    },
  }) as TypeScript;
  const converter = loadPatchedConverter(wrapped).createConverter({ isJS: false, isBrowser: false });
  return {
    converter,
    convert(prevDecl, src) {
      stage.last = undefined;
      const result = converter.convert(prevDecl, src);
      const last = stage.last as StageMaps | undefined;
      let map: CellSourceMap | undefined;
      if (result.output !== undefined && last !== undefined && last.output === result.output) {
        const esm = INLINE_MAP.exec(last.esmSource);
        if (esm) map = new CellSourceMap(last.cjsMap, Buffer.from(esm[1], 'base64').toString('utf8'));
      }
      if (result.output !== undefined) result.output = stripSourceMapComments(result.output);
      // tslab recognises top-level `await x` but not a top-level `for await` or `await (x)` / `await (x as T)`: such a
      // cell must run async too.
      if (!result.hasToplevelAwait && (hasTopLevelForAwait(src) || hasTopLevelAwait(src))) result.hasToplevelAwait = true;
      return { result, map };
    },
  };
}

/** Whether `src` has a `for await` loop outside any function (which only an async wrapper can run). */
export function hasTopLevelForAwait(src: string): boolean {
  if (!src.includes('await')) return false;
  const file = ts.createSourceFile('cell.ts', src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const visit = (node: import('@tslab/typescript-for-tslab').Node): boolean => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
    if (ts.isForOfStatement(node) && node.awaitModifier !== undefined) return true;
    return ts.forEachChild(node, visit) ?? false;
  };
  return visit(file);
}

/**
 * Whether `src` has an `await` expression outside any function, in any form (`await x`, `await (x)`,
 * `await (x as T)`, which tslab's own check misses).
 */
export function hasTopLevelAwait(src: string): boolean {
  if (!src.includes('await')) return false;
  // Parsed as a module (as tslab compiles cells), where a top-level `await (x)` is an await, not a call.
  const file = ts.createSourceFile('cell.mts', `export {};\n${src}`, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const visit = (node: import('@tslab/typescript-for-tslab').Node): boolean => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
    if (ts.isAwaitExpression(node)) return true;
    return ts.forEachChild(node, visit) ?? false;
  };
  return visit(file);
}

/** Remove the `//# sourceMappingURL=` lines the source-mapped stages append (they sit after all code). */
export function stripSourceMapComments(js: string): string {
  return js.replace(/\n?\/\/# sourceMappingURL=[^\n]*/g, '');
}

/** A position in the cell: 1-based line, 1-based column. */
export interface CellPosition {
  line: number;
  column: number;
}

/**
 * Maps positions in a cell's generated CommonJS back to the cell's TypeScript source.
 *
 * PyTorch: none (Python runs the cell's own text, so its tracebacks need no mapping).
 */
export class CellSourceMap {
  private maps: { cjs: SourceMap; esm: SourceMap } | undefined;

  /** Keeps the JSON; it is parsed only when a traceback needs it (most cells never fail). */
  constructor(
    private readonly cjsMapJson: string,
    private readonly esmMapJson: string,
  ) {}

  private get cjs(): SourceMap {
    return this.parsed().cjs;
  }

  private get esm(): SourceMap {
    return this.parsed().esm;
  }

  private parsed(): { cjs: SourceMap; esm: SourceMap } {
    this.maps ??= {
      cjs: new SourceMap(JSON.parse(this.cjsMapJson) as SourceMapPayload),
      esm: new SourceMap(JSON.parse(this.esmMapJson) as SourceMapPayload),
    };
    return this.maps;
  }

  /**
   * The cell position of a 0-based `line`/`column` in the generated CommonJS, or `undefined` when the code there was
   * synthesised by the compiler (no mapping).
   */
  toCell(line: number, column: number): CellPosition | undefined {
    const a = this.cjs.findEntry(line, column) as Partial<{ generatedLine: number; generatedColumn: number; originalLine: number; originalColumn: number }>;
    if (a.originalLine === undefined || a.originalColumn === undefined) return undefined;
    const esmColumn = a.originalColumn + (a.generatedLine === line && a.generatedColumn !== undefined ? column - a.generatedColumn : 0);
    const b = this.esm.findEntry(a.originalLine, Math.max(0, esmColumn)) as Partial<{ generatedLine: number; generatedColumn: number; originalLine: number; originalColumn: number }>;
    if (b.originalLine === undefined || b.originalColumn === undefined) return undefined;
    const tsColumn = b.originalColumn + (b.generatedLine === a.originalLine && b.generatedColumn !== undefined ? esmColumn - b.generatedColumn : 0);
    // tslab prefixes every cell with one line, "export {};", before compiling it.
    const cellLine = b.originalLine - 1;
    if (cellLine < 0) return undefined;
    return { line: cellLine + 1, column: Math.max(0, tsColumn) + 1 };
  }
}
