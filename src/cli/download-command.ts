/**
 * `trainbook download ag-news`: the command-line face of the library's `downloadAgNews`.
 */
import { AG_NEWS_BASE_URL, downloadAgNews, type AgNewsSplit } from '../text/download.js';
import { parseCommandLine, UsageError } from './args.js';

const USAGE = `Usage: trainbook download ag-news [--dir <folder>] [--base-url <url>] [--split train|test]

Downloads AG News train.csv (120,000 rows) and test.csv (7,600 rows) from the URLs torchtext uses
and checks the md5 sums torchtext checks. With train.csv in data/ag_news the AG News notebooks
train on the full release. The data is for research and other non-commercial use only.

  --dir <folder>     where to write the files (default data/ag_news)
  --base-url <url>   where to download from (default ${AG_NEWS_BASE_URL})
  --split <name>     only this split (train or test); may be given twice
  -h, --help         show this text`;

/**
 * Runs `download ag-news` with the arguments after `download` (e.g. `["ag-news", "--dir", "x"]`).
 * Returns the process exit code: 0 on success, 1 on a failed download. A bad command line throws a
 * {@link UsageError} (the CLI prints it and exits with 2). Messages go to `out` (progress) and `err` (errors).
 *
 * PyTorch: none (torchtext downloads on first use of `AG_NEWS()`).
 */
export async function downloadCommand(
  argv: readonly string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const { values, positionals } = parseCommandLine('download', argv, {
    dir: { type: 'string' },
    'base-url': { type: 'string' },
    split: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    out(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'ag-news') {
    const given = positionals.length === 0 ? 'no dataset' : `"${positionals.join(' ')}"`;
    throw new UsageError(`download: ${given} given, expected "ag-news" (see "trainbook download --help")`);
  }
  const splits: AgNewsSplit[] = [];
  for (const split of values.split ?? []) {
    if (split !== 'train' && split !== 'test') throw new UsageError(`download: --split is "${split}", expected train or test`);
    splits.push(split);
  }
  try {
    await downloadAgNews({ dir: values.dir, baseUrl: values['base-url'], splits: splits.length > 0 ? splits : undefined, log: out });
    return 0;
  } catch (error) {
    err((error as Error).message);
    return 1;
  }
}
