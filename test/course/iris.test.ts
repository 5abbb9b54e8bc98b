// Every Iris notebook runs top to bottom on the real tslab kernel, headless, with no error output;
// the epochs notebook shows its charts and converges.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelJson } from '../../src/jupyter/install-kernel.js';
import type { KernelSpec } from '../../src/jupyter/kernelspec.js';
import { runNotebook, type RunResult } from '../../src/notebook/run.js';
import type { Output } from '../../src/notebook/nbformat.js';

const COURSE = 'notebooks/iris';
const notebooks = readdirSync(COURSE)
  .filter((name) => name.endsWith('.ipynb'))
  .sort();

/** The plain tslab kernel, started from this checkout (no kernelspec install needed). */
const tslab: KernelSpec = { name: 'tslab', resourceDir: process.cwd(), ...kernelJson('tslab') };

function text(output: Output): string {
  if (output.output_type === 'stream') return Array.isArray(output.text) ? output.text.join('') : output.text;
  return '';
}

/** Outputs that a student would read as an error: error outputs and anything on stderr. */
function errorOutputs(result: RunResult): string[] {
  return result.cells.flatMap((cell) =>
    cell.outputs
      .filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'))
      .map((o) => `cell ${cell.index + 1}: ${o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : text(o)}`),
  );
}

describe('the Iris course', () => {
  test('has the nine steps of the tutorial, in reading order', () => {
    assert.deepEqual(
      notebooks.map((name) => name.replace(/^\d\d-|\.ipynb$/g, '')),
      ['load', 'split', 'dataloader', 'model', 'train-step', 'validation-step', 'epochs', 'accelerator', 'save-load'],
    );
  });

  const results = new Map<string, RunResult>();
  const outDir = mkdtempSync(join(tmpdir(), 'trainbook-iris-'));

  for (const name of notebooks) {
    test(`${name} runs top to bottom on the tslab kernel with no error output`, { timeout: 300_000 }, async () => {
      const result = await runNotebook(join(COURSE, name), { kernelSpec: tslab, cellTimeoutMs: 120_000, outPath: join(outDir, name) });
      results.set(name, result);
      assert.equal(result.status, 'ok', result.failure?.message);
      assert.deepEqual(errorOutputs(result), []);
      assert.ok(result.cells.every((cell) => cell.status === 'ok' && cell.executionCount !== null));
    });
  }

  test('the epochs notebook draws its charts and reaches at least 0.9 validation accuracy', () => {
    const result = results.get('07-epochs.ipynb');
    assert.ok(result, '07-epochs.ipynb did not run');
    const html = result.cells.flatMap((cell) =>
      cell.outputs.flatMap((o) => {
        const value = o.output_type === 'display_data' ? o.data['text/html'] : undefined;
        if (value === undefined) return [];
        return [Array.isArray(value) ? value.join('') : String(value)];
      }),
    );
    const charts = html.filter((h) => h.includes('Plotly.') || h.includes('plotly'));
    assert.ok(charts.length >= 2, `expected the live chart and the history plot, found ${charts.length} plot outputs`);
    const embedded = html.filter((h) => h.length > 1_000_000).length;
    assert.equal(embedded, 1, 'plotly.js should be embedded once in the notebook');
    const printed = result.cells.flatMap((cell) => cell.outputs.map(text)).join('');
    const match = /validation accuracy after 30 epochs: ([\d.]+)/.exec(printed);
    assert.ok(match, 'the notebook did not print its final validation accuracy');
    assert.ok(Number(match[1]) >= 0.9, `validation accuracy after 30 epochs is ${match[1]}, expected >= 0.9`);
  });

  test('the save-load notebook finds every parameter and output equal after loading', () => {
    const result = results.get('09-save-load.ipynb');
    assert.ok(result, '09-save-load.ipynb did not run');
    const printed = result.cells.flatMap((cell) => cell.outputs.map(text)).join('');
    assert.match(printed, /all parameters match/);
    assert.match(printed, /same test outputs: true/);
    rmSync(outDir, { recursive: true, force: true });
  });
});
