// Shared by the runner's tests: kernelspecs for tslab and Python's ipykernel in a private JUPYTER_PATH.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installKernel } from '../../src/jupyter/install-kernel.js';
import { readKernelSpec, type KernelSpec } from '../../src/jupyter/kernelspec.js';

export const fixtures = join(import.meta.dirname, '..', 'fixtures', 'notebooks');

/** A fresh Jupyter data folder (for JUPYTER_PATH) with `tslab` and, when ipykernel is installed, `python3`. */
export async function makeJupyterPath(): Promise<{ jupyterPath: string; tslab: KernelSpec; python: KernelSpec | null }> {
  const prefix = mkdtempSync(join(tmpdir(), 'tb-runner-test-'));
  const tslabDir = await installKernel({ kernel: 'tslab', location: { kind: 'prefix', prefix } });
  const jupyterPath = join(prefix, 'share', 'jupyter');
  let python: KernelSpec | null = null;
  if (pythonHas('ipykernel')) {
    const dir = join(jupyterPath, 'kernels', 'python3');
    mkdirSync(dir, { recursive: true });
    const exe = pythonExecutable();
    writeFileSync(
      join(dir, 'kernel.json'),
      JSON.stringify({ argv: [exe, '-m', 'ipykernel_launcher', '-f', '{connection_file}'], display_name: 'Python 3', language: 'python' }),
    );
    python = readKernelSpec(dir);
  }
  return { jupyterPath, tslab: readKernelSpec(tslabDir), python };
}

/** Whether `python3` can import `module`. */
export function pythonHas(module: string): boolean {
  return spawnSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

function pythonExecutable(): string {
  return spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
}

export const SKIP_NO_IPYKERNEL = pythonHas('ipykernel')
  ? false
  : 'python3 lacks ipykernel: pip install ipykernel (the Python peer kernel these tests compare against)';
export const SKIP_NO_NBCLIENT = pythonHas('nbclient') && pythonHas('nbconvert') && pythonHas('ipykernel')
  ? false
  : 'python3 lacks nbclient/nbconvert/ipykernel: pip install ipykernel nbclient nbconvert nbformat';
