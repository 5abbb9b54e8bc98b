/**
 * Patch of tslab 1.0.22's `dist/converter.js`: a private copy of the module, loaded with its own
 * `require("@tslab/typescript-for-tslab")` answered by the caller (to switch source maps on), and its source text
 * rewritten so `{ name }` may refer to a name declared by an earlier cell.
 *
 * Tooling only (the kernel uses it); the cell library never imports it.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Converter } from 'tslab/dist/converter.js';
import { assertDependencyVersion } from './dependency-version.js';

const require = createRequire(import.meta.url);

/** The tslab version this patch was written against. */
export const TSLAB_VERSION = '1.0.22';

/** Internals of `node:module` used to load a private module copy (the same calls tslab's executor makes). */
interface LoadableModule {
  filename: string;
  paths: string[];
  exports: unknown;
  require: (id: string) => unknown;
  _compile(content: string, filename: string): void;
}
interface ModuleInternals {
  new (id: string, parent?: unknown): LoadableModule;
  _nodeModulePaths(dir: string): string[];
}

/** The tslab converter module's exports that the kernel uses. */
export interface ConverterModule {
  createConverter(options?: { isJS?: boolean; isBrowser?: boolean }): Converter;
  isCompleteCode(content: string): { completed: boolean; indent?: string };
}

/**
 * Load a private copy of tslab's converter module whose `require("@tslab/typescript-for-tslab")` returns
 * `typescript` (the caller's wrapper of the compiler) and whose source has {@link patchShorthandProperties} applied.
 * Throws when tslab is not version {@link TSLAB_VERSION}.
 *
 * PyTorch: none.
 */
export function loadPatchedConverter(typescript: unknown): ConverterModule {
  assertDependencyVersion('tslab-converter', 'tslab', TSLAB_VERSION);
  const filename = require.resolve('tslab/dist/converter.js');
  const ModuleClass = Module as unknown as ModuleInternals;
  const mod = new ModuleClass(filename);
  mod.filename = filename;
  mod.paths = ModuleClass._nodeModulePaths(dirname(filename));
  const originalRequire = mod.require.bind(mod);
  mod.require = (id: string) => (id === '@tslab/typescript-for-tslab' ? typescript : originalRequire(id));
  mod._compile(patchShorthandProperties(readFileSync(filename, 'utf8')), filename);
  return mod.exports as ConverterModule;
}

/** Where tslab's converter rewrites a name declared by an earlier cell to `exports.name`. */
const WRAP_ANCHOR = `            if (!ts.isIdentifier(node)) {
                return ts.visitEachChild(node, wrapPrevIdentifier, nullTransformationContext);
            }`;

/**
 * Teaches tslab's converter that `{ name }` (a shorthand property) may refer to a name of an earlier cell.
 *
 * tslab rewrites each use of an earlier cell's name to `exports.name`, finding them with
 * `checker.getSymbolAtLocation`; in `{ name }` that gives the property's symbol, not the variable's,
 * so the name stays bare and fails at run time with "name is not defined". The patch rewrites such
 * a property to `name: exports.name` first. It throws if tslab's code no longer has the expected shape.
 *
 * PyTorch: none.
 */
export function patchShorthandProperties(converterSource: string): string {
  if (!converterSource.includes(WRAP_ANCHOR)) {
    throw new Error(
      `patch tslab-converter: tslab/dist/converter.js has changed (wrapPrevIdentifier's identifier check not found); update src/patches/tslab-converter.ts for this tslab version`,
    );
  }
  return converterSource.replace(
    WRAP_ANCHOR,
    `            if (ts.isShorthandPropertyAssignment(node) && node.objectAssignmentInitializer === undefined) {
                const valueSymbol = checker.getShorthandAssignmentValueSymbol(node);
                if (((valueSymbol && valueSymbol.declarations) || []).some((decl) => decl.getSourceFile() === declsFile)) {
                    return ts.factory.createPropertyAssignment(ts.factory.createIdentifier(node.name.text), ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier("exports"), ts.factory.createIdentifier(node.name.text)));
                }
            }
${WRAP_ANCHOR}`,
  );
}
