/**
 * `currentAccelerator`: choose the fastest TensorFlow.js backend available and say which it is.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { useFastWasmKernels } from '../patches/tfjs-wasm-kernels.js';
import { useFastTensorflowKernels } from '../patches/tfjs-node-kernels.js';
import { removeAddedProcessListeners, snapshotProcessListeners } from '../patches/emscripten-listeners.js';
import { loadNativeBackend, NATIVE_BACKEND, nativeBackendStatus } from './native-backend.js';

/** The backends trainbook knows, fastest first. */
export const ACCELERATOR_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;

/** A backend name: native TensorFlow, WebAssembly, or plain JavaScript. */
export type AcceleratorName = (typeof ACCELERATOR_NAMES)[number];

/** What {@link currentAccelerator} selected. */
export interface Accelerator {
  /** The tf.js backend now in use (`tf.getBackend()`). */
  name: AcceleratorName;
  /** Whether it computes on a GPU (only the native backend from `@tensorflow/tfjs-node-gpu`). */
  gpu: boolean;
  /** One line for people: what runs the math, and how. */
  description: string;
}

/** Options of {@link currentAccelerator}. */
export interface CurrentAcceleratorOptions {
  /**
   * Use this backend and no other (an error if it is unavailable). Overrides the environment
   * variable `TRAINBOOK_BACKEND` (`tensorflow`, `wasm` or `cpu`).
   * @default the best available: tensorflow, then wasm, then cpu
   */
  prefer?: AcceleratorName;
}

/** The last selection, to make repeated calls cheap. */
let cached: { preference: AcceleratorName | undefined; accelerator: Accelerator } | undefined;

/** Whether `name` is a backend trainbook knows. */
function isAcceleratorName(name: string): name is AcceleratorName {
  return (ACCELERATOR_NAMES as readonly string[]).includes(name);
}

/**
 * Whether the installed package `name` really is that package: npm aliases (such as plain tfjs
 * installed as `@tensorflow/tfjs-node` for danfojs) carry the real package's own name.
 */
function isGenuinePackage(name: string): boolean {
  try {
    const manifestPath = createRequire(import.meta.url).resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: string }).name === name;
  } catch {
    return false;
  }
}

/** Imports a package whose name TypeScript cannot check (it may not be installed). */
async function importOptional(specifier: string): Promise<boolean> {
  if (!isGenuinePackage(specifier)) return false;
  try {
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

/** Tries the native TensorFlow backend; returns why it is unavailable, or the accelerator. */
async function tryTensorflow(): Promise<Accelerator | string> {
  // The package name alone proves nothing: here `@tensorflow/tfjs-node` can be plain tfjs
  // installed under that name (an npm alias for danfojs), so success is the registered backend.
  const gpuLoaded = await importOptional('@tensorflow/tfjs-node-gpu');
  const gpu = gpuLoaded && tf.findBackendFactory('tensorflow') !== null;
  if (!gpu) await importOptional('@tensorflow/tfjs-node');
  let built = false;
  if (tf.findBackendFactory('tensorflow') === null) {
    // The build `npx trainbook install-native` makes (tfjs-node on PyPI's TensorFlow, in trainbook's cache).
    const status = nativeBackendStatus();
    if (!status.installed) {
      return `neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node registered the native "tensorflow" backend, and ${status.reason ?? 'no native build is installed'}`;
    }
    try {
      loadNativeBackend(status.packageDir);
    } catch (error) {
      return `the native build in ${status.packageDir} does not load (${(error as Error).message.split('\n')[0]}); rebuild it with "npx trainbook install-native --force"`;
    }
    if (tf.findBackendFactory('tensorflow') === null) return `the native build in ${status.packageDir} registered no "tensorflow" backend`;
    built = true;
  }
  if (!(await tf.setBackend('tensorflow'))) return 'the native "tensorflow" backend failed to initialise';
  // Same results, a cheaper Step kernel (every ReLU's gradient): src/patches/tfjs-node-kernels.ts.
  useFastTensorflowKernels();
  return {
    name: 'tensorflow',
    gpu,
    description:
      `native TensorFlow (libtensorflow${built ? ` ${NATIVE_BACKEND.tensorflowVersion} from PyPI` : ''} through @tensorflow/tfjs-node${gpu ? '-gpu' : ''}), ` +
      `${gpu ? 'GPU' : 'CPU'}`,
  };
}

/**
 * Tries the WebAssembly backend. Emscripten's runtime adds process handlers that turn any
 * unhandled rejection into an exit (a dead notebook kernel); the patch `emscripten-listeners`
 * removes the ones it added.
 */
async function tryWasm(): Promise<Accelerator | string> {
  if (!isGenuinePackage('@tensorflow/tfjs-backend-wasm')) return '@tensorflow/tfjs-backend-wasm is not installed';
  const before = snapshotProcessListeners();
  let failure: string | undefined;
  try {
    if (!(await importOptional('@tensorflow/tfjs-backend-wasm')) || tf.findBackendFactory('wasm') === null) {
      failure = '@tensorflow/tfjs-backend-wasm is not installed';
    } else if (!(await tf.setBackend('wasm'))) {
      failure = 'the wasm backend failed to initialise';
    }
  } finally {
    removeAddedProcessListeners(before);
  }
  if (failure !== undefined) return failure;
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  // Same results, faster routes for the matrix products and row gathers every training step uses.
  const kernels = useFastWasmKernels();
  return {
    name: 'wasm',
    gpu: false,
    description:
      `WebAssembly (SIMD ${simd ? 'on' : 'off'}, ${threads ? 'several threads' : 'one thread'}; trainbook's BatchMatMul, _FusedMatMul, ` +
      `GatherV2 and Slice kernels on, matrix products on ${kernels.matMul}; Emscripten's exit-on-error process handlers off)`,
  };
}

/** Selects the plain JavaScript backend, without the "install tfjs-node" banner. */
async function tryCpu(): Promise<Accelerator | string> {
  if (!(await tf.setBackend('cpu'))) return 'the cpu backend failed to initialise';
  // The cpu backend prints its banner on its first tensor, unless PROD is set: write that first
  // tensor with PROD on, then restore the flag so later warnings still show.
  const prod = tf.env().getBool('PROD');
  tf.env().set('PROD', true);
  try {
    tf.dispose(tf.scalar(0));
  } finally {
    tf.env().set('PROD', prod);
  }
  return { name: 'cpu', gpu: false, description: 'plain JavaScript (tfjs-backend-cpu), one thread' };
}

const TRIES: Record<AcceleratorName, () => Promise<Accelerator | string>> = {
  tensorflow: tryTensorflow,
  wasm: tryWasm,
  cpu: tryCpu,
};

const INSTALL_HINTS: Record<AcceleratorName, string> = {
  tensorflow:
    'Install it with `npx trainbook install-native` (it builds @tensorflow/tfjs-node on PyPI\'s TensorFlow; needs pip, a C++ compiler and Node\'s headers)',
  wasm: 'Install it with `npm install @tensorflow/tfjs-backend-wasm@4.22.0`',
  cpu: 'The cpu backend ships with @tensorflow/tfjs; reinstall it with `npm install @tensorflow/tfjs@4.22.0`',
};

/**
 * Selects the fastest TensorFlow.js backend available and describes it: native TensorFlow
 * (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, then the build `npx trainbook install-native` makes,
 * loaded only now), else WebAssembly
 * (`@tensorflow/tfjs-backend-wasm`), else plain JavaScript (`cpu`).
 *
 * What it turns on besides the backend: on wasm, trainbook's faster routes for the `BatchMatMul`,
 * `_FusedMatMul`, `GatherV2` and `Slice` kernels (same results; `src/patches/tfjs-wasm-kernels.ts`,
 * on OpenBLAS when the optional native addon is built), and it removes the process handlers
 * Emscripten adds, which would end the process on any unhandled error
 * (`src/patches/emscripten-listeners.ts`). Both patches check the tf.js version they were written
 * for. On tensorflow and cpu nothing else changes. `description` says all of this in one line.
 *
 * Call it before creating any tensor. Force a backend with `{ prefer: 'cpu' }` or the environment
 * variable `TRAINBOOK_BACKEND=cpu|wasm|tensorflow`; a forced backend that is unavailable is an
 * error that says how to install it. Calling again is cheap and returns the same selection.
 *
 * PyTorch: `torch.accelerator.current_accelerator()` (and `model.to(device)`): in tf.js there is
 * one global backend, so selecting it is all there is; tensors and models need no `.to(device)`.
 *
 * @param options - `{ prefer }` to force one backend.
 * @returns the selected backend.
 * @example
 * ```ts
 * const device = await currentAccelerator();
 * console.log(device.name, '-', device.description);
 * // e.g. "wasm - WebAssembly (SIMD on, one thread; trainbook's BatchMatMul, _FusedMatMul, GatherV2 and Slice kernels on,
 * //       matrix products on XNNPACK; Emscripten's exit-on-error process handlers off)"
 * ```
 */
export async function currentAccelerator(options: CurrentAcceleratorOptions = {}): Promise<Accelerator> {
  const fromEnv = process.env.TRAINBOOK_BACKEND;
  let preference: AcceleratorName | undefined;
  let source = '';
  if (options.prefer !== undefined) {
    if (!isAcceleratorName(options.prefer)) {
      throw new Error(`currentAccelerator: prefer is "${String(options.prefer)}", expected one of ${ACCELERATOR_NAMES.join(', ')}`);
    }
    preference = options.prefer;
    source = `{ prefer: '${preference}' }`;
  } else if (fromEnv !== undefined && fromEnv !== '') {
    if (!isAcceleratorName(fromEnv)) {
      throw new Error(`currentAccelerator: TRAINBOOK_BACKEND is "${fromEnv}", expected one of ${ACCELERATOR_NAMES.join(', ')}`);
    }
    preference = fromEnv;
    source = `TRAINBOOK_BACKEND=${fromEnv}`;
  }
  if (cached !== undefined && cached.preference === preference && tf.getBackend() === cached.accelerator.name) {
    return cached.accelerator;
  }
  const candidates = preference !== undefined ? [preference] : ACCELERATOR_NAMES;
  const reasons: string[] = [];
  for (const name of candidates) {
    const result = await TRIES[name]();
    if (typeof result !== 'string') {
      cached = { preference, accelerator: result };
      return result;
    }
    reasons.push(`${name}: ${result}`);
  }
  const name = preference ?? 'cpu';
  throw new Error(
    `currentAccelerator: ${source || 'no backend'} is unavailable (${reasons.join('; ')}). ${INSTALL_HINTS[name]}` +
      (preference !== undefined ? ', or choose another backend (TRAINBOOK_BACKEND=wasm or cpu).' : '.'),
  );
}
