#!/usr/bin/env node
/**
 * The `trainbook` command: run, clean and export notebooks, register the TypeScript kernel, install the native backend.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { killAllKernels } from '../jupyter/kernel-client.js';
import { writeInterruptedRuns } from '../notebook/run.js';
import { installKernel, packageRoot, trainbookKernelMain, type KnownKernel } from '../jupyter/install-kernel.js';
import { cleanFile } from '../notebook/clean.js';
import { parseCommandLine, UsageError } from './args.js';
import { exportCommand } from './export-command.js';
import { findNotebookPaths } from './find-notebooks.js';
import { downloadCommand } from './download-command.js';
import { installNativeCommand } from './install-native-command.js';
import { runCommand } from './run-command.js';

const HELP = `Usage: trainbook <command> [options]

Commands:
  run <paths...>        execute notebooks and write executed copies (trainbook run --help)
  clean [paths...]      strip outputs, execution counts and volatile metadata (default path: notebooks/)
  export <paths...>     export executed notebooks to HTML (trainbook export --help)
  install-kernel        register the TypeScript kernel with Jupyter (trainbook install-kernel --help)
  download ag-news      download the full AG News release, md5-checked (trainbook download --help)
  install-native        build the native TensorFlow backend from PyPI's wheel; --remove undoes it (trainbook install-native --help)

Options:
  -h, --help            show this help
  --version             show the version`;

const CLEAN_HELP = `Usage: trainbook clean [paths...] [--check]

Strip outputs, execution counts and volatile metadata (execution timings, collapsed, scrolled, widget state,
papermill and trainbook run metadata, injected-parameters cells) from notebooks; tags and cell ids are kept.
Paths are notebooks, folders or globs (default: notebooks/).

Options:
  --check      change nothing; list notebooks that are not clean and exit 1 if any (for CI)
  -h, --help   show this help`;

const INSTALL_HELP = `Usage: trainbook install-kernel [--user | --prefix <dir> | --sys-prefix] [--kernel tslab|trainbook|all] [--name <name>]

Write a Jupyter kernelspec with absolute paths (this Node and this package's files), without Python.

Options:
  --user            per-user kernels folder, e.g. ~/.local/share/jupyter/kernels (default)
  --prefix <dir>    <dir>/share/jupyter/kernels
  --sys-prefix      the python3 environment's sys.prefix/share/jupyter/kernels
  --kernel <which>  tslab ("TypeScript"), trainbook ("TypeScript (trainbook)", needs npm run build) or all
                    (default: tslab, plus trainbook when dist/kernel/main.js exists)
  --name <name>     kernelspec name (default: the kernel's name; only with a single kernel)
  -h, --help        show this help`;

async function cleanCommand(argv: string[]): Promise<number> {
  const { positionals, values: options } = parseCommandLine('clean', argv, {
    check: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (options.help === true) {
    process.stdout.write(CLEAN_HELP + '\n');
    return 0;
  }
  const paths = findNotebookPaths(positionals.length > 0 ? positionals : ['notebooks']);
  const check = options.check === true;
  const dirty = [];
  for (const path of paths) {
    const result = await cleanFile(path, { check });
    if (result.dirty) dirty.push(result);
  }
  if (check) {
    if (dirty.length === 0) {
      process.stdout.write(`${paths.length} notebook${paths.length === 1 ? ' is' : 's are'} clean\n`);
      return 0;
    }
    process.stderr.write(`${dirty.length} of ${paths.length} notebooks are not clean (run "npx trainbook clean"):\n`);
    for (const d of dirty) process.stderr.write(`  ${d.path}: ${d.reasons.join(', ')}\n`);
    return 1;
  }
  for (const d of dirty) process.stdout.write(`cleaned ${d.path} (${d.reasons.join(', ')})\n`);
  process.stdout.write(`${dirty.length} of ${paths.length} notebooks cleaned\n`);
  return 0;
}

async function installKernelCommand(argv: string[]): Promise<number> {
  const { values: options, positionals } = parseCommandLine('install-kernel', argv, {
    user: { type: 'boolean' },
    prefix: { type: 'string' },
    'sys-prefix': { type: 'boolean' },
    kernel: { type: 'string' },
    name: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (options.help === true) {
    process.stdout.write(INSTALL_HELP + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`install-kernel: takes no paths, got "${positionals.join(' ')}"; see "trainbook install-kernel --help"`);
  const chosen = [options.user, options.prefix, options['sys-prefix']].filter((o) => o !== undefined).length;
  if (chosen > 1) throw new UsageError('install-kernel: give only one of --user, --prefix <dir>, --sys-prefix');
  const location =
    options.prefix !== undefined
      ? { kind: 'prefix' as const, prefix: options.prefix }
      : options['sys-prefix'] === true
        ? { kind: 'sys-prefix' as const }
        : { kind: 'user' as const };
  const which = options.kernel;
  let kernels: KnownKernel[];
  if (which === undefined) kernels = existsSync(trainbookKernelMain) ? ['tslab', 'trainbook'] : ['tslab'];
  else if (which === 'all') kernels = ['tslab', 'trainbook'];
  else if (which === 'tslab' || which === 'trainbook') kernels = [which];
  else throw new UsageError(`install-kernel: --kernel is "${which}", expected tslab, trainbook or all`);
  const name = options.name;
  if (name !== undefined && kernels.length > 1) {
    throw new UsageError('install-kernel: --name works with a single kernel; add --kernel tslab or --kernel trainbook');
  }
  for (const kernel of kernels) {
    const dir = await installKernel({ kernel, name, location });
    process.stdout.write(`Installed kernelspec ${name ?? kernel} in ${dir}\n`);
  }
  return 0;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/**
 * Run the `trainbook` command line; returns the exit code.
 *
 * PyTorch: none.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(HELP + '\n');
        return command === undefined ? 2 : 0;
      case '--version':
        process.stdout.write(version() + '\n');
        return 0;
      case 'run':
        return await runCommand(rest);
      case 'clean':
        return await cleanCommand(rest);
      case 'install-kernel':
        return await installKernelCommand(rest);
      case 'export':
        return await exportCommand(rest);
      case 'download':
        return await downloadCommand(rest);
      case 'install-native':
        return await installNativeCommand(rest);
      default:
        throw new UsageError(`unknown command "${command}"; commands: run, clean, export, install-kernel, download, install-native (trainbook --help)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`trainbook ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`trainbook ${command}: ${(error as Error).message}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // Kernels die with the runner, whatever ends it.
  const onSignal = (signal: NodeJS.Signals, code: number): void => {
    const written = writeInterruptedRuns(signal);
    killAllKernels();
    process.stderr.write(`\ntrainbook: ${signal}, kernels stopped\n`);
    for (const path of written) process.stderr.write(`trainbook: executed so far (marked interrupted): ${path}\n`);
    process.exit(code);
  };
  process.on('SIGINT', () => onSignal('SIGINT', 130));
  process.on('SIGTERM', () => onSignal('SIGTERM', 143));
  process.on('uncaughtException', (error) => {
    killAllKernels();
    process.stderr.write(`trainbook: unexpected error: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      killAllKernels();
      process.stderr.write(`trainbook: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
