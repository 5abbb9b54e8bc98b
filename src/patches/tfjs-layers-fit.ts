/**
 * Patch of `@tensorflow/tfjs-layers` 4.22.0: `LayersModel.prototype.fit`/`fitDataset` are wrapped so an interrupted
 * cell stops `model.fit` at the next batch. While a cell's fit runs, the model's private `stopTraining_` flag (which
 * tfjs-layers reads after every batch) is redefined to also read the cell's interrupt state, and a fit stopped by an
 * interrupt throws {@link KeyboardInterrupt} so the rest of the cell does not run on.
 *
 * Library runtime (it needs only `runtime/interrupt.ts`); the kernel applies it to every tfjs-layers copy cells load.
 */
import { createRequire } from 'node:module';
import { KeyboardInterrupt, currentInterruptScope, scopeInterrupted } from '../runtime/interrupt.js';
import { assertDependencyVersion } from './dependency-version.js';

/** The tfjs-layers version this patch was written against. */
export const TFJS_LAYERS_VERSION = '4.22.0';

const PATCHED = Symbol.for('trainbook.patches.tfjsLayersFit');
const LAYERS_MODULE = /[\\/]@tensorflow[\\/]tfjs-layers[\\/]dist[\\/][^\\/]+\.js$/;

interface FitTarget {
  stopTraining_?: boolean;
}
type FitMethod = (this: FitTarget, ...args: unknown[]) => Promise<unknown>;

/** A `LayersModel` class (any copy of tfjs-layers). */
export interface LayersModelClass {
  prototype: Record<string | symbol, unknown>;
}

/**
 * Wrap `fit`/`fitDataset` of one tfjs-layers copy's `LayersModel`. Returns false when it was already patched.
 * `version` is that copy's version (default: the one this package resolves); any other than
 * {@link TFJS_LAYERS_VERSION} throws.
 *
 * PyTorch: none (Python's KeyboardInterrupt stops `model.fit`-like loops by itself).
 */
export function patchLayersModel(layersModel: LayersModelClass, version?: string): boolean {
  const proto = layersModel.prototype;
  if (proto[PATCHED] === true) return false;
  assertDependencyVersion('tfjs-layers-fit', '@tensorflow/tfjs-layers', TFJS_LAYERS_VERSION, version);
  for (const method of ['fit', 'fitDataset']) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    const wrapped: FitMethod = async function (this: FitTarget, ...args: unknown[]): Promise<unknown> {
      const scope = currentInterruptScope();
      if (scope === undefined) return await (original as FitMethod).apply(this, args);
      let stop = this.stopTraining_ ?? false;
      Object.defineProperty(this, 'stopTraining_', {
        configurable: true,
        enumerable: true,
        get: () => stop || scopeInterrupted(scope),
        set: (value: boolean) => {
          stop = value;
        },
      });
      try {
        const history = await (original as FitMethod).apply(this, args);
        if (scopeInterrupted(scope)) throw new KeyboardInterrupt(`model.${method} stopped: the kernel was interrupted`);
        return history;
      } finally {
        delete this.stopTraining_;
        this.stopTraining_ = stop;
      }
    };
    proto[method] = wrapped;
  }
  proto[PATCHED] = true;
  return true;
}

/**
 * Patch every tfjs-layers copy loaded so far (found in the CommonJS module cache), each checked against its own
 * `package.json` version. Returns how many were patched now.
 *
 * PyTorch: none.
 */
export function patchLoadedLayers(): number {
  const require = createRequire(import.meta.url);
  let patched = 0;
  for (const [path, loaded] of Object.entries(require.cache)) {
    if (!LAYERS_MODULE.test(path) || loaded === undefined) continue;
    const exports = loaded.exports as { LayersModel?: LayersModelClass; version_layers?: unknown };
    if (!exports?.LayersModel?.prototype) continue;
    const version = typeof exports.version_layers === 'string' ? exports.version_layers : undefined;
    if (patchLayersModel(exports.LayersModel, version)) patched++;
  }
  return patched;
}
