/**
 * `trainbook run`: execute notebooks (in parallel up to --jobs), write executed copies, print a summary.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, resolve, parse as parsePath } from 'node:path';
import { courseRunGroups } from '../notebook/course-guide.js';
import { describeFailure, failedCellName, notebookLabel, runNotebook, type RunResult } from '../notebook/run.js';
import { parseCommandLine, positiveNumberOption, UsageError, wholeNumberOption } from './args.js';
import { findNotebookPaths } from './find-notebooks.js';
import { formatSeconds, ProgressDisplay } from './progress.js';

/**
 * Help text of `trainbook run`.
 *
 * PyTorch: none.
 */
export const RUN_HELP = `Usage: trainbook run <notebooks, folders or globs...> [options]
       trainbook run --course notebooks/course.json [options]

Execute notebooks top to bottom on a Jupyter kernel (no Jupyter server, no Python needed) and write the
executed copies, outputs included, also when a cell fails.

Options:
  --course <file>      run every section folder the course guide lists, in its order; a section with
                       "runInOrder" runs one notebook at a time; a folder beside the guide that holds
                       notebooks but is not a section is an error
  --out <dir>          where executed notebooks go, mirroring the input paths (default: build/executed)
  --param name=value   inject "const name = value;" after the cell tagged "parameters"; the value is a
                       TypeScript expression written verbatim (--param epochs=3, --param name='"x"'); repeatable
  --quick              same as --param quick=true
  --jobs <n>           notebooks run in parallel (default: 2, at most the number of CPUs)
  --timeout <seconds>  per-cell time limit; the cell is interrupted and the notebook fails (default: none)
  --kernel <name>      kernelspec to use (default: the notebook's metadata.kernelspec.name, else tslab)
  --allow-errors       keep executing after a failing cell (the run still fails)
  --startup-timeout <seconds>  how long to wait for the kernel to start (default: 60)
  -h, --help           show this help

Exit code: 0 when every notebook ran without error, 1 when one failed, 2 for a bad command line.`;

/**
 * Path of the executed copy: the input path relative to the working directory (or its root), under `out`.
 *
 * PyTorch: none.
 */
export function outputPathFor(input: string, outDir: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, input);
  let rel = relative(cwd, absolute);
  if (rel.startsWith('..') || isAbsolute(rel)) rel = relative(parsePath(absolute).root, absolute);
  return join(outDir, rel);
}

/**
 * Parse `--param name=value` strings.
 *
 * PyTorch: none.
 */
export function parseParams(values: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) {
      throw new UsageError(`run: --param "${value}" should look like name=value (e.g. --param epochs=3)`);
    }
    const name = value.slice(0, eq).trim();
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
      throw new UsageError(`run: --param name "${name}" is not a TypeScript identifier`);
    }
    params[name] = value.slice(eq + 1);
  }
  return params;
}

/** One notebook's outcome, including runs that could not start. */
interface Outcome {
  path: string;
  result?: RunResult;
  crash?: Error;
  durationMs: number;
}

function summaryTable(outcomes: readonly Outcome[]): string {
  const rows = outcomes.map((o) => {
    const cells = o.result
      ? `${o.result.cells.filter((c) => c.status !== 'not-run').length}/${o.result.cells.length}`
      : '-';
    const status = o.crash ? 'error (did not run)' : o.result?.status === 'ok' ? 'ok' : `FAILED (${o.result?.failure === undefined ? 'no error output' : failedCellName(o.result.failure).replace('the injected parameters ', 'parameters ')})`;
    return [o.path, cells, formatSeconds(o.durationMs), status];
  });
  const header = ['notebook', 'cells', 'time', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Run the `run` command; returns the exit code.
 *
 * PyTorch: none (papermill / `jupyter nbconvert --execute` on the command line).
 */
export async function runCommand(argv: string[]): Promise<number> {
  const { positionals, values: options } = parseCommandLine('run', argv, {
    out: { type: 'string' },
    param: { type: 'string', multiple: true },
    quick: { type: 'boolean' },
    jobs: { type: 'string' },
    timeout: { type: 'string' },
    kernel: { type: 'string' },
    'allow-errors': { type: 'boolean' },
    'startup-timeout': { type: 'string' },
    course: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (options.help === true) {
    process.stdout.write(RUN_HELP + '\n');
    return 0;
  }
  if (options.course !== undefined && positionals.length > 0) {
    throw new UsageError(`run: --course runs the sections its guide lists; give no notebooks besides it (got ${positionals.join(' ')})`);
  }
  if (options.course === undefined && positionals.length === 0) {
    throw new UsageError('run: give at least one notebook, folder or glob (e.g. trainbook run notebooks), or --course notebooks/course.json');
  }
  const params = parseParams(options.param ?? []);
  const outDir = options.out ?? join('build', 'executed');
  const jobs = options.jobs === undefined ? Math.min(2, availableParallelism()) : wholeNumberOption('run', 'jobs', options.jobs, 1);
  const timeoutSeconds = options.timeout === undefined ? 0 : positiveNumberOption('run', 'timeout', options.timeout);
  const startupSeconds = options['startup-timeout'] === undefined ? 60 : positiveNumberOption('run', 'startup-timeout', options['startup-timeout']);
  // Batches run one after the other: a course's sections in its order, or the notebooks given.
  let batches: { paths: string[]; jobs: number }[];
  if (options.course !== undefined) {
    let groups;
    try {
      groups = courseRunGroups(options.course);
    } catch (error) {
      throw new UsageError(`run: ${(error as Error).message}`);
    }
    batches = groups.map((g) => ({ paths: findNotebookPaths(g.folders), jobs: g.jobs ?? jobs }));
  } else {
    batches = [{ paths: findNotebookPaths(positionals), jobs }];
  }
  const paths = batches.flatMap((b) => b.paths);
  const progress = new ProgressDisplay();
  progress.start();
  const outcomes: Outcome[] = new Array<Outcome>(paths.length);
  let next = 0;
  let end = 0;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const index = next++;
      const path = paths[index];
      const label = notebookLabel(path);
      const started = performance.now();
      try {
        const result = await runNotebook(path, {
          outPath: outputPathFor(path, outDir),
          params,
          quick: options.quick === true,
          kernelName: options.kernel,
          cellTimeoutMs: timeoutSeconds * 1000,
          allowErrors: options['allow-errors'] === true,
          startupTimeoutMs: startupSeconds * 1000,
          onProgress: (event) => progress.update(label, event),
        });
        outcomes[index] = { path, result, durationMs: performance.now() - started };
        for (const warning of result.warnings) progress.log(`${path}: warning: ${warning}`);
        progress.log(
          result.status === 'ok'
            ? `ok      ${path} (${result.cells.length} cells, ${formatSeconds(result.durationMs)})`
            : `FAILED  ${describeFailure(result)}`,
        );
      } catch (error) {
        outcomes[index] = { path, crash: error as Error, durationMs: performance.now() - started };
        progress.log(`ERROR   ${path}: ${(error as Error).message}`);
      } finally {
        progress.finish(path);
      }
    }
  };
  for (const batch of batches) {
    end += batch.paths.length;
    await Promise.all(Array.from({ length: Math.min(batch.jobs, batch.paths.length) }, worker));
  }
  progress.stop();
  process.stderr.write('\n' + summaryTable(outcomes) + '\n');
  const failed = outcomes.filter((o) => o.crash || o.result?.status !== 'ok');
  if (failed.length > 0) {
    // Each error was printed in full when its notebook finished: here, one line each, where and what.
    process.stderr.write(`\n${failed.length} of ${outcomes.length} notebook${outcomes.length === 1 ? '' : 's'} failed (details above):\n`);
    for (const o of failed) process.stderr.write((o.result ? describeFailure(o.result, { brief: true }) : `${o.path}: ${o.crash?.message}`) + '\n');
    return 1;
  }
  process.stderr.write(`\nAll ${outcomes.length} notebook${outcomes.length === 1 ? '' : 's'} ran; executed copies in ${outDir}\n`);
  return 0;
}
