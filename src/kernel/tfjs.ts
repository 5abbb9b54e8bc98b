/**
 * TensorFlow.js inside the kernel: start the cell library's accelerator before the first cell that uses tf.js (no
 * banner, no Emscripten handlers left to kill the kernel), and make `model.fit` stop when the cell is interrupted.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { removeAddedProcessListeners, snapshotProcessListeners } from '../patches/emscripten-listeners.js';
import { patchLayersModel, patchLoadedLayers, type LayersModelClass } from '../patches/tfjs-layers-fit.js';

/** The banner tfjs's cpu backend prints once per process ("Hi, looks like you are running TensorFlow.js in Node.js..."). */
export function isTfjsBanner(text: string): boolean {
  return text.includes('Hi, looks like you are running TensorFlow.js in Node.js');
}

/** Whether a cell's code loads tf.js (directly, through the cell library, or through danfojs). */
export function usesTfjs(code: string): boolean {
  return /["'](?:@tensorflow\/tfjs[\w/-]*|trainbook|danfojs-node)["']/.test(code);
}

interface TfModule {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  LayersModel?: LayersModelClass;
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
