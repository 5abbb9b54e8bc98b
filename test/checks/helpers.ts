// Shared by the checks' tests: run a check and tell what it printed or what it said was wrong.
import assert from 'node:assert/strict';
import { CheckError } from '../../src/checks/check.js';

/** Run a check that must pass; returns what it printed. */
export async function passes(check: () => Promise<void>): Promise<string> {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(' '));
  try {
    await check();
  } finally {
    console.log = log;
  }
  const text = printed.join('\n');
  assert.match(text, /^✔ /, 'a passing check prints one short confirmation');
  return text;
}

/** Run a check that must fail with a CheckError whose message matches `pattern`; returns the message. */
export async function fails(check: () => Promise<void>, pattern: RegExp): Promise<string> {
  const log = console.log;
  console.log = () => {};
  try {
    await check();
  } catch (error) {
    assert.ok(error instanceof CheckError, `expected a CheckError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return error.message;
  } finally {
    console.log = log;
  }
  assert.fail(`the check passed, expected it to fail with ${pattern}`);
}
