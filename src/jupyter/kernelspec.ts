/**
 * Kernelspecs: find `kernels/<name>/kernel.json` where Jupyter looks, without running Jupyter.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/**
 * The content of a `kernel.json`.
 *
 * PyTorch: none.
 */
export interface KernelJson {
  /** Command that starts the kernel; `{connection_file}` is replaced by the connection file path. */
  argv: string[];
  display_name: string;
  language: string;
  /** How to interrupt: send SIGINT (`signal`) or an `interrupt_request` on control (`message`). @default "signal" */
  interrupt_mode: 'signal' | 'message';
  /** Extra environment variables for the kernel process. @default {} */
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

/**
 * A kernelspec as read from `kernel.json`, plus where it was found.
 *
 * PyTorch: none (`jupyter_client.kernelspec.KernelSpec`).
 */
export interface KernelSpec extends KernelJson {
  /** Folder name of the kernelspec, e.g. `tslab`. */
  name: string;
  /** Absolute path of the kernelspec folder (holds `kernel.json`). */
  resourceDir: string;
}

/**
 * Where Jupyter keeps per-user data on this platform (honours `JUPYTER_DATA_DIR` and `XDG_DATA_HOME`).
 *
 * PyTorch: none.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return resolve(env.JUPYTER_DATA_DIR);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Jupyter');
  if (process.platform === 'win32') return join(env.APPDATA ?? homedir(), 'jupyter');
  const xdg = env.XDG_DATA_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), '.local', 'share'), 'jupyter');
}

let cachedPythonPrefix: string | null | undefined;

/**
 * `sys.prefix` of the `python3` on PATH, or `null` when there is none. Asked once per process (Python is
 * optional: it only adds the folder where `pip install ipykernel` puts its kernelspec).
 * PyTorch: none.
 */
export function pythonPrefix(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.VIRTUAL_ENV) return env.VIRTUAL_ENV;
  if (env.CONDA_PREFIX) return env.CONDA_PREFIX;
  if (cachedPythonPrefix !== undefined) return cachedPythonPrefix;
  const result = spawnSync('python3', ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8', timeout: 5000 });
  const prefix = result.status === 0 ? result.stdout.trim() : '';
  cachedPythonPrefix = prefix === '' ? null : prefix;
  return cachedPythonPrefix;
}

/**
 * Options for {@link jupyterDataDirs}.
 *
 * PyTorch: none.
 */
export interface JupyterDirsOptions {
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Also ask `python3` for its `sys.prefix` (one ~30 ms process). @default true */
  includePythonPrefix?: boolean;
}

/**
 * Jupyter data folders in priority order, as `jupyter --paths` lists them: `JUPYTER_PATH` entries, the user data
 * dir, the Python environment's `share/jupyter`, `/usr/local/share/jupyter`, `/usr/share/jupyter`.
 *
 * PyTorch: none (`jupyter_core.paths.jupyter_path`).
 */
export function jupyterDataDirs(options: JupyterDirsOptions = {}): string[] {
  const env = options.env ?? process.env;
  const dirs: string[] = [];
  for (const entry of (env.JUPYTER_PATH ?? '').split(delimiter)) if (entry !== '') dirs.push(resolve(entry));
  dirs.push(userDataDir(env));
  if (options.includePythonPrefix ?? true) {
    const prefix = pythonPrefix(env);
    if (prefix !== null) dirs.push(join(prefix, 'share', 'jupyter'));
  }
  if (process.platform !== 'win32') dirs.push('/usr/local/share/jupyter', '/usr/share/jupyter');
  return [...new Set(dirs)];
}

/**
 * Read and check one `kernel.json`.
 *
 * PyTorch: none.
 */
export function readKernelSpec(resourceDir: string, name = resourceDir.split(/[\\/]/).pop() ?? ''): KernelSpec {
  const file = join(resourceDir, 'kernel.json');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`kernelspec ${file}: cannot read it as JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null) throw new Error(`kernelspec ${file}: expected a JSON object`);
  const record = data as Record<string, unknown>;
  const argv = record.argv;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
    throw new Error(`kernelspec ${file}: "argv" is ${JSON.stringify(argv)}, expected a non-empty array of strings`);
  }
  const interrupt = record.interrupt_mode ?? 'signal';
  if (interrupt !== 'signal' && interrupt !== 'message') {
    throw new Error(`kernelspec ${file}: "interrupt_mode" is ${JSON.stringify(interrupt)}, expected "signal" or "message"`);
  }
  const env: Record<string, string> = {};
  if (typeof record.env === 'object' && record.env !== null) {
    for (const [k, v] of Object.entries(record.env as Record<string, unknown>)) env[k] = String(v);
  }
  return {
    name,
    resourceDir: resolve(resourceDir),
    argv: argv as string[],
    display_name: typeof record.display_name === 'string' ? record.display_name : name,
    language: typeof record.language === 'string' ? record.language : '',
    interrupt_mode: interrupt,
    env,
    metadata: typeof record.metadata === 'object' && record.metadata !== null ? (record.metadata as Record<string, unknown>) : {},
  };
}

/**
 * Every kernelspec Jupyter would see, by name (the first folder in priority order wins).
 *
 * PyTorch: none (`jupyter kernelspec list`).
 */
export function findKernelSpecs(options: JupyterDirsOptions = {}): Map<string, KernelSpec> {
  const specs = new Map<string, KernelSpec>();
  for (const dir of jupyterDataDirs(options)) {
    const kernels = join(dir, 'kernels');
    let names: string[];
    try {
      names = readdirSync(kernels);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const resourceDir = join(kernels, name);
      if (specs.has(name) || !existsSync(join(resourceDir, 'kernel.json'))) continue;
      if (!statSync(resourceDir).isDirectory()) continue;
      specs.set(name, readKernelSpec(resourceDir, name));
    }
  }
  return specs;
}

/**
 * The kernelspec called `name`, or a clear error listing the kernels found and how to register tslab.
 *
 * PyTorch: none (`jupyter_client.kernelspec.get_kernel_spec`).
 * @example
 * const spec = getKernelSpec('tslab');
 */
export function getKernelSpec(name: string, options: JupyterDirsOptions = {}): KernelSpec {
  const env = options.env ?? process.env;
  // Look in the fixed folders first so the common case starts no Python process.
  for (const dir of jupyterDataDirs({ env, includePythonPrefix: false })) {
    const resourceDir = join(dir, 'kernels', name);
    if (existsSync(join(resourceDir, 'kernel.json'))) return readKernelSpec(resourceDir, name);
  }
  const specs = findKernelSpecs(options);
  const spec = specs.get(name);
  if (spec) return spec;
  const found = [...specs.values()].map((s) => `  ${s.name}  ${s.resourceDir}`).join('\n');
  throw new Error(
    `No Jupyter kernel named "${name}". ` +
      (found ? `Kernels found:\n${found}\n` : 'No kernels found.\n') +
      `Searched: ${jupyterDataDirs(options).map((d) => join(d, 'kernels')).join(', ')}\n` +
      'Register the TypeScript kernel with: npx trainbook install-kernel',
  );
}
