/**
 * trainbook: the cell library that the course notebooks import.
 *
 * Each section below re-exports one group of `src/`; the notebooks only import from here.
 */

// --- data ---

// --- train ---

// --- io ---

// --- display ---

// --- text (AG News) ---

// --- vision (Fashion-MNIST) ---
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, readIdx, type IdxArray } from './vision/idx.js';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_IMAGE_SIZE,
  fashionMNISTFiles,
  loadFashionMNIST,
  readFashionMNIST,
  type FashionMNISTArrays,
  type FashionMNISTOptions,
} from './vision/fashion-mnist.js';
export { lcgUniform, torchLinearInit, type TorchLinearInitOptions } from './vision/linear-init.js';
export { useFastWasmMatMul } from './vision/wasm-matmul.js';
