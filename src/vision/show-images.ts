/**
 * A grid of grey-scale images with their labels, shown in the notebook (PNG in HTML).
 */
import { deflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { getDisplaySink, type MimeBundle } from '../display/sink.js';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)), false);
  return out;
}

/**
 * Encodes grey-scale pixels in [0, 1] (`[height * width]`, row after row) as an 8-bit PNG file.
 * Values outside [0, 1] are clipped.
 *
 * PyTorch: none (matplotlib's `imshow(img, cmap="gray")` draws the picture in the tutorial).
 */
export function grayscalePng(pixels: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (pixels.length !== width * height) {
    throw new Error(`grayscalePng: got ${pixels.length} pixels, expected width * height = ${width} * ${height} = ${width * height}`);
  }
  const raw = new Uint8Array(height * (width + 1)); // each row starts with filter type 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.min(1, Math.max(0, pixels[y * width + x] as number));
      raw[y * (width + 1) + 1 + x] = Math.round(v * 255);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width, false);
  view.setUint32(4, height, false);
  header.set([8, 0, 0, 0, 0], 8); // 8 bits, grey-scale, deflate, no filter, no interlace
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const parts = [signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Options of {@link showImages}. */
export interface ShowImagesOptions {
  /**
   * How many examples to show, from `start`.
   * @default 9
   */
  count?: number;
  /**
   * Index of the first example shown.
   * @default 0
   */
  start?: number;
  /**
   * Images per row.
   * @default 3
   */
  columns?: number;
  /** Names of the classes, indexed by label; without them labels show as numbers. */
  classNames?: readonly string[];
  /**
   * Displayed size of each image in CSS pixels (the PNG keeps its own size and is scaled up).
   * @default 84
   */
  sizePx?: number;
}

/** Anything whose examples are `[image [height, width], label scalar]`, e.g. `loadFashionMNIST(...)`. */
export interface LabelledImages {
  readonly length: number;
  get(index: number): readonly tf.Tensor[];
}

/**
 * Shows examples of an image dataset as a grid with their labels: HTML with one PNG per image in
 * a notebook, the labels as text in a terminal. Images are `[height, width]` grey-scale in [0, 1].
 *
 * PyTorch: the tutorial's `matplotlib` grid (`figure.add_subplot`, `plt.title(labels_map[label])`,
 * `plt.imshow(img.squeeze(), cmap="gray")`).
 *
 * @example
 * ```ts
 * showImages(trainingData, { count: 9, columns: 3, classNames: FASHION_MNIST_CLASSES });
 * ```
 */
export function showImages(dataset: LabelledImages, options: ShowImagesOptions = {}): void {
  const start = options.start ?? 0;
  const count = Math.min(options.count ?? 9, dataset.length - start);
  const columns = options.columns ?? 3;
  const size = options.sizePx ?? 84;
  if (count <= 0) throw new RangeError(`showImages: nothing to show from index ${start} of a dataset of length ${dataset.length}`);
  const cells: string[] = [];
  const texts: string[] = [];
  for (let i = start; i < start + count; i++) {
    const [image, label] = dataset.get(i);
    if (image === undefined || label === undefined || image.rank !== 2) {
      tf.dispose([image, label].filter((t): t is tf.Tensor => t !== undefined));
      throw new Error(`showImages: example ${i} is not [image [height, width], label]; got ${image === undefined ? 'nothing' : `an image of shape [${image.shape.join(', ')}]`}`);
    }
    const [height, width] = image.shape as [number, number];
    const png = grayscalePng(image.dataSync(), width, height);
    const labelIndex = label.dataSync()[0] as number;
    tf.dispose([image, label]);
    const name = options.classNames?.[labelIndex] ?? String(labelIndex);
    const escaped = name.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    cells.push(
      `<figure style="margin:4px;text-align:center"><img alt="${escaped}" src="data:image/png;base64,${Buffer.from(png).toString('base64')}" ` +
        `style="width:${size}px;height:${Math.round((size * height) / width)}px;image-rendering:pixelated"/>` +
        `<figcaption style="font:12px sans-serif">${escaped}</figcaption></figure>`,
    );
    texts.push(`${i}: ${name}`);
  }
  const html = `<div style="display:grid;grid-template-columns:repeat(${columns},auto);justify-content:start">${cells.join('')}</div>`;
  const bundle: MimeBundle = { 'text/html': html, 'text/plain': texts.join('\n') };
  const sink = getDisplaySink();
  sink.display(sink.rich ? bundle : { 'text/plain': texts.join('\n') });
}
