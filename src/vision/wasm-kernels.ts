/**
 * Faster routes for three kernels of TensorFlow.js 4.22's wasm backend that training leans on.
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

/** Shape and data of a tensor as kernels see it. */
type Info = tf.TensorInfo;
/** What these kernels use of the wasm backend (`BackendWasm`). */
interface Backend {
  disposeData(dataId: object): unknown;
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array | Int32Array | Uint8Array;
  readSync(dataId: object): ArrayLike<number>;
}

let installed = false;

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
 * axis and contiguous `tf.slice`s copy whole rows. Results are identical (tests compare them with
 * the cpu backend); only the route changes. Batched products (`[batch > 1, m, k]`), tiny ones and
 * other gathers and slices keep the original kernels.
 *
 * Safe to call more than once, and before or after `tf.setBackend('wasm')`; affects only the wasm
 * backend. On the Fashion-MNIST MLP (784-512-512-10, batch 64) a training step goes from about
 * 130 ms to about 16 ms, and picking a batch from the 60,000 images from about 5 ms to 0.05 ms.
 *
 * PyTorch: no counterpart (PyTorch's CPU kernels handle transposed operands natively).
 *
 * @returns true if the kernels were replaced now, false if they already were or no wasm backend
 *   is registered.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * await tf.setBackend('wasm');
 * useFastWasmKernels();
 * ```
 */
export function useFastWasmKernels(): boolean {
  if (installed) return false;
  const batchMatMul = tf.getKernel('BatchMatMul', 'wasm');
  const fusedMatMul = tf.getKernel('_FusedMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  const gather = tf.getKernel('GatherV2', 'wasm');
  const slice = tf.getKernel('Slice', 'wasm');
  if (batchMatMul === undefined || fusedMatMul === undefined || transpose === undefined || gather === undefined || slice === undefined) {
    return false;
  }
  installed = true;

  tf.unregisterKernel('BatchMatMul', 'wasm');
  const batchMatMulConfig: tf.KernelConfig = {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: Info; b: Info };
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      const backend = args.backend as unknown as Backend;
      const { m, k, n, single } = sizes(a, b, transposeA, transposeB);
      if ((!transposeA && !transposeB) || !single || m * k * n < MIN_MULTIPLY_ADDS) {
        return batchMatMul.kernelFunc(args);
      }
      const plain = (x: Info, y: Info): Info =>
        batchMatMul.kernelFunc({ inputs: { a: x, b: y }, backend: args.backend, attrs: { transposeA: false, transposeB: false } }) as Info;
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
      const { a, b } = args.inputs as { a: Info; b: Info };
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      const backend = args.backend as unknown as Backend;
      const { m, k, n, single } = sizes(a, b, transposeA, transposeB);
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
  return true;
}

/** Registers `kernelFunc` for the wasm backend in place of `original` (same name, same setup). */
function replace(original: tf.KernelConfig, kernelFunc: tf.KernelFunc): void {
  tf.unregisterKernel(original.kernelName, 'wasm');
  const config: tf.KernelConfig = { kernelName: original.kernelName, backendName: 'wasm', kernelFunc };
  if (original.setupFunc !== undefined) config.setupFunc = original.setupFunc;
  tf.registerKernel(config);
}
