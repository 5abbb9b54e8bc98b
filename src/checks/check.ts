/**
 * The machinery every exercise check shares: run the student's function and a reference on small fixed
 * cases, and when they disagree say what differs and what to look at, without showing the reference's code.
 */

/**
 * The error a check throws when the student's answer is wrong; its message is written for the student.
 * nbgrader counts a grade cell with an error output as failed.
 *
 * PyTorch: none (the tutorials have no exercises; nbgrader's Python courses use `assert`).
 */
export class CheckError extends Error {
  override name = 'CheckError';
}

/**
 * The message of nbgrader's TypeScript code stub (`nbgrader_config.py`): an exercise whose function still
 * throws an error starting with these words has not been attempted.
 *
 * PyTorch: none (Python's stub raises `NotImplementedError`).
 */
export const NOT_DONE = 'exercise not done';

/**
 * A typical wrong answer a check recognises: what it computes, and the advice that fixes it.
 *
 * PyTorch: none.
 */
export interface Mistake<Input, Output> {
  /** What the wrong answer returns for an input. */
  compute: (input: Input) => Output;
  /** What to look at, in plain words (no solution code). */
  hint: string;
}

/**
 * One exercise check: the reference, the cases it runs, how answers compare and how a difference is told.
 *
 * PyTorch: none.
 */
export interface CheckSpec<Input, Output> {
  /** The name of the function the student writes, as the exercise names it (`countCorrect`). */
  exercise: string;
  /** Small fixed inputs, from the simplest to the edge cases. */
  cases: Input[];
  /** The right answer for an input. */
  reference: (input: Input) => Output;
  /** Whether two answers agree (use a tolerance for floating-point values). */
  same: (actual: Output, expected: Output) => boolean;
  /** The difference in plain words: `your accuracy counted 27 of 30, expected 28`. */
  describe: (input: Input, actual: Output, expected: Output) => string;
  /** Typical wrong answers, tried in order; the first that gives the student's answer supplies the hint. */
  mistakes: Mistake<Input, Output>[];
  /** Advice when the answer matches no known mistake. */
  fallbackHint: string;
  /** The short confirmation printed when every case agrees. */
  passed: string;
}

/**
 * `value` as short text for a message: arrays inline, strings quoted, numbers as they print.
 *
 * PyTorch: none.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${show(v)}`).join(', ')} }`;
  }
  return String(value);
}

/**
 * Whether two numbers, or arrays of numbers (nested), agree within `tolerance` (absolute below 1, relative above).
 *
 * PyTorch: `math.isclose` / `torch.allclose`, with one tolerance for both.
 */
export function close(a: unknown, b: unknown, tolerance = 1e-5): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b); // a mistake may give NaN too
    return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => close(x, b[i], tolerance));
  }
  return false;
}

/**
 * Run a check: the student's function on every case, compared with the reference. Prints `passed` and
 * resolves when all agree; otherwise throws a {@link CheckError} that names the case, the values and a hint.
 *
 * PyTorch: none.
 * @example
 * await runCheck(spec, (input) => countCorrect(...input));
 */
export async function runCheck<Input, Output>(
  spec: CheckSpec<Input, Output>,
  student: (input: Input) => Output | Promise<Output>,
): Promise<void> {
  const answers: Output[] = [];
  for (const input of spec.cases) {
    try {
      answers.push(await student(input));
    } catch (error) {
      // A check never hides the kernel's own stops: an interrupt, or process.exit (the kernel is ending).
      if (error instanceof CheckError || (error instanceof Error && (error.name === 'KeyboardInterrupt' || error.name === 'SystemExit'))) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (message.startsWith(NOT_DONE)) {
        throw new CheckError(`${spec.exercise} is not written yet: replace the "YOUR CODE HERE" lines with your code, run its cell, then this one`);
      }
      throw new CheckError(`${spec.exercise} threw an error on the check's data: ${message}`);
    }
  }
  const agrees = (compute: (input: Input) => Output, k: number) => {
    try {
      return spec.same(answers[k], compute(spec.cases[k]));
    } catch {
      return false;
    }
  };
  const failed = spec.cases.findIndex((_, k) => !agrees(spec.reference, k));
  if (failed >= 0) {
    // The typical mistake that explains this answer best: it gives the same result here and on the most other cases.
    let best: { hint: string; score: number } | null = null;
    for (const mistake of spec.mistakes) {
      if (!agrees(mistake.compute, failed)) continue;
      const score = spec.cases.filter((_, k) => agrees(mistake.compute, k)).length;
      if (best === null || score > best.score) best = { hint: mistake.hint, score };
    }
    const input = spec.cases[failed];
    throw new CheckError(`${spec.describe(input, answers[failed], spec.reference(input))}: ${best?.hint ?? spec.fallbackHint}`);
  }
  console.log(`✔ ${spec.passed}`);
}
