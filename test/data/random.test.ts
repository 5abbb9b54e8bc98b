import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveSeed, Generator, permutation, shuffle } from '../../src/data/random.js';

describe('random', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Generator(42);
    const b = new Generator(42);
    const c = new Generator(43);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    const seqB = Array.from({ length: 5 }, () => b.nextUint32());
    const seqC = Array.from({ length: 5 }, () => c.nextUint32());
    assert.deepEqual(seqA, seqB);
    assert.notDeepEqual(seqA, seqC);
  });

  it('matches the published mulberry32 output for seed 0', () => {
    // Values of the widely copied reference `function mulberry32(a) { return () => { var t = a += 0x6D2B79F5; ... } }` for seed 0.
    const rng = new Generator(0);
    assert.deepEqual([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()], [1144304738, 1416247, 958946056]);
  });

  it('draws floats in [0, 1) and integers in [0, bound) roughly uniformly', () => {
    const rng = new Generator(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      const f = rng.nextFloat();
      assert.ok(f >= 0 && f < 1);
      const k = rng.nextInt(3);
      counts[k] = (counts[k] as number) + 1;
    }
    for (const count of counts) assert.ok(count > 900 && count < 1100, `count ${count}`);
  });

  it('permutation contains every index once and depends on the seed', () => {
    const p = permutation(100, 7);
    assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(permutation(100, 7), p);
    assert.notDeepEqual(permutation(100, 8), p);
    assert.deepEqual(permutation(0, 1), []);
  });

  it('shuffle reorders in place and returns the same array', () => {
    const array = ['a', 'b', 'c', 'd', 'e', 'f'];
    const result = shuffle(array, 3);
    assert.equal(result, array);
    assert.deepEqual([...array].sort(), ['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('deriveSeed gives different seeds for consecutive counters', () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, epoch) => deriveSeed(0, epoch)));
    assert.equal(seeds.size, 100);
    assert.equal(deriveSeed(5, 2), deriveSeed(5, 2));
  });

  it('rejects seeds that are not integers', () => {
    assert.throws(() => new Generator(0.5), /Generator: seed must be an integer, got 0.5/);
    assert.throws(() => permutation(-1, 0), /permutation: n must be a non-negative integer, got -1/);
  });
});
