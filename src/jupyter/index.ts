/**
 * `trainbook/jupyter`: the Jupyter tooling as a library — a kernel client that needs no Jupyter server, kernelspecs,
 * and installing the kernels. The cell library (`trainbook`) never imports any of it; notebooks are run and exported
 * with the `trainbook` command.
 */
export { KernelClient, killAllKernels, errorFromStderr } from './kernel-client.js';
export type { CellOutput, ExecuteOptions, ExecuteResult, ExecuteStatus, StartKernelOptions } from './kernel-client.js';
export { findKernelSpecs, getKernelSpec, readKernelSpec } from './kernelspec.js';
export type { KernelJson, KernelSpec } from './kernelspec.js';
export { installKernel, kernelJson } from './install-kernel.js';
export type { InstallKernelOptions, KnownKernel } from './install-kernel.js';
