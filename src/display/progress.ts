/**
 * A progress bar with elapsed time, rate and ETA, updated in place in a notebook.
 */
import { performance } from 'node:perf_hooks';

import { escapeHtml } from './html.js';
import { getDisplaySink, newDisplayId, type DisplaySink, type MimeBundle } from './sink.js';
import { Throttle } from './throttle.js';

/** Extra numbers shown after the bar (`{ loss: 0.4123 }` → `loss=0.4123`), or a ready-made string. */
export type ProgressInfo = Readonly<Record<string, number | string>> | string;

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Text before the bar. @default '' */
  label?: string;
  /** Name of one step, for the rate (`it/s`, `batch/s`). @default 'it' */
  unit?: string;
  /** Minimum time between two redraws in a notebook; the final state is always drawn. @default 250 */
  throttleMs?: number;
  /** Minimum time between two lines on stderr when there is no notebook. @default 1000 */
  consoleThrottleMs?: number;
}

/** A running progress bar. */
export interface Progress {
  /** Records `n` more steps (default 1) and optional info; redraws at most every `throttleMs`. */
  tick(n?: number, info?: ProgressInfo): void;
  /** Draws the final state now (always); later ticks throw. */
  done(info?: ProgressInfo): void;
  /** Steps recorded so far. */
  readonly count: number;
}

/**
 * A duration as a clock, the way a progress bar shows it: `75` → `01:15`, `3725` → `1:02:05`
 * (the exported pages write durations in words with `formatDuration` of `src/notebook/html-page.ts`).
 *
 * PyTorch: none (tqdm's elapsed and remaining times).
 */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (x: number): string => String(x).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

function formatInfo(info: ProgressInfo | undefined): string {
  if (info === undefined) return '';
  if (typeof info === 'string') return info;
  return Object.entries(info)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v)) : v}`)
    .join(', ');
}

interface ProgressState {
  count: number;
  total: number;
  elapsedSeconds: number;
  info: string;
  finished: boolean;
}

function rateText(state: ProgressState, unit: string): string {
  if (state.elapsedSeconds <= 0 || state.count === 0) return `? ${unit}/s`;
  const rate = state.count / state.elapsedSeconds;
  return rate >= 1 ? `${rate.toFixed(2)} ${unit}/s` : `${(1 / rate).toFixed(2)} s/${unit}`;
}

function timesText(state: ProgressState): string {
  const elapsed = formatClock(state.elapsedSeconds);
  if (state.finished) return elapsed;
  const rate = state.count / state.elapsedSeconds;
  const eta = state.count > 0 && state.elapsedSeconds > 0 ? formatClock(Math.max(0, state.total - state.count) / rate) : '?';
  return `${elapsed}<${eta}`;
}

/** The text line of a progress state, tqdm-like: `train  40%|████      | 4/10 [00:02<00:03, 2.00 it/s] loss=0.5`. */
function progressText(state: ProgressState, label: string, unit: string): string {
  const fraction = state.total > 0 ? Math.min(1, state.count / state.total) : 1;
  const width = 20;
  const eighths = Math.round(fraction * width * 8);
  const partial = eighths % 8 === 0 ? '' : ' ▏▎▍▌▋▊▉'[eighths % 8];
  const bar = ('█'.repeat(Math.floor(eighths / 8)) + partial).padEnd(width, ' ');
  const percent = `${Math.floor(100 * fraction)}%`.padStart(4, ' ');
  const info = state.info === '' ? '' : ` ${state.info}`;
  return `${label === '' ? '' : `${label} `}${percent}|${bar}| ${state.count}/${state.total} [${timesText(state)}, ${rateText(state, unit)}]${info}`;
}

function progressHtml(state: ProgressState, label: string, unit: string): string {
  const fraction = state.total > 0 ? Math.min(1, state.count / state.total) : 1;
  const color = state.finished ? '#2ca02c' : '#1f77b4';
  const info = state.info === '' ? '' : ` <span style="color:#555">${escapeHtml(state.info)}</span>`;
  return (
    '<div class="trainbook-progress" style="display:flex;align-items:center;gap:8px;font:13px/1.6 ui-monospace,monospace;">' +
    (label === '' ? '' : `<span>${escapeHtml(label)}</span>`) +
    `<span style="display:inline-block;width:260px;height:12px;background:#e6e6e6;border-radius:3px;overflow:hidden;">` +
    `<span style="display:block;height:100%;width:${(100 * fraction).toFixed(1)}%;background:${color};"></span></span>` +
    `<span>${Math.floor(100 * fraction)}% ${state.count}/${state.total} [${escapeHtml(timesText(state))}, ${escapeHtml(rateText(state, unit))}]${info}</span>` +
    '</div>'
  );
}

/**
 * Shows a progress bar for `total` steps, updated in place in a notebook (HTML, with a text
 * fallback), with elapsed time, rate and ETA. Without a notebook it writes one line to stderr
 * at most every second, and a final line at `done()`. In a notebook, a loop that never awaits
 * may show its redraws only when the cell ends.
 *
 * PyTorch: `tqdm(loader)` around the batch loop.
 * @example
 * const bar = progress(numBatches, { label: `epoch ${epoch + 1}`, unit: 'batch' });
 * for (const [x, y] of loader) {
 *   // ... one training step ...
 *   bar.tick(1, { loss });
 * }
 * bar.done();
 */
export function progress(total: number, options: ProgressOptions = {}): Progress {
  if (!(Number.isFinite(total) && total >= 0)) throw new Error(`progress: total is ${total}, expected a finite number >= 0 (the number of steps)`);
  const label = options.label ?? '';
  const unit = options.unit ?? 'it';
  const sink: DisplaySink = getDisplaySink();
  const displayId = newDisplayId();
  const start = performance.now();
  const state: ProgressState = { count: 0, total, elapsedSeconds: 0, info: '', finished: false };

  const bundle = (): MimeBundle => ({ 'text/html': progressHtml(state, label, unit), 'text/plain': progressText(state, label, unit) });
  const render = (): void => {
    state.elapsedSeconds = (performance.now() - start) / 1000;
    if (!sink.rich) {
      process.stderr.write(`${progressText(state, label, unit)}\n`);
      return;
    }
    sink.update(bundle(), displayId);
  };
  const throttle = new Throttle(sink.rich ? (options.throttleMs ?? 250) : (options.consoleThrottleMs ?? 1000), render, 'progress');
  if (sink.rich) {
    sink.display(bundle(), displayId);
    // The bar is already drawn at 0: the first tick waits for the interval like later ones.
    throttle.markDrawn();
  }

  return {
    get count() {
      return state.count;
    },
    tick(n = 1, info) {
      if (state.finished) throw new Error('progress: tick() after done(); create a new bar with progress(total)');
      if (!Number.isFinite(n)) throw new Error(`progress.tick: n is ${n}, expected a finite number of steps`);
      state.count += n;
      if (info !== undefined) state.info = formatInfo(info);
      throttle.request();
    },
    done(info) {
      if (state.finished) return;
      state.finished = true;
      if (info !== undefined) state.info = formatInfo(info);
      throttle.flush();
    },
  };
}
