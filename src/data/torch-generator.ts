/**
 * PyTorch's CPU random number generator, bit for bit: the same seed gives the same splits, the same
 * initial weights and the same batch orders as a PyTorch script.
 *
 * `torch.manual_seed(seed)` seeds a 32-bit Mersenne Twister (MT19937, the generator of C++'s
 * `std::mt19937`) with the low 32 bits of the seed. Every random operation of a PyTorch run then
 * draws from it in program order; {@link TorchGenerator} draws the same words for the operations the
 * course uses, following ATen's CPU kernels (PyTorch 2.x):
 * - `uniform_` on float32: one 32-bit word per value, its low 24 bits scaled to [0, 1);
 * - `normal_` on 16 or more float32 values: one word per value, Box-Muller in blocks of 16;
 * - `randperm(n)`: a Fisher-Yates pass from the front, one word per position;
 * - `random_()` on int64: one 64-bit value (two words, high first), top bit cleared.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** Checks that `seed` is a non-negative integer (number or bigint) and returns its low 32 bits, as PyTorch's `mt19937` does. */
function low32(seed: number | bigint, caller: string): number {
  if (typeof seed === 'bigint') {
    if (seed < 0n) throw new Error(`${caller}: seed must be a non-negative integer, got ${seed}`);
    return Number(seed & 0xffffffffn);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`${caller}: seed must be a non-negative integer, got ${String(seed)}`);
  }
  return seed >>> 0;
}

/**
 * A generator that draws exactly what PyTorch's CPU generator draws.
 *
 * Pass one generator to every step of a run that PyTorch would draw from its default generator,
 * in the same order as the PyTorch script (split, model, loaders), and the run makes PyTorch's
 * random choices: `randomSplit(data, lengths, { generator })`, `new DataLoader(data, { shuffle:
 * true, generator })`, `new TextClassificationModel(v, 64, 4, { generator })`.
 *
 * PyTorch: `torch.manual_seed(seed)` (the default generator) or `torch.Generator().manual_seed(seed)`.
 *
 * @example
 * ```ts
 * const generator = new TorchGenerator(0); // torch.manual_seed(0)
 * generator.randperm(5);                   // [4, 0, 1, 3, 2], as torch.randperm(5).tolist()
 * ```
 */
export class TorchGenerator {
  private readonly state = new Uint32Array(N);
  private index = N;
  /** The seed given to the constructor or to the last {@link manualSeed}. */
  private seedValue: number | bigint = 0;
  /** The second value of the last Box-Muller pair of {@link normal}'s scalar path (ATen's `next_double_normal_sample`). */
  private nextNormal: number | undefined;

  /** @param seed - a non-negative integer (a bigint for seeds above 2^53); only its low 32 bits matter, as in PyTorch. */
  constructor(seed: number | bigint) {
    this.manualSeed(seed);
  }

  /** Restarts the sequence from `seed`. PyTorch: `generator.manual_seed(seed)`. */
  manualSeed(seed: number | bigint): this {
    let x = low32(seed, 'TorchGenerator');
    this.seedValue = seed;
    this.state[0] = x;
    for (let i = 1; i < N; i++) {
      x = (Math.imul(1812433253, x ^ (x >>> 30)) + i) >>> 0;
      this.state[i] = x;
    }
    this.index = N;
    this.nextNormal = undefined;
    return this;
  }

  /** The seed this generator was last seeded with. PyTorch: `generator.initial_seed()`. */
  initialSeed(): number | bigint {
    return this.seedValue;
  }

  /** An independent copy that continues the same sequence. PyTorch: `Generator().set_state(g.get_state())`. */
  clone(): TorchGenerator {
    const copy = new TorchGenerator(0);
    copy.state.set(this.state);
    copy.index = this.index;
    copy.seedValue = this.seedValue;
    copy.nextNormal = this.nextNormal;
    return copy;
  }

  /** Refills the state with the next 624 words (the Mersenne Twister's "twist"). */
  private twist(): void {
    const mt = this.state;
    for (let k = 0; k < N; k++) {
      const y = ((mt[k] as number) & UPPER_MASK) | ((mt[(k + 1) % N] as number) & LOWER_MASK);
      mt[k] = (mt[(k + M) % N] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }

  /** The next 32-bit word, in [0, 2^32). PyTorch: ATen's `generator->random()`. */
  random(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** The next 64-bit value, from two words (the first is the high half). PyTorch: ATen's `generator->random64()`. */
  random64(): bigint {
    const high = this.random();
    const low = this.random();
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /**
   * One int64 drawn the way `random_()` fills an int64 tensor: in [0, 2^63).
   * The DataLoader draws its per-epoch seeds this way.
   *
   * PyTorch: `torch.empty((), dtype=torch.int64).random_().item()`.
   */
  randomInt64(): bigint {
    return this.random64() & 0x7fffffffffffffffn;
  }

  /**
   * `count` float32 values from uniform(`from`, `to`), as `uniform_` fills a float32 tensor.
   *
   * PyTorch: `torch.empty(count).uniform_(from, to)`.
   *
   * @example
   * ```ts
   * new TorchGenerator(0).uniform(3, -0.5, 0.5); // Float32Array [-0.0037, 0.2682, -0.4115]
   * ```
   */
  uniform(count: number, from = 0, to = 1): Float32Array {
    checkCount(count, 'TorchGenerator.uniform');
    if (!(from <= to)) throw new Error(`TorchGenerator.uniform: from (${from}) must not exceed to (${to})`);
    const out = new Float32Array(count);
    // ATen casts the bounds to float32 and rounds `x * range + low` once (a fused multiply-add):
    // the product is exact in a double, so computing in doubles and rounding at the end agrees.
    const low = Math.fround(from);
    const range = Math.fround(Math.fround(to) - low);
    for (let i = 0; i < count; i++) {
      const x = (this.random() & 0xffffff) * 2 ** -24; // 24 random bits in [0, 1)
      out[i] = Math.fround(x * range + low);
    }
    return out;
  }

  /**
   * `count` float32 values from a normal distribution, as `normal_` fills a float32 tensor of at
   * least 16 values: uniform draws, then Box-Muller on blocks of 16 (values `j` and `j + 8` of a
   * block share a pair), the last block recomputed from fresh draws when `count` is not a multiple
   * of 16. PyTorch computes this in float32 vector code, so values may differ from these by about
   * 1e-6; the words drawn are the same. Fewer than 16 values are drawn one by one in doubles
   * (53-bit uniforms, Box-Muller, the pair's second value kept for the next draw), as ATen does.
   *
   * PyTorch: `torch.empty(count).normal_(mean, std)` (what `nn.Embedding` and `nn.EmbeddingBag`
   * draw for their default weights).
   */
  normal(count: number, mean = 0, std = 1): Float32Array {
    checkCount(count, 'TorchGenerator.normal');
    if (count < 16) {
      const few = new Float32Array(count);
      for (let i = 0; i < count; i++) few[i] = this.normalDouble() * std + mean;
      return few;
    }
    const out = this.uniform(count);
    const block = (start: number): void => {
      for (let j = 0; j < 8; j++) {
        const u1 = 1 - (out[start + j] as number);
        const u2 = out[start + j + 8] as number;
        const radius = Math.sqrt(-2 * Math.log(u1));
        const theta = 2 * Math.PI * u2;
        out[start + j] = radius * Math.cos(theta) * std + mean;
        out[start + j + 8] = radius * Math.sin(theta) * std + mean;
      }
    };
    for (let start = 0; start + 16 <= count; start += 16) block(start);
    if (count % 16 !== 0) {
      out.set(this.uniform(16), count - 16);
      block(count - 16);
    }
    return out;
  }

  /** One standard normal double, as ATen's `normal_distribution<double>` draws it. */
  private normalDouble(): number {
    if (this.nextNormal !== undefined) {
      const cached = this.nextNormal;
      this.nextNormal = undefined;
      return cached;
    }
    const uniform53 = (): number => Number(this.random64() & 0x1fffffffffffffn) * 2 ** -53;
    const u1 = uniform53();
    const u2 = uniform53();
    const radius = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.nextNormal = radius * Math.sin(theta);
    return radius * Math.cos(theta);
  }

  /**
   * A random permutation of `0 .. n-1`.
   *
   * PyTorch: `torch.randperm(n, generator=...).tolist()` (for n below 2^32 / 20, PyTorch's CPU
   * algorithm for every dataset the course uses).
   */
  randperm(n: number): number[] {
    checkCount(n, 'TorchGenerator.randperm');
    if (n >= Math.floor(0xffffffff / 20)) {
      throw new Error(`TorchGenerator.randperm: n is ${n}; PyTorch permutes ${Math.floor(0xffffffff / 20)} or more items another way, which is not reproduced here`);
    }
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < n - 1; i++) {
      const z = this.random() % (n - i);
      const tmp = order[i] as number;
      order[i] = order[z + i] as number;
      order[z + i] = tmp;
    }
    return order;
  }
}

function checkCount(count: number, caller: string): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new Error(`${caller}: count must be a non-negative integer, got ${String(count)}`);
  }
}

/**
 * The example order of one shuffled epoch of a PyTorch `DataLoader` that draws from `generator`
 * as its default generator: a base seed for worker processes (drawn and unused here), then a seed
 * for the sampler, then `randperm` from a fresh generator with that seed.
 *
 * PyTorch: `list(iter(RandomSampler(dataset)))` inside `iter(DataLoader(dataset, shuffle=True))`,
 * after `torch.manual_seed(...)`.
 */
export function torchEpochOrder(n: number, generator: TorchGenerator): number[] {
  generator.randomInt64(); // _BaseDataLoaderIter's _base_seed
  const samplerSeed = generator.randomInt64(); // RandomSampler's seed
  return new TorchGenerator(samplerSeed).randperm(n);
}
