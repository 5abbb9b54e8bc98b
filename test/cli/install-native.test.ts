// `trainbook install-native` with the real pip, npm and node-gyp: each missing piece is an error that says what to
// do, a wrong hash installs nothing, an interrupted run leaves the previous build current, a second run with the
// build in place is a no-op, and --remove goes back to wasm. The full build (about 80 s) is made by scripts/setup.sh;
// the tests that need it are skipped without it, and fail in CI (test/backends.ts).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { NATIVE_BACKEND, nativeBackendStatus } from '../../src/train/native-backend.js';
import { skipUnlessNative } from '../backends.js';

const cli = join(process.cwd(), 'dist', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'trainbook-install-native-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh, empty cache folder. */
function emptyCache(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  return dir;
}

/** Runs `trainbook install-native <args>` with extra environment variables. */
function installNative(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string; seconds: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, 'install-native', ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (performance.now() - started) / 1000 };
}

describe('trainbook install-native: what is missing, and what to do', () => {
  test('no Python: names the command that failed and how to install it, and installs nothing', () => {
    const cache = emptyCache('no-python');
    const run = installNative([], { TRAINBOOK_CACHE_DIR: cache, PYTHON: '/nonexistent/python3' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /no Python: "\/nonexistent\/python3 --version" failed/);
    assert.match(run.stderr, /apt-get install python3 python3-pip/);
    assert.equal(existsSync(join(cache, 'native', 'current')), false);
  });

  test('no C++ compiler: says node-gyp needs one and how to get it', () => {
    const run = installNative([], { TRAINBOOK_CACHE_DIR: emptyCache('no-compiler'), CXX: '/nonexistent/g++' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /missing a C\+\+ compiler \("\/nonexistent\/g\+\+ --version" failed\)/);
    assert.match(run.stderr, /build-essential/);
  });

  test("no Node headers: says where it looked and how to get them", () => {
    const empty = emptyCache('no-headers');
    const run = installNative(['--nodedir', empty], { TRAINBOOK_CACHE_DIR: emptyCache('no-headers-cache') });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`Node's headers are not in ${join(empty, 'include', 'node')}`));
    assert.match(run.stderr, /--nodedir <prefix>/);
  });

  test('no network: pip cannot reach the index, and the message says how to go on offline', { timeout: 120_000 }, () => {
    const cache = emptyCache('no-network');
    // A closed local port stands for an unreachable index (the wheel is fetched from that index, not pip's cache).
    const run = installNative([], { TRAINBOOK_CACHE_DIR: cache, PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_RETRIES: '0', PIP_TIMEOUT: '2' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /pip could not download tensorflow-cpu==2\.20\.0 for --platform manylinux2014_x86_64 .*\(no network to PyPI, or an index without it\?\)/);
    assert.match(run.stderr, /127\.0\.0\.1:9/);
    assert.match(run.stderr, /--wheel <file>/);
    assert.equal(existsSync(join(cache, 'native', 'current')), false);
    assert.deepEqual(readdirSync(join(cache, 'native')).filter((e) => e.startsWith('.build-')), [], 'the temporary folder was left behind');
  });

  test('a hash mismatch names both hashes and installs nothing', { timeout: 300_000 }, () => {
    const cache = emptyCache('bad-hash');
    const wrong = '0'.repeat(64);
    const run = installNative([], { TRAINBOOK_CACHE_DIR: cache, TRAINBOOK_NATIVE_WHEEL_SHA256: wrong });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`hash mismatch: .*${NATIVE_BACKEND.wheel} has sha256 ${NATIVE_BACKEND.wheelSha256}, expected ${wrong}`));
    assert.equal(existsSync(join(cache, 'native', 'current')), false);
    assert.deepEqual(readdirSync(join(cache, 'native')).filter((e) => e.startsWith('.build-')), []);
  });

  test('a bad command line is a usage error', () => {
    const run = installNative(['--remove', '--force'], { TRAINBOOK_CACHE_DIR: emptyCache('usage') });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--remove takes no other option/);
  });
});

describe('trainbook install-native with the build in place', { skip: skipUnlessNative() }, () => {
  const installed = nativeBackendStatus(process.env);

  test('a second run is a no-op in seconds and changes nothing', () => {
    const before = readlinkSync(installed.currentDir);
    const run = installNative([], { TRAINBOOK_CACHE_DIR: installed.cacheDir });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /native backend already installed: @tensorflow\/tfjs-node 4\.22\.0 on tensorflow_cpu-2\.20\.0/);
    assert.ok(run.seconds < 10, `took ${run.seconds.toFixed(1)} s`);
    assert.equal(readlinkSync(installed.currentDir), before);
  });

  test('an interrupted rebuild leaves the previous build current, and --remove goes back to wasm', { timeout: 120_000 }, async () => {
    // A second cache whose current build is the installed one (a link to it), so its removal touches nothing real.
    const cache = emptyCache('interrupted');
    mkdirSync(join(cache, 'native', 'builds'), { recursive: true });
    symlinkSync(realpathSync(installed.currentDir), join(cache, 'native', 'current'));
    const child = spawn(process.execPath, [cli, 'install-native', '--force'], {
      env: { ...process.env, TRAINBOOK_CACHE_DIR: cache },
      detached: true,
      stdio: 'ignore',
    });
    const tempDir = (): string[] => readdirSync(join(cache, 'native')).filter((e) => e.startsWith('.build-'));
    const deadline = Date.now() + 60_000;
    while (tempDir().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(tempDir().length, 1, 'the rebuild never started');
    await new Promise((r) => setTimeout(r, 2000)); // pip is downloading into it
    process.kill(-child.pid!, 'SIGKILL'); // the CLI and pip: an interrupted run at its worst
    await new Promise((r) => child.once('exit', r));
    const status = nativeBackendStatus({ TRAINBOOK_CACHE_DIR: cache });
    assert.equal(status.installed, true, status.reason);
    assert.equal(realpathSync(status.currentDir), realpathSync(installed.currentDir));

    const removed = installNative(['--remove'], { TRAINBOOK_CACHE_DIR: cache });
    assert.equal(removed.status, 0, removed.stderr);
    assert.match(removed.stdout, /removed the native backend .*; the course runs on wasm/);
    assert.equal(existsSync(join(cache, 'native')), false, 'the half-made build was not removed');
    assert.equal(nativeBackendStatus({ TRAINBOOK_CACHE_DIR: cache }).installed, false);
    assert.ok(existsSync(join(installed.packageDir, NATIVE_BACKEND.napiFolder, 'tfjs_binding.node')), 'the real build was touched');
    const again = installNative(['--remove'], { TRAINBOOK_CACHE_DIR: cache });
    assert.match(again.stdout, /not installed; nothing to remove/);
    assert.ok(dirname(status.currentDir).startsWith(cache));
  });
});
