// Runs every test file under test/ (or those given as arguments) with Node's test runner.
// Node 20's `--test` does not expand globs, so the files are found here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const args = process.argv.slice(2);
const files = args.length > 0 ? args.flatMap((a) => (statSync(a).isDirectory() ? find(a) : [a])) : find('test');
// The whole suite (no arguments, as `npm test` runs it) includes the slow end-to-end and accuracy
// tests; a run of chosen files skips them unless TRAINBOOK_SLOW_TESTS=1.
const env = { ...process.env };
if (args.length === 0) env.TRAINBOOK_SLOW_TESTS ??= '1';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...files.sort()],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
