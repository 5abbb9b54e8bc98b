// Measures kernel start and the runner's own cost per cell and per notebook (not a test: speed is never asserted).
// npm run bench:runner
import { join } from 'node:path';
import { runNotebook } from '../src/notebook/run.js';
import { fixtures, makeJupyterPath } from '../test/notebook/kernels.js';

const { tslab, python } = await makeJupyterPath();
const runs = [{ name: 'ts-many (tslab, 50 trivial cells)', path: 'ts-many.ipynb', spec: tslab }];
if (python) runs.push({ name: 'py-many (ipykernel, 50 trivial cells)', path: 'py-many.ipynb', spec: python });
for (const { name, path, spec } of runs) {
  for (let repeat = 0; repeat < 2; repeat++) {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const result = await runNotebook(join(fixtures, path), { kernelSpec: spec, outPath: join('/tmp', `bench-${path}`) });
    const totalMs = performance.now() - wall;
    const used = process.cpuUsage(cpu);
    const cellMs = result.cells.map((c) => c.durationMs);
    const median = [...cellMs].sort((a, b) => a - b)[Math.floor(cellMs.length / 2)];
    console.log(
      `${name}: status ${result.status}; kernel start ${result.kernelStartMs.toFixed(0)} ms; ` +
        `cells ${cellMs.reduce((a, b) => a + b, 0).toFixed(0)} ms (median ${median.toFixed(1)} ms/cell round trip); ` +
        `total ${totalMs.toFixed(0)} ms; beyond kernel start and cells ${(totalMs - result.kernelStartMs - cellMs.reduce((a, b) => a + b, 0)).toFixed(0)} ms; ` +
        `runner CPU ${((used.user + used.system) / 1000).toFixed(0)} ms`,
    );
  }
}
