// TorchGenerator against PyTorch 2.13's CPU generator.
// Golden: test/golden/torch-generator/golden.json, from python3 test/golden/torch-generator/make_golden.py
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { TorchGenerator, torchEpochOrder } from '../../src/data/torch-generator.js';

interface SeedGolden {
  seed: string;
  words: number[];
  uniform: { from: number; to: number; values: number[] }[];
  normal: { count: number; values: number[]; next: number[] }[];
  randperm: { n: number; order: number[] }[];
  randomInt64: string[];
  randomSplit: { heldOut: number[]; valid: number[] };
  dataLoaderEpochs: number[][];
  afterDataLoader: number[];
}

const golden = JSON.parse(readFileSync(new URL('../golden/torch-generator/golden.json', import.meta.url), 'utf8')) as { seeds: SeedGolden[] };

/** The seed as PyTorch got it (2^32 + 5 does not fit a 32-bit word). */
const seedOf = (entry: SeedGolden): bigint => BigInt(entry.seed);

describe('TorchGenerator', () => {
  for (const entry of golden.seeds) {
    describe(`seed ${entry.seed}`, () => {
      it('draws the same 32-bit words as MT19937 seeded like std::mt19937 (1,300 words, past two refills)', () => {
        const generator = new TorchGenerator(seedOf(entry));
        assert.deepEqual(Array.from({ length: entry.words.length }, () => generator.random()), entry.words);
      });

      it('fills uniform values bit for bit like uniform_ on float32', () => {
        for (const { from, to, values } of entry.uniform) {
          assert.deepEqual(Array.from(new TorchGenerator(seedOf(entry)).uniform(values.length, from, to)), values, `uniform(${from}, ${to})`);
        }
      });

      it('draws normal values like normal_, fewer than 16 one by one (same words consumed, values within 1e-5)', () => {
        for (const { count, values, next } of entry.normal) {
          const generator = new TorchGenerator(seedOf(entry));
          const ours = generator.normal(count);
          const worst = Math.max(...values.map((v, i) => Math.abs(v - (ours[i] as number))));
          assert.ok(worst <= 1e-5, `normal(${count}): largest difference ${worst}`);
          assert.deepEqual(Array.from(generator.uniform(3)), next, `the draws after normal(${count})`);
        }
      });

      it('permutes like randperm', () => {
        for (const { n, order } of entry.randperm) assert.deepEqual(new TorchGenerator(seedOf(entry)).randperm(n), order, `randperm(${n})`);
      });

      it('draws int64 values like random_() on an int64 tensor', () => {
        const generator = new TorchGenerator(seedOf(entry));
        assert.deepEqual(entry.randomInt64.map(() => String(generator.randomInt64())), entry.randomInt64);
      });

      it('orders three shuffled DataLoader epochs like PyTorch and consumes the same draws', () => {
        const generator = new TorchGenerator(seedOf(entry));
        assert.deepEqual([0, 1, 2].map(() => torchEpochOrder(150, generator)), entry.dataLoaderEpochs);
        assert.deepEqual(Array.from(generator.uniform(3)), entry.afterDataLoader);
      });
    });
  }

  it('uses only the low 32 bits of the seed, as PyTorch does', () => {
    assert.deepEqual(new TorchGenerator(2n ** 32n + 5n).randperm(20), new TorchGenerator(5).randperm(20));
  });

  it('clone continues the same sequence independently', () => {
    const a = new TorchGenerator(3);
    a.random();
    const b = a.clone();
    assert.deepEqual(Array.from({ length: 700 }, () => a.random()), Array.from({ length: 700 }, () => b.random()));
  });

  it('manualSeed restarts the sequence', () => {
    const generator = new TorchGenerator(9);
    const first = generator.randperm(10);
    generator.random();
    assert.deepEqual(generator.manualSeed(9).randperm(10), first);
  });

  it('rejects negative, fractional and unsafe seeds and counts with a message', () => {
    assert.throws(() => new TorchGenerator(-1), /TorchGenerator: seed must be a non-negative integer, got -1/);
    assert.throws(() => new TorchGenerator(0.5), /got 0.5/);
    assert.throws(() => new TorchGenerator(2 ** 60), /non-negative integer/);
    assert.throws(() => new TorchGenerator(0).uniform(-1), /TorchGenerator.uniform: count must be a non-negative integer, got -1/);
    assert.throws(() => new TorchGenerator(0).uniform(2, 1, 0), /from \(1\) must not exceed to \(0\)/);
  });
});
