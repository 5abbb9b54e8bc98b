import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelClient } from '../../src/jupyter/kernel-client.js';
import type { KernelSpec } from '../../src/jupyter/kernelspec.js';
import { makeJupyterPath, SKIP_NO_IPYKERNEL } from '../notebook/kernels.js';

let python: KernelSpec | null;

before(async () => {
  ({ python } = await makeJupyterPath());
});

function fakeSpec(argv: string[]): KernelSpec {
  return { name: 'fake', resourceDir: mkdtempSync(join(tmpdir(), 'fake-')), argv, display_name: 'fake', language: 'x', interrupt_mode: 'signal', env: {}, metadata: {} };
}

test('a kernel that exits during startup fails fast with its exit code and what it printed', async () => {
  const spec = fakeSpec([process.execPath, '-e', 'console.error("boom at startup: missing module"); process.exit(3)']);
  await assert.rejects(KernelClient.start(spec, { startupTimeoutMs: 20_000 }), (e: Error) => {
    assert.match(e.message, /Kernel "fake" exited during startup \(exit code 3\)/);
    assert.match(e.message, /boom at startup: missing module/);
    return true;
  });
});

test('a kernel that never answers times out with a clear message', async () => {
  const spec = fakeSpec([process.execPath, '-e', 'console.log("listening nowhere"); setInterval(() => {}, 1000)']);
  await assert.rejects(KernelClient.start(spec, { startupTimeoutMs: 1500 }), /did not become ready within 1.5 s[\s\S]*listening nowhere/);
});

test('ipykernel: outputs, updates by display_id across cells, interrupt by message, heartbeat', { skip: SKIP_NO_IPYKERNEL }, async () => {
  assert.ok(python);
  const kernel = await KernelClient.start({ ...python, interrupt_mode: 'message' });
  try {
    assert.equal(kernel.kernelInfo.implementation, 'ipython');
    assert.equal(await kernel.heartbeat(), true);
    const first = await kernel.execute('from IPython.display import display\nh = display("one", display_id=True)\nprint("x"); print("y")');
    assert.equal(first.status, 'ok');
    assert.equal(first.executionCount, 1);
    assert.deepEqual(first.outputs[1], { output_type: 'stream', name: 'stdout', text: 'x\ny\n' });
    const second = await kernel.execute('h.update("two")');
    assert.deepEqual(second.outputs, []);
    assert.ok(first.outputs[0].output_type === 'display_data');
    assert.deepEqual(first.outputs[0].data, { 'text/plain': "'two'" });
    const cleared = await kernel.execute('from IPython.display import clear_output\nprint("a")\nclear_output()\nprint("b")');
    assert.deepEqual(cleared.outputs, [{ output_type: 'stream', name: 'stdout', text: 'b\n' }]);
    const slow = await kernel.execute('import time\ntime.sleep(30)', { timeoutMs: 800 });
    assert.equal(slow.status, 'timeout');
    assert.ok(slow.outputs.some((o) => o.output_type === 'error' && o.ename === 'KeyboardInterrupt'));
    const after = await kernel.execute('print("alive")');
    assert.equal(after.status, 'ok');
    const failed = await kernel.execute('1/0');
    assert.equal(failed.status, 'error');
    assert.equal(failed.errorSynthesized, undefined);
    assert.equal(failed.error?.ename, 'ZeroDivisionError');
  } finally {
    await kernel.shutdown();
  }
  assert.equal(kernel.alive, false);
});
