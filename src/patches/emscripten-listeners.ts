/**
 * Patch of the Emscripten runtime inside `@tensorflow/tfjs-backend-wasm` 4.22.0: when the wasm backend starts, its
 * runtime adds `uncaughtException`/`unhandledRejection` listeners to `process` that rethrow and end the process, so
 * one stray rejection in a notebook would kill the kernel. These helpers remove the listeners added since a snapshot.
 */
import { assertDependencyVersion } from './dependency-version.js';

/** The tfjs-backend-wasm version whose Emscripten runtime this patch was written against. */
export const TFJS_BACKEND_WASM_VERSION = '4.22.0';

/** The process events whose foreign listeners would turn a stray error into a dead process. */
const GUARDED_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
type GuardedEvent = (typeof GUARDED_EVENTS)[number];
type Listener = (...args: unknown[]) => void;

/** The `uncaughtException`/`unhandledRejection` listeners at one moment. */
export type ProcessListenerSnapshot = ReadonlyMap<GuardedEvent, readonly Listener[]>;

function listenersOf(event: GuardedEvent): Listener[] {
  return (process as unknown as NodeJS.EventEmitter).listeners(event) as Listener[];
}

/**
 * The listeners currently registered for `uncaughtException` and `unhandledRejection`.
 *
 * PyTorch: none.
 */
export function snapshotProcessListeners(): ProcessListenerSnapshot {
  return new Map(GUARDED_EVENTS.map((event) => [event, listenersOf(event)]));
}

/**
 * Remove the `uncaughtException`/`unhandledRejection` listeners added since `before` (Emscripten's, which rethrow and
 * kill the process once the wasm backend starts). Returns how many were removed. Throws when tfjs-backend-wasm is
 * installed at another version than {@link TFJS_BACKEND_WASM_VERSION} and listeners were added.
 *
 * PyTorch: none.
 */
export function removeAddedProcessListeners(before: ProcessListenerSnapshot): number {
  const added: [GuardedEvent, Listener][] = [];
  for (const event of GUARDED_EVENTS) {
    const kept = new Set(before.get(event) ?? []);
    for (const listener of listenersOf(event)) if (!kept.has(listener)) added.push([event, listener]);
  }
  if (added.length === 0) return 0;
  assertDependencyVersion('emscripten-listeners', '@tensorflow/tfjs-backend-wasm', TFJS_BACKEND_WASM_VERSION);
  for (const [event, listener] of added) (process as unknown as NodeJS.EventEmitter).removeListener(event, listener);
  return added.length;
}
