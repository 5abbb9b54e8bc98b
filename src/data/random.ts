/**
 * Seeded pseudo-random numbers: with `TorchGenerator`, the only source of randomness in trainbook's `src/`.
 *
 * The generator is mulberry32 (Tommy Ettinger's 32-bit generator: one 32-bit state, period 2^32,
 * passes gjrand/PractRand up to a few GB): tiny, fast, and identical on every JavaScript engine.
 * It does not reproduce PyTorch's Mersenne Twister; `TorchGenerator` (torch-generator.ts) does,
 * for the places where the course makes PyTorch's exact choices (the Iris and AG News splits, the
 * AG News weights and batch orders).
 */

/** Checks that `seed` is a safe integer and returns it as an unsigned 32-bit state. */
function toState(seed: number, caller: string): number {
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`${caller}: seed must be an integer, got ${String(seed)}`);
  }
  // Fold the high bits in so that seeds above 2^32 still differ.
  return (seed ^ Math.floor(seed / 0x100000000)) >>> 0;
}

/**
 * A seeded random number generator (mulberry32).
 *
 * PyTorch: `torch.Generator().manual_seed(seed)`. Same role, different algorithm, so the numbers
 * differ from PyTorch's.
 *
 * @example
 * ```ts
 * const rng = new Generator(42);
 * rng.nextFloat(); // a number in [0, 1)
 * rng.nextInt(10); // an integer in [0, 10)
 * ```
 */
export class Generator {
  private state: number;

  /** @param seed - any safe integer; the same seed gives the same sequence. */
  constructor(seed: number) {
    this.state = toState(seed, 'Generator');
  }

  /** The next unsigned 32-bit integer, in [0, 2^32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** The next float in [0, 1), with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 0x100000000;
  }

  /**
   * The next integer in [0, `bound`), without modulo bias (rejection sampling).
   *
   * @param bound - an integer in [1, 2^32].
   */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 0x100000000) {
      throw new Error(`Generator.nextInt: bound must be an integer in [1, 2^32], got ${String(bound)}`);
    }
    // Largest multiple of `bound` that fits in 32 bits: draws at or above it are redrawn.
    const limit = 0x100000000 - (0x100000000 % bound);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % bound;
  }
}

/**
 * Derives a well-mixed seed from a base seed and a counter (e.g. the epoch number), so that
 * consecutive counters give unrelated streams.
 *
 * @returns an unsigned 32-bit integer.
 */
export function deriveSeed(seed: number, counter: number): number {
  const base = toState(seed, 'deriveSeed');
  const c = toState(counter, 'deriveSeed');
  // murmur3's 32-bit finaliser over the combined words.
  let h = (base ^ Math.imul(c + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Shuffles `array` in place (Fisher-Yates) and returns it.
 *
 * PyTorch: no direct counterpart (`random.shuffle` in Python). Use instead of `tf.util.shuffle`,
 * which draws from the unseedable `Math.random`.
 *
 * @param array - the array to shuffle; it is modified.
 * @param seedOrGenerator - a seed, or a {@link Generator} to draw from (it advances).
 * @returns the same array, shuffled.
 * @example
 * ```ts
 * shuffle([1, 2, 3, 4], 0); // the same order every time for seed 0
 * ```
 */
export function shuffle<T>(array: T[], seedOrGenerator: number | Generator): T[] {
  const rng = typeof seedOrGenerator === 'number' ? new Generator(seedOrGenerator) : seedOrGenerator;
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const tmp = array[i] as T;
    array[i] = array[j] as T;
    array[j] = tmp;
  }
  return array;
}

/**
 * A random permutation of `0 .. n-1`.
 *
 * PyTorch: `torch.randperm(n, generator=...)` (different generator, so a different order).
 *
 * @param n - how many indices; a non-negative integer.
 * @param seedOrGenerator - a seed, or a {@link Generator} to draw from (it advances).
 * @returns `n` distinct integers `[n]`, in random order.
 * @example
 * ```ts
 * permutation(5, 42); // e.g. [3, 0, 4, 1, 2], always the same for seed 42
 * ```
 */
export function permutation(n: number, seedOrGenerator: number | Generator): number[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`permutation: n must be a non-negative integer, got ${String(n)}`);
  }
  const indices = Array.from({ length: n }, (_, i) => i);
  return shuffle(indices, seedOrGenerator);
}
