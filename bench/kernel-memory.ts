/**
 * Memory of one trainbook kernel as a student uses it: RSS of the kernel's process tree, sampled every 50 ms.
 *
 *   idle           after the kernel answered its first (empty) cell
 *   after Iris 07  when notebooks/iris/07-epochs.ipynb has run (and 2 s later)
 *   peak FM 03     the highest sample while notebooks/fashion-mnist/03-train-model.ipynb runs, in a fresh kernel
 *
 * Usage: node --import tsx bench/kernel-memory.ts [--quick] [--node-flags "<flags>"] [--out bench/kernel-memory.md]
 *        [--bare] [--kernel-env "K=V ..."] [--iris-only] [--breakdown]   (Iris 07 alone; print V8's heap spaces, wasm
 *        memory and tf.js's tensor bytes after each notebook)
 * `--bare` starts the kernel as `node dist/kernel/main.js` without the kernelspec's own Node flags and env (the
 * kernel as it was before they were added); `--kernel-env "K=V ..."` sets environment variables of the kernel (as a kernelspec's `env` would).
 * `--node-flags` puts Node options in front of the kernel's script (as a kernelspec's argv would), to compare
 * settings without reinstalling the kernel. `--quick` runs the notebooks in the course's quick mode (CI sizes).
 * Needs `npm run build` (the kernel runs from dist/). Not a test: it asserts nothing, it prints and records.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { kernelJson, trainbookKernelMain } from '../src/jupyter/install-kernel.js';
import type { KernelSpec } from '../src/jupyter/kernelspec.js';
import { KernelClient } from '../src/jupyter/kernel-client.js';
import { cellSource, type Notebook } from '../src/notebook/nbformat.js';
import { injectParameters } from '../src/notebook/run.js';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flagsAt = args.indexOf('--node-flags');
const nodeFlags = flagsAt >= 0 ? (args[flagsAt + 1] ?? '').split(/\s+/).filter((f) => f !== '') : [];
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1] : undefined;
const envAt = args.indexOf('--kernel-env');
const kernelEnv = Object.fromEntries(
  (envAt >= 0 ? (args[envAt + 1] ?? '').split(/\s+/).filter((e) => e !== '') : []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
);
const bare = args.includes('--bare');
const irisOnly = args.includes('--iris-only');
const MB = 1024 ** 2;

// A cell that reports where the kernel's memory is, as V8 and Node see it (printed, not recorded).
const BREAKDOWN_CELL = `import * as v8 from "node:v8";
const benchMem = process.memoryUsage();
const benchSpaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_used_size / 1048576)]));
import * as benchTf from "@tensorflow/tfjs";
const benchWasm = (benchTf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm;
console.log(JSON.stringify({ rss: Math.round(benchMem.rss / 1048576), heapTotal: Math.round(benchMem.heapTotal / 1048576), heapUsed: Math.round(benchMem.heapUsed / 1048576), external: Math.round(benchMem.external / 1048576), arrayBuffers: Math.round(benchMem.arrayBuffers / 1048576), wasmMemory: benchWasm ? Math.round(benchWasm.HEAPU8.length / 1048576) : null, tensorBytes: Math.round(benchTf.memory().numBytes / 1048576), spaces: benchSpaces }));`;

async function breakdown(kernel: KernelClient, label: string): Promise<void> {
  const result = await kernel.execute(BREAKDOWN_CELL);
  const text = result.outputs.map((o) => ('text' in o ? String(o.text) : '')).join('');
  console.log(`${label}: ${result.status === 'ok' ? text.trim() : `${result.status} ${result.error?.evalue}`}`);
}

/** RSS in bytes of `pid`'s descendants (not `pid` itself: the runner's watchdog process). */
function kernelTreeRss(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const name of readdirProc()) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const pages = Number(readFileSync(`/proc/${name}/statm`, 'utf8').split(' ')[1]);
      rss.set(Number(name), pages * 4096);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // ended while read
    }
  }
  let total = 0;
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const p = queue.shift()!;
    total += rss.get(p) ?? 0;
    queue.push(...(children.get(p) ?? []));
  }
  return total;
}

function readdirProc(): string[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n));
}

/** The installed kernelspec's argv and env, or with `--bare` node and the kernel script alone (no flags, no env). */
function spec(): KernelSpec {
  const json = kernelJson('trainbook');
  const script = json.argv.indexOf(trainbookKernelMain);
  const base = bare ? [json.argv[0]] : json.argv.slice(0, script);
  const argv = [...base, ...nodeFlags, ...json.argv.slice(script)];
  return { ...json, argv, env: bare ? {} : json.env, name: 'trainbook', resourceDir: root };
}

interface Sampler {
  peak: number;
  stop(): void;
}

function sample(pid: number): Sampler {
  const state = { peak: 0, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    state.peak = Math.max(state.peak, kernelTreeRss(pid));
  }, 50);
  return state;
}

async function runNotebookCells(kernel: KernelClient, path: string): Promise<number> {
  const notebook = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
  if (quick) injectParameters(notebook, { quick: 'true' }, 'typescript');
  const started = performance.now();
  for (const [index, cell] of notebook.cells.filter((c) => c.cell_type === 'code').entries()) {
    const result = await kernel.execute(cellSource(cell));
    if (result.status !== 'ok') {
      throw new Error(`${path}: cell ${index + 1} ended ${result.status}: ${result.error?.ename}: ${result.error?.evalue}`);
    }
  }
  return (performance.now() - started) / 1000;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const iris = join(root, 'notebooks', 'iris', '07-epochs.ipynb');
  const fashion = join(root, 'notebooks', 'fashion-mnist', '03-train-model.ipynb');

  const a = await KernelClient.start(spec(), { cwd: dirname(iris), env: kernelEnv });
  let idle: number, irisAfter: number, irisPeak: number, irisSeconds: number;
  try {
    await a.execute('1');
    await sleep(2000);
    idle = kernelTreeRss(a.pid!);
    const s = sample(a.pid!);
    irisSeconds = await runNotebookCells(a, iris);
    s.stop();
    await sleep(2000);
    irisAfter = kernelTreeRss(a.pid!);
    irisPeak = Math.max(s.peak, irisAfter);
    if (args.includes('--breakdown')) await breakdown(a, 'after Iris 07');
  } finally {
    await a.shutdown();
  }

  if (irisOnly) {
    console.log(`idle ${(idle / MB).toFixed(0)} MB, after Iris 07 ${(irisAfter / MB).toFixed(0)} MB (peak ${(irisPeak / MB).toFixed(0)}, ${irisSeconds.toFixed(0)} s), kernel: ${spec().argv.slice(1, spec().argv.indexOf(trainbookKernelMain)).join(' ') || '(no flags)'} ${JSON.stringify({ ...spec().env, ...kernelEnv })}`);
    return;
  }
  const b = await KernelClient.start(spec(), { cwd: dirname(fashion), env: kernelEnv });
  let fashionPeak: number, fashionAfter: number, fashionSeconds: number;
  try {
    const s = sample(b.pid!);
    fashionSeconds = await runNotebookCells(b, fashion);
    s.stop();
    fashionAfter = kernelTreeRss(b.pid!);
    fashionPeak = Math.max(s.peak, fashionAfter);
    if (args.includes('--breakdown')) await breakdown(b, 'after Fashion-MNIST 03');
  } finally {
    await b.shutdown();
  }

  const flags = `${spec().argv.slice(1, spec().argv.indexOf(trainbookKernelMain)).join(' ') || '(none)'} ${JSON.stringify({ ...spec().env, ...kernelEnv })}`;
  const row = `| ${new Date().toISOString().slice(0, 16)}Z | ${flags} | ${quick ? 'quick' : 'full'} | ${(idle / MB).toFixed(0)} | ${(irisAfter / MB).toFixed(0)} (peak ${(irisPeak / MB).toFixed(0)}, ${irisSeconds.toFixed(0)} s) | ${(fashionPeak / MB).toFixed(0)} (after ${(fashionAfter / MB).toFixed(0)}, ${fashionSeconds.toFixed(0)} s) |`;
  console.log('| when | node flags, env | mode | idle MB | after Iris 07 MB | peak Fashion-MNIST 03 MB |');
  console.log('|---|---|---|---|---|---|');
  console.log(row);
  if (out) {
    if (!existsSync(out)) throw new Error(`--out ${out}: no such file; create it with its table header first`);
    appendFileSync(out, row + '\n');
  }
}

await main();
