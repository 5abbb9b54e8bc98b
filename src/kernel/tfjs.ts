/**
 * TensorFlow.js inside the kernel: start the cell library's accelerator before the first cell that uses tf.js (no
 * banner, no Emscripten handlers left to kill the kernel), and make `model.fit` stop when the cell is interrupted.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { KeyboardInterrupt, currentInterruptScope, scopeInterrupted } from './interrupt.js';

/** The process events whose foreign listeners would turn a stray error into a dead kernel. */
const GUARDED_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
type GuardedEvent = (typeof GUARDED_EVENTS)[number];
type Listener = (...args: unknown[]) => void;

function listenersOf(event: GuardedEvent): Listener[] {
  return (process as unknown as NodeJS.EventEmitter).listeners(event) as Listener[];
}

/** The listeners currently registered for the guarded events. */
export function snapshotProcessListeners(): Map<GuardedEvent, Listener[]> {
  const snapshot = new Map<GuardedEvent, Listener[]>();
  for (const event of GUARDED_EVENTS) snapshot.set(event, listenersOf(event));
  return snapshot;
}

/**
 * Remove the `uncaughtException`/`unhandledRejection` listeners added since `before` (Emscripten's, which rethrow and
 * kill the process once the wasm backend starts). Returns how many were removed.
 *
 * PyTorch: none.
 */
export function removeAddedProcessListeners(before: Map<GuardedEvent, Listener[]>): number {
  let removed = 0;
  for (const event of GUARDED_EVENTS) {
    const kept = new Set(before.get(event) ?? []);
    for (const listener of listenersOf(event)) {
      if (!kept.has(listener)) {
        (process as unknown as NodeJS.EventEmitter).removeListener(event, listener);
        removed++;
      }
    }
  }
  return removed;
}

/** The banner tfjs's cpu backend prints once per process ("Hi, looks like you are running TensorFlow.js in Node.js..."). */
export function isTfjsBanner(text: string): boolean {
  return text.includes('Hi, looks like you are running TensorFlow.js in Node.js');
}

const PATCHED = Symbol.for('trainbook.kernel.fitPatched');
const LAYERS_MODULE = /[\\/]@tensorflow[\\/]tfjs-layers[\\/]dist[\\/][^\\/]+\.js$/;

interface FitTarget {
  stopTraining_?: boolean;
}
type FitMethod = (this: FitTarget, ...args: unknown[]) => Promise<unknown>;

/**
 * Wrap `LayersModel.prototype.fit`/`fitDataset` of one tfjs-layers copy: while a cell's fit runs, the model's
 * `stopTraining_` flag also reads the cell's interrupt state (tfjs checks it after every batch), and a fit stopped by
 * an interrupt throws {@link KeyboardInterrupt} so the rest of the cell does not run on.
 *
 * PyTorch: none (Python's KeyboardInterrupt stops `model.fit`-like loops by itself).
 */
export function patchLayersModel(layersModel: { prototype: Record<string | symbol, unknown> }): boolean {
  const proto = layersModel.prototype;
  if (proto[PATCHED] === true) return false;
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

/** Patch every tfjs-layers copy loaded so far (found in the CommonJS module cache). Returns how many were patched now. */
export function patchLoadedLayers(): number {
  const require = createRequire(import.meta.url);
  let patched = 0;
  for (const [path, loaded] of Object.entries(require.cache)) {
    if (!LAYERS_MODULE.test(path) || loaded === undefined) continue;
    const exports = loaded.exports as { LayersModel?: { prototype: Record<string | symbol, unknown> } };
    if (exports?.LayersModel?.prototype && patchLayersModel(exports.LayersModel)) patched++;
  }
  return patched;
}

/** Whether a cell's code loads tf.js (directly, through the cell library, or through danfojs). */
export function usesTfjs(code: string): boolean {
  return /["'](?:@tensorflow\/tfjs[\w/-]*|trainbook|danfojs-node)["']/.test(code);
}

interface TfModule {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  LayersModel?: { prototype: Record<string | symbol, unknown> };
}

/**
 * Start tf.js for the notebook in `rootDir`, once: the cell library's `currentAccelerator()` when `trainbook` resolves
 * from there, else the wasm backend when `@tensorflow/tfjs-backend-wasm` resolves, else tf.js's default. Listeners
 * that the wasm runtime adds to `process` are removed. Returns the backend name, or `undefined` when tf.js is not
 * installed for that notebook.
 *
 * PyTorch: none (`torch.device(...)` choice happens in the notebook).
 */
export async function startAccelerator(rootDir: string): Promise<string | undefined> {
  const require = createRequire(join(rootDir, 'src.js'));
  const before = snapshotProcessListeners();
  try {
    let tf: TfModule;
    try {
      tf = require('@tensorflow/tfjs') as TfModule;
    } catch {
      return undefined;
    }
    let library: { currentAccelerator?: () => unknown } | undefined;
    try {
      library = require('trainbook') as { currentAccelerator?: () => unknown };
    } catch {
      library = undefined;
    }
    if (typeof library?.currentAccelerator === 'function') {
      await library.currentAccelerator();
    } else {
      try {
        require('@tensorflow/tfjs-backend-wasm');
        await tf.setBackend('wasm');
      } catch {
        // No wasm backend for this notebook: tf.js keeps its default (cpu); the banner is filtered from stderr.
      }
    }
    await tf.ready();
    if (tf.LayersModel) patchLayersModel(tf.LayersModel);
    patchLoadedLayers();
    return tf.getBackend();
  } finally {
    removeAddedProcessListeners(before);
  }
}
