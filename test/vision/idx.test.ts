import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, readIdx } from '../../src/vision/idx.js';
import { readFashionMNIST } from '../../src/vision/fashion-mnist.js';

/** Bytes of an IDX file of unsigned bytes with the given shape and values. */
function idxBytes(shape: number[], values: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x0800 + shape.length, false);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...header, ...values]);
}

const dir = mkdtempSync(join(tmpdir(), 'trainbook-idx-'));
after(() => rmSync(dir, { recursive: true, force: true }));


function splitDir(name: string, images: Uint8Array, labels: Uint8Array, gzip = true): string {
  const folder = mkdtempSync(join(dir, `${name}-`));
  const pack = (b: Uint8Array): Uint8Array => (gzip ? gzipSync(b) : b);
  writeFileSync(join(folder, 'train-images-idx3-ubyte.gz'), pack(images));
  writeFileSync(join(folder, 'train-labels-idx1-ubyte.gz'), pack(labels));
  return folder;
}

const pixels = (n: number): number[] => Array.from({ length: n * 784 }, (_, i) => i % 256);
const twoImages = idxBytes([2, 28, 28], pixels(2));
const twoLabels = idxBytes([2], [9, 0]);

describe('parseIdx', () => {
  it('reads the magic number, the shape and the values of a well-formed file', () => {
    const idx = parseIdx(idxBytes([2, 3], [1, 2, 3, 4, 5, 6]));
    assert.equal(idx.magic, 0x00000802);
    assert.deepEqual(idx.shape, [2, 3]);
    assert.deepEqual([...idx.data], [1, 2, 3, 4, 5, 6]);
  });

  it('rejects a file whose data is shorter than its header announces, saying it is truncated', () => {
    const bytes = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 16);
    assert.throws(() => parseIdx(bytes, 'cut.idx'), /cut\.idx: header says shape \[2, 3\] = 6 values, but the file holds 4 bytes of data; the file is truncated/);
  });

  it('rejects a file cut inside its header', () => {
    assert.throws(() => parseIdx(idxBytes([60000, 28, 28], []).subarray(0, 10), 'h.idx'), /h\.idx: header announces 3 dimensions \(16 header bytes\) but the file is only 10 bytes long/);
    assert.throws(() => parseIdx(new Uint8Array([0, 0]), 'tiny.idx'), /too short for an IDX header/);
  });

  it('rejects trailing data after the values', () => {
    assert.throws(() => parseIdx(new Uint8Array([...idxBytes([2], [1, 2]), 7])), /holds 3 bytes of data; the file has trailing data/);
  });

  it('rejects a magic number that is not an IDX file of unsigned bytes', () => {
    assert.throws(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0])), /does not start with two zero bytes/);
    assert.throws(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 0])), /type code 0x0d, expected 0x08/);
  });
});

describe('readIdx', () => {
  it('gunzips a .gz file and checks the expected magic number and shape', () => {
    const folder = splitDir('ok', twoImages, twoLabels);
    const images = readIdx(join(folder, 'train-images-idx3-ubyte.gz'), { magic: IDX_IMAGES_MAGIC, shape: [null, 28, 28] });
    assert.deepEqual(images.shape, [2, 28, 28]);
    assert.equal(images.data[783], 783 % 256);
    assert.throws(
      () => readIdx(join(folder, 'train-images-idx3-ubyte.gz'), { magic: IDX_IMAGES_MAGIC, shape: [null, 32, 32] }),
      /shape is \[2, 28, 28\], expected \[n, 32, 32\]/,
    );
  });

  it('says a truncated gzip stream is truncated', () => {
    const folder = mkdtempSync(join(dir, 'gz-'));
    const path = join(folder, 'x.gz');
    const full = gzipSync(twoLabels);
    writeFileSync(path, full.subarray(0, full.length - 10));
    assert.throws(() => readIdx(path, { magic: IDX_LABELS_MAGIC }), /x\.gz: cannot gunzip .*truncated or not gzip data/);
  });
});

describe('readFashionMNIST on crafted files', () => {
  it('scales pixels to [0, 1] as pixel / 255 in float32 and keeps labels as int32', () => {
    const folder = splitDir('good', twoImages, twoLabels);
    const data = readFashionMNIST(folder, { train: true });
    assert.equal(data.count, 2);
    assert.equal(data.images.length, 2 * 784);
    assert.equal(data.images[255], Math.fround(1));
    assert.equal(data.images[1], Math.fround(1 / 255));
    assert.deepEqual([...data.labels], [9, 0]);
    assert.ok(data.labels instanceof Int32Array);
  });

  it('reports images given as labels by their magic number', () => {
    const folder = splitDir('swapped', twoLabels, twoImages);
    assert.throws(
      () => readFashionMNIST(folder, { train: true }),
      /train-images-idx3-ubyte\.gz: magic number is 0x00000801 \(a labels file\), expected 0x00000803 \(an images file\); check that the images and labels file names are not swapped/,
    );
  });

  it('reports a truncated images file with its name', () => {
    const folder = splitDir('truncated', twoImages.subarray(0, 16 + 784 + 100), twoLabels);
    assert.throws(() => readFashionMNIST(folder, { train: true }), /train-images-idx3-ubyte\.gz: header says shape \[2, 28, 28\] = 1568 values, but the file holds 884 bytes/);
  });

  it('reports a count mismatch between images and labels', () => {
    const folder = splitDir('mismatch', twoImages, idxBytes([3], [1, 2, 3]));
    assert.throws(() => readFashionMNIST(folder, { train: true }), /holds 2 images but train-labels-idx1-ubyte\.gz holds 3 labels/);
  });

  it('reports a label outside 0-9 with its index', () => {
    const folder = splitDir('badlabel', twoImages, idxBytes([2], [3, 12]));
    assert.throws(() => readFashionMNIST(folder, { train: true }), /label 1 is 12, expected a class index 0-9/);
  });

  it('reports a missing file with its path', () => {
    assert.throws(() => readFashionMNIST(dir, { train: false }), /readIdx: file not found: .*t10k-images-idx3-ubyte\.gz/);
  });
});

describe('a missing IDX file', () => {
  it('is an error naming the file, where it was looked for and where the course keeps the data, not a raw ENOENT', () => {
    assert.throws(() => readIdx(join(tmpdir(), 'trainbook-no-such-file-idx1-ubyte.gz')), (error: Error) => {
      assert.doesNotMatch(error.message, /ENOENT/);
      assert.match(error.message, /readIdx: file not found: .*trainbook-no-such-file-idx1-ubyte\.gz \(looked for .*; working directory /);
      assert.match(error.message, /data\/fashion-mnist/);
      return true;
    });
  });

  it('names the Fashion-MNIST file that is missing from the folder given', () => {
    assert.throws(() => readFashionMNIST('no/such/folder', { train: false }), /readIdx: file not found: no\/such\/folder\/t10k-images-idx3-ubyte\.gz/);
  });
});
