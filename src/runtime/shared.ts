/**
 * State that every copy of the cell library loaded in one process must share: the interrupt counter and scopes, the
 * display sink, whether plotly.js was sent to the page.
 *
 * One global registry because two copies really load in one process and module identity cannot join them: a kernel
 * installed from one checkout runs notebooks whose folder resolves `trainbook` to another install, and the tests run
 * the kernel from `src/` under tsx while cells `require('trainbook')` from `dist/`.
 */

/** The registry's slots and the type each one holds. */
export interface SharedSlots {
  /** The interrupt counter and cell scopes (`runtime/interrupt.ts`). */
  interrupt: unknown;
  /** The explicit display sink (`display/sink.ts`). */
  displaySink: unknown;
  /** Whether plotly.js was already embedded in this kernel session (`display/plotly.ts`). */
  plotlyInjected: unknown;
}

const REGISTRY = Symbol.for('trainbook.runtime');

function registry(): Partial<SharedSlots> {
  const holder = globalThis as typeof globalThis & { [REGISTRY]?: Partial<SharedSlots> };
  holder[REGISTRY] ??= {};
  return holder[REGISTRY];
}

/**
 * The value in one slot of the process-wide registry (`undefined` when unset). The caller states the type it stored.
 *
 * PyTorch: none.
 */
export function getShared<T>(slot: keyof SharedSlots): T | undefined {
  return registry()[slot] as T | undefined;
}

/**
 * Store `value` in one slot of the process-wide registry (`undefined` clears it). Returns the previous value.
 *
 * PyTorch: none.
 */
export function setShared<T>(slot: keyof SharedSlots, value: T | undefined): T | undefined {
  const shared = registry();
  const previous = shared[slot] as T | undefined;
  if (value === undefined) delete shared[slot];
  else shared[slot] = value;
  return previous;
}
