import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { RecordingSink, setDisplaySink } from '../../src/display/sink.js';
import { grayscalePng, showImages } from '../../src/vision/show-images.js';

/** The chunks of a PNG file: type, data, and stored CRC. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array; crc: number }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out = [];
  for (let offset = 8; offset < png.length; ) {
    const length = view.getUint32(offset, false);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    out.push({ type, data: png.subarray(offset + 8, offset + 8 + length), crc: view.getUint32(offset + 8 + length, false) });
    offset += 12 + length;
  }
  return out;
}

describe('grayscalePng', () => {
  it('writes a valid 8-bit grey-scale PNG whose pixels decode back to value * 255', () => {
    const png = grayscalePng([0, 0.5, 1, 2, -1, 1 / 255], 3, 2);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const parts = chunks(png);
    assert.deepEqual(parts.map((p) => p.type), ['IHDR', 'IDAT', 'IEND']);
    for (const p of parts) {
      const typed = new Uint8Array([...Buffer.from(p.type, 'latin1'), ...p.data]);
      assert.equal(p.crc, zlib.crc32(typed), `CRC of ${p.type}`);
    }
    const ihdr = new DataView(parts[0]!.data.buffer, parts[0]!.data.byteOffset);
    assert.equal(ihdr.getUint32(0), 3);
    assert.equal(ihdr.getUint32(4), 2);
    assert.deepEqual([...zlib.inflateSync(parts[1]!.data)], [0, 0, 128, 255, 0, 255, 0, 1]);
  });

  it('rejects a pixel count that does not match the size', () => {
    assert.throws(() => grayscalePng([0, 1], 3, 2), /got 2 pixels, expected width \* height = 3 \* 2 = 6/);
  });
});

describe('showImages', () => {
  it('shows one PNG per example with its class name, and leaks no tensors', () => {
    const images = tf.tensor3d(new Float32Array(3 * 4 * 4).fill(0.25), [3, 4, 4]);
    const labels = tf.tensor1d([2, 0, 1], 'int32');
    const data = new TensorDataset(images, labels);
    const sink = new RecordingSink();
    const previous = setDisplaySink(sink);
    const before = tf.memory().numTensors;
    try {
      showImages(data, { count: 2, start: 1, classNames: ['zero', 'one', 'two'] });
    } finally {
      setDisplaySink(previous);
    }
    assert.equal(tf.memory().numTensors, before);
    const [output] = sink.outputs();
    const html = output?.['text/html'] as string;
    assert.equal(html.match(/<img /g)?.length, 2);
    assert.match(html, /data:image\/png;base64,/);
    assert.match(html, /<figcaption[^>]*>zero<\/figcaption>.*<figcaption[^>]*>one<\/figcaption>/);
    assert.equal(output?.['text/plain'], '1: zero\n2: one');
    tf.dispose([images, labels]);
  });

  it('prints the labels only when the output is a terminal', () => {
    const data = new TensorDataset(tf.zeros([1, 2, 2]), tf.tensor1d([7], 'int32'));
    const sink = new RecordingSink({ rich: false });
    const previous = setDisplaySink(sink);
    try {
      showImages(data);
    } finally {
      setDisplaySink(previous);
    }
    assert.deepEqual(sink.outputs(), [{ 'text/plain': '0: 7' }]);
    tf.dispose(data.tensors);
  });

  it('rejects examples that are not 2-D images', () => {
    const data = new TensorDataset(tf.zeros([2, 4]), tf.tensor1d([0, 1], 'int32'));
    const before = tf.memory().numTensors;
    assert.throws(() => showImages(data), /example 0 is not \[image \[height, width\], label\]; got an image of shape \[4\]/);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(data.tensors);
  });
});
