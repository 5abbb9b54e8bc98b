/**
 * `npm run bench`: trainbook (tf.js) against PyTorch on the course's workloads, side by side.
 *
 * One process tree: this orchestrator starts a tf.js worker per variant (bench/tfjs_worker.ts)
 * and one PyTorch worker (bench/torch_bench.py), warms each workload up, then interleaves
 * repetitions (rotating the order every round) so that every side sees the same machine load.
 * Each repetition runs several units (epochs or steps); the table shows the median over the
 * repetitions of the mean time per unit. Writes the table to bench/RESULTS.md.
 *
 * Environment: BENCH_REPS (default 7), BENCH_SCALE (multiplies units per repetition, default 1),
 * PYTHON (default python3).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { nativeBlasPath } from '../src/train/native-blas.js';

const here = new URL('.', import.meta.url).pathname;
const root = new URL('..', import.meta.url).pathname;
const reps = Number(process.env.BENCH_REPS ?? 7);
const scale = Number(process.env.BENCH_SCALE ?? 1);

interface Reply { ms?: number[]; error?: string; threads?: number; ready?: boolean }

/** Something that answers timing requests. */
interface Timer {
  readonly label: string;
  request(body: Record<string, unknown>): Promise<Reply>;
  close(): void;
}

/** A worker process that answers one JSON line per JSON request line. */
class Worker implements Timer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((reply: Reply) => void)[] = [];
  stderr = '';
  /** Resolves true once the worker says it is ready, false if it exits first. */
  readonly ready: Promise<boolean>;
  private setReady: (ok: boolean) => void = () => {};

  constructor(readonly label: string, command: string, args: string[], env: Record<string, string> = {}) {
    this.ready = new Promise((resolve) => (this.setReady = resolve));
    this.child = spawn(command, args, { cwd: root, env: { ...process.env, ...env } });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => {
      const reply = JSON.parse(line) as Reply;
      if (reply.ready === true) {
        this.setReady(true);
        return;
      }
      this.pending.shift()?.(reply);
    });
    this.child.on('exit', (code) => {
      this.setReady(false);
      for (const resolve of this.pending.splice(0)) resolve({ error: `${label} exited with code ${code}: ${this.stderr.slice(-2000)}` });
    });
  }

  request(body: Record<string, unknown>): Promise<Reply> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(`${JSON.stringify(body)}\n`);
    });
  }

  close(): void {
    this.child.stdin.write(`${JSON.stringify({ quit: true })}\n`);
    this.child.stdin.end();
  }
}

/**
 * The AG News helper's PyTorch script (bench/ag_news_step.py), started once per request: it builds
 * its batches from the committed tokens and vocabulary first (untimed), then times `units` steps and prints the median.
 */
class AgNewsTorch implements Timer {
  readonly label = 'PyTorch AG News (bench/ag_news_step.py)';
  async request(body: Record<string, unknown>): Promise<Reply> {
    const args = [`${here}ag_news_step.py`, '--threads', String(body.threads ?? 1), '--steps', String(body.units ?? 10), '--warmup', '3'];
    return new Promise((resolve) => {
      const child = spawn(python, args, { cwd: root });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('exit', (code) => {
        const last = out.trim().split('\n').at(-1) ?? '';
        if (code !== 0 || !last.startsWith('{')) {
          resolve({ error: `bench/ag_news_step.py exited with ${code}: ${err.trim().split('\n').at(-1) ?? ''}` });
          return;
        }
        resolve({ ms: [(JSON.parse(last) as { msPerStep: number }).msPerStep] });
      });
    });
  }
  close(): void {}
}

interface Config { key: string; implementation: string; backend: string; worker: Timer; extra: Record<string, unknown> }
interface WorkloadSpec { name: string; title: string; unitName: string; samplesPerUnit: number; units: number; configs: string[]; reps?: number }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const python = process.env.PYTHON ?? 'python3';
const torchInfo = JSON.parse(
  await new Promise<string>((resolve, reject) => {
    const p = spawn(python, [`${here}torch_bench.py`, '--info']);
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${python} bench/torch_bench.py --info failed (exit ${code}): is PyTorch installed? Run \`python3 -m pip install -r requirements-bench.txt\` (or bash scripts/setup.sh)`))));
  }),
) as { torch: string; default_threads: number };

/** Builds the optional OpenBLAS addon when it is missing; false (with a reason) when that fails. */
function nativeAddon(): { ok: boolean; note: string } {
  if (existsSync(nativeBlasPath())) return { ok: true, note: 'built' };
  const gyp = spawnSync(process.execPath, [`${dirname(process.execPath)}/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js`, 'rebuild', '--directory', `${root}src/train/native`], { encoding: 'utf8' });
  return existsSync(nativeBlasPath())
    ? { ok: true, note: 'built now' }
    : { ok: false, note: `could not be built (node-gyp exit ${gyp.status}; needs a C compiler, Node headers and libopenblas-dev)` };
}
const native = nativeAddon();

const tsx = ['--import', 'tsx', `${here}tfjs_worker.ts`];
// The native backend (npx trainbook install-native), with TensorFlow's thread pools at one thread
// each and at their defaults (one thread per core); left out, saying why, when it is not installed.
const quietTf = { TF_CPP_MIN_LOG_LEVEL: '2' };
const tfWorkers = {
  tf1: new Worker('tf.js tensorflow, 1 thread', process.execPath, [...tsx, 'tensorflow'], { ...quietTf, TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1' }),
  tfDefault: new Worker('tf.js tensorflow, default threads', process.execPath, [...tsx, 'tensorflow'], quietTf),
};
const tensorflowOk = (await Promise.all(Object.values(tfWorkers).map((w) => w.ready))).every(Boolean);
const tensorflowNote = tensorflowOk
  ? 'installed'
  : `not installed, no tensorflow rows (${tfWorkers.tf1.stderr.trim().split('\n').filter((l) => l.includes('Error')).at(-1) ?? tfWorkers.tf1.stderr.trim().split('\n').at(-1) ?? 'no message'}); install it with \`npx trainbook install-native\``;
if (!tensorflowOk) for (const w of Object.values(tfWorkers)) w.close();
const workers = {
  ...(tensorflowOk ? tfWorkers : {}),
  wasm: new Worker('tf.js wasm', process.execPath, [...tsx, 'wasm']),
  ...(native.ok ? { wasmNative: new Worker('tf.js wasm + OpenBLAS', process.execPath, [...tsx, 'wasm-native']) } : {}),
  wasmStock: new Worker('tf.js wasm (stock kernels)', process.execPath, [...tsx, 'wasm-stock']),
  // One process per thread setting: a process that has run with 2 threads keeps its OpenMP threads
  // spinning for a while afterwards, which would slow whatever is measured next.
  torch1: new Worker('PyTorch, 1 thread', python, [`${here}torch_bench.py`]),
  torchDefault: new Worker('PyTorch, default threads', python, [`${here}torch_bench.py`]),
};
const tfjsVersion = (JSON.parse(readFileSync(`${root}node_modules/@tensorflow/tfjs/package.json`, 'utf8')) as { version: string }).version;
const tfThreads = cpus().length;
const configs: Record<string, Config | undefined> = {
  ...(tensorflowOk
    ? {
        tf1: { key: 'tf1', implementation: 'trainbook (tf.js)', backend: 'tensorflow (tfjs-node on PyPI TF 2.20), TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1', worker: tfWorkers.tf1, extra: {} },
        tfDefault: { key: 'tfDefault', implementation: 'trainbook (tf.js)', backend: `tensorflow (tfjs-node on PyPI TF 2.20), default pools (${tfThreads} intra-op threads)`, worker: tfWorkers.tfDefault, extra: { parallel: tfThreads } },
      }
    : {}),
  wasm: { key: 'wasm', implementation: 'trainbook (tf.js)', backend: 'wasm + useFastWasmKernels (XNNPACK), 1 thread', worker: workers.wasm, extra: {} },
  ...(workers.wasmNative === undefined
    ? {}
    : { wasmNative: { key: 'wasmNative', implementation: 'trainbook (tf.js)', backend: 'wasm + useFastWasmKernels + OpenBLAS addon, 1 thread', worker: workers.wasmNative, extra: {} } }),
  wasmStock: { key: 'wasmStock', implementation: 'trainbook (tf.js)', backend: 'wasm, stock tf.js 4.22 kernels, 1 thread', worker: workers.wasmStock, extra: {} },
  torch1: { key: 'torch1', implementation: 'PyTorch', backend: 'CPU, 1 thread', worker: workers.torch1, extra: { threads: 1 } },
  torchDefault: { key: 'torchDefault', implementation: 'PyTorch', backend: `CPU, ${torchInfo.default_threads} threads (default)`, worker: workers.torchDefault, extra: { threads: torchInfo.default_threads } },
};

const agNewsLanded = existsSync(`${here}ag-news-step.ts`) && existsSync(`${here}ag_news_step.py`);
if (agNewsLanded) {
  const agTorch = new AgNewsTorch();
  configs.agDense = { key: 'agDense', implementation: 'trainbook (tf.js), dense gradient (the course\'s step)', backend: configs.wasm!.backend, worker: workers.wasm, extra: { workload: 'ag-news-dense' } };
  if (tensorflowOk) {
    configs.agDenseTf1 = { ...(configs.tf1 as Config), key: 'agDenseTf1', implementation: configs.agDense.implementation, extra: { workload: 'ag-news-dense' } };
    configs.agDenseTfDefault = { ...(configs.tfDefault as Config), key: 'agDenseTfDefault', implementation: configs.agDense.implementation, extra: { workload: 'ag-news-dense', parallel: tfThreads } };
  }
  configs.agSparse = { key: 'agSparse', implementation: 'trainbook (tf.js), touched rows only', backend: configs.wasm!.backend, worker: workers.wasm, extra: { workload: 'ag-news-sparse' } };
  configs.agTorch1 = { key: 'agTorch1', implementation: 'PyTorch', backend: 'CPU, 1 thread', worker: agTorch, extra: { threads: 1 } };
  configs.agTorchDefault = { key: 'agTorchDefault', implementation: 'PyTorch', backend: `CPU, ${torchInfo.default_threads} threads (default)`, worker: agTorch, extra: { threads: torchInfo.default_threads } };
}

const workloads: WorkloadSpec[] = [
  { name: 'iris-epoch', title: 'Iris epoch (4-16-8-3, Adam, batch 10, 105 rows + validation)', unitName: 'epoch', samplesPerUnit: 105, units: Math.max(1, Math.round(10 * scale)), configs: ['tf1', 'tfDefault', 'wasmNative', 'wasm', 'wasmStock', 'torch1', 'torchDefault'].filter((k) => k in configs) },
  { name: 'mlp-step', title: 'Fashion-MNIST MLP step (784-512-512-10, SGD momentum, batch 64)', unitName: 'step', samplesPerUnit: 64, units: Math.max(1, Math.round(20 * scale)), configs: ['tf1', 'tfDefault', 'wasmNative', 'wasm', 'wasmStock', 'torch1', 'torchDefault'].filter((k) => k in configs) },
  ...(agNewsLanded
    ? [{ name: 'ag-news-step', title: 'AG News training step (vocab 95,812, batch 64, clip 0.1)', unitName: 'step', samplesPerUnit: 64, units: Math.max(3, Math.round(15 * scale)), reps: Math.min(reps, 3), configs: ['agDenseTf1', 'agDenseTfDefault', 'agDense', 'agSparse', 'agTorch1', 'agTorchDefault'].filter((k) => k in configs) }]
    : []),
];

const loadBefore = loadavg();
const rows: { workload: WorkloadSpec; config: Config; msPerUnit: number; spread: [number, number]; error?: string }[] = [];
for (const workload of workloads) {
  const active = workload.configs.map((k) => configs[k]).filter((c): c is Config => c !== undefined);
  const multi = (c: Config): boolean => Number(c.extra.threads ?? 1) > 1 || Number(c.extra.parallel ?? 1) > 1;
  const perRep = new Map<string, number[]>(active.map((c) => [c.key, []]));
  // A configuration that fails (the native backend missing a kernel, say) gets its error in the
  // table instead of timings, and is not asked again.
  const failed = new Map<string, string>();
  const run = async (config: Config, units: number): Promise<number> => {
    if (failed.has(config.key)) return Number.NaN;
    const reply = await config.worker.request({ workload: workload.name, units, ...config.extra });
    if (reply.ms === undefined) {
      const message = (reply.error ?? 'no timings').split('\n')[0] as string;
      if (config.worker === workers.wasm || config.worker === workers.torch1) throw new Error(`${config.worker.label} on ${workload.name}: ${message}`);
      failed.set(config.key, message);
      process.stderr.write(`\n${config.worker.label} on ${workload.name} failed: ${message}\n`);
      return Number.NaN;
    }
    // Let multi-threaded PyTorch's spinning OpenMP threads go to sleep before the next measurement.
    if (multi(config)) await new Promise((resolve) => setTimeout(resolve, 500));
    return reply.ms.reduce((a, b) => a + b, 0) / reply.ms.length;
  };
  if (workload.name !== 'ag-news-step') for (const config of active) await run(config, Math.max(2, Math.ceil(workload.units / 2))); // warm-up (AG News warms up itself)
  const workloadReps = workload.reps ?? reps;
  // Single-threaded configurations are interleaved with each other; multi-threaded PyTorch runs
  // afterwards, on its own, so that its threads never compete with another measurement.
  for (const group of [active.filter((c) => !multi(c)), active.filter(multi)]) {
    for (let r = 0; r < workloadReps && group.length > 0; r++) {
      const order = group.map((_, i) => group[(i + r) % group.length] as Config);
      for (const config of order) perRep.get(config.key)?.push(await run(config, workload.units));
      process.stderr.write(`\r${workload.name}: repetition ${r + 1}/${workloadReps}${multi(group[0] as Config) ? ' (multi-threaded PyTorch)' : ''}`);
    }
  }
  process.stderr.write('\n');
  for (const config of active) {
    const values = (perRep.get(config.key) as number[]).filter((v) => !Number.isNaN(v));
    const error = failed.get(config.key);
    rows.push({ workload, config, msPerUnit: median(values), spread: [Math.min(...values), Math.max(...values)], ...(error === undefined ? {} : { error }) });
  }
}
const loadAfter = loadavg();
for (const w of Object.values(workers)) w.close();

const lines: string[] = [];
lines.push('| workload | implementation | backend | time per unit (median) | min-max over repetitions | samples/s | vs fastest PyTorch (medians) | (minimums) |');
lines.push('|---|---|---|---|---|---|---|---|');
for (const workload of workloads) {
  // The reference is PyTorch at its fastest thread count in this run (by median; by minimum for the minimums column).
  const torchRows = rows.filter((r) => r.workload === workload && r.config.implementation === 'PyTorch' && r.error === undefined);
  const reference = torchRows.length === 0 ? undefined : Math.min(...torchRows.map((r) => r.msPerUnit));
  const referenceMin = torchRows.length === 0 ? undefined : Math.min(...torchRows.map((r) => r.spread[0]));
  for (const row of rows.filter((r) => r.workload === workload)) {
    if (row.error !== undefined) {
      lines.push(`| ${workload.title} | ${row.config.implementation} | ${row.config.backend} | fails: ${row.error.replaceAll('|', '/')} | | | | |`);
      continue;
    }
    const ratio = reference === undefined ? 'n/a' : `${(row.msPerUnit / reference).toFixed(2)}x`;
    const minRatio = referenceMin === undefined ? 'n/a' : `${(row.spread[0] / referenceMin).toFixed(2)}x`;
    lines.push(
      `| ${workload.title} | ${row.config.implementation} | ${row.config.backend} | ${row.msPerUnit.toFixed(2)} ms/${workload.unitName} | ` +
        `${row.spread[0].toFixed(2)}-${row.spread[1].toFixed(2)} ms | ${Math.round((1000 * workload.samplesPerUnit) / row.msPerUnit).toLocaleString('en-US')} | ${ratio} | ${minRatio} |`,
    );
  }
}
if (!agNewsLanded) {
  lines.push('| AG News training step (vocab 95,812, batch 64, clip 0.1) | trainbook / PyTorch | | **pending**: bench/ag-news-step.ts and bench/ag_news_step.py have not landed | | | | |');
}
const table = lines.join('\n');

/** Which of the OpenBLAS addon and the native backend was quicker on each workload, from this run's medians. */
function compareAddonWithNative(): string {
  const verdicts: string[] = [];
  for (const workload of workloads) {
    const of = (keys: string[]): { key: string; ms: number } | undefined =>
      rows
        .filter((r) => r.workload === workload && keys.includes(r.config.key) && r.error === undefined)
        .map((r) => ({ key: r.config.key, ms: r.msPerUnit }))
        .sort((a, b) => a.ms - b.ms)[0];
    const addon = of(['wasmNative']);
    const nativeTf = of(['tf1', 'tfDefault']);
    if (addon === undefined || nativeTf === undefined) continue;
    const winner = addon.ms < nativeTf.ms ? 'the OpenBLAS addon' : 'tensorflow';
    verdicts.push(`${workload.name}: ${winner} (addon ${addon.ms.toFixed(2)} ms, tensorflow ${nativeTf.ms.toFixed(2)} ms with ${nativeTf.key === 'tf1' ? '1 thread' : 'its default pools'})`);
  }
  return verdicts.length === 0 ? 'not compared (the addon or the native backend is missing).' : `${verdicts.join('; ')}.`;
}
const addonVersusNative = compareAddonWithNative();
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const meta = [
  `Measured ${new Date().toISOString()} on ${cpus().length} x ${cpu}, Node ${process.version}, tf.js ${tfjsVersion}, PyTorch ${torchInfo.torch}.`,
  `Interleaved repetitions of the single-threaded configurations after a warm-up, then the multi-threaded PyTorch ones on their own (${reps}; AG News ${Math.min(reps, 3)}, each PyTorch AG News repetition a fresh bench/ag_news_step.py process that warms up 3 steps untimed); a repetition is the mean of ${workloads.map((w) => `${w.units} ${w.unitName}s`).join(' / ')} (AG News: the median of its steps, as agNewsStepBench and bench/ag_news_step.py report).`,
  `Native OpenBLAS addon (src/train/native): ${native.note}. Native TensorFlow backend: ${tensorflowNote}.`,
  `Load average (1 min) before ${loadBefore[0]?.toFixed(1)}, after ${loadAfter[0]?.toFixed(1)}: the machine has ${cpus().length} cores; numbers taken while other jobs run are slower on every side and their ratios noisier.`,
];
console.log(table);
console.log();
console.log(meta.join('\n'));

const results = `# Benchmark results

Written by \`npm run bench\` (bench/run.ts); the PyTorch side is bench/torch_bench.py and the
tf.js side bench/workloads.ts, both preloading their data as tensors. Ratios are time per unit
divided by PyTorch's at its fastest thread count in this run (1 or the default): of the medians,
and of the fastest repetitions (less sensitive to other jobs on a shared machine).

${table}

${meta.join('\n')}

## What the rows are

- **wasm, stock tf.js 4.22 kernels**: \`@tensorflow/tfjs-backend-wasm\` as published. Its matrix
  product uses XNNPACK only when neither operand is transposed; the backward pass of a dense layer
  (\`dx = dy · Wᵀ\`, \`dW = xᵀ · dy\`) falls back to a plain loop, and its \`Gather\` (how a DataLoader
  picks a batch) builds a coordinate vector per copied number.
- **wasm + useFastWasmKernels (XNNPACK)**: trainbook's \`useFastWasmKernels()\`
  (src/patches/tfjs-wasm-kernels.ts) re-registers \`BatchMatMul\`, \`_FusedMatMul\`, \`GatherV2\` and \`Slice\`
  for the wasm backend: transposed products become explicit transposes plus an XNNPACK product;
  a product whose right operand XNNPACK has not packed before (a weight matrix right after an
  optimizer step: XNNPACK caches packed weights by tensor, and packs with a strided transpose) goes
  as \`(bᵀ·aᵀ)ᵀ\` when that packs less; gathers and contiguous slices copy whole rows. Same results (tests compare with the cpu backend and
  with PyTorch's losses); \`currentAccelerator()\` turns it on with wasm, and the notebooks say so.
- **wasm + useFastWasmKernels + OpenBLAS addon**: the same, plus the optional native addon
  src/train/native (N-API, ~100 lines of C, \`node-gyp rebuild --directory src/train/native\`, needs
  a C compiler and Debian's \`libopenblas-dev\`): every single-matrix product runs OpenBLAS's sgemm in
  place on the wasm heap, one thread. Without the addon trainbook falls back to XNNPACK.
- **tensorflow**: \`@tensorflow/tfjs-node\` 4.22 built on PyPI's \`tensorflow-cpu\` 2.20 wheel
  (\`npx trainbook install-native\`), selected with \`currentAccelerator({ prefer: 'tensorflow' })\`; one
  row with \`TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1\`, one with TensorFlow's default pools
  (one intra-op thread per core). Left out, with the reason in the notes, when it is not installed.
- **PyTorch**: bench/torch_bench.py (and bench/ag_news_step.py for AG News), the seeds' code with the
  data preloaded as tensors; \`torch.set_num_threads(1)\` and the default. bench/ag_news_step.py reads
  torchtext's tokens and vocabulary from the committed goldens (test/golden/ag-news), so it needs
  PyTorch only (\`requirements-bench.txt\`, installed by scripts/setup.sh).

## Findings

- Per-kernel profile: \`node --import tsx bench/profile.ts mlp-step wasm|wasm-native|wasm-stock\` (and
  \`iris-epoch\`). On the MLP step (109 kernel calls) about 90% of the time is inside kernels and
  nearly all of that in the six matrix products (about 257 million multiply-adds per step). With
  the stock kernels the two transposed products of each layer's backward pass run a plain loop
  (about 2 GFLOP/s); routed through XNNPACK they run at about 25-30 GFLOP/s, which leaves the step
  at roughly 11 ms of GEMM plus 2-3 ms of element-wise work, about 4x PyTorch's 3.7 ms on this
  machine: XNNPACK's 128-bit wasm SIMD (no FMA) against PyTorch's AVX-512 kernels. The OpenBLAS
  addon does the same products at about 90 GFLOP/s and brings the step to about 1.5x.
- Iris is the opposite: about 2,000 tiny kernel calls per epoch (Adam alone is ~13 ops per weight
  tensor per step), each costing tens of microseconds of tf.js engine work (tape, tensor
  bookkeeping, garbage collection) for a few microseconds of arithmetic. Faster kernels cannot fix
  that; fewer ops would (a fused Adam), which would mean replacing \`tf.train.adam\` in the
  notebooks, so it is not done.
- Threads: tfjs-backend-wasm 4.22 hard-disables threads in Node (\`WASM_HAS_MULTITHREAD_SUPPORT\` is
  false when \`IS_NODE\`, tfjs issue 3830). Forcing the flag loads the threaded build, whose
  Emscripten runtime does support Node's worker_threads, but tf.js hands it the pthread worker and
  the main script as \`blob:\` URLs, which Node's \`Worker\` rejects (\`ERR_WORKER_PATH\`); it would take
  a patched tfjs-backend-wasm. Not done; the headline compares single-threaded runs anyway.
- The native backend (\`tensorflow\`): per kernel call it costs tens of microseconds of dispatch
  (tf.js engine plus the N-API binding plus TensorFlow's eager runtime), more than wasm's, so Iris
  (about 2,150 kernel calls per epoch, \`node --import tsx bench/profile.ts iris-epoch tensorflow\`)
  is slower on it than on wasm and several times PyTorch; only fewer ops (a fused Adam, which would
  replace \`tf.train.adam\` in the lessons) would close that. On the MLP step its matrix products are
  fast (a 64x784 · 784x512 product about 0.5-1 ms) but its about 115 other kernel calls (the loss,
  the optimizer's updates, \`Reshape\`, \`Fill\`) take as long again (\`bench/profile.ts mlp-step tensorflow\`).
  tfjs-node's own \`Step\` (every ReLU's gradient) ran eight kernels and cost as much as a layer's
  matrix product; trainbook's \`useFastTensorflowKernels\` (src/patches/tfjs-node-kernels.ts) runs it
  as \`sign(relu(x))\`, same values.
  One intra-op thread and the default pools are within noise of each other on a busy 2-core machine.
  AG News's EmbeddingBag runs there on \`gather\` + \`unsortedSegmentSum\` (tfjs-node has no
  \`SparseSegmentMean\` kernel).
- The OpenBLAS addon against the native backend: the addon keeps tf.js's lighter wasm dispatch and
  runs only the matrix products natively. In this run: ${addonVersusNative}
- PyTorch with its default 2 threads is much slower than with 1 thread on this shared 2-core
  machine (its worker threads wait for a core held by other jobs, and keep spinning after a
  step), so the ratios take whichever of the two was quicker in the run. The harness runs the 2-thread PyTorch
  configurations after the interleaved single-threaded ones and in their own process, so their
  spinning threads never slow another measurement; run \`npm run bench\` on an idle machine for
  clean 2-thread numbers.
`;
writeFileSync(`${here}RESULTS.md`, results);
