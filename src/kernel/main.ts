#!/usr/bin/env node
/**
 * Entry point of the trainbook Jupyter kernel: `node dist/kernel/main.js --connection-file <path>`.
 *
 * Jupyter starts it from the kernelspec that `trainbook install-kernel --kernel trainbook` writes
 * (`argv: [node, <abs>/dist/kernel/main.js, --connection-file, {connection_file}]`, `interrupt_mode: message`).
 */
import { readConnectionFile } from '../jupyter/wire.js';
import { Kernel } from './kernel.js';

/** The connection file path from `--connection-file <path>` (or `--connection-file=<path>`, or tslab's `--config-path`). */
export function connectionFileArg(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = /^--(?:connection-file|config-path|f)=(.+)$/.exec(arg);
    if (eq) return eq[1];
    if ((arg === '--connection-file' || arg === '--config-path' || arg === '-f') && argv[i + 1] !== undefined) return argv[i + 1] as string;
  }
  throw new Error(
    `trainbook kernel: no connection file in the arguments ${JSON.stringify(argv)}; expected "--connection-file <path>" (Jupyter passes {connection_file})`,
  );
}

async function main(): Promise<void> {
  const connection = await readConnectionFile(connectionFileArg(process.argv.slice(2)));
  await Kernel.start({ connection });
}

main().catch((error: unknown) => {
  const message = (error as Error).message ?? '';
  // The kernel's own errors (a port another process holds) say everything; anything else gets its stack.
  process.stderr.write(`${message.startsWith('trainbook kernel:') ? message : ((error as Error).stack ?? String(error))}\n`);
  try {
    process.exit(1);
  } catch {
    // A kernel that got far enough to take over process.exit ends itself (sockets closed in order) and throws here.
  }
});
