// Runs every test file under test/ (or those given as arguments) with Node's test runner.
// Node 20's `--test` does not expand globs, so the files are found here.
//
// Slow tests (JupyterLab, Chromium, whole-course runs, accuracy runs) have one switch, TRAINBOOK_SLOW_TESTS=1, read
// by test/slow.ts: `--slow` turns it on (`npm test`, as CI runs it), `--unit` turns it off (`npm run test:unit`),
// neither leaves the environment's value.
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

const flags = new Set(process.argv.slice(2).filter((a) => a === '--slow' || a === '--unit'));
const args = process.argv.slice(2).filter((a) => !flags.has(a));
if (flags.size > 1) {
  console.error('scripts/test.mjs: give --slow or --unit, not both');
  process.exit(2);
}
const files = args.length > 0 ? args.flatMap((a) => (statSync(a).isDirectory() ? find(a) : [a])) : find('test');
const env = { ...process.env };
if (flags.has('--slow')) env.TRAINBOOK_SLOW_TESTS = '1';
if (flags.has('--unit')) env.TRAINBOOK_SLOW_TESTS = '0';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...files.sort()],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
