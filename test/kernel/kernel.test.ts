import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import * as zmq from 'zeromq';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KernelClient } from '../../src/jupyter/kernel-client.js';
import { channelUrl, deserialize, newConnectionInfo, newMessage, newSessionId, serialize, writeConnectionFile, type Channel, type JupyterMessage } from '../../src/jupyter/wire.js';
import type { ErrorOutput, ExecuteResultOutput, Output } from '../../src/notebook/nbformat.js';
import { kernelMain, repoRoot, request, trainbookSpec } from './helpers.js';
import { skipUnlessNative } from '../backends.js';

const interruptModule = JSON.stringify(join(repoRoot, 'dist', 'runtime', 'interrupt.js'));

function only<T extends Output['output_type']>(outputs: readonly Output[], type: T): Extract<Output, { output_type: T }>[] {
  return outputs.filter((o): o is Extract<Output, { output_type: T }> => o.output_type === type);
}

function resultText(outputs: readonly Output[]): string {
  const results = only(outputs, 'execute_result') as ExecuteResultOutput[];
  assert.equal(results.length, 1, `expected one execute_result, got ${JSON.stringify(outputs)}`);
  const text = results[0]?.data['text/plain'];
  return Array.isArray(text) ? text.join('') : String(text);
}

function errorOf(outputs: readonly Output[]): ErrorOutput {
  const errors = only(outputs, 'error') as ErrorOutput[];
  assert.equal(errors.length, 1, `expected one error output, got ${JSON.stringify(outputs)}`);
  return errors[0] as ErrorOutput;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Interrupts a training loop over trainbook's DataLoader; it must stop at the next batch. */
async function checkInterruptStopsDataLoader(kernel: KernelClient): Promise<void> {
  const code = [
    'const { DataLoader, TensorDataset } = require("trainbook");',
    'const loaderData = new TensorDataset(tf.randomNormal([640, 4]), tf.zeros([640], "int32"));',
    'const loader = new DataLoader(loaderData, { batchSize: 8, shuffle: true, seed: 0 });',
    'let loaderBatches = 0;',
    'for (let epoch = 0; epoch < 100000; epoch++) {',
    '  for await (const [x] of loader) { loaderBatches++; const t = Date.now(); while (Date.now() - t < 2) {} }',
    '}',
  ].join('\n');
  const running = kernel.execute(code);
  await sleep(3000);
  await kernel.interrupt();
  const result = await running;
  assert.equal(errorOf(result.outputs).ename, 'KeyboardInterrupt');
  const first = resultText((await kernel.execute('loaderBatches')).outputs);
  await sleep(300);
  const second = resultText((await kernel.execute('loaderBatches')).outputs);
  assert.ok(Number(first) > 0);
  assert.equal(second, first, 'the DataLoader loop went on after the interrupt');
}

/** Interrupts model.fit; it must stop at the next batch and the cell end with KeyboardInterrupt. */
async function checkInterruptStopsFit(kernel: KernelClient): Promise<void> {
  const code = [
    'const model = tf.sequential({ layers: [tf.layers.dense({ units: 32, inputShape: [4], activation: "relu" }), tf.layers.dense({ units: 3 })] });',
    'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });',
    'let fitBatches = 0;',
    'const xs = tf.randomNormal([512, 4]);',
    'const ys = tf.randomNormal([512, 3]);',
    'await model.fit(xs, ys, { epochs: 10000, batchSize: 4, verbose: 0, callbacks: { onBatchEnd: async () => { fitBatches++; } } });',
    'console.log("not reached");',
  ].join('\n');
  const running = kernel.execute(code);
  await sleep(4000);
  await kernel.interrupt();
  const result = await running;
  assert.equal(result.status, 'error');
  assert.equal(errorOf(result.outputs).ename, 'KeyboardInterrupt');
  assert.deepEqual(only(result.outputs, 'stream'), [], 'the cell went on after the interrupted fit');
  assert.match(errorOf(result.outputs).traceback.join('\n'), new RegExp(`Cell In\\[${result.executionCount}\\], line 6`));
  const first = Number(resultText((await kernel.execute('fitBatches')).outputs));
  await sleep(500);
  const second = Number(resultText((await kernel.execute('fitBatches')).outputs));
  assert.ok(first > 0, 'fit never ran a batch');
  assert.equal(second, first, 'model.fit kept training after the interrupt');
}

describe('trainbook kernel over the Jupyter protocol', () => {
  let kernel: KernelClient;

  before(async () => {
    // wasm, even where the native backend is installed (it has its own suite below).
    kernel = await KernelClient.start(trainbookSpec(), { cwd: join(repoRoot, 'notebooks', 'iris'), startupTimeoutMs: 60_000, env: { TRAINBOOK_BACKEND: 'wasm' } });
  });
  after(async () => {
    await kernel?.shutdown();
  });

  test('kernel_info reports status ok, TypeScript and the real compiler version', async () => {
    const reply = await request(kernel.connection, 'shell', 'kernel_info_request', {});
    assert.equal(reply.content.status, 'ok');
    assert.equal(reply.content.implementation, 'trainbook');
    const info = reply.content.language_info as { name: string; version: string; file_extension: string };
    assert.equal(info.name, 'typescript');
    assert.equal(info.version, '5.0.4');
    assert.equal(info.file_extension, '.ts');
  });

  test('the last expression becomes an execute_result with the execution count of execute_input', async () => {
    const first = await kernel.execute('const answer: number = 6 * 7;\nanswer');
    assert.equal(first.status, 'ok');
    assert.equal(resultText(first.outputs), '42');
    const second = await kernel.execute('answer + 1');
    assert.equal(second.executionCount, (first.executionCount ?? 0) + 1);
    const result = only(second.outputs, 'execute_result')[0] as ExecuteResultOutput;
    assert.equal(result.execution_count, second.executionCount);
  });

  test('an assignment or a statement shows no execute_result', async () => {
    const result = await kernel.execute('let counter = 0;\ncounter = 5');
    assert.equal(result.status, 'ok');
    assert.deepEqual(only(result.outputs, 'execute_result'), []);
  });

  test('a tf.Tensor shows as PyTorch prints it plus an HTML table with dtype and shape', async () => {
    const result = await kernel.execute('import * as tf from "@tensorflow/tfjs";\ntf.tensor2d([[1, 2], [3, 4.5]])');
    assert.equal(result.status, 'ok', JSON.stringify(result.outputs));
    assert.equal(resultText(result.outputs), 'tensor([[1.0000, 2.0000],\n        [3.0000, 4.5000]])');
    const html = String((only(result.outputs, 'execute_result')[0] as ExecuteResultOutput).data['text/html']);
    assert.match(html, /float32/);
    assert.match(html, /\[2, 2\]/);
    assert.doesNotMatch(JSON.stringify(result.outputs), /Hi, looks like you are running TensorFlow\.js/);
  });

  test('a runtime error carries ename, evalue and the cell line numbers', async () => {
    const code = 'function check(n: number) {\n  // a comment line\n\n  if (n > 2) {\n    throw new RangeError("too big: " + n);\n  }\n  return n;\n}\ncheck(5)';
    const result = await kernel.execute(code);
    assert.equal(result.status, 'error');
    const error = errorOf(result.outputs);
    assert.equal(error.ename, 'RangeError');
    assert.equal(error.evalue, 'too big: 5');
    const traceback = error.traceback.join('\n');
    assert.match(traceback, new RegExp(`at check \\(Cell In\\[${result.executionCount}\\], line 5, column 11\\)`));
    assert.match(traceback, new RegExp(`Cell In\\[${result.executionCount}\\], line 9`));
    assert.match(traceback, /----> 5 \|     throw new RangeError/);
    assert.equal(result.reply?.ename, 'RangeError');
  });

  test('a type error is reported as TypeScriptError with line and column', async () => {
    const result = await kernel.execute('const ok = 1;\nconst bad: string = ok;');
    assert.equal(result.status, 'error');
    const error = errorOf(result.outputs);
    assert.equal(error.ename, 'TypeScriptError');
    assert.match(error.evalue, /^line 2, column 7: Type 'number' is not assignable to type 'string'/);
  });

  test('display ids update outputs in place and clearOutput clears them', async () => {
    const result = await kernel.execute('const id = display("first", { displayId: true });\nupdateDisplay("second", { displayId: id! });\nid');
    assert.equal(result.status, 'ok');
    const shown = only(result.outputs, 'display_data');
    assert.equal(shown.length, 1);
    assert.equal(shown[0]?.data['text/plain'], "'second'");
    const cleared = await kernel.execute('console.log("gone");\nclearOutput();\nconsole.log("kept")');
    assert.equal(cleared.status, 'ok');
    assert.deepEqual(
      cleared.outputs.map((o) => (o.output_type === 'stream' ? o.text : o.output_type)),
      ['kept\n'],
    );
  });

  test('stop_on_error aborts only the requests queued before the error, with no abort window after it', async () => {
    const failing = kernel.execute('throw new Error("first fails")');
    const queued1 = kernel.execute('"queued 1"');
    const queued2 = kernel.execute('"queued 2"');
    const [a, b, c] = await Promise.all([failing, queued1, queued2]);
    assert.equal(a.status, 'error');
    assert.equal(b.status, 'aborted');
    assert.equal(c.status, 'aborted');
    // Sent right after the error reply: tslab would abort it for 200 ms.
    const next = await kernel.execute('"runs"');
    assert.equal(next.status, 'ok');
    assert.equal(resultText(next.outputs), "'runs'");
  });

  test('stop_on_error false lets queued requests run after an error', async () => {
    const failing = kernel.execute('throw new Error("fails alone")', { stopOnError: false });
    const queued = kernel.execute('"still runs"');
    const [a, b] = await Promise.all([failing, queued]);
    assert.equal(a.status, 'error');
    assert.equal(b.status, 'ok');
  });

  test('history, comm_info and is_complete answer over the shell channel', async () => {
    const history = await request(kernel.connection, 'shell', 'history_request', { output: false, raw: true, hist_access_type: 'tail', n: 2 });
    assert.equal(history.content.status, 'ok');
    assert.equal((history.content.history as unknown[]).length, 2);
    const comm = await request(kernel.connection, 'shell', 'comm_info_request', {});
    assert.equal(comm.header.msg_type, 'comm_info_reply');
    assert.deepEqual(comm.content, { status: 'ok', comms: {} });
    const verdicts = [];
    for (const code of ['const x = 1;', 'function f() {', 'const = 1;']) {
      verdicts.push((await request(kernel.connection, 'shell', 'is_complete_request', { code })).content.status);
    }
    assert.deepEqual(verdicts, ['complete', 'incomplete', 'invalid']);
  });

  test('interrupt stops a synchronous loop and keeps the kernel state', async () => {
    const running = kernel.execute('let spins = 0;\nwhile (true) { spins++; }');
    await sleep(1000);
    await kernel.interrupt();
    const result = await running;
    assert.equal(result.status, 'error');
    assert.equal(errorOf(result.outputs).ename, 'KeyboardInterrupt');
    const after = await kernel.execute('spins > 0 && answer === 42');
    assert.equal(resultText(after.outputs), 'true');
  });

  test('interrupt stops an awaited loop that checks throwIfInterrupted at each batch, even while the thread is busy', async () => {
    const code = [
      `const { throwIfInterrupted } = require(${interruptModule});`,
      'let batchesSeen = 0;',
      'await Promise.resolve();',
      'async function* batches() { for (;;) { throwIfInterrupted(); yield batchesSeen++; } }',
      'for await (const _ of batches()) { const t = Date.now(); while (Date.now() - t < 5) {} }',
    ].join('\n');
    const running = kernel.execute(code);
    await sleep(1500);
    await kernel.interrupt();
    const result = await running;
    assert.equal(errorOf(result.outputs).ename, 'KeyboardInterrupt');
    const first = resultText((await kernel.execute('batchesSeen')).outputs);
    await sleep(300);
    const second = resultText((await kernel.execute('batchesSeen')).outputs);
    assert.ok(Number(first) > 0);
    assert.equal(second, first, 'the loop went on after the interrupt');
  });

  test("interrupt stops a training loop over trainbook's DataLoader at the next batch", async () => {
    await checkInterruptStopsDataLoader(kernel);
  });

  test('interrupt stops model.fit at the next batch and the cell ends with KeyboardInterrupt', async () => {
    await checkInterruptStopsFit(kernel);
  });

  test('stray rejections and exceptions after wasm starts do not kill the kernel', async () => {
    const backend = await kernel.execute('tf.getBackend()');
    assert.equal(resultText(backend.outputs), "'wasm'");
    const stray = await kernel.execute('Promise.reject(new Error("stray rejection"));\nsetTimeout(() => { throw new Error("late throw"); }, 0);\n"scheduled"');
    assert.equal(stray.status, 'ok');
    await sleep(300);
    const alive = await kernel.execute('1 + 1');
    assert.equal(resultText(alive.outputs), '2');
    assert.ok(kernel.alive);
  });
});

describe('trainbook kernel on the native tensorflow backend', { skip: skipUnlessNative() }, () => {
  let kernel: KernelClient;
  /** Whether a process of the kernel's process group (its watchdog and the kernel) has libtensorflow mapped. */
  const tensorflowLoaded = (): boolean =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .some((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
          return pgrp === kernel.pid && readFileSync(`/proc/${pid}/maps`, 'utf8').includes('libtensorflow_cc.so.2');
        } catch {
          return false; // a process that ended meanwhile
        }
      });

  before(async () => {
    kernel = await KernelClient.start(trainbookSpec(), { cwd: join(repoRoot, 'notebooks', 'iris'), startupTimeoutMs: 60_000, env: { TRAINBOOK_BACKEND: 'tensorflow' } });
  });
  after(async () => {
    await kernel?.shutdown();
  });

  test('loads libtensorflow at the first cell that uses tf.js, not before, and prints none of its log lines', async () => {
    assert.equal(resultText((await kernel.execute('6 * 7')).outputs), '42');
    assert.equal(tensorflowLoaded(), false, 'an idle kernel has libtensorflow loaded');
    const result = await kernel.execute('import * as tf from "@tensorflow/tfjs";\ntf.getBackend()');
    assert.equal(result.status, 'ok');
    assert.equal(resultText(result.outputs), "'tensorflow'");
    assert.equal(tensorflowLoaded(), true);
    const sum = await kernel.execute('tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]');
    assert.equal(resultText(sum.outputs), '6');
    assert.deepEqual(only([...result.outputs, ...sum.outputs], 'stream'), [], 'TensorFlow wrote to the notebook');
  });

  test("interrupt stops a training loop over trainbook's DataLoader at the next batch", async () => {
    await checkInterruptStopsDataLoader(kernel);
  });

  test('interrupt stops model.fit at the next batch and the cell ends with KeyboardInterrupt', async () => {
    await checkInterruptStopsFit(kernel);
  });
});

describe('trainbook kernel process lifetime', () => {
  test('the kernel exits soon after its parent process dies (a zombie counts as exited)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trainbook-orphan-'));
    try {
      const connectionFile = join(dir, 'kernel.json');
      await writeConnectionFile(connectionFile, await newConnectionInfo());
      // A parent that starts the kernel in the background and exits at once.
      const parent = spawn('sh', ['-c', `"${process.execPath}" "${kernelMain}" --connection-file "${connectionFile}" >/dev/null 2>&1 & echo $!; sleep 3`], {
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, JPY_PARENT_PID: '' },
      });
      const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      // Exited means gone or a zombie: the reaper (this machine's PID 1) may collect it much later.
      const alive = (): boolean => {
        try {
          process.kill(pid, 0);
        } catch {
          return false;
        }
        try {
          return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
        } catch {
          return true;
        }
      };
      await sleep(1000);
      assert.ok(alive(), 'the kernel did not start');
      await new Promise((resolve) => parent.once('exit', resolve));
      const deadline = Date.now() + 15_000;
      while (alive() && Date.now() < deadline) await sleep(20);
      const stillAlive = alive();
      if (stillAlive) process.kill(pid, 'SIGKILL');
      assert.equal(stillAlive, false, 'the kernel outlived its parent by 15 s');
      // No timing bound: the kernel may still be starting when the parent dies (its watch starts with the control
      // thread), and a loaded machine stretches both; the README's 0.5 s is measured on an idle machine.
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('with interrupt_mode signal, SIGINT stops a synchronous loop and model.fit', { timeout: 120_000 }, async () => {
    // On wasm: on the native backend this SIGINT route still loses an interrupt now and then (an open defect; the
    // kernel's own interrupt_mode, message, is tested on tensorflow above).
    const kernel = await KernelClient.start({ ...trainbookSpec(), interrupt_mode: 'signal' }, { cwd: join(repoRoot, 'notebooks', 'iris'), env: { TRAINBOOK_BACKEND: 'wasm' } });
    try {
      const spinning = kernel.execute('let spins = 0;\nwhile (true) { spins++; }');
      await sleep(1000);
      await kernel.interrupt();
      assert.equal(errorOf((await spinning).outputs).evalue, 'the kernel was interrupted while Cell In[1] was running');
      const fitting = kernel.execute(
        'import * as tf from "@tensorflow/tfjs";\nconst model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] });\n' +
          'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });\nlet batches = 0;\n' +
          'await model.fit(tf.randomNormal([256, 4]), tf.randomNormal([256, 8]), { epochs: 100000, batchSize: 4, verbose: 0, callbacks: { onBatchEnd: async () => { batches++; } } });',
      );
      await sleep(4000);
      await kernel.interrupt();
      assert.equal(errorOf((await fitting).outputs).ename, 'KeyboardInterrupt');
      const first = resultText((await kernel.execute('batches')).outputs);
      await sleep(500);
      assert.equal(resultText((await kernel.execute('batches')).outputs), first);
    } finally {
      await kernel.shutdown();
    }
  });

  test('shutdown with restart replies and ends the process', async () => {
    const kernel = await KernelClient.start(trainbookSpec(), { cwd: repoRoot });
    try {
      const reply = await request(kernel.connection, 'control', 'shutdown_request', { restart: true });
      assert.deepEqual(reply.content, { status: 'ok', restart: true });
      const deadline = Date.now() + 5000;
      while (kernel.alive && Date.now() < deadline) await sleep(100);
      assert.equal(kernel.alive, false);
    } finally {
      await kernel.shutdown();
    }
  });
});

describe('trainbook kernel on a shared machine', () => {
  // Jupyter picks a kernel's five ports and releases them before the kernel starts; on a machine where many kernels
  // start at once (a class on JupyterHub) another one can take a port in between. The kernel cannot pick others: it
  // must end, so that Jupyter restarts it on new ports. Before, a taken heartbeat or control port ended only the
  // control thread, and the kernel stayed alive answering nothing: the student's first cell never ran.
  const names: Record<Channel, string> = { shell: 'shell', iopub: 'iopub', stdin: 'stdin', control: 'control', hb: 'heartbeat' };
  for (const channel of Object.keys(names) as Channel[]) {
    test(`a kernel whose ${names[channel]} port another process holds ends at once, naming the port`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'trainbook-taken-'));
      const connection = await newConnectionInfo();
      const port = connection[`${channel}_port`];
      const holder: Server = createServer();
      await new Promise<void>((resolve, reject) => {
        holder.once('error', reject);
        holder.listen(port, connection.ip, () => resolve());
      });
      try {
        const connectionFile = join(dir, 'kernel.json');
        await writeConnectionFile(connectionFile, connection);
        const child = spawn(process.execPath, [kernelMain, '--connection-file', connectionFile], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        const code = await Promise.race([exited, sleep(30_000).then(() => 'running' as const)]);
        if (code === 'running') child.kill('SIGKILL');
        assert.notEqual(code, 'running', `the kernel was still running 30 s after its ${names[channel]} port was taken; it printed:\n${stderr}`);
        assert.equal(code, 1, stderr);
        assert.match(stderr, new RegExp(`cannot listen on tcp://127\\.0\\.0\\.1:${port} for the ${names[channel]} channel: Address already in use`), stderr);
        assert.doesNotMatch(stderr, /Unhandled promise rejection|SystemExit/, stderr);
      } finally {
        await new Promise((resolve) => holder.close(resolve));
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  test("a client that subscribes to iopub after its first request still gets that request's outputs and idle status", async () => {
    // jupyter console on a loaded machine: its iopub subscription can reach the kernel after the first cell ran
    // (ZeroMQ drops what is published to nobody), and it waits for that cell's idle status for ever.
    const dir = await mkdtemp(join(tmpdir(), 'trainbook-late-'));
    const connection = await newConnectionInfo();
    const connectionFile = join(dir, 'kernel.json');
    await writeConnectionFile(connectionFile, connection);
    const child = spawn(process.execPath, [kernelMain, '--connection-file', connectionFile], { stdio: 'ignore' });
    const shell = new zmq.Dealer({ linger: 0, receiveTimeout: 60_000 });
    const iopub = new zmq.Subscriber({ linger: 0, receiveTimeout: 5_000 });
    try {
      shell.connect(channelUrl(connection, 'shell'));
      const session = newSessionId();
      const execute = newMessage('execute_request', { code: 'console.log("printed before anyone listened");\n6 * 7', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, { session });
      await shell.send(serialize(execute, connection.key, connection.signature_scheme));
      let reply: JupyterMessage;
      do reply = deserialize(await shell.receive(), connection.key, connection.signature_scheme);
      while ((reply.parent_header as { msg_id?: string }).msg_id !== execute.header.msg_id);
      assert.equal(reply.content.status, 'ok');
      await sleep(300);
      iopub.connect(channelUrl(connection, 'iopub'));
      iopub.subscribe('');
      const seen: string[] = [];
      try {
        for (;;) {
          const msg = deserialize(await iopub.receive(), connection.key, connection.signature_scheme);
          if ((msg.parent_header as { msg_id?: string }).msg_id !== execute.header.msg_id) continue;
          const what = msg.header.msg_type === 'status' ? `status ${String(msg.content.execution_state)}` : msg.header.msg_type === 'stream' ? `stream ${String(msg.content.text).trim()}` : msg.header.msg_type;
          seen.push(what);
          if (what === 'status idle') break;
        }
      } catch (error) {
        assert.fail(`the late subscriber got ${JSON.stringify(seen)} and then nothing for 5 s (${(error as Error).message})`);
      }
      assert.deepEqual(seen, ['status busy', 'execute_input', 'stream printed before anyone listened', 'execute_result', 'status idle']);
    } finally {
      shell.close();
      iopub.close();
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
