/**
 * A reader for the IDX files that MNIST and Fashion-MNIST ship in (optionally gzipped).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Magic number of an IDX file of unsigned bytes with three dimensions (images `[n, rows, cols]`). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an IDX file of unsigned bytes with one dimension (labels `[n]`). */
export const IDX_LABELS_MAGIC = 0x00000801;

/** The content of one IDX file of unsigned bytes. */
export interface IdxArray {
  /** The magic number from the header, e.g. `0x00000803`. */
  readonly magic: number;
  /** The dimensions from the header, e.g. `[60000, 28, 28]`. */
  readonly shape: readonly number[];
  /** The values in row-major order; `data.length` is the product of `shape`. */
  readonly data: Uint8Array;
}

function hex(magic: number): string {
  return `0x${magic.toString(16).padStart(8, '0')}`;
}

function describeMagic(magic: number): string {
  if (magic === IDX_IMAGES_MAGIC) return `${hex(magic)} (an images file)`;
  if (magic === IDX_LABELS_MAGIC) return `${hex(magic)} (a labels file)`;
  return hex(magic);
}

/**
 * Parses the bytes of an IDX file of unsigned bytes (type code 0x08), already decompressed.
 *
 * Format: two zero bytes, the type code 0x08, the number of dimensions d, then d big-endian
 * uint32 sizes, then the values. Checks that the header is complete, that the type is unsigned
 * bytes, and that the file holds exactly as many values as the header announces.
 *
 * PyTorch: `torchvision.datasets.mnist.read_image_file` / `read_label_file` (via
 * `read_sn3_pascalvincent_tensor`), which also checks the magic number.
 *
 * @param bytes - the decompressed file.
 * @param source - the file name, used in error messages.
 * @throws Error naming `source` when the header is cut off, the type code is not unsigned bytes,
 *   or the data is shorter or longer than the header says.
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (bytes.length < 4) {
    throw new Error(`${source}: file is ${bytes.length} bytes long, too short for an IDX header (at least 4 bytes); is it truncated?`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${source}: magic number ${hex(magic)} does not start with two zero bytes; this is not an IDX file`);
  }
  if (bytes[2] !== 0x08) {
    throw new Error(
      `${source}: magic number ${hex(magic)} has type code 0x${(bytes[2] as number).toString(16).padStart(2, '0')}, ` +
        'expected 0x08 (unsigned bytes), the only type MNIST and Fashion-MNIST use',
    );
  }
  const rank = bytes[3] as number;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new Error(
      `${source}: header announces ${rank} dimensions (${headerBytes} header bytes) but the file is only ${bytes.length} bytes long; the file is truncated`,
    );
  }
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const expectedValues = shape.reduce((a, b) => a * b, 1);
  const actualValues = bytes.length - headerBytes;
  if (actualValues !== expectedValues) {
    const problem = actualValues < expectedValues ? 'the file is truncated' : 'the file has trailing data';
    throw new Error(
      `${source}: header says shape [${shape.join(', ')}] = ${expectedValues} values, but the file holds ${actualValues} bytes of data; ${problem}`,
    );
  }
  return { magic, shape, data: bytes.subarray(headerBytes) };
}

/**
 * Reads an IDX file of unsigned bytes from disk; gunzips it first when its name ends in `.gz`
 * or its bytes start with the gzip signature.
 *
 * PyTorch: `torchvision.datasets.mnist.read_sn3_pascalvincent_tensor(path)`.
 *
 * @param path - the file, e.g. `data/fashion-mnist/train-labels-idx1-ubyte.gz`.
 * @param expect - the header the caller needs; checked with an error naming the file.
 * @throws Error naming `path` for a missing file (and where it was looked for), a corrupt gzip stream, a bad header, a wrong magic number,
 *   a wrong number of dimensions or a length that disagrees with the header.
 *
 * @example
 * ```ts
 * const labels = readIdx('../../data/fashion-mnist/t10k-labels-idx1-ubyte.gz', { magic: IDX_LABELS_MAGIC });
 * labels.shape; // [10000]
 * ```
 */
export function readIdx(path: string, expect: { magic?: number; shape?: readonly (number | null)[] } = {}): IdxArray {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new Error(
      `readIdx: file not found: ${path} (looked for ${resolve(path)}; working directory ${process.cwd()}). ` +
        'Check the path (in a notebook, relative paths start from its folder); the course ships Fashion-MNIST in ' +
        'data/fashion-mnist/ of the repository, so a notebook in notebooks/fashion-mnist/ passes "../../data/fashion-mnist"',
    );
  }
  let bytes: Uint8Array = readFileSync(path);
  const gzipped = path.endsWith('.gz') || (bytes[0] === 0x1f && bytes[1] === 0x8b);
  if (gzipped) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${path}: cannot gunzip (${reason}); the file is truncated or not gzip data`);
    }
  }
  const idx = parseIdx(bytes, path);
  if (expect.magic !== undefined && idx.magic !== expect.magic) {
    throw new Error(
      `${path}: magic number is ${describeMagic(idx.magic)}, expected ${describeMagic(expect.magic)}; ` +
        'check that the images and labels file names are not swapped',
    );
  }
  if (expect.shape !== undefined) {
    const want = expect.shape;
    const matches = want.length === idx.shape.length && want.every((d, i) => d === null || d === idx.shape[i]);
    if (!matches) {
      const wanted = want.map((d) => (d === null ? 'n' : String(d))).join(', ');
      throw new Error(`${path}: shape is [${idx.shape.join(', ')}], expected [${wanted}]`);
    }
  }
  return idx;
}
