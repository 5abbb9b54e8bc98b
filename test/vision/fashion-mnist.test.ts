import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { FASHION_MNIST_CLASSES, loadFashionMNIST, readFashionMNIST } from '../../src/vision/fashion-mnist.js';

const dataDir = new URL('../../data/fashion-mnist', import.meta.url).pathname;

function counts(labels: Int32Array): number[] {
  const c = new Array<number>(10).fill(0);
  for (const l of labels) c[l] = (c[l] as number) + 1;
  return c;
}

describe('Fashion-MNIST as shipped in data/fashion-mnist', () => {
  // Importing the wasm backend makes it tf.js's default; the tests run on cpu except the one about wasm.
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('has 10,000 test images, 1,000 per class, in the published order', () => {
    const test = readFashionMNIST(dataDir, { train: false });
    assert.equal(test.count, 10000);
    assert.equal(test.images.length, 10000 * 784);
    assert.deepEqual(counts(test.labels), new Array(10).fill(1000));
    assert.deepEqual([...test.labels.subarray(0, 10)], [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });

  it('has 60,000 training labels, 6,000 per class, and pixels that match numpy / 255 (golden)', () => {
    const train = readFashionMNIST(dataDir, { train: true });
    assert.equal(train.count, 60000);
    assert.deepEqual(counts(train.labels), new Array(10).fill(6000));
    assert.deepEqual([...train.labels.subarray(0, 10)], [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    // numpy: (img[:100].astype(np.float32) / 255).astype(np.float64).sum() = 22308.118044993374
    let sum = 0;
    for (let i = 0; i < 100 * 784; i++) sum += train.images[i] as number;
    assert.ok(Math.abs(sum - 22308.118044993374) < 1e-6, `sum of the first 100 images is ${sum}`);
    assert.equal(train.images[14 * 28 + 3], Math.fround(4 / 255));
  });

  it('names the classes in torchvision order', () => {
    assert.equal(FASHION_MNIST_CLASSES.length, 10);
    assert.equal(FASHION_MNIST_CLASSES[0], 'T-shirt/top');
    assert.equal(FASHION_MNIST_CLASSES[9], 'Ankle boot');
  });

  it('loads a TensorDataset of [n, 28, 28] float32 images and [n] int32 labels', () => {
    const before = tf.memory().numTensors;
    const data = loadFashionMNIST(dataDir, { train: true, maxExamples: 50 });
    assert.equal(data.length, 50);
    const [x, y] = data.tensors;
    assert.deepEqual(x.shape, [50, 28, 28]);
    assert.equal(x.dtype, 'float32');
    assert.deepEqual(y.shape, [50]);
    assert.equal(y.dtype, 'int32');
    const [image, label] = data.get(0);
    assert.deepEqual(image.shape, [28, 28]);
    assert.equal(label.arraySync(), 9);
    tf.dispose([image, label]);
    tf.dispose(data.tensors);
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects a maxExamples that is not a positive integer', () => {
    assert.throws(() => readFashionMNIST(dataDir, { train: false, maxExamples: 0 }), /maxExamples is 0, expected a positive integer/);
  });

  // On wasm (the kernel's backend) the images are written straight into the tensor's wasm memory, not copied from
  // a JavaScript Float32Array: the values must be exactly readFashionMNIST's (pixel / 255 in float32).
  it('on the wasm backend, loads exactly the pixels / 255 that readFashionMNIST gives', async () => {
    await tf.setBackend('wasm');
    try {
      const before = tf.memory().numTensors;
      const arrays = readFashionMNIST(dataDir, { train: false });
      const data = loadFashionMNIST(dataDir, { train: false });
      const [x, y] = data.tensors;
      assert.deepEqual(x.shape, [10000, 28, 28]);
      assert.equal(x.dtype, 'float32');
      const values = x.dataSync();
      let differ = 0;
      for (let i = 0; i < values.length; i++) if (values[i] !== arrays.images[i]) differ++;
      assert.equal(differ, 0, `${differ} of ${values.length} pixels differ from readFashionMNIST's`);
      assert.deepEqual([...y.dataSync()], [...arrays.labels]);
      // Later allocations must not disturb the written values (a stale view of grown wasm memory would).
      const big = tf.zeros([64, 1024, 1024]);
      const [image, label] = data.get(9999);
      assert.deepEqual([...image.dataSync()], [...arrays.images.subarray(9999 * 784)]);
      tf.dispose([big, image, label]);
      tf.dispose(data.tensors);
      assert.equal(tf.memory().numTensors, before);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
