/**
 * The tf.js worker of `npm run bench` (the counterpart of bench/torch_bench.py): reads one JSON
 * request per line on stdin, `{"workload": "mlp-step", "units": 20}`, runs that many units and
 * answers `{"ms": [...]}`. The backend comes from the command line: `wasm` (with
 * `useFastWasmKernels`, XNNPACK), `wasm-native` (with `useFastWasmKernels` and the OpenBLAS
 * addon), `wasm-stock` (tf.js 4.22's own kernels), `cpu`, or `tensorflow` (the native backend,
 * `@tensorflow/tfjs-node` built on PyPI's TensorFlow by `npx trainbook install-native`, selected the
 * way the course selects it, with `currentAccelerator`; its thread pools follow
 * `TF_NUM_INTRAOP_THREADS` / `TF_NUM_INTEROP_THREADS`, which the bench sets per row).
 */
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useFastWasmKernels } from '../src/patches/tfjs-wasm-kernels.js';
import { currentAccelerator } from '../src/train/accelerator.js';
import { irisEpoch, mlpStep, type Workload } from './workloads.js';

const variant = process.argv[2] ?? 'wasm';
const backend = variant.startsWith('wasm') ? 'wasm' : variant;
let kernels = 'stock tf.js kernels';
if (backend === 'tensorflow') {
  // Throws, saying how to install it, when the native backend is not installed.
  kernels = (await currentAccelerator({ prefer: 'tensorflow' })).description;
} else if (!(await tf.setBackend(backend))) throw new Error(`tfjs_worker: backend ${backend} failed to initialise`);
if (variant === 'wasm' || variant === 'wasm-native') {
  const result = useFastWasmKernels({ nativeBlas: variant === 'wasm-native' });
  if (variant === 'wasm-native' && result.matMul !== 'OpenBLAS') throw new Error(`tfjs_worker: ${result.description}`);
  kernels = result.description;
}

const factories: Record<string, () => Workload> = { 'iris-epoch': irisEpoch, 'mlp-step': mlpStep };
const workloads = new Map<string, Workload>();

process.stdout.write(`${JSON.stringify({ ready: true, backend: tf.getBackend(), variant, kernels })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line) as { workload?: string; units?: number; quit?: boolean };
  if (request.quit === true) break;
  const name = request.workload ?? '';
  if (name === 'ag-news-dense' || name === 'ag-news-sparse') {
    // The AG News helper's benchmark (bench/ag-news-step.ts): it times its own steps and returns their median.
    const { agNewsStepBench } = (await import('./ag-news-step.js')) as typeof import('./ag-news-step.js');
    const units = request.units ?? 1;
    try {
      const msPerStep = await agNewsStepBench({ backend: backend === 'tensorflow' ? 'tensorflow' : 'wasm', mode: name === 'ag-news-dense' ? 'dense' : 'sparse', warmupSteps: 3, steps: units });
      process.stdout.write(`${JSON.stringify({ ms: [msPerStep], unitName: 'step', samplesPerUnit: 64 })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
    }
    continue;
  }
  const factory = factories[name];
  if (factory === undefined) {
    process.stdout.write(`${JSON.stringify({ error: `unknown workload ${name}` })}\n`);
    continue;
  }
  let work = workloads.get(name);
  if (work === undefined) {
    work = factory();
    workloads.set(name, work);
  }
  const ms: number[] = [];
  for (let u = 0; u < (request.units ?? 1); u++) {
    const start = performance.now();
    await work.unit();
    ms.push(performance.now() - start);
  }
  process.stdout.write(`${JSON.stringify({ ms, unitName: work.unitName, samplesPerUnit: work.samplesPerUnit })}\n`);
}
for (const work of workloads.values()) work.dispose();
