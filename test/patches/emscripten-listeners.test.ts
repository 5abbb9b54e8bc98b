import assert from 'node:assert/strict';
import { test } from 'node:test';
import { removeAddedProcessListeners, snapshotProcessListeners } from '../../src/patches/emscripten-listeners.js';

test('removeAddedProcessListeners removes only the listeners added since the snapshot', () => {
  const kept = (): void => undefined;
  process.on('unhandledRejection', kept);
  const before = snapshotProcessListeners();
  const added = (): void => undefined;
  process.on('uncaughtException', added);
  process.on('unhandledRejection', added);
  try {
    assert.equal(removeAddedProcessListeners(before), 2);
    assert.ok(!process.listeners('uncaughtException').includes(added));
    assert.ok(!process.listeners('unhandledRejection').includes(added));
    assert.ok(process.listeners('unhandledRejection').includes(kept));
    assert.equal(removeAddedProcessListeners(before), 0);
  } finally {
    process.removeListener('unhandledRejection', kept);
  }
});

test('the wasm backend start adds listeners, and the patch removes them', async () => {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  const before = snapshotProcessListeners();
  assert.ok(await tf.setBackend('wasm'));
  // Emscripten's runtime in tfjs-backend-wasm 4.22.0 registers its own handlers; they must go.
  removeAddedProcessListeners(before);
  assert.deepEqual(snapshotProcessListeners(), before);
});
