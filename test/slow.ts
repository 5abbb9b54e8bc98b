// The one switch for slow tests (JupyterLab, Chromium, whole-course runs, accuracy runs): TRAINBOOK_SLOW_TESTS=1.
// `npm test` sets it (scripts/test.mjs --slow), `npm run test:unit` clears it (--unit); every slow test asks here.

/** Whether slow tests run in this process. */
export const SLOW_TESTS = process.env.TRAINBOOK_SLOW_TESTS === '1';

/** `false` when slow tests run, else the reason to skip, naming what the test needs (`what`). */
export function skipUnlessSlow(what: string): string | false {
  return SLOW_TESTS ? false : `slow (${what}): runs in npm test, or set TRAINBOOK_SLOW_TESTS=1`;
}
