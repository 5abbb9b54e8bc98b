/**
 * A vocabulary: tokens to integer ids, built from training texts like torchtext's
 * `build_vocab_from_iterator`.
 */

/** Compares two strings by Unicode code point, as Python compares `str` (JavaScript's `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++; // both share the same surrogate pair here
  }
  return a.length - b.length;
}

/**
 * Maps tokens to ids and back. Unknown tokens map to the default index once one is set.
 *
 * PyTorch: `torchtext.vocab.Vocab`. `vocab(tokens)` is {@link Vocab.lookupIndices}, `vocab[token]`
 * is {@link Vocab.indexOf}, `len(vocab)` is {@link Vocab.length}.
 *
 * @example
 * ```ts
 * const vocab = buildVocabFromIterator([['a', 'b', 'a']], { specials: ['<unk>'] });
 * vocab.setDefaultIndex(vocab.indexOf('<unk>'));
 * vocab.lookupIndices(['a', 'z']); // [1, 0]
 * ```
 */
export class Vocab {
  private readonly itos: readonly string[];
  private readonly stoi: Map<string, number>;
  private defaultIndex: number | null = null;

  /** Makes a vocabulary whose id `i` is `tokens[i]`; tokens must be distinct. */
  constructor(tokens: readonly string[]) {
    this.itos = [...tokens];
    this.stoi = new Map();
    tokens.forEach((token, i) => {
      if (this.stoi.has(token)) {
        throw new Error(`Vocab: token ${JSON.stringify(token)} appears twice (ids ${this.stoi.get(token)} and ${i}); tokens must be distinct`);
      }
      this.stoi.set(token, i);
    });
  }

  /** Number of tokens. */
  get length(): number {
    return this.itos.length;
  }

  /**
   * Sets the id returned for tokens that are not in the vocabulary (usually the id of `<unk>`).
   *
   * PyTorch: `vocab.set_default_index(index)`.
   */
  setDefaultIndex(index: number | null): void {
    if (index !== null && !(Number.isInteger(index) && index >= 0 && index < this.itos.length)) {
      throw new Error(`Vocab.setDefaultIndex: ${index} is not an id of this vocabulary (0 to ${this.itos.length - 1})`);
    }
    this.defaultIndex = index;
  }

  /** The id returned for unknown tokens, or `null` when unknown tokens are an error. PyTorch: `get_default_index()`. */
  getDefaultIndex(): number | null {
    return this.defaultIndex;
  }

  /** Whether the token has its own id. PyTorch: `token in vocab`. */
  has(token: string): boolean {
    return this.stoi.has(token);
  }

  /** The id of one token. PyTorch: `vocab[token]`; like torchtext, an unknown token is an error until a default index is set. */
  indexOf(token: string): number {
    const id = this.stoi.get(token);
    if (id !== undefined) return id;
    if (this.defaultIndex !== null) return this.defaultIndex;
    throw new Error(`Vocab: token ${JSON.stringify(token)} is not in the vocabulary and no default index is set; call vocab.setDefaultIndex(vocab.indexOf("<unk>"))`);
  }

  /** The ids of a list of tokens. PyTorch: `vocab(tokens)` or `vocab.lookup_indices(tokens)`. */
  lookupIndices(tokens: readonly string[]): number[] {
    return tokens.map((token) => this.indexOf(token));
  }

  /** The token with a given id. PyTorch: `vocab.lookup_token(index)`. */
  lookupToken(index: number): string {
    const token = this.itos[index];
    if (token === undefined) throw new Error(`Vocab.lookupToken: id ${index} is out of range 0 to ${this.itos.length - 1}`);
    return token;
  }

  /** The tokens of a list of ids. PyTorch: `vocab.lookup_tokens(indices)`. */
  lookupTokens(indices: readonly number[]): string[] {
    return indices.map((index) => this.lookupToken(index));
  }

  /** All tokens in id order. PyTorch: `vocab.get_itos()`. */
  getItos(): string[] {
    return [...this.itos];
  }

  /** Token to id. PyTorch: `vocab.get_stoi()`. */
  getStoi(): Map<string, number> {
    return new Map(this.stoi);
  }
}

/** Options of {@link buildVocabFromIterator}. */
export interface BuildVocabOptions {
  /** Tokens seen fewer times than this are left out. @default 1 */
  minFreq?: number;
  /** Special tokens such as `<unk>`, kept in the given order. @default [] */
  specials?: string[];
  /** Put the specials before (true) or after (false) the counted tokens. @default true */
  specialFirst?: boolean;
  /** Keep only the `maxTokens - specials.length` most frequent tokens. @default no limit */
  maxTokens?: number;
}

/**
 * Builds a vocabulary from an iterable of token lists.
 *
 * Tokens are counted, sorted by descending count and then by the token itself (code point order,
 * as Python sorts strings), cut to `maxTokens`, filtered by `minFreq`; the specials go first.
 *
 * PyTorch: `torchtext.vocab.build_vocab_from_iterator(iterator, min_freq, specials, special_first,
 * max_tokens)`, same ordering (torchtext 0.18 sorts by `(-count, token)`).
 *
 * @example
 * const vocab = buildVocabFromIterator(texts.map(basicEnglish), { specials: ['<unk>'] });
 * vocab.setDefaultIndex(vocab.indexOf('<unk>'));
 * vocab.lookupIndices(['here', 'is', 'an', 'example']); // four ids; 0 for any token not seen in training
 */
export function buildVocabFromIterator(iterator: Iterable<readonly string[]>, options: BuildVocabOptions = {}): Vocab {
  const { minFreq = 1, specials = [], specialFirst = true, maxTokens } = options;
  if (!(Number.isInteger(minFreq) && minFreq >= 1)) throw new Error(`buildVocabFromIterator: minFreq is ${minFreq}, expected an integer >= 1`);
  const counts = new Map<string, number>();
  for (const tokens of iterator) {
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  let sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
  if (maxTokens !== undefined) {
    if (!(specials.length < maxTokens)) {
      throw new Error(`buildVocabFromIterator: maxTokens is ${maxTokens} but there are ${specials.length} specials; expected maxTokens > specials.length`);
    }
    sorted = sorted.slice(0, maxTokens - specials.length);
  }
  const specialSet = new Set(specials);
  const tokens = sorted.filter(([token, count]) => count >= minFreq && !specialSet.has(token)).map(([token]) => token);
  return new Vocab(specialFirst ? [...specials, ...tokens] : [...tokens, ...specials]);
}
