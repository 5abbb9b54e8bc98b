/**
 * Patch `tfjs-wasm-kernels`: faster routes for kernels of TensorFlow.js 4.22's wasm backend that
 * training leans on, re-registered through the backend's private fields (`dataIdMap`, `wasm.HEAPU8`,
 * `makeOutput`, `typedArrayFromHeap`), so it asserts the exact versions it was written for.
 *
 * - `BatchMatMul` and `_FusedMatMul` call XNNPACK only when neither input is transposed
 *   (`transposeA` and `transposeB` false, batch 1); anything else runs a plain triple loop about
 *   10-20x slower. The backward pass of every dense layer is made of exactly those transposed
 *   products (`dx = dy · Wᵀ`, `dW = xᵀ · dy`). The replacements compute the same products with
 *   explicit transposes and an untransposed product, so they all go through XNNPACK.
 * - `GatherV2` (what a DataLoader uses to pick a batch's rows) computes a vector of coordinates
 *   per copied number: about 5 ms to gather 64 images of 784 pixels. Rows along the first axis are
 *   contiguous, so the replacement copies whole rows.
 * - `Slice` copies the whole input out of the wasm heap before taking a part of it (38 ms to take
 *   one image out of the 10,000 test images). The replacement copies only the part.
 */
import * as tf from '@tensorflow/tfjs';
import { loadNativeBlas, type NativeBlas } from '../train/native-blas.js';
import { assertDependencyVersion, installedVersion } from './dependency-version.js';

/** Shape and data of a tensor as kernels see it. */
type Info = tf.TensorInfo;
/** What these kernels use of the wasm backend (`BackendWasm`). */
interface Backend {
  disposeData(dataId: object): unknown;
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array | Int32Array | Uint8Array;
  readSync(dataId: object): ArrayLike<number>;
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

/** Options of {@link useFastWasmKernels}. */
export interface FastWasmKernelsOptions {
  /**
   * Compute matrix products with OpenBLAS through the optional native addon
   * (src/train/native/, see {@link loadNativeBlas}) when it has been built.
   * @default true
   */
  nativeBlas?: boolean;
  /**
   * OpenBLAS threads when the addon is used. One thread keeps the comparison with tf.js's
   * single-threaded wasm (and with other notebooks sharing the machine) fair.
   * @default 1
   */
  blasThreads?: number;
}

/** What {@link useFastWasmKernels} did. */
export interface FastWasmKernels {
  /** Whether this call replaced the kernels (false: an earlier call did, or no wasm backend is registered). */
  replaced: boolean;
  /** Who computes the matrix products: `'OpenBLAS'` (native addon) or `'XNNPACK'` (inside wasm). */
  matMul: 'OpenBLAS' | 'XNNPACK';
  /** One line for people, e.g. why the native addon is not used. */
  description: string;
}

let installed: FastWasmKernels | undefined;

/** The versions this patch was written and tested against. */
export const TFJS_WASM_KERNELS_WRITTEN_FOR = { '@tensorflow/tfjs-backend-wasm': '4.22.0', '@tensorflow/tfjs-core': '4.22.0' } as const;

/**
 * Throws unless the installed tf.js wasm backend and core are the versions this patch was written
 * for, naming the patch and both versions.
 *
 * @param versionOf - reads an installed package's version (the real one by default).
 */
export function assertTfjsWasmKernelsVersions(versionOf: (packageName: string) => string = installedVersion): void {
  for (const [packageName, expected] of Object.entries(TFJS_WASM_KERNELS_WRITTEN_FOR)) {
    assertDependencyVersion('tfjs-wasm-kernels', packageName, expected, versionOf(packageName));
  }
}

/** Data ids that have been the right operand of an untransposed product (see the BatchMatMul kernel). */
const packedBefore = new WeakSet<object>();

/**
 * Products smaller than this many multiply-adds keep the original loop: for tiny matrices
 * (the Iris model's `[10, 4] x [4, 16]`) building an XNNPACK operator costs more than it saves.
 */
const MIN_MULTIPLY_ADDS = 32 * 1024;

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Swaps the last two dimensions of `x` with the backend's own Transpose kernel. Caller frees. */
function transposeLastTwo(x: Info, backend: Backend, transposeKernel: tf.KernelConfig): Info {
  const rank = x.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  return transposeKernel.kernelFunc({ inputs: { x }, backend: backend as unknown as tf.KernelBackend, attrs: { perm } }) as Info;
}

function free(backend: Backend, ...infos: Info[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Matrix sizes `[rows of op(a), shared, cols of op(b)]` and whether both inputs are single matrices. */
function sizes(a: Info, b: Info, transposeA: boolean, transposeB: boolean): { m: number; k: number; n: number; single: boolean } {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = (transposeA ? a.shape[ra - 1] : a.shape[ra - 2]) as number;
  const k = (transposeA ? a.shape[ra - 2] : a.shape[ra - 1]) as number;
  const n = (transposeB ? b.shape[rb - 2] : b.shape[rb - 1]) as number;
  const single = product(a.shape.slice(0, -2)) === 1 && product(b.shape.slice(0, -2)) === 1;
  return { m, k, n, single };
}

/**
 * Replaces four kernels of the `wasm` backend with faster routes to the same results:
 * transposed matrix products (`tf.matMul(a, b, transposeA, transposeB)`, which every dense
 * layer's gradient uses) go through XNNPACK like untransposed ones; `tf.gather` along the first
 * axis and contiguous `tf.slice`s copy whole rows. When the optional native addon has been built
 * (`node-gyp rebuild --directory src/train/native`, see {@link loadNativeBlas}), every
 * single-matrix product runs on OpenBLAS instead, in place on the wasm heap. Results agree with
 * the cpu backend (tests compare them); only the route changes. Batched products
 * (`[batch > 1, m, k]`), other gathers and slices keep the original kernels.
 *
 * Safe to call more than once (the first call's options win), and before or after
 * `tf.setBackend('wasm')`; affects only the wasm backend. On the Fashion-MNIST MLP (784-512-512-10,
 * batch 64) a training step goes from about 130 ms to about 14 ms with XNNPACK (about 6 ms with
 * OpenBLAS), and picking a batch from the 60,000 images from about 5 ms to 0.05 ms.
 *
 * Throws, naming the patch and both versions, when `@tensorflow/tfjs-backend-wasm` or
 * `@tensorflow/tfjs-core` is not the version it was written for ({@link TFJS_WASM_KERNELS_WRITTEN_FOR}).
 *
 * PyTorch: no counterpart (PyTorch's CPU kernels handle transposed operands natively).
 *
 * @param options - `{ nativeBlas, blasThreads }`.
 * @returns what was done, and who computes the matrix products.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * await tf.setBackend('wasm');
 * console.log(useFastWasmKernels().description);
 * ```
 */
export function useFastWasmKernels(options: FastWasmKernelsOptions = {}): FastWasmKernels {
  if (installed !== undefined) return { ...installed, replaced: false };
  assertTfjsWasmKernelsVersions();
  const batchMatMul = tf.getKernel('BatchMatMul', 'wasm');
  const fusedMatMul = tf.getKernel('_FusedMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  const gather = tf.getKernel('GatherV2', 'wasm');
  const slice = tf.getKernel('Slice', 'wasm');
  if (batchMatMul === undefined || fusedMatMul === undefined || transpose === undefined || gather === undefined || slice === undefined) {
    return { replaced: false, matMul: 'XNNPACK', description: 'no wasm backend registered (import @tensorflow/tfjs-backend-wasm first)' };
  }
  const native = options.nativeBlas === false ? { blas: undefined, reason: 'not asked for' } : loadNativeBlas();
  const blas = native.blas;
  blas?.setThreads(options.blasThreads ?? 1);
  installed = blas
    ? { replaced: true, matMul: 'OpenBLAS', description: `matrix products on OpenBLAS (${native.reason}), ${options.blasThreads ?? 1} thread(s)` }
    : { replaced: true, matMul: 'XNNPACK', description: `matrix products on XNNPACK inside wasm; native OpenBLAS addon ${native.reason}` };

  tf.unregisterKernel('BatchMatMul', 'wasm');
  const batchMatMulConfig: tf.KernelConfig = {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: Info; b: Info };
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      const backend = args.backend as unknown as Backend;
      const { m, k, n, single } = sizes(a, b, transposeA, transposeB);
      if (blas !== undefined && single && m * k * n > 0 && a.dtype === 'float32' && b.dtype === 'float32') {
        return nativeMatMul(blas, backend, a, b, { m, k, n, transposeA, transposeB });
      }
      if (!single || m * k * n < MIN_MULTIPLY_ADDS) return batchMatMul.kernelFunc(args);
      const plain = (x: Info, y: Info): Info =>
        batchMatMul.kernelFunc({ inputs: { a: x, b: y }, backend: args.backend, attrs: { transposeA: false, transposeB: false } }) as Info;
      if (!transposeA && !transposeB) {
        // XNNPACK packs its right operand (b, "the weights") with a strided transpose and caches
        // the packed copy under b's id. A b it has not packed before (a weight matrix right after
        // an optimizer step) costs less as (bᵀ·aᵀ)ᵀ when a is the smaller matrix: three
        // contiguous transposes and a small packed aᵀ. A b seen before keeps the cached route.
        if (m >= n || packedBefore.has(b.dataId)) {
          packedBefore.add(b.dataId);
          return batchMatMul.kernelFunc(args);
        }
        packedBefore.add(b.dataId);
        const aT = transposeLastTwo(a, backend, transpose);
        const bT = transposeLastTwo(b, backend, transpose);
        const outT = plain(bT, aT);
        free(backend, aT, bT);
        const out = transposeLastTwo(outT, backend, transpose);
        free(backend, outT);
        return out;
      }
      if (!transposeB) {
        // aᵀ·b: transpose the (small) left operand; b stays XNNPACK's weight operand.
        const aT = transposeLastTwo(a, backend, transpose);
        const out = plain(aT, b);
        free(backend, aT);
        return out;
      }
      // op(a)·bᵀ = (b·op(a)ᵀ)ᵀ: transposes op(a) and the result instead of b, which for a
      // gradient dy·Wᵀ is the large weight matrix.
      const opAT = transposeA ? a : transposeLastTwo(a, backend, transpose);
      const outT = plain(b, opAT);
      if (!transposeA) free(backend, opAT);
      const out = transposeLastTwo(outT, backend, transpose);
      free(backend, outT);
      return out;
    },
  };
  if (batchMatMul.setupFunc !== undefined) batchMatMulConfig.setupFunc = batchMatMul.setupFunc;
  tf.registerKernel(batchMatMulConfig);

  tf.unregisterKernel('_FusedMatMul', 'wasm');
  const fusedConfig: tf.KernelConfig = {
    kernelName: '_FusedMatMul',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { a, b, bias, preluActivationWeights } = args.inputs as { a: Info; b: Info; bias?: Info; preluActivationWeights?: Info };
      const { transposeA, transposeB, activation } = args.attrs as { transposeA: boolean; transposeB: boolean; activation: string };
      const backend = args.backend as unknown as Backend;
      const { m, k, n, single } = sizes(a, b, transposeA, transposeB);
      const nativeActivation = activation === 'linear' || activation === 'relu';
      if (blas !== undefined && single && m * k * n > 0 && nativeActivation && preluActivationWeights == null && (bias == null || bias.shape.length === 1)) {
        return nativeMatMul(blas, backend, a, b, { m, k, n, transposeA, transposeB, bias: bias ?? undefined, relu: activation === 'relu' });
      }
      if ((!transposeA && !transposeB) || !single || m * k * n < MIN_MULTIPLY_ADDS) {
        return fusedMatMul.kernelFunc(args);
      }
      // The bias and activation apply to the output, so transpose the operands themselves.
      const aa = transposeA ? transposeLastTwo(a, backend, transpose) : a;
      const bb = transposeB ? transposeLastTwo(b, backend, transpose) : b;
      const out = fusedMatMul.kernelFunc({
        ...args,
        inputs: { ...args.inputs, a: aa, b: bb },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      }) as Info;
      if (transposeA) free(backend, aa);
      if (transposeB) free(backend, bb);
      return out;
    },
  };
  if (fusedMatMul.setupFunc !== undefined) fusedConfig.setupFunc = fusedMatMul.setupFunc;
  tf.registerKernel(fusedConfig);

  replace(gather, (args) => {
    const { x, indices } = args.inputs as { x: Info; indices: Info };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const backend = args.backend as unknown as Backend;
    const rank = x.shape.length;
    if ((axis !== 0 && axis !== -rank) || batchDims !== 0 || x.dtype === 'string' || x.dtype === 'complex64' || rank === 0) {
      return gather.kernelFunc(args);
    }
    const rows = backend.readSync(indices.dataId);
    const numRows = x.shape[0] as number;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      if (!(row >= 0 && row < numRows)) {
        throw new Error(`GatherV2: the index value ${row} is not in [0, ${numRows - 1}]`);
      }
    }
    const rowSize = product(x.shape.slice(1));
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    // Views taken after makeOutput: allocating may grow (and move) the wasm heap.
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    for (let i = 0; i < rows.length; i++) {
      const start = (rows[i] as number) * rowSize;
      to.set(from.subarray(start, start + rowSize), i * rowSize);
    }
    return out;
  });

  replace(slice, (args) => {
    const { x } = args.inputs as { x: Info };
    const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
    const backend = args.backend as unknown as Backend;
    if (x.dtype === 'string' || x.dtype === 'complex64') return slice.kernelFunc(args);
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size);
    if (!tf.slice_util.isSliceContinous(x.shape, begin_, size_)) return slice.kernelFunc(args);
    const offset = tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
    const out = backend.makeOutput(size_, x.dtype);
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    to.set(from.subarray(offset, offset + product(size_)));
    return out;
  });
  return installed;
}

/** `op(a) · op(b)` (+ bias, then relu) computed by OpenBLAS directly on the wasm heap. */
function nativeMatMul(
  blas: NativeBlas,
  backend: Backend,
  a: Info,
  b: Info,
  p: { m: number; k: number; n: number; transposeA: boolean; transposeB: boolean; bias?: Info; relu?: boolean },
): Info {
  const outer = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2); // all ones
  const out = backend.makeOutput([...outer, p.m, p.n], 'float32');
  const offset = (info: Info): number => {
    const data = backend.dataIdMap.get(info.dataId);
    if (data === undefined) throw new Error('useFastWasmKernels: a matMul operand is not on the wasm backend');
    return data.memoryOffset;
  };
  const biasSize = p.bias === undefined ? 0 : product(p.bias.shape);
  // The heap is read after makeOutput: allocating may have grown (replaced) the wasm memory.
  blas.matmul(
    backend.wasm.HEAPU8.buffer as ArrayBuffer,
    offset(a),
    offset(b),
    offset(out),
    p.m,
    p.n,
    p.k,
    p.transposeA,
    p.transposeB,
    p.bias === undefined || biasSize === 0 ? -1 : offset(p.bias),
    biasSize,
    p.relu ?? false,
  );
  return out;
}

/** Registers `kernelFunc` for the wasm backend in place of `original` (same name, same setup). */
function replace(original: tf.KernelConfig, kernelFunc: tf.KernelFunc): void {
  tf.unregisterKernel(original.kernelName, 'wasm');
  const config: tf.KernelConfig = { kernelName: original.kernelName, backendName: 'wasm', kernelFunc };
  if (original.setupFunc !== undefined) config.setupFunc = original.setupFunc;
  tf.registerKernel(config);
}
