/**
 * Where rich cell output goes: a small `DisplaySink` abstraction over the Jupyter display messages.
 *
 * Inside a tslab kernel the default sink sends through tslab's display API (one mime type per
 * message, so a bundle degrades to its best single mime). Outside a kernel the default sink prints
 * the `text/plain` part to stdout. Tests and the project's own kernel install their sink with
 * `setDisplaySink`.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { getShared, setShared } from '../runtime/shared.js';

/** A JSON value, as Jupyter stores it in a notebook output. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One output's data keyed by mime type, as in Jupyter's `display_data.data`
 * (e.g. `{ 'text/html': '<b>hi</b>', 'text/plain': 'hi' }`). Binary data (PNG) is base64 text.
 */
export type MimeBundle = Record<string, JsonValue>;

/**
 * A destination for rich output: the kernel the notebook runs on, a console, or a recorder.
 *
 * PyTorch: IPython's `display(...)` / `DisplayHandle.update(...)` play this role in a Python kernel.
 */
export interface DisplaySink {
  /** A short name for messages (`'tslab'`, `'console'`, `'recording'`). */
  readonly name: string;
  /** Whether one output can carry several mime types; if false the sink keeps only the best one. */
  readonly multiMime: boolean;
  /** Whether the output lands in a notebook (true) or a terminal/log (false); progress bars print lines when false. */
  readonly rich: boolean;
  /**
   * Shows a new output. With `displayId`, the output can later be replaced with `update`.
   */
  display(bundle: MimeBundle, displayId?: string): void;
  /** Replaces, in place, the output previously shown with `displayId` (Jupyter `update_display_data`). */
  update(bundle: MimeBundle, displayId: string): void;
}

/**
 * Mime types in the order a single-mime sink prefers them (first present wins).
 *
 * PyTorch: none (IPython display priority).
 */
export const MIME_PREFERENCE: readonly string[] = [
  'text/html',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'text/markdown',
  'text/latex',
  'text/plain',
];

/**
 * Reduces a bundle to the single mime type a one-mime-per-message frontend should get:
 * the first of {@link MIME_PREFERENCE} present, else the first entry.
 *
 * PyTorch: none.
 * @throws if the bundle is empty.
 */
export function bestSingleMime(bundle: MimeBundle): [mime: string, data: JsonValue] {
  for (const mime of MIME_PREFERENCE) {
    const data = bundle[mime];
    if (data !== undefined) return [mime, data];
  }
  const first = Object.entries(bundle)[0];
  if (first === undefined) throw new Error('bestSingleMime: the mime bundle is empty, expected at least one mime type');
  return first;
}

/**
 * A new display id (16 hex digits) for `display(bundle, id)` followed by `update(bundle, id)`.
 *
 * PyTorch: none (IPython's `display(..., display_id=True)`).
 */
export function newDisplayId(): string {
  return randomBytes(8).toString('hex');
}

/** The part of tslab's `Display` that a sink uses (tslab 1.0.22 `dist/public.d.ts`). */
export interface TslabDisplay {
  raw(contentType: string, data: string | Uint8Array): unknown;
}

/** The part of the `tslab` module a sink uses: `import * as tslab from "tslab"` inside a cell. */
export interface TslabModule {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
}

/**
 * A sink that sends through tslab's display API. Each tslab display message carries one mime type,
 * so every bundle is reduced with {@link bestSingleMime} (`text/html` when present).
 *
 * Normally not needed: the default sink finds the running tslab kernel by itself. Use it when
 * the kernel's tslab is a different installation than the one next to trainbook:
 * `setDisplaySink(tslabSink(tslab))` in a cell.
 *
 * PyTorch: none (IPython's display machinery).
 */
export function tslabSink(tslab: TslabModule): DisplaySink {
  const handles = new Map<string, TslabDisplay>();
  const send = (target: TslabDisplay, bundle: MimeBundle): void => {
    const [mime, data] = bestSingleMime(bundle);
    target.raw(mime, typeof data === 'string' ? data : JSON.stringify(data));
  };
  return {
    name: 'tslab',
    multiMime: false,
    rich: true,
    display(bundle, displayId) {
      if (displayId === undefined) {
        send(tslab.display, bundle);
        return;
      }
      // A tslab Display sends display_data on its first call and update_display_data afterwards.
      const handle = tslab.newDisplay();
      handles.set(displayId, handle);
      send(handle, bundle);
    },
    update(bundle, displayId) {
      const handle = handles.get(displayId);
      if (handle === undefined) {
        throw new Error(`tslabSink.update: no output was displayed with id '${displayId}'; call display(bundle, id) first`);
      }
      send(handle, bundle);
    },
  };
}

/**
 * A sink for plain Node (scripts, benchmarks): prints each bundle's `text/plain` to stdout,
 * for displays and updates alike (callers throttle their updates).
 *
 * PyTorch: `print(...)` outside a notebook.
 */
export function consoleSink(write: (line: string) => void = (line) => process.stdout.write(line)): DisplaySink {
  const print = (bundle: MimeBundle): void => {
    const text = bundle['text/plain'];
    if (typeof text === 'string' && text !== '') write(text.endsWith('\n') ? text : `${text}\n`);
  };
  return { name: 'console', multiMime: true, rich: false, display: print, update: (bundle) => print(bundle) };
}

/** One message a {@link RecordingSink} received. */
export interface RecordedMessage {
  kind: 'display' | 'update';
  bundle: MimeBundle;
  displayId?: string;
}

/**
 * A real sink that keeps what it receives: every message, and the notebook outputs as a
 * frontend would hold them after in-place updates (`outputs`). For tests, and for writing
 * outputs into a notebook file.
 *
 * PyTorch: none.
 */
export class RecordingSink implements DisplaySink {
  readonly name = 'recording';
  readonly multiMime: boolean;
  readonly rich: boolean;
  /** Every display and update, in order. */
  readonly messages: RecordedMessage[] = [];
  private readonly shown: { bundle: MimeBundle; displayId?: string }[] = [];

  /**
   * @param options.multiMime keep whole bundles (`true`) or only the best mime, like tslab (`false`). @default true
   * @param options.rich behave like a notebook (`true`) or like a terminal (`false`). @default true
   */
  constructor(options: { multiMime?: boolean; rich?: boolean } = {}) {
    this.multiMime = options.multiMime ?? true;
    this.rich = options.rich ?? true;
  }

  display(bundle: MimeBundle, displayId?: string): void {
    const kept = this.keep(bundle);
    this.messages.push(displayId === undefined ? { kind: 'display', bundle: kept } : { kind: 'display', bundle: kept, displayId });
    this.shown.push(displayId === undefined ? { bundle: kept } : { bundle: kept, displayId });
  }

  update(bundle: MimeBundle, displayId: string): void {
    const kept = this.keep(bundle);
    this.messages.push({ kind: 'update', bundle: kept, displayId });
    // Like Jupyter frontends: every output shown with this id is replaced; an unknown id changes nothing.
    for (const output of this.shown) if (output.displayId === displayId) output.bundle = kept;
  }

  /** The outputs as a notebook would hold them now: one bundle per display, updates applied. */
  outputs(): MimeBundle[] {
    return this.shown.map((output) => output.bundle);
  }

  /** The number of messages (displays and updates) carrying `displayId`. */
  countFor(displayId: string): number {
    return this.messages.filter((m) => m.displayId === displayId).length;
  }

  private keep(bundle: MimeBundle): MimeBundle {
    if (this.multiMime) return { ...bundle };
    const [mime, data] = bestSingleMime(bundle);
    return { [mime]: data };
  }
}

let detectedTslab: { jupyter: Record<string, unknown>; sink: DisplaySink } | undefined;

/**
 * Sets the sink every display helper uses from now on, in every copy of trainbook loaded in
 * this process; `undefined` restores automatic choice (tslab inside a tslab kernel, else the
 * console). Returns the previous explicit sink.
 *
 * PyTorch: none.
 * @example
 * const sink = new RecordingSink();
 * setDisplaySink(sink);
 * showTable(df);
 * setDisplaySink(undefined);
 */
export function setDisplaySink(sink: DisplaySink | undefined): DisplaySink | undefined {
  // In the runtime's shared registry, so every copy of trainbook in the process (the kernel's, a notebook's) uses it.
  return setShared<DisplaySink>('displaySink', sink);
}

/**
 * The sink display helpers use now: the one set with `setDisplaySink`, else tslab's when in a tslab kernel, else the console.
 *
 * PyTorch: none.
 */
export function getDisplaySink(): DisplaySink {
  const explicit = getShared<DisplaySink>('displaySink');
  if (explicit !== undefined) return explicit;
  const tslab = detectTslabKernel();
  if (tslab !== undefined) return tslab;
  return consoleSink();
}

/**
 * Whether this process is a tslab kernel that is executing cells (its display API is connected).
 *
 * PyTorch: none.
 */
export function inTslabKernel(): boolean {
  return detectTslabKernel() !== undefined;
}

interface LoadedModule {
  exports: unknown;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function isTslabModule(x: unknown): x is TslabModule {
  return isObject(x) && typeof x.newDisplay === 'function' && isObject(x.display) && typeof x.display.raw === 'function';
}

/**
 * Finds the tslab kernel running this process, if any. tslab's `jupyter.js` holds the function
 * that writes display messages (`lastWriteDisplayData`), set once the kernel executes a cell; its
 * `public.js` (the module `import "tslab"` gives) writes through it. Looking in the module cache
 * finds the kernel's own copy, wherever tslab is installed; plain Node never loaded it.
 */
function detectTslabKernel(): DisplaySink | undefined {
  if (detectedTslab !== undefined && typeof detectedTslab.jupyter.lastWriteDisplayData === 'function') return detectedTslab.sink;
  const require = createRequire(import.meta.url);
  const suffix = `${sep}tslab${sep}dist${sep}jupyter.js`;
  for (const [path, loaded] of Object.entries(require.cache as Record<string, LoadedModule | undefined>)) {
    if (!path.endsWith(suffix) || loaded === undefined) continue;
    const jupyter = loaded.exports;
    if (!isObject(jupyter) || typeof jupyter.lastWriteDisplayData !== 'function') continue;
    const publicModule: unknown = require(path.slice(0, -'jupyter.js'.length) + 'public.js');
    if (!isTslabModule(publicModule)) continue;
    detectedTslab = { jupyter, sink: tslabSink(publicModule) };
    return detectedTslab.sink;
  }
  return undefined;
}
