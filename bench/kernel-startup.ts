/**
 * Side-by-side timing of the trainbook kernel and plain tslab 1.0.22: kernel start (spawn to kernel_info_reply) and
 * per-cell wall time (request to reply and idle) for a trivial cell, a typed cell, the first tf.js cell and later
 * tf.js cells. Kernels alternate round by round so both see the same machine load.
 *
 * Then both kernels stay up side by side for a steady-state comparison: 30 cells each, interleaved one by one.
 *
 * Run: npm run build && npm run bench:kernel -- [rounds=3]
 */
import { join } from 'node:path';
import { KernelClient } from '../src/jupyter/kernel-client.js';
import { kernelJson } from '../src/jupyter/install-kernel.js';
import type { KernelSpec } from '../src/jupyter/kernelspec.js';
import { repoRoot, trainbookSpec } from '../test/kernel/helpers.js';

const rounds = Number(process.argv[2] ?? 3);
const cwd = join(repoRoot, 'notebooks', 'iris');
const specs: Record<string, () => KernelSpec> = {
  tslab: () => ({ name: 'tslab', resourceDir: cwd, ...kernelJson('tslab') }),
  trainbook: trainbookSpec,
};
const cells: [string, string][] = [
  ['trivial', '1 + 1'],
  ['typed', 'interface Row { a: number; b: string }\nconst rows: Row[] = [{ a: 1, b: "x" }, { a: 2, b: "y" }];\nrows.map((r) => r.a * 2).reduce((s, v) => s + v, 0)'],
  // The notebooks' first cell: tf.js and the cell library's accelerator (the trainbook kernel starts it before the
  // cell runs; on tslab the cell's own call does it), so both kernels do the same work on the same backend.
  ['first tfjs', 'import * as tf from "@tensorflow/tfjs";\nimport { currentAccelerator } from "trainbook";\nawait currentAccelerator();\ntf.tensor([1, 2, 3]).sum().dataSync()[0]'],
  ['tfjs 1', 'tf.tensor([1, 2, 3]).mean().dataSync()[0]'],
  ['tfjs 2', 'tf.tensor([4, 5, 6]).mean().dataSync()[0]'],
  ['tfjs 3', 'tf.tensor([7, 8, 9]).mean().dataSync()[0]'],
];

const times: Record<string, Record<string, number[]>> = { tslab: {}, trainbook: {} };
const record = (kernel: string, what: string, ms: number): void => {
  (times[kernel][what] ??= []).push(ms);
};

for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? ['tslab', 'trainbook'] : ['trainbook', 'tslab']) {
    const started = performance.now();
    const kernel = await KernelClient.start(specs[name](), { cwd });
    record(name, 'start', performance.now() - started);
    try {
      for (const [label, code] of cells) {
        const result = await kernel.execute(code);
        if (result.status !== 'ok') throw new Error(`${name}: cell "${label}" ended ${result.status}: ${JSON.stringify(result.outputs)}`);
        record(name, label, result.durationMs);
      }
    } finally {
      await kernel.shutdown();
    }
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
console.log(`median ms over ${rounds} rounds (cwd ${cwd}, load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')})`);
console.log(['what'.padEnd(12), 'tslab'.padStart(8), 'trainbook'.padStart(10), 'ratio'.padStart(7)].join(' '));
for (const what of ['start', ...cells.map(([label]) => label)]) {
  const a = median(times.tslab[what] ?? []);
  const b = median(times.trainbook[what] ?? []);
  console.log([what.padEnd(12), a.toFixed(0).padStart(8), b.toFixed(0).padStart(10), (b / a).toFixed(2).padStart(7)].join(' '));
}

// Steady state: both kernels up at once, cells interleaved one by one, so load spikes hit both alike.
const pair = { tslab: await KernelClient.start(specs.tslab(), { cwd }), trainbook: await KernelClient.start(specs.trainbook(), { cwd }) };
try {
  const steady: Record<string, Record<string, number[]>> = { tslab: {}, trainbook: {} };
  for (const kernel of [pair.tslab, pair.trainbook]) {
    await kernel.execute('import * as tf from "@tensorflow/tfjs";\nimport { currentAccelerator } from "trainbook";\nawait currentAccelerator();');
  }
  for (let i = 0; i < 30; i++) {
    for (const name of ['tslab', 'trainbook'] as const) {
      for (const [label, code] of [
        ['typed cell', `const v${i}: number[] = [${i}, 2, 3];\nv${i}.map((v) => v * 2)`],
        ['tfjs cell', `tf.tensor([${i}, 2, 3]).mean().dataSync()[0]`],
      ] as const) {
        const result = await pair[name].execute(code);
        if (result.status !== 'ok') throw new Error(`${name}: steady-state cell ended ${result.status}`);
        (steady[name][label] ??= []).push(result.durationMs);
      }
    }
  }
  console.log('steady state, median ms over 30 interleaved cells (after 1 warm-up each)');
  for (const label of ['typed cell', 'tfjs cell']) {
    const a = median(steady.tslab[label] ?? []);
    const b = median(steady.trainbook[label] ?? []);
    console.log([label.padEnd(12), a.toFixed(0).padStart(8), b.toFixed(0).padStart(10), (b / a).toFixed(2).padStart(7)].join(' '));
  }
} finally {
  await pair.tslab.shutdown();
  await pair.trainbook.shutdown();
}
