/**
 * `trainbook export`: executed notebooks to a folder of self-contained HTML pages with a course index.
 */
import { exportCourse } from '../notebook/export.js';
import { parseCommandLine, UsageError } from './args.js';

/**
 * Help text of `trainbook export`.
 *
 * PyTorch: none.
 */
export const EXPORT_HELP = `Usage: trainbook export <executed notebooks or folders...> --out <dir> [--title "Course"] [--ipynb] [--sections a,b,c] [--course course.json] [--trust]

Writes one self-contained HTML page per executed notebook (<dir>/<section>/<name>.html) and a
course index (<dir>/index.html). Pages work offline from file:// and need no Python.

As in JupyterLab, markdown is sanitized and a notebook's HTML and JavaScript outputs run script
only when the notebook is trusted: signed by "jupyter trust" (or saved by your JupyterLab), or
exported with --trust. Untrusted HTML outputs are shown sanitized; plotly figures draw either way.

Options:
  -o, --out <dir>        folder to write into (required)
  -t, --title <text>     course title (default: "trainbook course")
      --ipynb            also copy each notebook as <dir>/<section>/<name>.ipynb
      --sections <list>  comma-separated section names in reading order (default: as found)
      --course <file>    course guide (notebooks/course.json): front page text, section titles,
                         time estimates, title and section order
      --trust            trust every notebook given (ones you executed yourself, e.g. with trainbook run)
  -h, --help             show this help`;

/**
 * Runs `trainbook export` with the arguments after `export`; returns the exit code (0 exported).
 * A bad command line throws a {@link UsageError}, a failed export an `Error` naming the file.
 * Prints one line per page, warnings to stderr.
 *
 * PyTorch: none.
 *
 * @example
 * process.exitCode = await exportCommand(['build/executed', '--out', 'course', '--title', 'Iris']);
 */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('export', argv, {
    out: { type: 'string', short: 'o' },
    title: { type: 'string', short: 't' },
    ipynb: { type: 'boolean' },
    sections: { type: 'string' },
    course: { type: 'string' },
    trust: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    process.stdout.write(`${EXPORT_HELP}\n`);
    return 0;
  }
  if (values.out === undefined || values.out === '') throw new UsageError('export: --out <dir> is required (e.g. --out course)');
  if (positionals.length === 0) throw new UsageError('export: no notebooks given; pass executed .ipynb files or folders');
  const result = await exportCourse(positionals, {
    outDir: values.out,
    ...(values.title === undefined ? {} : { title: values.title }),
    ipynb: values.ipynb === true,
    trust: values.trust === true,
    sections: (values.sections ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    ...(values.course === undefined ? {} : { course: values.course }),
  });
  for (const nb of result.notebooks) {
    const status = nb.status.kind === 'failed' ? `failed${nb.status.failedCell === undefined ? '' : ` at cell ${nb.status.failedCell}`}` : nb.status.kind === 'ok' ? 'ok' : 'no run record';
    const kb = (nb.bytes / 1024).toFixed(0);
    process.stdout.write(`${nb.htmlPath}  ${status}, ${kb} kB${nb.hasPlotly ? ', plotly' : ''}${nb.trusted ? ', trusted' : ''}\n`);
    for (const warning of nb.warnings) process.stderr.write(`warning: ${warning}\n`);
  }
  process.stdout.write(`${result.indexPath}  ${result.notebooks.length} notebooks\n`);
  return 0;
}
