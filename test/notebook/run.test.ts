import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelSpec } from '../../src/jupyter/kernelspec.js';
import { cellSource, joinText, validateNotebook, type Notebook, type Output } from '../../src/notebook/nbformat.js';
import { describeFailure, injectParameters, locateError, runNotebook, shorthandPropertyHint } from '../../src/notebook/run.js';
import { trainbookSpec } from '../kernel/helpers.js';
import { fixtures, makeJupyterPath, SKIP_NO_IPYKERNEL } from './kernels.js';

let tslab: KernelSpec;
let python: KernelSpec | null;
const out = mkdtempSync(join(tmpdir(), 'tb-run-out-'));

before(async () => {
  ({ tslab, python } = await makeJupyterPath());
});

function text(outputs: readonly Output[], name: 'stdout' | 'stderr' = 'stdout'): string {
  return outputs
    .filter((o) => o.output_type === 'stream' && o.name === name)
    .map((o) => (o.output_type === 'stream' ? joinText(o.text) : ''))
    .join('');
}

test('a passing tslab notebook runs every cell with counts 1..n, params after the parameters cell, unicode and in-place display updates', async () => {
  const outPath = join(out, 'ts-pass.ipynb');
  const result = await runNotebook(join(fixtures, 'ts-pass.ipynb'), { kernelSpec: tslab, quick: true, params: { epochs: '3' }, outPath });
  assert.equal(result.status, 'ok', result.failure?.message);
  assert.deepEqual(result.cells.map((c) => c.status), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  assert.deepEqual(result.cells.map((c) => c.executionCount), [1, 2, 3, 4, 5, 6, 7]);
  const nb = JSON.parse(readFileSync(outPath, 'utf8')) as Notebook;
  assert.deepEqual(validateNotebook(nb), []);
  // The injected cell sits right after the cell tagged "parameters" and overrides its values.
  assert.deepEqual(nb.cells[2].metadata.tags, ['injected-parameters']);
  assert.equal(cellSource(nb.cells[2]), '// Parameters injected by trainbook run\nconst epochs = 3;\nconst quick = true;');
  assert.equal(text(result.cells[2].outputs), 'quick=true epochs=3\n');
  assert.equal(text(result.cells[3].outputs), 'héllo wörld ✓ 日本語 🚀\n');
  assert.equal(text(result.cells[4].outputs), 'a\nb\n');
  assert.equal(text(result.cells[4].outputs, 'stderr'), 'to stderr\n');
  // tslab.newDisplay(): one output, updated in place, also by a later cell.
  const display = result.cells[5].outputs;
  assert.equal(display.length, 1);
  assert.deepEqual(display[0].output_type === 'display_data' && display[0].data, { 'text/plain': 'updated from a later cell' });
  assert.deepEqual(result.cells[6].outputs.map((o) => o.output_type), ['display_data']);
  assert.deepEqual(nb.metadata.trainbook && (nb.metadata.trainbook as Record<string, unknown>).status, 'ok');
});

test('a tslab notebook failing in the middle stops there, keeps later cells unrun and says which cell and line', async () => {
  const outPath = join(out, 'ts-fail.ipynb');
  const result = await runNotebook(join(fixtures, 'ts-fail.ipynb'), { kernelSpec: tslab, outPath });
  assert.equal(result.status, 'failed');
  assert.deepEqual(result.cells.map((c) => c.status), ['ok', 'error', 'not-run']);
  assert.equal(result.failure?.cellNumber, 3);
  assert.equal(result.failure?.line, 2);
  assert.equal(result.failure?.message, 'RangeError: bad value 1');
  // tslab sends no error message: the runner synthesizes one so the executed notebook shows why.
  const nb = JSON.parse(readFileSync(outPath, 'utf8')) as Notebook;
  const failed = nb.cells[2];
  assert.ok(failed.cell_type === 'code');
  const error = failed.outputs.find((o) => o.output_type === 'error');
  assert.ok(error && error.output_type === 'error');
  assert.equal(error.ename, 'RangeError');
  assert.equal(error.evalue, 'bad value 1');
  assert.ok(!error.traceback.some((l) => l.includes('tslab/dist')), 'internal frames are trimmed');
  const never = nb.cells[3];
  assert.ok(never.cell_type === 'code' && never.execution_count === null && never.outputs.length === 0);
  assert.deepEqual(
    { status: 'failed', failedCell: 3, failedCellId: 'ts-fail-02' },
    (({ status, failedCell, failedCellId }) => ({ status, failedCell, failedCellId }))(nb.metadata.trainbook as Record<string, unknown>),
  );
  assert.equal(result.failure?.executionCount, 2);
  assert.match(describeFailure(result), /ts-fail\.ipynb: cell \[2\], line 2: RangeError: bad value 1\n {2}> throw new RangeError/);
  assert.match(describeFailure(result, { brief: true }), /ts-fail\.ipynb: cell \[2\], line 2$/);
});

test('on plain tslab, a shorthand property naming an earlier cell\'s variable fails with the rule and what to write instead', async () => {
  const result = await runNotebook(join(fixtures, 'ts-shorthand.ipynb'), { kernelSpec: tslab });
  assert.equal(result.status, 'failed');
  assert.equal(result.failure?.message, 'ReferenceError: lossFn is not defined');
  assert.match(result.failure?.hint ?? '', /on plain tslab a shorthand property cannot name a variable of an earlier cell: write \{ lossFn: lossFn \} instead of \{ lossFn \}/);
  assert.match(describeFailure(result), /cell \[2\], line 1: ReferenceError: lossFn is not defined\n[^]*\n {2}hint: on plain tslab a shorthand property/);
  // The trainbook kernel allows it.
  const onTrainbook = await runNotebook(join(fixtures, 'ts-shorthand.ipynb'), { kernelSpec: trainbookSpec() });
  assert.equal(onTrainbook.status, 'ok');
});

test('the shorthand-property hint is given only for that error', () => {
  const error = { output_type: 'error' as const, ename: 'ReferenceError', evalue: 'lossFn is not defined', traceback: [] };
  assert.equal(shorthandPropertyHint(error, 'console.log(lossFn);', 'tslab'), undefined);
  assert.equal(shorthandPropertyHint(error, 'const c = { lossFn };', 'trainbook'), undefined);
  assert.equal(shorthandPropertyHint({ ...error, ename: 'TypeError' }, 'const c = { lossFn };', 'tslab'), undefined);
  assert.match(shorthandPropertyHint(error, 'f({ a: 1,\n  lossFn\n});', 'tslab') ?? '', /\{ lossFn: lossFn \}/);
});

test('a TypeScript type error is reported with its line in the cell', async () => {
  const result = await runNotebook(join(fixtures, 'ts-type-error.ipynb'), { kernelSpec: tslab });
  assert.equal(result.status, 'failed');
  assert.equal(result.failure?.line, 2);
  assert.equal(result.failure?.sourceLine, 'const b: number = "not a number";');
  assert.match(result.failure?.message ?? '', /^TypeScriptError: 2:7 - Type 'string' is not assignable to type 'number'/);
  assert.deepEqual(result.cells.map((c) => c.status), ['ok', 'error', 'not-run']);
});

test('allowErrors runs the cells after a tslab failure (its 200 ms abort window is waited out) and still fails the run', async () => {
  const result = await runNotebook(join(fixtures, 'ts-allow-errors.ipynb'), { kernelSpec: tslab, allowErrors: true });
  assert.equal(result.status, 'failed');
  assert.deepEqual(result.cells.map((c) => c.status), ['ok', 'error', 'ok', 'ok']);
  assert.equal(text(result.cells[2].outputs), 'after the failure\n');
  assert.equal(text(result.cells[3].outputs), 'last cell\n');
  assert.deepEqual(result.cells.map((c) => c.executionCount), [1, 2, 3, 4]);
});

test('a cell over the time limit is interrupted and reported as a timeout', async () => {
  const result = await runNotebook(join(fixtures, 'ts-timeout.ipynb'), { kernelSpec: tslab, cellTimeoutMs: 1500 });
  assert.equal(result.status, 'failed');
  assert.deepEqual(result.cells.map((c) => c.status), ['ok', 'timeout', 'not-run']);
  assert.match(result.failure?.message ?? '', /^TimeoutError: Cell execution timed out after 1.5 s/);
  assert.ok(result.cells[1].durationMs < 10_000, `interrupt took ${result.cells[1].durationMs} ms`);
});

/** A trainbook-kernel notebook of code cells, written to the output folder. */
function notebookOf(name: string, sources: string[]): string {
  const path = join(out, name);
  const cells = sources.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null }));
  const metadata = { kernelspec: { name: 'trainbook', display_name: 'TypeScript (trainbook)', language: 'typescript' } };
  writeFileSync(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells }));
  return path;
}

test('--timeout stops a loop whose awaits resolve at once by interrupting it, keeping what it printed', async () => {
  const path = notebookOf('await-loop.ipynb', ['let n = 0;\nconsole.log("looping");\nwhile (true) { n++; await null; }', 'console.log("not reached")']);
  const started = performance.now();
  const result = await runNotebook(path, { kernelSpec: trainbookSpec(), cellTimeoutMs: 2000 });
  const elapsedMs = performance.now() - started;
  assert.equal(result.cells[0]?.status, 'timeout');
  assert.equal(text(result.cells[0]?.outputs ?? []), 'looping\n');
  assert.match(result.failure?.message ?? '', /^TimeoutError: Cell execution timed out after 2 s; the kernel was interrupted$/);
  assert.equal(result.cells[1]?.status, 'not-run');
  assert.ok(elapsedMs < 15_000, `the run took ${elapsedMs.toFixed(0)} ms: the kernel was not stopped by the interrupt`);
});

test('a cell that ignores the interrupt is killed, the error says it was a kill, and what it printed is kept', async () => {
  // After its first await the loop runs outside the kernel's reach (no await in it, not the cell's synchronous part).
  const path = notebookOf('stuck.ipynb', ['console.log("started");\nawait null;\nwhile (true) {}']);
  const result = await runNotebook(path, { kernelSpec: trainbookSpec(), cellTimeoutMs: 1500 });
  assert.equal(result.cells[0]?.status, 'timeout');
  assert.equal(text(result.cells[0]?.outputs ?? []), 'started\n');
  assert.match(result.failure?.message ?? '', /did not stop within 5 s of the interrupt and was killed/);
});

test('5 MB of output arrives whole and a burst of 2000 prints ends without hanging, merged into one stream', async () => {
  const result = await runNotebook(join(fixtures, 'ts-huge.ipynb'), { kernelSpec: tslab });
  assert.equal(result.status, 'ok', result.failure?.message);
  assert.equal(result.cells[0].outputs.length, 1);
  assert.equal(text(result.cells[0].outputs).length, 101 * 50_000);
  assert.equal(result.cells[1].outputs.length, 1);
  // tslab publishes each console.log as one iopub message and its PUB socket drops messages past its high-water
  // mark (1000) in a synchronous burst; nbclient loses the same ones. What arrives is in order, from the start.
  const lines = text(result.cells[1].outputs).split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 400, `${lines.length} lines arrived`);
  assert.equal(lines[0], 'line 0');
  const numbers = lines.map((l) => Number(l.slice(5)));
  assert.ok(numbers.every((n, i) => i === 0 || n > numbers[i - 1]), 'lines arrive in order');
});

test('parameters go at the top, with a warning, when no cell is tagged parameters', () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: 'code', id: 'a', metadata: {}, source: 'x', outputs: [], execution_count: null }],
  };
  assert.match(injectParameters(nb, { quick: 'true' }) ?? '', /no cell is tagged "parameters"/);
  assert.equal(cellSource(nb.cells[0]), '// Parameters injected by trainbook run\nconst quick = true;');
  // Running again replaces the injected cell instead of adding another.
  injectParameters(nb, { quick: 'false' });
  assert.equal(nb.cells.length, 2);
  assert.throws(() => injectParameters(nb, { 'bad-name': '1' }), /not a valid TypeScript identifier/);
});

test('locateError finds the line from tslab diagnostics, tslab stacks and IPython tracebacks', () => {
  const source = 'const a = 1;\nfunction f() { return (null as any).x }\nf();';
  const err = (ename: string, evalue: string, traceback: string[]) => ({ output_type: 'error' as const, ename, evalue, traceback });
  assert.deepEqual(locateError(err('TypeScriptError', "1:7 - Type 'string'", []), source), { line: 1, sourceLine: 'const a = 1;' });
  assert.deepEqual(
    locateError(err('TypeError', 'x', ['evalmachine.<anonymous>:5', 'function f() { return null.x; }', '^']), source),
    { sourceLine: 'function f() { return null.x; }' },
  );
  assert.deepEqual(locateError(err('ValueError', 'x', ['\u001b[0;31mCell In[3], line 3\u001b[0m']), source), { line: 3, sourceLine: 'f();' });
  const typed = 'const a = 1;\nconst b: number[] = [a];\nconst c = (b as any).x!.y;';
  assert.deepEqual(locateError(err('TypeError', 'x', ['evalmachine.<anonymous>:7', 'const c = b.x.y;', '^']), typed), {
    line: 3,
    sourceLine: 'const c = (b as any).x!.y;',
  });
});

test('the Python peer kernel runs the same way: counts, display updates across cells, clear_output(wait=True)', { skip: SKIP_NO_IPYKERNEL }, async () => {
  assert.ok(python);
  const result = await runNotebook(join(fixtures, 'py-pass.ipynb'), { kernelSpec: python, quick: true });
  assert.equal(result.status, 'ok', result.failure?.message);
  assert.equal(cellSource(result.notebook.cells[2]), '# Parameters injected by trainbook run\nquick = True');
  assert.equal(text(result.cells[2].outputs), 'quick=True epochs=2\n');
  assert.deepEqual(result.cells[3].outputs[1], { output_type: 'execute_result', execution_count: 4, data: { 'text/plain': '2' }, metadata: {} });
  assert.deepEqual(result.cells[5].outputs.map((o) => o.output_type === 'display_data' && o.data['text/plain']), ["'updated from a later cell'"]);
  assert.equal(text(result.cells[7].outputs), 'kept\n');
});

test('a Python error message is kept as sent and located by its traceback', { skip: SKIP_NO_IPYKERNEL }, async () => {
  assert.ok(python);
  const result = await runNotebook(join(fixtures, 'py-fail.ipynb'), { kernelSpec: python });
  assert.equal(result.status, 'failed');
  assert.deepEqual(result.cells.map((c) => c.status), ['ok', 'error', 'not-run']);
  assert.equal(result.failure?.line, 2);
  assert.equal(result.failure?.message, 'ValueError: bad value 1');
  assert.equal(result.cells[1].outputs.filter((o) => o.output_type === 'error').length, 1);
});

test('a Python cell over the time limit is interrupted by SIGINT', { skip: SKIP_NO_IPYKERNEL }, async () => {
  assert.ok(python);
  const result = await runNotebook(join(fixtures, 'py-timeout.ipynb'), { kernelSpec: python, cellTimeoutMs: 1000 });
  assert.deepEqual(result.cells.map((c) => c.status), ['timeout', 'not-run']);
  // The kernel's own KeyboardInterrupt error is kept along with the timeout.
  assert.ok(result.cells[0].outputs.some((o) => o.output_type === 'error' && o.ename === 'KeyboardInterrupt'));
});

test('a kernel that dies in a cell fails the run with KernelDied and leaves later cells unrun', async () => {
  const result = await runNotebook(join(fixtures, 'ts-dies.ipynb'), { kernelSpec: tslab });
  assert.equal(result.status, 'failed');
  assert.deepEqual(result.cells.map((c) => c.status), ['ok', 'dead', 'not-run']);
  assert.match(result.failure?.message ?? '', /^KernelDied: The kernel died while running this cell \(exit code 7\)/);
});

test('tslab needs no registration: with an empty JUPYTER_PATH the built-in kernelspec is used', async () => {
  const saved = { JUPYTER_PATH: process.env.JUPYTER_PATH, JUPYTER_DATA_DIR: process.env.JUPYTER_DATA_DIR };
  const empty = mkdtempSync(join(tmpdir(), 'tb-empty-'));
  process.env.JUPYTER_PATH = empty;
  process.env.JUPYTER_DATA_DIR = empty;
  try {
    const { resolveKernelSpec } = await import('../../src/notebook/run.js');
    const spec = resolveKernelSpec('tslab');
    assert.equal(spec.argv[0], process.execPath);
    assert.match(spec.argv[1], /tslab\/bin\/tslab$/);
    assert.throws(() => resolveKernelSpec('no-such-kernel'), /No Jupyter kernel named "no-such-kernel"/);
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
});
