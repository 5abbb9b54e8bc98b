// The trainbook kernel against what a notebook can do to it: loops that never yield, process.exit, odd throws,
// errors while idle, top-level await of parenthesised expressions. A real kernel from dist/ (npm run build first).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KernelClient, type CellOutput } from '../../src/jupyter/kernel-client.js';
import { repoRoot, trainbookSpec } from './helpers.js';

const cwd = join(repoRoot, 'notebooks', 'iris');

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function text(outputs: readonly CellOutput[], kind: 'stdout' | 'stderr' | 'result'): string {
  return outputs
    .map((o) => {
      if (kind === 'result') return o.output_type === 'execute_result' ? String(o.data['text/plain']) : '';
      return o.output_type === 'stream' && o.name === kind ? (Array.isArray(o.text) ? o.text.join('') : o.text) : '';
    })
    .join('');
}

function errors(outputs: readonly CellOutput[]): { ename: string; evalue: string; traceback: string[] }[] {
  return outputs.flatMap((o) => (o.output_type === 'error' ? [o] : []));
}

const MODEL = [
  'import * as tf from "@tensorflow/tfjs";',
  'const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [4] })] });',
  'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });',
  'const x = tf.randomNormal([8, 4]); const y = tf.randomNormal([8, 4]);',
  'const w = tf.variable(tf.randomNormal([4, 4])); const optimizer = tf.train.sgd(0.01);',
].join('\n');

/** Training loops whose only awaits resolve at once: they never return to the event loop. */
const LOOPS: [string, string][] = [
  ['await model.trainOnBatch in a for loop', 'for (let i = 0; i < 1e9; i++) { steps++; await model.trainOnBatch(x, y); }'],
  ['while (true) { await null }', 'while (true) { steps++; await null; }'],
  ['optimizer.minimize in a plain for with awaits', 'for (let i = 0; i < 1e9; i++) { steps++; const loss = optimizer.minimize(() => x.matMul(w).sub(y).square().mean() as tf.Scalar, true); await loss!.data(); loss!.dispose(); }'],
  ['await tensor.data() in a loop', 'for (;;) { steps++; const t = x.sum(); await t.data(); t.dispose(); }'],
];

describe('trainbook kernel: loops that never yield', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start(trainbookSpec(), { cwd, startupTimeoutMs: 60_000 });
    const setup = await kernel.execute(`${MODEL}\nlet steps = 0;`);
    assert.equal(setup.status, 'ok', JSON.stringify(setup.outputs));
  });
  after(async () => {
    await kernel?.shutdown();
  });

  for (const [name, loop] of LOOPS) {
    test(`interrupt stops ${name} with KeyboardInterrupt and keeps the kernel`, { timeout: 30_000 }, async () => {
      await kernel.execute('steps = 0;');
      const running = kernel.execute(`${loop}`);
      await sleep(1500);
      const interruptedAt = performance.now();
      await kernel.interrupt();
      const result = await Promise.race([running, sleep(10_000).then(() => assert.fail('the cell did not end within 10 s of the interrupt'))]);
      const stoppedMs = performance.now() - interruptedAt;
      assert.equal(result.status, 'error', JSON.stringify(result.outputs));
      assert.equal(errors(result.outputs)[0]?.ename, 'KeyboardInterrupt');
      assert.ok(stoppedMs < 2000, `the loop took ${stoppedMs.toFixed(0)} ms to stop`);
      const first = text((await kernel.execute('steps')).outputs, 'result');
      await sleep(300);
      assert.ok(Number(first) > 0, `the loop never ran (steps ${first})`);
      assert.equal(text((await kernel.execute('steps')).outputs, 'result'), first, 'the loop went on after the interrupt');
    });
  }

  test('an interrupt that comes while the cell still compiles ends it before its loop starts', { timeout: 60_000 }, async () => {
    // Thousands of typed declarations keep the compiler busy for a second or more before the loop would start.
    const declarations = Array.from({ length: 4000 }, (_, i) => `const c${i}: { v: number } = { v: ${i} };`).join('\n');
    const running = kernel.execute(`${declarations}\nsteps = -1;\nwhile (true) { steps++; }`);
    await sleep(300);
    await kernel.interrupt();
    const result = await Promise.race([running, sleep(20_000).then(() => assert.fail('the cell did not end within 20 s of the interrupt'))]);
    assert.equal(errors(result.outputs)[0]?.ename, 'KeyboardInterrupt', JSON.stringify(result.outputs));
    assert.notEqual(text((await kernel.execute('steps')).outputs, 'result'), '-1', 'the cell ran after the interrupt');
  });

  test('output printed by such a loop streams while the cell runs', { timeout: 30_000 }, async () => {
    let seenWhileRunning = '';
    const running = kernel.execute('let n = 0;\nwhile (true) { if (n++ % 100000 === 0) console.log(`tick ${n}`); await null; }', {
      onOutput: (outputs) => (seenWhileRunning = text(outputs, 'stdout')),
    });
    await sleep(1500);
    const before = seenWhileRunning;
    await kernel.interrupt();
    await Promise.race([running, sleep(10_000)]);
    assert.match(before, /tick 1\n/, 'nothing arrived while the loop ran');
  });
});

describe('trainbook kernel: exits, odd throws and idle errors', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start(trainbookSpec(), { cwd, startupTimeoutMs: 60_000 });
  });
  after(async () => {
    await kernel?.shutdown();
  });

  test('top-level await of a parenthesised expression, with or without "as", works', { timeout: 30_000 }, async () => {
    const typed = await kernel.execute('const v = await (Promise.resolve(5) as Promise<number>);\nv + 1');
    assert.equal(text(typed.outputs, 'result'), '6', JSON.stringify(typed.outputs));
    const plain = await kernel.execute('await (Promise.resolve(7))');
    assert.equal(text(plain.outputs, 'result'), '7', JSON.stringify(plain.outputs));
    const method = await kernel.execute('const arr = await (Promise.resolve([1, 2, 3]) as Promise<number[]>).then((a) => a.length);\narr');
    assert.equal(text(method.outputs, 'result'), '3', JSON.stringify(method.outputs));
  });

  test('throw Object.create(null) shows the thrown value, not the kernel internals', async () => {
    const result = await kernel.execute('throw Object.create(null);');
    const [error] = errors(result.outputs);
    assert.equal(error?.ename, 'Uncaught');
    assert.equal(error?.evalue, '[Object: null prototype] {}');
    assert.doesNotMatch(error?.traceback.join('\n') ?? '', /Cannot convert object to primitive value|KernelError/);
  });

  test('an error thrown while no cell runs appears in the next cell', async () => {
    const first = await kernel.execute('setTimeout(() => { throw new Error("late boom"); }, 100);');
    assert.equal(first.status, 'ok');
    await sleep(800);
    const next = await kernel.execute('1 + 1');
    assert.match(text(next.outputs, 'stderr'), /while no cell was running[\s\S]*late boom/);
    assert.equal(text(next.outputs, 'result'), '2');
  });

  test('process.exit(3) in a cell keeps what it printed and ends the kernel with code 3, no native abort', { timeout: 30_000 }, async () => {
    const result = await kernel.execute('console.log("before exit");\nprocess.exit(3);\nconsole.log("after exit");');
    assert.equal(text(result.outputs, 'stdout'), 'before exit\n');
    const reported = [...errors(result.outputs).map((e) => e.evalue), result.error?.evalue ?? ''].join('\n');
    assert.match(reported, /code 3/);
    const deadline = Date.now() + 5000;
    while (kernel.alive && Date.now() < deadline) await sleep(50);
    assert.equal(kernel.alive, false, 'the kernel did not exit');
    assert.equal(kernel.exitDescription, 'exit code 3');
    assert.doesNotMatch(kernel.processOutput, /terminate called|Napi::Error/);
  });
});
