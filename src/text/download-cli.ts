/**
 * `trainbook download ag-news`: the command-line face of {@link downloadAgNews}.
 */
import { AG_NEWS_BASE_URL, downloadAgNews, type AgNewsSplit } from './download.js';

const USAGE = `Usage: trainbook download ag-news [--dir <folder>] [--base-url <url>] [--split train|test]

Downloads AG News train.csv (120,000 rows) and test.csv (7,600 rows) from the URLs torchtext uses
and checks the md5 sums torchtext checks. With train.csv in data/ag_news the AG News notebooks
train on the full release. The data is for research and other non-commercial use only.

  --dir <folder>     where to write the files (default data/ag_news)
  --base-url <url>   where to download from (default ${AG_NEWS_BASE_URL})
  --split <name>     only this split (train or test); may be given twice
  --help             show this text`;

/**
 * Runs `download ag-news` with the arguments after `download` (e.g. `["ag-news", "--dir", "x"]`).
 * Returns the process exit code: 0 on success, 1 on a failed download, 2 on bad arguments. Messages
 * go to `out` (progress) and `err` (errors).
 *
 * PyTorch: none (torchtext downloads on first use of `AG_NEWS()`).
 */
export async function downloadCommand(
  argv: readonly string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const args = [...argv];
  if (args[0] === 'ag-news') args.shift();
  else if (args[0] !== undefined && !args[0].startsWith('--')) {
    err(`trainbook download: unknown dataset ${JSON.stringify(args[0])}, expected "ag-news"\n\n${USAGE}`);
    return 2;
  }
  let dir: string | undefined;
  let baseUrl: string | undefined;
  const splits: AgNewsSplit[] = [];
  while (args.length > 0) {
    const flag = args.shift() as string;
    if (flag === '--help' || flag === '-h') {
      out(USAGE);
      return 0;
    }
    const value = args.shift();
    if (value === undefined || !['--dir', '--base-url', '--split'].includes(flag)) {
      err(`trainbook download ag-news: ${value === undefined && flag.startsWith('--') ? `${flag} needs a value` : `unknown argument ${JSON.stringify(flag)}`}\n\n${USAGE}`);
      return 2;
    }
    if (flag === '--dir') dir = value;
    else if (flag === '--base-url') baseUrl = value;
    else if (value === 'train' || value === 'test') splits.push(value);
    else {
      err(`trainbook download ag-news: --split is ${JSON.stringify(value)}, expected train or test`);
      return 2;
    }
  }
  try {
    await downloadAgNews({ dir, baseUrl, splits: splits.length > 0 ? splits : undefined, log: out });
    return 0;
  } catch (error) {
    err((error as Error).message);
    return 1;
  }
}
