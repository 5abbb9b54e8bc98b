/**
 * Where a tf.js training step spends its time: per-kernel time (tf.profile) and the rest (tf.js's
 * JavaScript engine: tape, bookkeeping, garbage collection), for one workload of bench/workloads.ts.
 *
 * Run: node --import tsx bench/profile.ts <mlp-step|iris-epoch> [wasm|wasm-native|wasm-stock|cpu|tensorflow] [units]
 * (`tensorflow` needs `npx trainbook install-native`; its threads follow TF_NUM_INTRAOP_THREADS.)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useFastWasmKernels } from '../src/patches/tfjs-wasm-kernels.js';
import { currentAccelerator } from '../src/train/accelerator.js';
import { irisEpoch, mlpStep, type Workload } from './workloads.js';

const [name = 'mlp-step', variant = 'wasm', unitsArg = '10'] = process.argv.slice(2);
const units = Number(unitsArg);
if (variant === 'tensorflow') console.log((await currentAccelerator({ prefer: 'tensorflow' })).description);
else await tf.setBackend(variant.startsWith('wasm') ? 'wasm' : variant);
if (variant === 'wasm' || variant === 'wasm-native') console.log(useFastWasmKernels({ nativeBlas: variant === 'wasm-native' }).description);
const work: Workload = name === 'iris-epoch' ? irisEpoch() : mlpStep();
for (let i = 0; i < 5; i++) await work.unit();

let wall = 0;
const totals = new Map<string, { ms: number; calls: number }>();
for (let i = 0; i < units; i++) {
  const start = performance.now();
  const info = await tf.profile(async () => {
    await work.unit();
  });
  wall += performance.now() - start;
  for (const k of info.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const t = totals.get(key) ?? { ms: 0, calls: 0 };
    t.ms += Number(await k.kernelTimeMs);
    t.calls += 1;
    totals.set(key, t);
  }
}
const rows = [...totals.entries()].map(([kernel, t]) => ({ kernel, ms: t.ms / units, calls: t.calls / units })).sort((a, b) => b.ms - a.ms);
const kernelMs = rows.reduce((s, r) => s + r.ms, 0);
const calls = rows.reduce((s, r) => s + r.calls, 0);
let plain = 0;
for (let i = 0; i < units; i++) {
  const start = performance.now();
  await work.unit();
  plain += performance.now() - start;
}
console.log(`${name} on ${variant}: ${(plain / units).toFixed(2)} ms per ${work.unitName} without profiling; ${calls.toFixed(0)} kernel calls, ` +
  `${kernelMs.toFixed(2)} ms inside kernels (${((100 * kernelMs) / (wall / units)).toFixed(0)}% of the profiled ${(wall / units).toFixed(2)} ms)`);
console.log('| kernel [input shapes] | calls | ms per unit |');
console.log('|---|---|---|');
for (const r of rows.slice(0, 15)) console.log(`| ${r.kernel} | ${r.calls} | ${r.ms.toFixed(3)} |`);
work.dispose();
