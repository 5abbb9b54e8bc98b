/**
 * `trainbook install-native`: builds the native TensorFlow backend (`@tensorflow/tfjs-node`) from the package
 * registries alone, because its own install script downloads libtensorflow from a host that answers 403.
 *
 * The route: pip fetches PyPI's `tensorflow-cpu` wheel (sha256 pinned in `src/train/native-backend.ts`), Python's
 * zipfile takes the two libraries and the C headers the binding includes out of it, npm installs tfjs-node without
 * its scripts, node-gyp compiles tfjs-node's own binding sources against them, and a child Node process loads the
 * result and runs one op. All of it happens in a temporary folder of the cache; a symlink renamed into place makes
 * the build current, so an interrupted run leaves the previous state. Hand-written because no maintained tool builds
 * tfjs-node on anything but Google's libtensorflow archives.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_BACKEND, NATIVE_MANIFEST, nativeBackendStatus, type NativeBackendManifest } from '../train/native-backend.js';
import { parseCommandLine, UsageError } from './args.js';

const USAGE = `Usage: trainbook install-native [--remove] [--force] [--wheel <file>] [--nodedir <prefix>]

Builds the native TensorFlow backend (@tensorflow/tfjs-node ${NATIVE_BACKEND.tfjsNodeVersion}) on PyPI's
${NATIVE_BACKEND.pypiProject}==${NATIVE_BACKEND.tensorflowVersion} wheel, in a cache outside the project
($TRAINBOOK_CACHE_DIR, else $XDG_CACHE_HOME/trainbook, else ~/.cache/trainbook). currentAccelerator() then picks
"tensorflow". Needs python3 with pip, a C++ compiler with make, and Node's headers (include/node in Node's prefix).
Supported: linux x86_64 (tested on Debian 12, Node 20). A second run with the build in place does nothing.

  --remove           delete the build; the course goes back to wasm
  --force            rebuild even when the build is in place
  --wheel <file>     use this wheel instead of downloading it (it must be ${NATIVE_BACKEND.wheel})
  --nodedir <prefix> where Node's headers are (<prefix>/include/node; default: Node's own install prefix)
  -h, --help         show this text

Environment: TRAINBOOK_NATIVE_WHEEL_SHA256 overrides the pinned sha256 (for testing the check), PYTHON the python3 to use.`;

/** An install step that cannot go on; the message says what is missing and what to do. */
export class NativeInstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeInstallError';
  }
}

/** Options of {@link installNative}. */
export interface InstallNativeOptions {
  /** Rebuild even when a build is in place. */
  force?: boolean;
  /** A local copy of the pinned wheel (no download). */
  wheel?: string;
  /** Node's install prefix holding `include/node`. */
  nodedir?: string;
  /** Environment (cache location, `PYTHON`, `TRAINBOOK_NATIVE_WHEEL_SHA256`); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What {@link installNative} did. */
export interface InstallNativeResult {
  /** `built` (a new build is current) or `present` (the build was in place; nothing done). */
  outcome: 'built' | 'present';
  /** The real `@tensorflow/tfjs-node` folder now in use. */
  packageDir: string;
  /** Seconds the whole run took, and the node-gyp build alone (0 when nothing was built). */
  seconds: number;
  buildSeconds: number;
}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a program, collecting stdout and stderr together; a program that cannot start gives code null. */
function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: null, output: output + error.message }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The last lines of a program's output, indented, for an error message. */
function tail(output: string, lines = 8): string {
  return output
    .trim()
    .split('\n')
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n');
}

function which(program: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

/** The supported platform, or an error naming the ones that are. */
function checkPlatform(): void {
  const platform = `${process.platform}-${process.arch}`;
  if ((NATIVE_BACKEND.platforms as readonly string[]).includes(platform)) return;
  throw new NativeInstallError(
    `install-native: this machine is ${platform}; the native backend is pinned to PyPI's ${NATIVE_BACKEND.wheel}, ` +
      `so it supports linux-x64 only (tested: Debian 12 x86_64, Node 20, built from the cp311 wheel). ` +
      `The course runs on wasm here. (On linux-arm64 the same route would take the "tensorflow" wheel for aarch64; ` +
      `it is not pinned or tested. macOS and Windows wheels ship other libraries and are not supported.)`,
  );
}

/** python3 with pip (and zipfile); an error saying how to get them. */
async function findPython(env: NodeJS.ProcessEnv, needPip: boolean): Promise<string> {
  const python = env.PYTHON !== undefined && env.PYTHON !== '' ? env.PYTHON : 'python3';
  const version = await run(python, ['--version'], { env });
  if (version.code !== 0) {
    throw new NativeInstallError(
      `install-native: no Python: "${python} --version" failed (${version.output.trim()}). Python's pip fetches the wheel and its zipfile ` +
        'extracts it: install python3 and pip (Debian: apt-get install python3 python3-pip), or set PYTHON to one.',
    );
  }
  if (needPip) {
    const pip = await run(python, ['-m', 'pip', '--version'], { env });
    if (pip.code !== 0) {
      throw new NativeInstallError(
        `install-native: no pip: "${python} -m pip --version" failed:\n${tail(pip.output, 3)}\n` +
          'Install it (Debian: apt-get install python3-pip), or download the wheel on another machine ' +
          `(python3 -m pip download --no-deps --only-binary=:all: ${NATIVE_BACKEND.pipTarget.join(' ')} ` +
          `${NATIVE_BACKEND.pypiProject}==${NATIVE_BACKEND.tensorflowVersion}) and pass it with --wheel <file>.`,
      );
    }
  }
  return python;
}

/** A C++ compiler and make, as node-gyp uses them. */
async function checkCompiler(env: NodeJS.ProcessEnv): Promise<void> {
  const cxx = env.CXX !== undefined && env.CXX !== '' ? env.CXX : 'g++';
  const missing: string[] = [];
  if ((await run(cxx, ['--version'], { env })).code !== 0) missing.push(`a C++ compiler ("${cxx} --version" failed)`);
  if ((await run('make', ['--version'], { env })).code !== 0) missing.push('make ("make --version" failed)');
  if (missing.length > 0) {
    throw new NativeInstallError(
      `install-native: missing ${missing.join(' and ')}; node-gyp compiles tfjs-node's binding with them. ` +
        'Install them (Debian: apt-get install build-essential), or set CXX to your compiler.',
    );
  }
}

/** Node's install prefix holding `include/node/node_api.h`, so node-gyp downloads nothing. */
function findNodeDir(given: string | undefined): string {
  const prefix = dirname(dirname(realpathSync(process.execPath)));
  const candidates = given !== undefined ? [given] : [prefix, '/usr', '/usr/local'];
  for (const dir of candidates) if (existsSync(join(dir, 'include', 'node', 'node_api.h'))) return dir;
  throw new NativeInstallError(
    `install-native: Node's headers are not in ${candidates.map((d) => join(d, 'include', 'node')).join(', ')} ` +
      `(looked for node_api.h); node-gyp needs them to compile the binding for Node ${process.version}. ` +
      'Install a Node package that ships them (NodeSource\'s nodejs does; Debian\'s own needs libnode-dev), ' +
      'or unpack node-' + process.version + '-headers.tar.gz from nodejs.org and pass its folder with --nodedir <prefix>.',
  );
}

/** node-gyp's entry script: npm's bundled copy, else one on PATH. */
function findNodeGyp(env: NodeJS.ProcessEnv): string[] {
  const candidates: string[] = [];
  if (env.npm_config_node_gyp !== undefined && env.npm_config_node_gyp !== '') candidates.push(env.npm_config_node_gyp);
  const npmPaths = [env.npm_execpath, which('npm', env)].filter((p): p is string => p !== undefined && p !== '');
  for (const npm of npmPaths) {
    try {
      // npm-cli.js (or npx-cli.js) lives in <npm>/bin; node-gyp is bundled in <npm>/node_modules.
      candidates.push(join(dirname(dirname(realpathSync(npm))), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
    } catch {
      // a dangling link: try the next one
    }
  }
  for (const script of candidates) if (existsSync(script)) return [process.execPath, script];
  const onPath = which('node-gyp', env);
  if (onPath !== undefined) return [onPath];
  throw new NativeInstallError(
    `install-native: node-gyp not found (looked for npm's bundled copy: ${candidates.join(', ') || 'npm is not on PATH'}). ` +
      'Install it with "npm install -g node-gyp".',
  );
}

/** The sha256 of a file, hex. */
function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Whether pip's output says it could not reach the index. */
function looksOffline(output: string): boolean {
  return /NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Network is unreachable|ConnectTimeout|ReadTimeout|Max retries exceeded|ProxyError|SSLError/.test(
    output,
  );
}

/** Downloads the pinned wheel with pip into `dir`; returns its path. */
async function downloadWheel(python: string, dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const spec = `${NATIVE_BACKEND.pypiProject}==${NATIVE_BACKEND.tensorflowVersion}`;
  const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', ...NATIVE_BACKEND.pipTarget];
  args.push('--disable-pip-version-check', '--progress-bar', 'off', '--dest', dir, spec);
  const result = await run(python, args, { env });
  const wheel = join(dir, NATIVE_BACKEND.wheel);
  if (result.code === 0 && existsSync(wheel)) return wheel;
  if (looksOffline(result.output) || /from versions: none/.test(result.output)) {
    throw new NativeInstallError(
      `install-native: pip could not download ${spec} for ${NATIVE_BACKEND.pipTarget.join(' ')} (no network to PyPI, or an index without it?):\n${tail(result.output, 5)}\n` +
        'Connect to PyPI (or set PIP_INDEX_URL to a mirror, HTTPS_PROXY to a proxy) and run it again; or download ' +
        `${NATIVE_BACKEND.wheel} on another machine and pass it with --wheel <file>.`,
    );
  }
  const got = existsSync(dir) ? readdirSync(dir).join(', ') : '';
  throw new NativeInstallError(
    `install-native: "${python} ${args.join(' ')}" ${result.code === 0 ? `downloaded ${got || 'nothing'}, expected ${NATIVE_BACKEND.wheel}` : `failed (exit ${String(result.code)})`}:\n` +
      `${tail(result.output)}\nRun that command yourself to see why, then pass the wheel with --wheel <file>.`,
  );
}

/**
 * Python script: extract from the wheel (argv[1]) into argv[2] the two libraries and the C headers the binding's
 * sources include, following `#include "..."` from the binding's entry headers (14 of the wheel's 11,885 headers).
 */
const EXTRACT_PY = String.raw`
import os, re, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
LIBS = ['tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2']
SEEDS = ['tensorflow/c/c_api.h', 'tensorflow/c/eager/c_api.h', 'tensorflow/c/tf_datatype.h', 'tensorflow/c/tf_status.h',
         'tensorflow/c/tf_tensor.h', 'tensorflow/core/platform/ctstring_internal.h']
PREFIX = 'tensorflow/include/'
z = zipfile.ZipFile(wheel)
names = set(z.namelist())
missing = [n for n in LIBS + [PREFIX + s for s in SEEDS] if n not in names]
if missing:
    sys.exit('the wheel lacks ' + ', '.join(missing))
seen, todo = set(), list(SEEDS)
include = re.compile(rb'^\s*#\s*include\s*"([^"]+)"', re.M)
while todo:
    h = todo.pop()
    if h in seen or PREFIX + h not in names:
        continue
    seen.add(h)
    todo.extend(m.decode() for m in include.findall(z.read(PREFIX + h)))
def copy(member, out):
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with z.open(member) as src, open(out, 'wb') as dst:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            dst.write(chunk)
for h in sorted(seen):
    copy(PREFIX + h, os.path.join(dest, 'include', h))
for lib in LIBS:
    copy(lib, os.path.join(dest, 'lib', os.path.basename(lib)))
print(len(seen))
`;

/** The shim that hands the project's copy of a tf.js package to the built tfjs-node (see `train/native-backend.ts`). */
function shimSource(name: string): string {
  return (
    `'use strict';\n// trainbook: tfjs-node shares the project's ${name}; trainbook's loadNativeBackend() provides it.\n` +
    `const shared = globalThis[Symbol.for('trainbook.native.tfjs')];\n` +
    `if (shared === undefined || shared[${JSON.stringify(name)}] === undefined) {\n` +
    `  throw new Error('This build of @tensorflow/tfjs-node runs on the project\\'s tf.js: load it with trainbook\\'s loadNativeBackend() or currentAccelerator()');\n` +
    `}\nmodule.exports = shared[${JSON.stringify(name)}];\n`
  );
}

/** The native folder's layout: `current` (a symlink into `builds/`), `builds/<id>`, temporary `.build-*` folders. */
function layout(env: NodeJS.ProcessEnv): { nativeDir: string; current: string; builds: string } {
  const status = nativeBackendStatus(env);
  const nativeDir = dirname(status.currentDir);
  return { nativeDir, current: status.currentDir, builds: join(nativeDir, 'builds') };
}

/** Loads the build in `packageDir` in a child Node and runs one op there; returns what it printed. */
async function prove(packageDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const loader = fileURLToPath(new URL('../train/native-backend.js', import.meta.url));
  const script = `
    const { createRequire } = await import('node:module');
    const { loadNativeBackend } = await import(${JSON.stringify(loader)});
    loadNativeBackend(${JSON.stringify(packageDir)});
    const tf = createRequire(${JSON.stringify(loader)})('@tensorflow/tfjs');
    if (!(await tf.setBackend('tensorflow'))) throw new Error('tf.setBackend("tensorflow") returned false');
    const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]]));
    const values = Array.from(y.dataSync());
    if (values.join() !== '17,39') throw new Error('[[1,2],[3,4]] x [[5],[6]] gave ' + values.join() + ', expected 17,39');
    console.log(tf.getBackend() + ': [[1,2],[3,4]] x [[5],[6]] = ' + values.join(','));
  `;
  const result = await run(process.execPath, ['--input-type=module', '-e', script], { env });
  if (result.code !== 0) {
    throw new NativeInstallError(
      `install-native: the build in ${packageDir} compiled but does not load or compute (exit ${String(result.code)}):\n${tail(result.output)}\n` +
        'The previous state is unchanged. Please report this with the output above.',
    );
  }
  return result.output.trim().split('\n').at(-1) ?? '';
}

/**
 * Builds and installs the native TensorFlow backend (see the module comment for the route). Idempotent: with the
 * pinned build in place it returns at once. Atomic: the build is made in a temporary folder and made current by
 * renaming a symlink. Throws a {@link NativeInstallError} that says what to do when a piece is missing.
 *
 * PyTorch: none (`pip install torch` ships its native libraries built).
 */
export async function installNative(options: InstallNativeOptions = {}): Promise<InstallNativeResult> {
  const started = performance.now();
  const env = options.env ?? process.env;
  const log = options.log ?? ((): void => undefined);
  const status = nativeBackendStatus(env);
  if (status.installed && options.force !== true) {
    log(`native backend already installed: @tensorflow/tfjs-node ${NATIVE_BACKEND.tfjsNodeVersion} on ${NATIVE_BACKEND.wheel} in ${realpathSync(status.currentDir)}`);
    return { outcome: 'present', packageDir: realpathSync(status.packageDir), seconds: (performance.now() - started) / 1000, buildSeconds: 0 };
  }
  checkPlatform();
  const python = await findPython(env, options.wheel === undefined);
  await checkCompiler(env);
  const nodedir = findNodeDir(options.nodedir);
  const nodeGyp = findNodeGyp(env);
  const npm = which('npm', env);
  if (npm === undefined) throw new NativeInstallError('install-native: npm is not on PATH; it installs @tensorflow/tfjs-node. Install Node with npm.');

  const { nativeDir, current, builds } = layout(env);
  mkdirSync(builds, { recursive: true });
  // Folders of runs that were interrupted: never current, safe to delete.
  for (const entry of readdirSync(nativeDir)) if (entry.startsWith('.build-')) rmSync(join(nativeDir, entry), { recursive: true, force: true });
  const id = `tfjs-node-${NATIVE_BACKEND.tfjsNodeVersion}-tf-${NATIVE_BACKEND.tensorflowVersion}-${Date.now().toString(36)}`;
  const temp = join(nativeDir, `.build-${id}`);
  mkdirSync(temp);
  try {
    // 1. The wheel, checked before anything is taken out of it.
    let wheel = options.wheel;
    if (wheel === undefined) {
      log(`downloading ${NATIVE_BACKEND.pypiProject}==${NATIVE_BACKEND.tensorflowVersion} with pip (259 MB; pip's cache serves it again)`);
      wheel = await downloadWheel(python, join(temp, 'wheel'), env);
    } else if (!existsSync(wheel)) {
      throw new NativeInstallError(`install-native: --wheel ${wheel} does not exist; pass the path of ${NATIVE_BACKEND.wheel}`);
    }
    const expected = env.TRAINBOOK_NATIVE_WHEEL_SHA256 !== undefined && env.TRAINBOOK_NATIVE_WHEEL_SHA256 !== '' ? env.TRAINBOOK_NATIVE_WHEEL_SHA256 : NATIVE_BACKEND.wheelSha256;
    const actual = await sha256(wheel);
    if (actual !== expected) {
      throw new NativeInstallError(
        `install-native: hash mismatch: ${wheel} has sha256 ${actual}, expected ${expected} (${NATIVE_BACKEND.wheel} as PyPI serves it). ` +
          'The file is damaged or not that wheel: delete it (and pip\'s cached copy: python3 -m pip cache purge) and run again; nothing was installed.',
      );
    }

    // 2. tfjs-node as published, without its download script.
    log(`installing @tensorflow/tfjs-node@${NATIVE_BACKEND.tfjsNodeVersion} with npm (--ignore-scripts)`);
    writeFileSync(join(temp, 'package.json'), JSON.stringify({ private: true, description: 'trainbook native backend build' }) + '\n');
    const npmArgs = ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev', `@tensorflow/tfjs-node@${NATIVE_BACKEND.tfjsNodeVersion}`];
    const installed = await run(npm, npmArgs, { cwd: temp, env });
    if (installed.code !== 0) {
      throw new NativeInstallError(`install-native: "npm ${npmArgs.join(' ')}" failed (no network to the npm registry?):\n${tail(installed.output)}`);
    }
    const packageDir = join(temp, 'node_modules', '@tensorflow', 'tfjs-node');
    // Its tf.js is the project's (one engine, one kernel registry): shims replace the copies npm installed.
    const scope = join(temp, 'node_modules', '@tensorflow');
    for (const entry of readdirSync(scope)) if (entry !== 'tfjs-node') rmSync(join(scope, entry), { recursive: true, force: true });
    for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-core']) {
      const dir = join(temp, 'node_modules', name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: NATIVE_BACKEND.tfjsNodeVersion, private: true, main: 'index.js' }) + '\n');
      writeFileSync(join(dir, 'index.js'), shimSource(name));
    }

    // 3. The libraries and headers, where binding.gyp looks (deps/lib, deps/include; the binding's rpath is ../../deps/lib).
    log('extracting libtensorflow and its C headers from the wheel');
    const deps = join(packageDir, 'deps');
    const extracted = await run(python, ['-c', EXTRACT_PY, wheel, deps], { env });
    if (extracted.code !== 0) throw new NativeInstallError(`install-native: extracting ${wheel} failed:\n${tail(extracted.output)}`);
    if (options.wheel === undefined) rmSync(join(temp, 'wheel'), { recursive: true, force: true });
    const lib = join(deps, 'lib');
    symlinkSync('libtensorflow_cc.so.2', join(lib, 'libtensorflow.so.2'));
    symlinkSync('libtensorflow_cc.so.2', join(lib, 'libtensorflow.so'));
    symlinkSync('libtensorflow_framework.so.2', join(lib, 'libtensorflow_framework.so'));

    // 4. The binding, compiled against them.
    log(`building the binding with node-gyp (Node's headers from ${join(nodedir, 'include', 'node')})`);
    const buildStarted = performance.now();
    const [gyp, ...gypArgs] = nodeGyp;
    const gypRun = await run(
      gyp!,
      [...gypArgs, 'rebuild', `--nodedir=${nodedir}`, '--module_name=tfjs_binding', `--module_path=${join(packageDir, NATIVE_BACKEND.napiFolder)}`, '--jobs', String(availableParallelism())],
      { cwd: packageDir, env },
    );
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    if (gypRun.code !== 0 || !existsSync(join(packageDir, NATIVE_BACKEND.napiFolder, 'tfjs_binding.node'))) {
      throw new NativeInstallError(`install-native: node-gyp could not build the binding (exit ${String(gypRun.code)}):\n${tail(gypRun.output, 12)}`);
    }
    rmSync(join(packageDir, 'build'), { recursive: true, force: true });

    // 5. Proof, then the record, then the switch.
    const proof = await prove(packageDir, env);
    log(`loaded and ran one op: ${proof}`);
    const manifest: NativeBackendManifest = {
      tfjsNodeVersion: NATIVE_BACKEND.tfjsNodeVersion,
      tensorflowVersion: NATIVE_BACKEND.tensorflowVersion,
      wheel: NATIVE_BACKEND.wheel,
      wheelSha256: actual,
      builtAt: new Date().toISOString(),
      node: process.version,
    };
    writeFileSync(join(temp, NATIVE_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    const finalDir = join(builds, id);
    renameSync(temp, finalDir);
    const link = `${current}.new`;
    rmSync(link, { force: true });
    symlinkSync(join('builds', id), link);
    renameSync(link, current);
    for (const entry of readdirSync(builds)) if (entry !== id) rmSync(join(builds, entry), { recursive: true, force: true });
    return { outcome: 'built', packageDir: join(finalDir, 'node_modules', '@tensorflow', 'tfjs-node'), seconds: (performance.now() - started) / 1000, buildSeconds };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Removes the native backend's build (the `current` link first, so the removal is atomic); the course then runs on
 * wasm. Returns whether there was anything to remove.
 *
 * PyTorch: none.
 */
export function removeNative(env: NodeJS.ProcessEnv = process.env): boolean {
  const { nativeDir, current } = layout(env);
  let present = false;
  try {
    readlinkSync(current);
    present = true;
  } catch {
    present = existsSync(current);
  }
  rmSync(current, { recursive: true, force: true });
  const hadFiles = existsSync(nativeDir);
  rmSync(nativeDir, { recursive: true, force: true });
  return present || hadFiles;
}

/**
 * Runs `install-native` with the arguments after it. Returns the exit code: 0 when installed (or removed), 1 when
 * a piece is missing (the message says which and what to do). A bad command line throws a {@link UsageError}.
 *
 * PyTorch: none.
 */
export async function installNativeCommand(
  argv: readonly string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const { values, positionals } = parseCommandLine('install-native', argv, {
    remove: { type: 'boolean' },
    force: { type: 'boolean' },
    wheel: { type: 'string' },
    nodedir: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    out(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`install-native: takes no arguments, got "${positionals.join(' ')}" (see "trainbook install-native --help")`);
  if (values.remove === true) {
    if (values.force !== undefined || values.wheel !== undefined || values.nodedir !== undefined) {
      throw new UsageError('install-native: --remove takes no other option');
    }
    const removed = removeNative();
    out(removed ? `removed the native backend from ${dirname(nativeBackendStatus().currentDir)}; the course runs on wasm` : 'the native backend was not installed; nothing to remove');
    return 0;
  }
  try {
    const result = await installNative({ force: values.force, wheel: values.wheel, nodedir: values.nodedir, log: out });
    if (result.outcome === 'built') {
      out(`installed the native backend in ${result.packageDir} (${result.seconds.toFixed(0)} s, of which node-gyp ${result.buildSeconds.toFixed(0)} s); currentAccelerator() now picks "tensorflow"`);
    }
    return 0;
  } catch (error) {
    if (error instanceof NativeInstallError) {
      err(error.message);
      return 1;
    }
    throw error;
  }
}
