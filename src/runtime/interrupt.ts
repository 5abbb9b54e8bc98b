/**
 * Interrupts that stop the work, not just the cell: what the trainbook kernel's "Interrupt" means to library code.
 *
 * The kernel runs every cell inside an interrupt scope. When the user interrupts, the kernel raises a shared counter
 * (a `SharedArrayBuffer`, written by the kernel's control thread even while the main thread is busy in a synchronous
 * training loop). Library loops call {@link throwIfInterrupted} once per batch; it reads that counter synchronously and
 * throws {@link KeyboardInterrupt} when the cell that started the loop has been interrupted. Outside the trainbook
 * kernel (plain tslab, scripts, tests) nothing is ever interrupted and the checks cost one property lookup.
 *
 * The state lives in the runtime's shared registry (`./shared.ts`), so every copy of this module (the kernel's and the
 * one a notebook loads through `trainbook`) sees the same interrupts. This module is part of the cell library; the
 * kernel imports it, never the reverse.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { getShared, setShared } from './shared.js';

/**
 * Thrown when the user interrupted the kernel while this work was running.
 *
 * PyTorch: Python's `KeyboardInterrupt`, raised by Ctrl-C / Jupyter's "Interrupt kernel" inside a training loop.
 */
export class KeyboardInterrupt extends Error {
  constructor(message = 'the kernel was interrupted') {
    super(message);
    this.name = 'KeyboardInterrupt';
  }
}

/** One cell's interrupt scope: the counter value when it started and its abort controller. */
export interface InterruptScope {
  /** Value of the shared interrupt counter when the cell started. */
  readonly startCount: number;
  /** Aborted (with a {@link KeyboardInterrupt}) once the cell is interrupted. */
  readonly controller: AbortController;
}

/** Process-wide interrupt state shared by every copy of this module. */
export interface InterruptState {
  /** `counter[0]` is the number of interrupts so far; the kernel's control thread increments it. */
  counter: Int32Array;
  storage: AsyncLocalStorage<InterruptScope>;
  /** Scopes of cells whose work may still run (their controllers are aborted on interrupt). */
  live: Set<InterruptScope>;
}

function state(): InterruptState | undefined {
  return getShared<InterruptState>('interrupt');
}

/**
 * Install the process-wide interrupt state (the kernel calls this once at start-up) on a counter it shares with its
 * control thread. Returns the state; calling it again returns the existing state.
 *
 * PyTorch: none (IPython installs its SIGINT handler).
 */
export function installInterruptState(counter: Int32Array = new Int32Array(new SharedArrayBuffer(4))): InterruptState {
  const existing = state();
  if (existing !== undefined) return existing;
  const created: InterruptState = { counter, storage: new AsyncLocalStorage<InterruptScope>(), live: new Set() };
  setShared('interrupt', created);
  return created;
}

/**
 * Run `fn` (a cell) in a new interrupt scope; work it starts, synchronous or awaited, belongs to this scope.
 * `startCount` (default: the count now) is the {@link interruptCount} the scope starts from: an interrupt that came
 * after it (e.g. while the cell was compiling) counts as interrupting this cell.
 *
 * PyTorch: none.
 */
export function runInInterruptScope<T>(fn: () => T, startCount?: number): { scope: InterruptScope; result: T } {
  const s = state() ?? installInterruptState();
  const scope: InterruptScope = { startCount: startCount ?? Atomics.load(s.counter, 0), controller: new AbortController() };
  s.live.add(scope);
  const result = s.storage.run(scope, fn);
  return { scope, result };
}

/** Forget a scope whose work has finished (its controller is no longer aborted by later interrupts). */
export function endInterruptScope(scope: InterruptScope): void {
  state()?.live.delete(scope);
}

/**
 * Record an interrupt: raise the shared counter (unless the control thread already did) and abort every live scope.
 * Called by the kernel on `interrupt_request` or SIGINT.
 *
 * PyTorch: none.
 */
/** The number of interrupts so far (compare with a later value to see whether one came in between). */
export function interruptCount(): number {
  return Atomics.load((state() ?? installInterruptState()).counter, 0);
}

export function requestInterrupt(alreadyCounted = false): void {
  const s = state() ?? installInterruptState();
  if (!alreadyCounted) Atomics.add(s.counter, 0, 1);
  for (const scope of s.live) {
    if (!scope.controller.signal.aborted) scope.controller.abort(new KeyboardInterrupt());
  }
}

/** The scope of the cell that started the current work, if running in the trainbook kernel. */
export function currentInterruptScope(): InterruptScope | undefined {
  return state()?.storage.getStore();
}

/** Whether `scope` (default: the current cell's) has been interrupted; reads the shared counter, so it is exact even while the main thread is busy. */
export function scopeInterrupted(scope: InterruptScope | undefined = currentInterruptScope()): boolean {
  const s = state();
  if (s === undefined || scope === undefined) return false;
  return Atomics.load(s.counter, 0) > scope.startCount;
}

/**
 * Whether the user interrupted the cell that started the current work. Always `false` outside the trainbook kernel.
 *
 * PyTorch: none (Python delivers `KeyboardInterrupt` asynchronously; JavaScript code has to ask).
 * @example
 * for (const batch of loader) {
 *   if (isInterrupted()) break;
 *   ...
 * }
 */
export function isInterrupted(): boolean {
  return scopeInterrupted();
}

/**
 * Throw {@link KeyboardInterrupt} if the user interrupted the cell that started the current work. Call it once per
 * batch in training loops (DataLoader iteration, step functions); it is a single atomic read.
 *
 * PyTorch: none (Python raises `KeyboardInterrupt` by itself at the next bytecode).
 * @example
 * for (const [x, y] of loader) {
 *   throwIfInterrupted();
 *   trainStep(model, optimizer, x, y);
 * }
 */
export function throwIfInterrupted(): void {
  if (scopeInterrupted()) throw new KeyboardInterrupt('the kernel was interrupted: training stopped at the next batch');
}

/**
 * An `AbortSignal` that aborts when the user interrupts the cell that started the current work (for `fetch`,
 * timers and other abortable APIs). Outside the trainbook kernel it never aborts. Call it again rather than keeping
 * the signal across a long synchronous loop: calling it also notices an interrupt the main thread has not yet
 * processed.
 *
 * PyTorch: none.
 */
export function interruptSignal(): AbortSignal {
  const scope = currentInterruptScope();
  if (scope === undefined) return new AbortController().signal;
  if (scopeInterrupted(scope) && !scope.controller.signal.aborted) scope.controller.abort(new KeyboardInterrupt());
  return scope.controller.signal;
}
