/**
 * Fashion-MNIST: Zalando's 28x28 grey-scale clothing images in 10 classes, read from the IDX
 * files shipped in `data/fashion-mnist/`.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TensorDataset } from '../data/tensor-dataset.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdx } from './idx.js';

/**
 * The 10 class names, indexed by label (0 is `'T-shirt/top'`, 9 is `'Ankle boot'`).
 *
 * PyTorch: `torchvision.datasets.FashionMNIST.classes` (same names, same order).
 */
export const FASHION_MNIST_CLASSES = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const);

/** Image side length in pixels. */
export const FASHION_MNIST_IMAGE_SIZE = 28;

/** Options of {@link readFashionMNIST} and {@link loadFashionMNIST}. */
export interface FashionMNISTOptions {
  /** The 60,000 training images (`train-*`) when true, the 10,000 test images (`t10k-*`) when false. */
  train: boolean;
  /**
   * Keep only the first `maxExamples` examples, in file order (for quick runs and tests).
   * @default all
   */
  maxExamples?: number;
}

/** Fashion-MNIST as plain arrays (no tensors). */
export interface FashionMNISTArrays {
  /** Pixels scaled to [0, 1], image after image, row after row: `[count * 28 * 28]` float32. */
  readonly images: Float32Array;
  /** Class index 0-9 of each image: `[count]` int32. */
  readonly labels: Int32Array;
  /** Number of examples. */
  readonly count: number;
}

/** File names of the images and labels of one split. */
export function fashionMNISTFiles(train: boolean): { images: string; labels: string } {
  const prefix = train ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte.gz`, labels: `${prefix}-labels-idx1-ubyte.gz` };
}

/**
 * Reads one Fashion-MNIST split from `dir` into typed arrays, scaling pixels from 0-255 to
 * [0, 1] in float32 (`pixel / 255`) like torchvision's `ToTensor`.
 *
 * Checks the magic numbers (0x00000803 images, 0x00000801 labels), the 28x28 image size, the file
 * lengths, that images and labels have the same count, and that every label is 0-9.
 *
 * PyTorch: the reading half of `torchvision.datasets.FashionMNIST(root, train=...,
 * transform=ToTensor())`.
 *
 * @param dir - the folder with the four `.gz` files, e.g. `../../data/fashion-mnist`.
 * @throws Error naming the file for a missing, truncated or mislabelled file.
 */
export function readFashionMNIST(dir: string, options: FashionMNISTOptions): FashionMNISTArrays {
  const { pixels, labels, count } = readFashionMNISTBytes(dir, options);
  return { images: scalePixels(pixels, new Float32Array(pixels.length)), labels, count };
}

/** Writes `pixels / 255` into `into` (same length) and returns it: `ToTensor()`'s scaling to [0, 1]. */
function scalePixels(pixels: Uint8Array, into: Float32Array): Float32Array {
  for (let i = 0; i < pixels.length; i++) into[i] = (pixels[i] as number) / 255;
  return into;
}

/** The split as stored: pixels 0-255 (a view of the decompressed file, not copied), checked labels. */
function readFashionMNISTBytes(dir: string, options: FashionMNISTOptions): { pixels: Uint8Array; labels: Int32Array; count: number } {
  const files = fashionMNISTFiles(options.train);
  const imagesPath = join(dir, files.images);
  const labelsPath = join(dir, files.labels);
  const size = FASHION_MNIST_IMAGE_SIZE;
  const images = readIdx(imagesPath, { magic: IDX_IMAGES_MAGIC, shape: [null, size, size] });
  const labels = readIdx(labelsPath, { magic: IDX_LABELS_MAGIC, shape: [null] });
  const numImages = images.shape[0] as number;
  const numLabels = labels.shape[0] as number;
  if (numImages !== numLabels) {
    throw new Error(
      `Fashion-MNIST in ${dir}: ${files.images} holds ${numImages} images but ${files.labels} holds ${numLabels} labels; ` +
        'they must come from the same split (train-* with train-*, t10k-* with t10k-*)',
    );
  }
  const max = options.maxExamples;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
    throw new RangeError(`readFashionMNIST: maxExamples is ${String(max)}, expected a positive integer`);
  }
  const count = Math.min(numImages, max ?? numImages);
  const classes = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels.data[i] as number;
    if (label > 9) {
      throw new Error(`${labelsPath}: label ${i} is ${label}, expected a class index 0-9`);
    }
    classes[i] = label;
  }
  return { pixels: images.data.subarray(0, count * size * size), labels: classes, count };
}

/** The part of tf.js's wasm backend (`BackendWasm`) that hands out a tensor's memory as a typed array. */
interface HeapBackend {
  typedArrayFromHeap(tensor: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function isHeapBackend(backend: object): backend is HeapBackend {
  return typeof (backend as Partial<HeapBackend>).typedArrayFromHeap === 'function';
}

/**
 * `pixels / 255` as a float32 tensor `shape`. On the wasm backend (the kernel's) the tensor is allocated in wasm
 * memory (`tf.fill`) and written there in place, so the 188 MB float32 copy of the training split is never made in
 * JavaScript as well; other backends get it from a Float32Array, as `tf.tensor` needs.
 */
function scaledPixelTensor(pixels: Uint8Array, shape: [number, number, number]): tf.Tensor3D {
  const backend = tf.backend();
  if (tf.getBackend() === 'wasm' && isHeapBackend(backend)) {
    const x = tf.fill<tf.Rank.R3>(shape, 0, 'float32');
    // A view of wasm memory: valid until the next allocation may grow it, so it is written before anything else runs.
    const heap = backend.typedArrayFromHeap(x);
    if (!(heap instanceof Float32Array) || heap.length !== pixels.length) {
      x.dispose();
      throw new Error(`loadFashionMNIST: the wasm backend gave ${heap.length} values of ${heap.constructor.name} for a float32 tensor of ${pixels.length}; expected a Float32Array of the same length`);
    }
    scalePixels(pixels, heap);
    return x;
  }
  return tf.tensor3d(scalePixels(pixels, new Float32Array(pixels.length)), shape, 'float32');
}

/**
 * Loads one Fashion-MNIST split as a {@link TensorDataset} of images `[n, 28, 28]` float32 in
 * [0, 1] and labels `[n]` int32; example `i` is `[image [28, 28], label scalar]`.
 *
 * Images keep their 28x28 shape (the model's first layer, `Flatten`, makes them `[batch, 784]`);
 * the channel dimension of PyTorch's `[1, 28, 28]` is left out.
 *
 * Ownership: the two tensors are `dataset.tensors`; dispose them when you are done
 * (`tf.dispose(dataset.tensors)`). The training split's images take 188 MB in the backend's memory; on the
 * wasm backend they are written there directly from the file's bytes, without a float32 copy in JavaScript.
 *
 * PyTorch: `torchvision.datasets.FashionMNIST(root, train=train, transform=ToTensor())`, which
 * gives `[1, 28, 28]` images one at a time; here the whole split is one tensor, so the
 * {@link DataLoader} gathers batches in one step.
 *
 * @example
 * ```ts
 * const trainingData = loadFashionMNIST('../../data/fashion-mnist', { train: true });
 * const [image, label] = trainingData.get(0); // [28, 28], scalar (9: 'Ankle boot')
 * ```
 */
export function loadFashionMNIST(dir: string, options: FashionMNISTOptions): TensorDataset<[tf.Tensor3D, tf.Tensor1D]> {
  const { pixels, labels, count } = readFashionMNISTBytes(dir, options);
  const size = FASHION_MNIST_IMAGE_SIZE;
  const x = scaledPixelTensor(pixels, [count, size, size]);
  const y = tf.tensor1d(labels, 'int32');
  return new TensorDataset(x, y);
}
