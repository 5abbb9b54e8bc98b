import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DataLoader } from '../../src/data/data-loader.js';
import { type Dataset, Subset } from '../../src/data/dataset.js';
import { randomSplit } from '../../src/data/random-split.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { TorchGenerator } from '../../src/data/torch-generator.js';
import { readFileSync } from 'node:fs';
import { skipUnlessNative, useBackend } from '../backends.js';

/** Features whose row i is [i, 1000 + i] and labels equal to the row index. */
function indexedData(n: number): [tf.Tensor2D, tf.Tensor1D] {
  const rows = Array.from({ length: n }, (_, i) => [i, 1000 + i]);
  return [tf.tensor2d(rows, [n, 2], 'float32'), tf.tensor1d(Array.from({ length: n }, (_, i) => i), 'int32')];
}

/** The label rows of every batch of one epoch, checking that each x row matches its label. */
async function epochRows(loader: AsyncIterable<readonly [tf.Tensor, tf.Tensor]>): Promise<number[][]> {
  const batches: number[][] = [];
  for await (const [x, y] of loader) {
    const labels = Array.from(y.dataSync());
    const xs = x.arraySync() as number[][];
    xs.forEach((row, k) => assert.deepEqual(row, [labels[k], 1000 + (labels[k] as number)]));
    batches.push(labels);
  }
  return batches;
}

// The loader's tensors (batches, leaks) on the plain JavaScript backend and on the native one.
for (const backend of ['cpu', 'tensorflow'] as const) {
  const skip = backend === 'tensorflow' ? skipUnlessNative() : false;
  describe(`DataLoader on ${backend}`, { skip }, () => {
    before(async () => {
      await useBackend(backend);
      tf.enableProdMode();
    });

    it('yields batches in dataset order with the last partial batch kept', async () => {
      const [x, y] = indexedData(23);
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 10 });
      assert.equal(loader.length, 3);
      const batches = await epochRows(loader);
      assert.deepEqual(batches.map((b) => b.length), [10, 10, 3]);
      assert.deepEqual(batches.flat(), Array.from({ length: 23 }, (_, i) => i));
      tf.dispose([x, y]);
    });

    it('drops the last partial batch with dropLast', async () => {
      const [x, y] = indexedData(23);
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 10, dropLast: true });
      assert.equal(loader.length, 2);
      const batches = await epochRows(loader);
      assert.deepEqual(batches.map((b) => b.length), [10, 10]);
      tf.dispose([x, y]);
    });

    it('keeps features and labels aligned through a shuffled split', async () => {
      const [x, y] = indexedData(50);
      const [trainData, valData] = randomSplit(new TensorDataset(x, y), [0.8, 0.2], { seed: 5 });
      const trainLoader = new DataLoader(trainData!, { batchSize: 7, shuffle: true, seed: 1 });
      const valLoader = new DataLoader(valData!, { batchSize: 7 });
      const trainRows = (await epochRows(trainLoader)).flat();
      const valRows = (await epochRows(valLoader)).flat();
      assert.deepEqual([...trainRows].sort((a, b) => a - b), [...trainData!.indices].sort((a, b) => a - b));
      assert.deepEqual(valRows, valData!.indices);
      assert.equal(valLoader.dataset, valData);
      tf.dispose([x, y]);
    });

    it('reshuffles every epoch, with the same sequence of orders for the same seed', async () => {
      const [x, y] = indexedData(30);
      const dataset = new TensorDataset(x, y);
      const a = new DataLoader(dataset, { batchSize: 30, shuffle: true, seed: 9 });
      const b = new DataLoader(dataset, { batchSize: 30, shuffle: true, seed: 9 });
      const c = new DataLoader(dataset, { batchSize: 30, shuffle: true, seed: 10 });
      const a1 = (await epochRows(a)).flat();
      const a2 = (await epochRows(a)).flat();
      const b1 = (await epochRows(b)).flat();
      const b2 = (await epochRows(b)).flat();
      const c1 = (await epochRows(c)).flat();
      assert.notDeepEqual(a1, a2);
      assert.deepEqual(a1, b1);
      assert.deepEqual(a2, b2);
      assert.notDeepEqual(a1, c1);
      assert.equal(a.epoch, 2);
      tf.dispose([x, y]);
    });

    it('with a TorchGenerator visits PyTorch\'s epoch orders and leaves the generator where PyTorch leaves it', async () => {
      // PyTorch: torch.manual_seed(seed); DataLoader(range(150), batch_size=10, shuffle=True), three epochs, then uniform_ of 3 values.
      const golden = JSON.parse(readFileSync(new URL('../golden/torch-generator/golden.json', import.meta.url), 'utf8')) as {
        seeds: { seed: string; dataLoaderEpochs: number[][]; afterDataLoader: number[] }[];
      };
      const [x, y] = indexedData(150);
      const dataset = new TensorDataset(x, y);
      for (const { seed, dataLoaderEpochs, afterDataLoader } of golden.seeds) {
        const generator = new TorchGenerator(BigInt(seed));
        const loader = new DataLoader(dataset, { batchSize: 10, shuffle: true, generator });
        const peeked = loader.peekOrder();
        const epochs = [(await epochRows(loader)).flat(), (await epochRows(loader)).flat(), (await epochRows(loader)).flat()];
        assert.deepEqual(peeked, dataLoaderEpochs[0], `seed ${seed}: peekOrder`);
        assert.deepEqual(epochs, dataLoaderEpochs, `seed ${seed}: epochs`);
        assert.deepEqual(Array.from(generator.uniform(3)), afterDataLoader, `seed ${seed}: the generator afterwards`);
      }
      assert.throws(() => new DataLoader(dataset, { shuffle: true, seed: 1, generator: new TorchGenerator(1) }), /got both seed and generator/);
      tf.dispose([x, y]);
    });

    it('takes { seed: n } as short for { generator: new TorchGenerator(n) }, and draws one seed per unshuffled epoch as PyTorch does', async () => {
      const [x, y] = indexedData(30);
      const dataset = new TensorDataset(x, y);
      const seeded = new DataLoader(dataset, { batchSize: 7, shuffle: true, seed: 5 });
      const generated = new DataLoader(dataset, { batchSize: 7, shuffle: true, generator: new TorchGenerator(5) });
      for (let epoch = 0; epoch < 3; epoch++) assert.deepEqual((await epochRows(seeded)).flat(), (await epochRows(generated)).flat(), `epoch ${epoch}`);
      const generator = new TorchGenerator(9);
      const expected = new TorchGenerator(9);
      await epochRows(new DataLoader(dataset, { batchSize: 7, generator }));
      expected.randomInt64(); // PyTorch: _BaseDataLoaderIter's _base_seed, drawn even without shuffling
      assert.deepEqual(Array.from(generator.uniform(3)), Array.from(expected.uniform(3)));
      tf.dispose([x, y]);
    });

    it('leaks no tensors over full epochs, shuffled or not', async () => {
      const [x, y] = indexedData(25);
      const subset = new Subset(new TensorDataset(x, y), Array.from({ length: 20 }, (_, i) => 24 - i));
      const before = tf.memory().numTensors;
      for (const shuffle of [false, true]) {
        const loader = new DataLoader(subset, { batchSize: 6, shuffle });
        for await (const [xb] of loader) {
          assert.ok(xb.shape[0] as number <= 6);
        }
      }
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, y]);
    });

    it('disposes the current batch when the loop is left early with break', async () => {
      const [x, y] = indexedData(40);
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 5 });
      const before = tf.memory().numTensors;
      let kept: tf.Tensor | undefined;
      for await (const [xb] of loader) {
        kept = xb;
        break;
      }
      assert.ok(kept?.isDisposed);
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, y]);
    });

    it('disposes the current batch when the loop body throws', async () => {
      const [x, y] = indexedData(40);
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 5 });
      const before = tf.memory().numTensors;
      await assert.rejects(async () => {
        for await (const batch of loader) {
          assert.ok(batch.length === 2);
          throw new Error('boom');
        }
      }, /boom/);
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, y]);
    });

    it('keeps a batch alive only until the next one, unless cloned', async () => {
      const [x, y] = indexedData(10);
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 5 });
      const seen: tf.Tensor[] = [];
      const clones: tf.Tensor[] = [];
      for await (const [xb] of loader) {
        seen.push(xb);
        clones.push(xb.clone());
      }
      assert.ok(seen.every((t) => t.isDisposed));
      assert.deepEqual(Array.from(clones[1]!.dataSync()).slice(0, 2), [5, 1005]);
      tf.dispose(clones);
      tf.dispose([x, y]);
    });

    it('stacks examples of a dataset without a batch path and disposes the examples', async () => {
      const dataset: Dataset<[tf.Tensor1D, tf.Scalar]> = {
        length: 7,
        get: (i) => [tf.tensor1d([i, 1000 + i]), tf.scalar(i, 'int32')],
      };
      const loader = new DataLoader(dataset, { batchSize: 3, shuffle: true, seed: 2 });
      const before = tf.memory().numTensors;
      const rows = (await epochRows(loader)).flat();
      assert.deepEqual([...rows].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
      assert.equal(tf.memory().numTensors, before);
    });

    it('uses a custom collate and disposes the tensors of the batch it returns', async () => {
      const texts = ['a b', 'c', 'd e f', 'g', 'h i'];
      const dataset: Dataset<[number, string]> = { length: texts.length, get: (i) => [i % 4, texts[i]!] };
      const loader = new DataLoader(dataset, {
        batchSize: 2,
        collate: (items) => {
          const tokens = items.map(([, text]) => text.split(' '));
          const offsets = tokens.reduce<number[]>((acc, t, k) => [...acc, k === 0 ? 0 : acc[k - 1]! + tokens[k - 1]!.length], []);
          return {
            labels: tf.tensor1d(items.map(([label]) => label), 'int32'),
            lengths: tf.tensor1d(tokens.map((t) => t.length), 'int32'),
            offsets: tf.tensor1d(offsets, 'int32'),
          };
        },
      });
      const before = tf.memory().numTensors;
      const lengths: number[] = [];
      let first: tf.Tensor | undefined;
      for await (const batch of loader) {
        first ??= batch.labels;
        lengths.push(...batch.lengths.dataSync());
      }
      assert.deepEqual(lengths, [2, 1, 3, 1, 2]);
      assert.ok(first?.isDisposed);
      assert.equal(tf.memory().numTensors, before);
    });

    it('explains how to batch examples the default collate cannot stack', async () => {
      const loader = new DataLoader({ length: 2, get: (i: number) => `text ${i}` }, { batchSize: 2 });
      await assert.rejects(async () => {
        for await (const batch of loader) assert.ok(batch);
      }, /DataLoader: the default collate stacks tensors or tuples of tensors, but an example is string; pass a `collate/);
    });

    it('rejects a batch size that is not a positive integer', () => {
      assert.throws(() => new DataLoader({ length: 1, get: () => 0 }, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
    });

    it('lets other callbacks run between batches', async () => {
      const [x, y] = indexedData(6);
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 1 });
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 0);
      const ticksSeen: number[] = [];
      for await (const batch of loader) {
        assert.equal(batch.length, 2);
        // A synchronous busy wait so that a timer becomes due before the next batch.
        const until = Date.now() + 3;
        while (Date.now() < until);
        ticksSeen.push(ticks);
      }
      clearInterval(timer);
      assert.ok(ticksSeen[ticksSeen.length - 1]! > ticksSeen[0]!, `ticks ${ticksSeen.join(',')}`);
      tf.dispose([x, y]);
    });
  });

  describe(`DataLoader with an AbortSignal on ${backend}`, { skip }, () => {
    before(async () => {
      await useBackend(backend);
    });

    it('stops at the next batch once aborted, leaking nothing', async () => {
      const [x, y] = indexedData(30);
      const controller = new AbortController();
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 5, signal: controller.signal });
      const before = tf.memory().numTensors;
      let batches = 0;
      await assert.rejects(async () => {
        for await (const batch of loader) {
          assert.equal(batch.length, 2);
          batches += 1;
          if (batches === 2) controller.abort(new Error('stopped by the user'));
        }
      }, /stopped by the user/);
      assert.equal(batches, 2);
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, y]);
    });
  });
}
