import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { skipUnlessNative } from '../backends.js';

const child = fileURLToPath(new URL('./fixtures/accelerator-child.ts', import.meta.url));

interface ChildReport {
  accelerator?: { name: string; gpu: boolean; description: string };
  sameObject?: boolean;
  backend?: string;
  listenersBefore?: number;
  listenersAfter?: number;
  sum?: number;
  strayRejections?: number;
  error?: string;
}

/** A cache folder with no native build in it: the machine as it is without `npx trainbook install-native`. */
const emptyCache = mkdtempSync(join(tmpdir(), 'trainbook-no-native-'));

/** Runs the child script with extra environment variables (default: no native build); returns its report and stderr. */
function run(env: Record<string, string>): { report: ChildReport; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, TRAINBOOK_BACKEND: '', TRAINBOOK_CACHE_DIR: emptyCache, ...env },
    encoding: 'utf8',
  });
  const lastLine = result.stdout.trim().split('\n').pop() ?? '';
  assert.equal(result.status, 0, `child exited with ${result.status}: ${result.stderr}`);
  return { report: JSON.parse(lastLine) as ChildReport, stderr: result.stderr };
}

describe('currentAccelerator', () => {
  it('picks wasm without native TensorFlow, prints no banner and keeps the process alive after a stray rejection', () => {
    const { report, stderr } = run({});
    assert.equal(report.accelerator?.name, 'wasm');
    assert.equal(report.accelerator?.gpu, false);
    assert.match(report.accelerator?.description ?? '', /WebAssembly/);
    assert.equal(report.backend, 'wasm');
    assert.equal(report.sum, 6);
    assert.equal(report.sameObject, true);
    // Emscripten adds an unhandledRejection and an uncaughtException handler; both are removed.
    assert.equal(report.listenersAfter, report.listenersBefore);
    assert.equal(report.strayRejections, 1);
    assert.doesNotMatch(stderr, /looks like you are running TensorFlow.js in Node/);
  });

  it('uses cpu when asked with { prefer: "cpu" }, without the "install tfjs-node" banner', () => {
    const { report, stderr } = run({ ACCELERATOR_PREFER: 'cpu' });
    assert.equal(report.accelerator?.name, 'cpu');
    assert.equal(report.backend, 'cpu');
    assert.equal(report.sum, 6);
    assert.doesNotMatch(stderr, /looks like you are running TensorFlow.js in Node/);
  });

  it('uses cpu when TRAINBOOK_BACKEND=cpu', () => {
    const { report } = run({ TRAINBOOK_BACKEND: 'cpu' });
    assert.equal(report.accelerator?.name, 'cpu');
  });

  it('explains how to install native TensorFlow when it is forced but missing', () => {
    const { report } = run({ TRAINBOOK_BACKEND: 'tensorflow' });
    assert.match(report.error ?? '', /currentAccelerator: TRAINBOOK_BACKEND=tensorflow is unavailable/);
    assert.match(report.error ?? '', /no native build in .*trainbook-no-native-.*native\/current/);
    assert.match(report.error ?? '', /Install it with `npx trainbook install-native`/);
    assert.match(report.error ?? '', /TRAINBOOK_BACKEND=wasm or cpu/);
  });

  it('rejects an unknown TRAINBOOK_BACKEND value, listing the valid ones', () => {
    const { report } = run({ TRAINBOOK_BACKEND: 'gpu' });
    assert.equal(report.error, 'currentAccelerator: TRAINBOOK_BACKEND is "gpu", expected one of tensorflow, wasm, cpu');
  });

  it('picks the native build of `npx trainbook install-native` when it is installed, without TensorFlow\'s log lines', { skip: skipUnlessNative() }, () => {
    const { report, stderr } = run({ TRAINBOOK_CACHE_DIR: '' });
    assert.equal(report.accelerator?.name, 'tensorflow', JSON.stringify(report));
    assert.equal(report.accelerator?.description, 'native TensorFlow (libtensorflow 2.20.0 from PyPI through @tensorflow/tfjs-node), CPU');
    assert.equal(report.backend, 'tensorflow');
    assert.equal(report.sum, 6);
    assert.equal(report.sameObject, true);
    assert.equal(report.strayRejections, 1);
    assert.doesNotMatch(stderr, /oneDNN|cpu_feature_guard|looks like you are running TensorFlow.js in Node/);
  });

  it('still uses wasm when TRAINBOOK_BACKEND=wasm, with the native build installed', { skip: skipUnlessNative() }, () => {
    const { report } = run({ TRAINBOOK_CACHE_DIR: '', TRAINBOOK_BACKEND: 'wasm' });
    assert.equal(report.accelerator?.name, 'wasm');
  });
});
