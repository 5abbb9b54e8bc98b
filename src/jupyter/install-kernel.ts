/**
 * Register TypeScript kernels with Jupyter by writing kernelspecs with absolute paths, without Python.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonPrefix, userDataDir, type KernelJson } from './kernelspec.js';

/**
 * Kernels this package can register.
 *
 * PyTorch: none.
 */
export type KnownKernel = 'tslab' | 'trainbook';

/**
 * Root of the trainbook package (holds `package.json`), from `src/jupyter/` or `dist/jupyter/`.
 *
 * PyTorch: none.
 */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Absolute path of the project's own kernel entry point (built by `npm run build`).
 *
 * PyTorch: none.
 */
export const trainbookKernelMain = join(packageRoot, 'dist', 'kernel', 'main.js');

/**
 * Absolute path of tslab's launcher script `node_modules/tslab/bin/tslab`.
 *
 * PyTorch: none.
 */
export function tslabBin(): string {
  const require = createRequire(join(packageRoot, 'package.json'));
  return join(dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
}

/**
 * Node options in the trainbook kernel's argv: V8 sizes its heaps for memory rather than speed, which keeps a kernel
 * at about 275 MB instead of 400 MB after the Iris epochs notebook with no measurable slowdown of training
 * (`bench/kernel-memory.ts`; a class of 30 shares one machine).
 *
 * PyTorch: none.
 */
export const TRAINBOOK_KERNEL_NODE_FLAGS: readonly string[] = ['--optimize-for-size'];

/**
 * Environment of the trainbook kernel: one glibc malloc arena instead of one per thread (about 20 MB less RSS,
 * `bench/kernel-memory.ts`).
 *
 * PyTorch: none.
 */
export const TRAINBOOK_KERNEL_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };

/**
 * `kernel.json` for a known kernel: `tslab` (argv `[node, .../tslab/bin/tslab, kernel, --config-path,
 * {connection_file}]`) or `trainbook` (argv `[node, ...TRAINBOOK_KERNEL_NODE_FLAGS, .../dist/kernel/main.js, --connection-file,
 * {connection_file}]`, env {@link TRAINBOOK_KERNEL_ENV}).
 *
 * PyTorch: none.
 */
export function kernelJson(kernel: KnownKernel): KernelJson {
  if (kernel === 'tslab') {
    return {
      argv: [process.execPath, tslabBin(), 'kernel', '--config-path', '{connection_file}'],
      display_name: 'TypeScript',
      language: 'typescript',
      interrupt_mode: 'signal',
      env: {},
      metadata: {},
    };
  }
  if (!existsSync(trainbookKernelMain)) {
    throw new Error(
      `install-kernel: the trainbook kernel is not built (${trainbookKernelMain} does not exist); run "npm run build" first`,
    );
  }
  return {
    argv: [process.execPath, ...TRAINBOOK_KERNEL_NODE_FLAGS, trainbookKernelMain, '--connection-file', '{connection_file}'],
    display_name: 'TypeScript (trainbook)',
    language: 'typescript',
    interrupt_mode: 'message',
    env: { ...TRAINBOOK_KERNEL_ENV },
    metadata: {},
  };
}

/**
 * Options for {@link installKernel}.
 *
 * PyTorch: none.
 */
export interface InstallKernelOptions {
  /** Which kernel to register. @default "tslab" */
  kernel?: KnownKernel;
  /** Kernelspec name (folder under `kernels/`). @default the kernel's name */
  name?: string;
  /** Where: per-user data dir, `<prefix>/share/jupyter`, or the `python3` environment's `sys.prefix`. @default "user" */
  location?: { kind: 'user' } | { kind: 'prefix'; prefix: string } | { kind: 'sys-prefix' };
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Kernels folder for an install location.
 *
 * PyTorch: none.
 */
export function kernelsDir(location: InstallKernelOptions['location'] = { kind: 'user' }, env = process.env): string {
  if (location.kind === 'user') return join(userDataDir(env), 'kernels');
  if (location.kind === 'prefix') return join(resolve(location.prefix), 'share', 'jupyter', 'kernels');
  const prefix = pythonPrefix(env);
  if (prefix === null) {
    throw new Error('install-kernel --sys-prefix: no python3 on PATH to take sys.prefix from; use --user or --prefix <dir>');
  }
  return join(prefix, 'share', 'jupyter', 'kernels');
}

/**
 * Write `kernels/<name>/kernel.json` for tslab or the trainbook kernel and return the folder written.
 *
 * PyTorch: none (`jupyter kernelspec install`; unlike `tslab install` it needs no Python and writes absolute paths,
 * so the kernel starts even when `tslab` is not on PATH).
 * @example
 * const dir = await installKernel({ kernel: 'tslab', location: { kind: 'prefix', prefix: '/tmp/jp' } });
 */
export async function installKernel(options: InstallKernelOptions = {}): Promise<string> {
  const kernel = options.kernel ?? 'tslab';
  const name = options.name ?? kernel;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    throw new Error(`install-kernel: kernel name "${name}" may only hold letters, digits, ".", "_" and "-"`);
  }
  const dir = join(kernelsDir(options.location, options.env), name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'kernel.json'), JSON.stringify(kernelJson(kernel), null, 2) + '\n');
  return dir;
}
