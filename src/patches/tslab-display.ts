/**
 * Patch of tslab 1.0.22's `dist/jupyter.js`: its module-level `lastWriteDisplayData`, the function tslab's public
 * display API (`import * as tslab from "tslab"`; `tslab.display.html(...)`) writes every display message through, is
 * replaced so those messages go to the trainbook kernel instead of tslab's own (absent) server.
 *
 * Tooling only (the kernel uses it); the cell library never imports it.
 */
import { createRequire } from 'node:module';
import { assertDependencyVersion } from './dependency-version.js';

const require = createRequire(import.meta.url);

/** The tslab version this patch was written against. */
export const TSLAB_VERSION = '1.0.22';

/** A display message as tslab's public API builds it: `{ data, metadata, transient }`. */
export type TslabDisplayData = Record<string, unknown>;

/**
 * Route tslab's display API (the copy of tslab this package resolves) to `write`; `update` is true for
 * `update_display_data`. Throws when tslab is not version {@link TSLAB_VERSION} or no longer has the hook.
 *
 * PyTorch: none.
 */
export function routeTslabDisplay(write: (data: TslabDisplayData, update: boolean) => void): void {
  assertDependencyVersion('tslab-display', 'tslab', TSLAB_VERSION);
  const jupyter = require('tslab/dist/jupyter.js') as Record<string, unknown>;
  if (!('lastWriteDisplayData' in jupyter)) {
    throw new Error('patch tslab-display: tslab/dist/jupyter.js has no lastWriteDisplayData export; update src/patches/tslab-display.ts');
  }
  // tslab passes `update` as undefined for a first display.
  jupyter.lastWriteDisplayData = (data: TslabDisplayData, update: unknown) => write(data, update === true);
}
