/**
 * Rate limiting for outputs that are redrawn in place while a loop runs.
 */
import { performance } from 'node:perf_hooks';

/**
 * Calls `render` at most once per `intervalMs`: a request inside the interval is deferred to its
 * end (the latest state is drawn then), `flush` draws now. Errors from a deferred render are written
 * to stderr, never thrown from a timer (an uncaught error there can kill a kernel).
 *
 * PyTorch: none.
 */
export class Throttle {
  private last = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;

  constructor(
    private readonly intervalMs: number,
    private readonly render: () => void,
    private readonly what: string,
  ) {
    if (!(intervalMs >= 0)) throw new Error(`${what}: throttleMs is ${intervalMs}, expected a number >= 0`);
  }

  /** Asks for a redraw: now if the interval has passed, else once at its end. */
  request(): void {
    this.dirty = true;
    const wait = this.last + this.intervalMs - performance.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      try {
        if (this.dirty) this.flush();
      } catch (error) {
        process.stderr.write(`${this.what}: redraw failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }, wait);
  }

  /** Draws now and cancels a pending deferred draw. */
  flush(): void {
    this.cancel();
    this.dirty = false;
    this.last = performance.now();
    this.render();
  }

  /** Records that the output was just drawn by other means (the next request waits a full interval). */
  markDrawn(): void {
    this.last = performance.now();
  }

  /** Cancels a pending deferred draw. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
