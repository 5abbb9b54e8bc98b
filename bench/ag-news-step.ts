/**
 * One AG News training step at full size, TensorFlow.js against PyTorch (`bench/ag_news_step.py`).
 *
 * The step is the tutorial's: EmbeddingBag(95,812, 64) mean + Linear(64, 4), cross-entropy, backward,
 * clip_grad_norm_(0.1) over all parameters, SGD. Batches are 64 real texts of data/ag_news/test.csv
 * (about 43 tokens each), tokenized with basic_english and mapped through the test split's vocabulary
 * (25,271 tokens) into a table of 95,812 rows, the size of the full release's vocabulary. The Python
 * script builds the very same batches.
 *
 * Two tf.js variants:
 * - `dense`: the course's step (`tf.variableGrads`, `clipGradNorm`, `optimizer.applyGradients`); the
 *   embedding gradient is a dense [95,812, 64] tensor, as PyTorch's default `sparse=False`;
 * - `sparse`: trainbook's `sparseTrainBatch`, the same arithmetic on the rows the batch touches only:
 *   gather those rows, differentiate with respect to them, clip with the same total norm (untouched
 *   rows have zero gradient), and write the updated rows back with `tf.tensorScatterUpdate` (which
 *   copies the whole table);
 * - `sparse-inplace`: as `sparse`, but the updated rows are written straight into the variable's
 *   memory (wasm heap or cpu array). This reaches into tf.js backend internals, only when the
 *   variable's buffer is not shared (refCount 1); it is an experiment, not something the course uses.
 *
 * Run: npx tsx bench/ag-news-step.ts [--backend wasm|cpu|tensorflow] [--steps 30] [--no-python] [--profile]
 * Import: `agNewsStepBench(options)` resolves to the median milliseconds per step.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readAgNewsCsv, agNewsText } from '../src/text/ag-news-csv.js';
import { basicEnglish } from '../src/text/tokenizer.js';
import { buildVocabFromIterator } from '../src/text/vocab.js';
import { collateArrays } from '../src/text/collate.js';
import { embeddingBagMean } from '../src/text/embedding-bag.js';
import { clipGradNorm } from '../src/train/clip-grad-norm.js';
import { crossEntropyLoss } from '../src/train/losses.js';
import { sparseTrainBatch, touchedRows } from '../src/text/sparse-train-batch.js';
import { TextClassificationModel } from '../src/text/text-classification-model.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Options of {@link agNewsStepBench}. */
export interface AgNewsStepBenchOptions {
  /** tf.js backend. @default "wasm" */
  backend?: 'wasm' | 'cpu' | 'tensorflow';
  /** `"dense"` (the course's step), `"sparse"` or `"sparse-inplace"` (touched rows only). @default "dense" */
  mode?: 'dense' | 'sparse' | 'sparse-inplace';
  /** Rows of the embedding table. @default 95812 */
  vocabSize?: number;
  /** @default 64 */
  batchSize?: number;
  /** Untimed steps first. @default 5 */
  warmupSteps?: number;
  /** Timed steps; the median is returned. @default 30 */
  steps?: number;
  /** Learning rate of SGD. @default 5 */
  lr?: number;
  /** clip_grad_norm_'s max_norm. @default 0.1 */
  maxNorm?: number;
}

interface Batch {
  labels: Int32Array;
  text: Int32Array;
  offsets: Int32Array;
}

let cachedBatches: Batch[] | null = null;

/** The benchmark's batches: consecutive runs of 64 texts of test.csv (the same in bench/ag_news_step.py). */
export function agNewsBenchBatches(batchSize = 64, count = 40): Batch[] {
  if (cachedBatches !== null && cachedBatches.length >= count && cachedBatches[0].labels.length === batchSize) return cachedBatches;
  const rows = readAgNewsCsv(join(ROOT, 'data/ag_news/test.csv'));
  const tokens = rows.map((row) => basicEnglish(agNewsText(row)));
  const vocab = buildVocabFromIterator(tokens, { specials: ['<unk>'] });
  vocab.setDefaultIndex(0);
  const batches: Batch[] = [];
  for (let b = 0; b < count; b++) {
    const examples = rows.slice(b * batchSize, (b + 1) * batchSize).map((row) => [row.label, agNewsText(row)] as const);
    batches.push(collateArrays(examples, { textPipeline: (t) => vocab.lookupIndices(basicEnglish(t)) }));
  }
  cachedBatches = batches;
  return batches;
}

/** The model's parameters, initialised as the tutorial does (seeded). */
interface Params {
  embedding: tf.Variable<tf.Rank.R2>;
  fcWeight: tf.Variable<tf.Rank.R2>;
  fcBias: tf.Variable<tf.Rank.R1>;
}
type Step = (batch: Batch) => number;

/** The course's step: dense gradients, clipGradNorm, SGD. Returns the loss. */
function denseStep(params: Params, optimizer: tf.SGDOptimizer, maxNorm: number): Step {
  return (batch) =>
    tf.tidy(() => {
      const labels = tf.tensor1d(batch.labels, 'int32');
      const text = tf.tensor1d(batch.text, 'int32');
      const { value, grads } = tf.variableGrads(() => {
        const embedded = embeddingBagMean(params.embedding, text, batch.offsets); // [64, 64]
        const logits = tf.add(tf.matMul(embedded, params.fcWeight, false, true), params.fcBias) as tf.Tensor2D; // [64, 4]
        return crossEntropyLoss(logits, labels);
      });
      optimizer.applyGradients(clipGradNorm(grads, maxNorm).grads);
      return value.dataSync()[0];
    });
}

/** The float32 array behind a variable, to write into, or null when it is shared or the backend is unknown. */
function writableValues(variable: tf.Variable): Float32Array | null {
  const backend = tf.backend() as unknown as {
    dataIdMap?: { get(id: object): { memoryOffset: number; refCount: number } | undefined };
    wasm?: { HEAPU8: Uint8Array };
    data?: { get(id: object): { values?: unknown; refCount: number } | undefined };
  };
  if (variable.dtype !== 'float32') return null;
  if (backend.dataIdMap !== undefined && backend.wasm !== undefined) {
    const info = backend.dataIdMap.get(variable.dataId);
    if (info === undefined || info.refCount !== 1) return null;
    return new Float32Array(backend.wasm.HEAPU8.buffer, info.memoryOffset, variable.size);
  }
  if (backend.data !== undefined) {
    const info = backend.data.get(variable.dataId);
    if (info === undefined || info.refCount !== 1 || !(info.values instanceof Float32Array)) return null;
    return info.values;
  }
  return null;
}

/** The same step on the touched rows only. Returns the loss. */
function sparseStep(params: Params, lr: number, maxNorm: number, inPlace: boolean): Step {
  return (batch) => {
    const { unique, local } = touchedRows(batch.text);
    let loss = 0;
    tf.tidy(() => {
      const labels = tf.tensor1d(batch.labels, 'int32');
      const localIds = tf.tensor1d(local, 'int32');
      const rowIds = tf.tensor1d(unique, 'int32');
      // The touched rows [u, 64]; a segment sum with one row per segment is a gather, much faster on wasm.
      const rows = tf.sparse.sparseSegmentSum(params.embedding, rowIds, tf.range(0, unique.length, 1, 'int32'));
      const f = (r: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Scalar => {
        const embedded = embeddingBagMean(r as tf.Tensor2D, localIds, batch.offsets); // [64, 64]
        return crossEntropyLoss(tf.add(tf.matMul(embedded, w, false, true), b) as tf.Tensor2D, labels);
      };
      const { value, grads } = tf.valueAndGrads(f)([rows, params.fcWeight, params.fcBias]);
      const [gRows, gW, gB] = grads as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      // Same clipping as over the dense gradients: untouched rows contribute zeros to the norm.
      const clipped = clipGradNorm({ rows: gRows, w: gW, b: gB }, maxNorm).grads;
      const step = (x: tf.Tensor, g: tf.Tensor): tf.Tensor => tf.sub(x, tf.mul(g, lr));
      const newRows = step(rows, clipped.rows as tf.Tensor); // [u, 64]
      const table = inPlace ? writableValues(params.embedding) : null;
      if (table !== null) {
        const values = newRows.dataSync() as Float32Array;
        const dim = params.embedding.shape[1];
        unique.forEach((id, k) => table.set(values.subarray(k * dim, (k + 1) * dim), id * dim));
      } else {
        params.embedding.assign(tf.tensorScatterUpdate(params.embedding, tf.reshape(rowIds, [-1, 1]), newRows) as tf.Tensor2D);
      }
      params.fcWeight.assign(step(params.fcWeight, clipped.w as tf.Tensor) as tf.Tensor2D);
      params.fcBias.assign(step(params.fcBias, clipped.b as tf.Tensor) as tf.Tensor1D);
      loss = value.dataSync()[0];
    });
    return loss;
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function setUp(options: AgNewsStepBenchOptions): Promise<{ step: Step; batches: Batch[]; params: Params; cleanUp: () => void; settings: Required<AgNewsStepBenchOptions> }> {
  const settings: Required<AgNewsStepBenchOptions> = {
    backend: 'wasm', mode: 'dense', vocabSize: 95_812, batchSize: 64, warmupSteps: 5, steps: 30, lr: 5, maxNorm: 0.1, ...options,
  };
  if (tf.getBackend() !== settings.backend) await tf.setBackend(settings.backend);
  tf.enableProdMode();
  const batches = agNewsBenchBatches(settings.batchSize);
  const model = new TextClassificationModel(settings.vocabSize, 64, 4, { seed: 0 });
  const params: Params = { embedding: model.embedding.weight, fcWeight: model.fcWeight, fcBias: model.fcBias };
  const optimizer = tf.train.sgd(settings.lr);
  const librarySparse: Step = (batch) => {
    const tensors: [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D] = [tf.tensor1d(batch.labels, 'int32'), tf.tensor1d(batch.text, 'int32'), tf.tensor1d(batch.offsets, 'int32')];
    const loss = sparseTrainBatch(model, tensors, { optimizer, lossFn: crossEntropyLoss, maxNorm: settings.maxNorm });
    tf.dispose(tensors);
    return loss;
  };
  const step =
    settings.mode === 'dense' ? denseStep(params, optimizer, settings.maxNorm)
    : settings.mode === 'sparse' ? librarySparse
    : sparseStep(params, settings.lr, settings.maxNorm, true);
  const cleanUp = (): void => {
    model.dispose();
    optimizer.dispose();
  };
  return { step, batches, params, cleanUp, settings };
}

/**
 * Times one AG News training step at full size and resolves to the median milliseconds per step
 * after `warmupSteps` untimed steps. Leaves no tensors behind; switches tf.js to the given backend
 * and to prod mode.
 *
 * @example
 * const msPerStep = await agNewsStepBench({ backend: 'wasm', mode: 'dense' });
 */
export async function agNewsStepBench(options: AgNewsStepBenchOptions = {}): Promise<number> {
  const { step, batches, cleanUp, settings } = await setUp(options);
  const times: number[] = [];
  for (let i = 0; i < settings.warmupSteps + settings.steps; i++) {
    const batch = batches[i % batches.length] as Batch;
    const start = performance.now();
    step(batch);
    if (i >= settings.warmupSteps) times.push(performance.now() - start);
  }
  cleanUp();
  return median(times);
}

/** The losses of the first `n` steps (to check that dense and sparse compute the same thing). */
export async function agNewsStepLosses(options: AgNewsStepBenchOptions, n: number): Promise<number[]> {
  const { step, batches, cleanUp } = await setUp(options);
  const losses = Array.from({ length: n }, (_, i) => step(batches[i % batches.length] as Batch));
  cleanUp();
  return losses;
}

/** Milliseconds per kernel over `n` steps after a warm-up (tf.profile), largest first. */
export async function agNewsStepProfile(options: AgNewsStepBenchOptions, n = 5): Promise<Array<{ kernel: string; ms: number; calls: number }>> {
  const { step, batches, cleanUp, settings } = await setUp(options);
  for (let i = 0; i < settings.warmupSteps; i++) step(batches[i % batches.length] as Batch);
  const totals = new Map<string, { ms: number; calls: number }>();
  for (let i = 0; i < n; i++) {
    const info = await tf.profile(() => {
      step(batches[i % batches.length] as Batch);
    });
    for (const k of info.kernels) {
      const t = totals.get(k.name) ?? { ms: 0, calls: 0 };
      t.ms += Number(await k.kernelTimeMs);
      t.calls += 1;
      totals.set(k.name, t);
    }
  }
  cleanUp();
  return [...totals.entries()].map(([kernel, t]) => ({ kernel, ms: t.ms / n, calls: t.calls / n })).sort((a, b) => b.ms - a.ms);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const backend = (value('--backend') ?? 'wasm') as 'wasm' | 'cpu' | 'tensorflow';
  const steps = Number(value('--steps') ?? 30);
  const results: Record<string, number> = {};
  const modes = ['dense', 'sparse', 'sparse-inplace'] as const;
  for (const mode of modes) {
    const losses = await agNewsStepLosses({ backend, mode }, 5);
    results[mode] = await agNewsStepBench({ backend, mode, steps });
    console.log(`tf.js ${backend} ${mode.padEnd(14)}: ${results[mode].toFixed(2)} ms per step (median of ${steps}); first losses ${losses.map((l) => l.toFixed(5)).join(' ')}`);
  }
  if (args.includes('--profile')) {
    for (const mode of modes) {
      const profile = await agNewsStepProfile({ backend, mode });
      const total = profile.reduce((s, p) => s + p.ms, 0);
      console.log(`\nper-kernel time, ${mode} (ms per step, tf.profile; kernels only, total ${total.toFixed(2)} ms):`);
      for (const p of profile.slice(0, 12)) console.log(`  ${p.kernel.padEnd(22)} ${p.ms.toFixed(3).padStart(8)}  (${p.calls} calls)`);
    }
  }
  if (!args.includes('--no-python')) {
    for (const threads of [1, 2]) {
      const py = spawnSync('python3', [join(ROOT, 'bench/ag_news_step.py'), '--threads', String(threads), '--steps', String(steps)], { encoding: 'utf8' });
      if (py.status !== 0) {
        console.log(`PyTorch (${threads} thread${threads > 1 ? 's' : ''}) failed: ${py.stderr.trim().split('\n').at(-1)}`);
        continue;
      }
      const out = JSON.parse(py.stdout.trim().split('\n').at(-1) as string) as { msPerStep: number; losses: number[] };
      console.log(
        `PyTorch ${threads} thread${threads > 1 ? 's' : ' '}  : ${out.msPerStep.toFixed(2)} ms per step; first losses ${out.losses.map((l) => l.toFixed(5)).join(' ')}; ` +
          `tf.js/PyTorch: ${modes.map((m) => `${m} ${(results[m] / out.msPerStep).toFixed(2)}x`).join(', ')}`,
      );
    }
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
