/**
 * The native TensorFlow backend that `npx trainbook install-native` builds: where it lives, whether it is installed,
 * and how the cell library loads it.
 *
 * `@tensorflow/tfjs-node` as published cannot install (its script downloads libtensorflow from a host that answers
 * 403), so `install-native` builds its binding against PyPI's TensorFlow wheel into a cache outside the project.
 * The top-level `node_modules/@tensorflow/tfjs-node` is plain tfjs under an npm alias (danfojs's override), so the
 * real package stays in that cache and its `@tensorflow/tfjs` and `@tensorflow/tfjs-core` are small shims that
 * hand it the project's own copies: one tf.js, one engine, one kernel registry.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The versions and the one wheel the native backend is built from. */
export const NATIVE_BACKEND = {
  /** The npm package whose binding is built (its JavaScript runs as published). */
  tfjsNodeVersion: '4.22.0',
  /** The PyPI project and version that supply libtensorflow and its C headers. */
  pypiProject: 'tensorflow-cpu',
  tensorflowVersion: '2.20.0',
  /** The wheel pip must deliver, with its sha256 (from PyPI, checked before anything is extracted). */
  wheel: 'tensorflow_cpu-2.20.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
  wheelSha256: 'cf756bbe2d256e942ab5d0ad2c858fb40017581494febdb4387c149b1afde780',
  /** pip's target tags for that wheel: it holds no Python code the binding uses, so any local Python can fetch it. */
  pipTarget: ['--platform', 'manylinux2014_x86_64', '--python-version', '3.11', '--implementation', 'cp', '--abi', 'cp311'],
  /** Platforms (`process.platform`-`process.arch`) with a wheel pinned here. */
  platforms: ['linux-x64'],
  /** The N-API folder tfjs-node's loader (node-pre-gyp) looks in on Node 20 and later. */
  napiFolder: 'lib/napi-v8',
} as const;

/** The file `install-native` writes last into a finished build; without it a folder is not an installation. */
export const NATIVE_MANIFEST = 'trainbook-native.json';

/** What `install-native` records about a build. */
export interface NativeBackendManifest {
  tfjsNodeVersion: string;
  tensorflowVersion: string;
  wheel: string;
  wheelSha256: string;
  /** When it was built (ISO 8601). */
  builtAt: string;
  /** The Node version that built it (the binding uses N-API, so later Node versions load it too). */
  node: string;
}

/** Whether the native backend is installed, and where. */
export interface NativeBackendStatus {
  /** True when a finished build of the pinned versions is in place. */
  installed: boolean;
  /** The cache folder: `$TRAINBOOK_CACHE_DIR`, else `$XDG_CACHE_HOME/trainbook`, else `~/.cache/trainbook`. */
  cacheDir: string;
  /** `<cacheDir>/native/current`: a link to the build in use (renamed into place atomically). */
  currentDir: string;
  /** The real `@tensorflow/tfjs-node` folder inside the build. */
  packageDir: string;
  /** The finished build's record, when there is one. */
  manifest?: NativeBackendManifest;
  /** Why it is not installed (when `installed` is false). */
  reason?: string;
}

/**
 * The cache folder trainbook keeps built native code in: `$TRAINBOOK_CACHE_DIR`, else `$XDG_CACHE_HOME/trainbook`,
 * else `~/.cache/trainbook`.
 *
 * PyTorch: none (pip installs torch's native libraries into site-packages).
 */
export function trainbookCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRAINBOOK_CACHE_DIR !== undefined && env.TRAINBOOK_CACHE_DIR !== '') return env.TRAINBOOK_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(xdg, 'trainbook');
}

/**
 * Whether the native TensorFlow backend built by `npx trainbook install-native` is installed, and where. It only
 * reads files (nothing is loaded), so it is cheap to call.
 *
 * PyTorch: none (`torch.backends.*.is_built()` is the nearest).
 */
export function nativeBackendStatus(env: NodeJS.ProcessEnv = process.env): NativeBackendStatus {
  const cacheDir = trainbookCacheDir(env);
  const currentDir = join(cacheDir, 'native', 'current');
  const packageDir = join(currentDir, 'node_modules', '@tensorflow', 'tfjs-node');
  const status: NativeBackendStatus = { installed: false, cacheDir, currentDir, packageDir };
  let manifest: NativeBackendManifest;
  try {
    manifest = JSON.parse(readFileSync(join(currentDir, NATIVE_MANIFEST), 'utf8')) as NativeBackendManifest;
  } catch {
    return { ...status, reason: `no native build in ${currentDir} (run "npx trainbook install-native")` };
  }
  status.manifest = manifest;
  if (manifest.tfjsNodeVersion !== NATIVE_BACKEND.tfjsNodeVersion || manifest.wheelSha256 !== NATIVE_BACKEND.wheelSha256) {
    return {
      ...status,
      reason:
        `the build in ${currentDir} is tfjs-node ${manifest.tfjsNodeVersion} on ${manifest.wheel}, expected ` +
        `${NATIVE_BACKEND.tfjsNodeVersion} on ${NATIVE_BACKEND.wheel} (run "npx trainbook install-native" again)`,
    };
  }
  if (!existsSync(join(packageDir, NATIVE_BACKEND.napiFolder, 'tfjs_binding.node'))) {
    return { ...status, reason: `${packageDir} has no ${NATIVE_BACKEND.napiFolder}/tfjs_binding.node (run "npx trainbook install-native" again)` };
  }
  return { ...status, installed: true };
}

/**
 * Whether the native TensorFlow backend is installed (`npx trainbook install-native`); see {@link nativeBackendStatus}.
 *
 * PyTorch: none.
 */
export function isNativeBackendInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  return nativeBackendStatus(env).installed;
}

/** The global slot the shims in the build's `@tensorflow/tfjs(-core)` read the project's tf.js from. */
const SHARED_TFJS = Symbol.for('trainbook.native.tfjs');

/**
 * Loads the native build of `@tensorflow/tfjs-node` in `packageDir` (default: the installed one) on this project's
 * tf.js, so it registers the `tensorflow` backend into the engine the course uses. TensorFlow's C++ logging is set to
 * warnings and errors only (`TF_CPP_MIN_LOG_LEVEL=2`) unless already set, so oneDNN's and the CPU-feature notices
 * stay out of notebook outputs. Throws what failed (a missing build, a binding that does not load).
 *
 * PyTorch: none (`import torch` loads its native library).
 */
export function loadNativeBackend(packageDir: string = nativeBackendStatus().packageDir): void {
  const here = createRequire(import.meta.url);
  const tfjsMain = here.resolve('@tensorflow/tfjs');
  const shared = {
    '@tensorflow/tfjs': here('@tensorflow/tfjs') as unknown,
    '@tensorflow/tfjs-core': createRequire(tfjsMain)('@tensorflow/tfjs-core') as unknown,
  };
  (globalThis as Record<symbol, unknown>)[SHARED_TFJS] = shared;
  if (process.env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
  here(realpathSync(packageDir));
}
