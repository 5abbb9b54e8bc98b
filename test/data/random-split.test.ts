import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset } from '../../src/data/dataset.js';
import { readFileSync } from 'node:fs';
import { randomSplit, splitLengths } from '../../src/data/random-split.js';
import { TorchGenerator } from '../../src/data/torch-generator.js';

/** PyTorch's random_split rows: the Iris split shipped with the course and the AG News splits of test/golden/torch-generator. */
const irisSplit = JSON.parse(readFileSync(new URL('../../data/iris/split_seed20.json', import.meta.url), 'utf8')) as { train: number[]; val: number[]; test: number[] };
const torchGolden = JSON.parse(readFileSync(new URL('../golden/torch-generator/golden.json', import.meta.url), 'utf8')) as {
  seeds: { seed: string; randomSplit: { heldOut: number[]; valid: number[] } }[];
};

/** A dataset whose example i is i, so a subset's examples are its parent rows. */
function range(n: number): Dataset<number> {
  return { length: n, get: (i) => i };
}

function examples(subset: Dataset<number>): number[] {
  return Array.from({ length: subset.length }, (_, i) => subset.get(i));
}

describe('randomSplit', () => {
  it('splits 150 examples 0.7/0.2/0.1 into 105/30/15 like PyTorch', () => {
    const parts = randomSplit(range(150), [0.7, 0.2, 0.1], { seed: 20 });
    assert.deepEqual(parts.map((p) => p.length), [105, 30, 15]);
  });

  it('with a TorchGenerator picks the rows PyTorch picks (the shipped Iris split, seed 20)', () => {
    const parts = randomSplit(range(150), [0.7, 0.2, 0.1], { generator: new TorchGenerator(20) });
    assert.deepEqual(parts.map(examples), [irisSplit.train, irisSplit.val, irisSplit.test]);
  });

  it('takes { seed: n } as short for { generator: new TorchGenerator(n) } (the shipped Iris split for seed 20)', () => {
    const parts = randomSplit(range(150), [0.7, 0.2, 0.1], { seed: 20 });
    assert.deepEqual(parts.map(examples), [irisSplit.train, irisSplit.val, irisSplit.test]);
  });

  it('with one TorchGenerator makes PyTorch\'s two successive splits (6,000 / 1,600, then 5,700 / 300)', () => {
    for (const { seed, randomSplit: expected } of torchGolden.seeds) {
      const generator = new TorchGenerator(BigInt(seed));
      const [pool, heldOut] = randomSplit(range(7600), [6000, 1600], { generator });
      const [, valid] = randomSplit(pool!, [5700, 300], { generator });
      assert.deepEqual(examples(heldOut!), expected.heldOut, `seed ${seed}: held-out rows`);
      assert.deepEqual(examples(valid!), expected.valid, `seed ${seed}: validation rows`);
    }
  });

  it('rejects a generator that is not a TorchGenerator', () => {
    assert.throws(() => randomSplit(range(4), [2, 2], { generator: {} as TorchGenerator }), /randomSplit: generator must be a TorchGenerator/);
  });

  it('hands the remainder out round-robin from the first subset', () => {
    // floor(10 * 1/3) = 3 each, remainder 1 goes to the first: PyTorch gives [4, 3, 3].
    assert.deepEqual(splitLengths(10, [1 / 3, 1 / 3, 1 / 3]), [4, 3, 3]);
    // 11 * [0.5, 0.25, 0.25] = 5.5, 2.75, 2.75 → floors 5, 2, 2, remainder 2 → [6, 3, 2].
    assert.deepEqual(splitLengths(11, [0.5, 0.25, 0.25]), [6, 3, 2]);
  });

  it('makes disjoint subsets that cover the dataset', () => {
    const parts = randomSplit(range(37), [0.5, 0.3, 0.2], { seed: 1 });
    const all = parts.flatMap(examples);
    assert.equal(all.length, 37);
    assert.equal(new Set(all).size, 37);
    assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: 37 }, (_, i) => i));
  });

  it('is deterministic for a given seed and differs between seeds', () => {
    const a = randomSplit(range(50), [0.8, 0.2], { seed: 3 }).map(examples);
    const b = randomSplit(range(50), [0.8, 0.2], { seed: 3 }).map(examples);
    const c = randomSplit(range(50), [0.8, 0.2], { seed: 4 }).map(examples);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('accepts counts that sum to the dataset length', () => {
    const parts = randomSplit(range(20), [12, 8], { seed: 0 });
    assert.deepEqual(parts.map((p) => p.length), [12, 8]);
  });

  it('rejects fractions that do not sum to 1 and counts that do not sum to the length', () => {
    assert.throws(() => randomSplit(range(150), [0.7, 0.1, 0.1], { seed: 0 }), /randomSplit: fractions sum to 0.9, expected 1/);
    assert.throws(() => randomSplit(range(150), [100, 40], { seed: 0 }), /randomSplit: counts sum to 140, expected the dataset length 150/);
    assert.throws(() => randomSplit(range(10), [0.5, -0.5, 1], { seed: 0 }), /lengths\[1\] is -0.5/);
    assert.throws(() => randomSplit(range(10), [], { seed: 0 }), /got no lengths/);
  });
});

describe('randomSplit of an empty dataset', () => {
  it('says the dataset is empty instead of complaining about the fractions', () => {
    assert.throws(() => randomSplit(range(0), [0.8, 0.2], { seed: 0 }), (error: Error) => {
      assert.match(error.message, /randomSplit: the dataset is empty \(length 0\); there is nothing to split/);
      return true;
    });
  });
});
