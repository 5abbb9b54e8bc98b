/**
 * Progress display for `trainbook run` on stderr: one updating line on a TTY, periodic lines otherwise.
 */
import type { RunProgress } from '../notebook/run.js';

/**
 * Seconds with one decimal, e.g. `12.3s`.
 *
 * PyTorch: none.
 */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

interface Active {
  label: string;
  cell: number;
  totalCells: number;
  startedAt: number;
  lastPrintedAt: number;
}

/**
 * Shows which cell each running notebook is on.
 *
 * PyTorch: none (like tqdm for notebooks).
 */
export class ProgressDisplay {
  private readonly active = new Map<string, Active>();
  private timer: NodeJS.Timeout | undefined;
  private lineShown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly tty = Boolean(process.stderr.isTTY) && process.env.CI === undefined,
    private readonly periodMs = 10_000,
  ) {}

  /** Start the display timer. */
  start(): void {
    this.timer = setInterval(() => this.tick(), this.tty ? 200 : 1000);
    this.timer.unref();
  }

  /** Stop the display and clear the TTY line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.clearLine();
  }

  /** Print a line above the progress line. */
  log(line: string): void {
    this.clearLine();
    this.stream.write(line + '\n');
    this.render();
  }

  /** Feed one runner event. */
  update(label: string, event: RunProgress): void {
    const now = performance.now();
    if (event.type === 'kernel-starting') {
      this.active.set(event.path, { label, cell: 0, totalCells: event.totalCells, startedAt: now, lastPrintedAt: now });
      if (!this.tty) this.stream.write(`${label}: starting kernel (${event.totalCells} code cells)\n`);
    } else {
      const entry = this.active.get(event.path);
      if (entry) entry.cell = event.cell;
    }
    this.render();
  }

  /** Forget a finished notebook. */
  finish(path: string): void {
    this.active.delete(path);
    this.render();
  }

  private describe(entry: Active): string {
    const cell = entry.cell === 0 ? 'kernel starting' : `cell ${entry.cell}/${entry.totalCells}`;
    return `${entry.label} ${cell} ${formatSeconds(performance.now() - entry.startedAt)}`;
  }

  private tick(): void {
    if (this.tty) {
      this.render();
      return;
    }
    const now = performance.now();
    for (const entry of this.active.values()) {
      if (now - entry.lastPrintedAt >= this.periodMs) {
        entry.lastPrintedAt = now;
        this.stream.write(`${this.describe(entry)}\n`);
      }
    }
  }

  private render(): void {
    if (!this.tty) return;
    const text = [...this.active.values()].map((e) => this.describe(e)).join(' | ');
    const width = this.stream.columns > 20 ? this.stream.columns : 100;
    this.stream.write(`\r\u001b[K${text.length > width - 1 ? text.slice(0, width - 2) + '…' : text}`);
    this.lineShown = text !== '';
  }

  private clearLine(): void {
    if (this.tty && this.lineShown) {
      this.stream.write('\r\u001b[K');
      this.lineShown = false;
    }
  }
}
