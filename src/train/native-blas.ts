/**
 * Loads the optional native addon `trainbook_sgemm` (src/train/native/), which computes the wasm
 * backend's matrix products with OpenBLAS.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What the addon exports (src/train/native/sgemm.c). */
export interface NativeBlas {
  /**
   * `out[m, n] = op(a) · op(b)`, plus `bias` broadcast over the last dimension when
   * `biasOffset >= 0`, then `max(0, ·)` when `relu`. Offsets are byte offsets into `heap`.
   */
  matmul(
    heap: ArrayBuffer,
    aOffset: number,
    bOffset: number,
    outOffset: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    biasOffset: number,
    biasSize: number,
    relu: boolean,
  ): void;
  /** Number of OpenBLAS threads (1 keeps comparisons with single-threaded runs fair). */
  setThreads(threads: number): void;
  /** OpenBLAS's build description, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64`. */
  config(): string;
}

/** Where the built addon lives, from `src/vision/` or `dist/vision/` (both two levels below the package root). */
export function nativeBlasPath(): string {
  return fileURLToPath(new URL('../../src/train/native/build/Release/trainbook_sgemm.node', import.meta.url));
}

let cached: { blas: NativeBlas | undefined; reason: string } | undefined;

/**
 * The native OpenBLAS addon if it has been built, else `undefined` with the reason. Build it with
 * `node-gyp rebuild --directory src/train/native` (needs a C compiler, Node's headers and
 * `libopenblas-dev`).
 *
 * PyTorch: none (PyTorch's CPU build links a BLAS itself).
 */
export function loadNativeBlas(): { blas: NativeBlas | undefined; reason: string } {
  if (cached !== undefined) return cached;
  const path = nativeBlasPath();
  if (!existsSync(path)) {
    cached = { blas: undefined, reason: `not built (no ${path}; build it with: node-gyp rebuild --directory src/train/native)` };
    return cached;
  }
  try {
    const blas = createRequire(import.meta.url)(path) as NativeBlas;
    cached = { blas, reason: blas.config() };
  } catch (error) {
    cached = { blas: undefined, reason: `failed to load ${path}: ${error instanceof Error ? error.message : String(error)}` };
  }
  return cached;
}
