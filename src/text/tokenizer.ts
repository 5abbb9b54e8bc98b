/**
 * torchtext's `basic_english` tokenizer, rule for rule.
 *
 * torchtext 0.18 (`torchtext/data/utils.py`, `_basic_english_normalize`) lowercases the line, applies
 * twelve regular-expression substitutions in order, then splits on whitespace. The rules below are
 * the same patterns with the same replacement strings. Python's `\s` and `str.split()` use Python's
 * Unicode whitespace set, which differs from JavaScript's `\s` (Python adds U+001C-U+001F and U+0085,
 * JavaScript adds U+FEFF), so the set is spelled out here.
 */

/** Python 3's whitespace (`str.isspace()`, and `\s` in a `str` pattern) as a character class body. */
const PYTHON_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** `_patterns` and `_replacements` from torchtext, in their order. */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/'/g, " '  "],
  [/"/g, ''],
  [/\./g, ' . '],
  [/<br \/>/g, ' '],
  [/,/g, ' , '],
  [/\(/g, ' ( '],
  [/\)/g, ' ) '],
  [/!/g, ' ! '],
  [/\?/g, ' ? '],
  [/;/g, ' '],
  [/:/g, ' '],
  [new RegExp(`[${PYTHON_WHITESPACE}]+`, 'g'), ' '],
];

const SPLIT = new RegExp(`[${PYTHON_WHITESPACE}]+`);

/**
 * Splits one line of English text into lowercase tokens, exactly as torchtext's `basic_english` does.
 *
 * Lowercases, puts spaces around `'` `.` `,` `(` `)` `!` `?`, drops `"`, turns `<br />`, `;` and `:`
 * into spaces, then splits on whitespace. Everything else (digits, `-`, `$`, `\`, `#`) stays inside
 * the token it belongs to.
 *
 * PyTorch: `torchtext.data.utils.get_tokenizer("basic_english")`. Lowercasing uses JavaScript's
 * `toLowerCase`, which agrees with Python's `str.lower` on the full Unicode case mapping; tested
 * token for token against torchtext on all 7,600 AG News test texts.
 *
 * @example
 * basicEnglish("You can now install TorchText using pip!");
 * // ["you", "can", "now", "install", "torchtext", "using", "pip", "!"]
 */
export function basicEnglish(line: string): string[] {
  let s = line.toLowerCase();
  for (const [pattern, replacement] of RULES) s = s.replace(pattern, replacement);
  return s.split(SPLIT).filter((token) => token.length > 0);
}

/** A function from one text to its tokens. */
export type Tokenizer = (text: string) => string[];

/**
 * Returns a tokenizer by name, like torchtext's `get_tokenizer`.
 *
 * `"basic_english"` gives {@link basicEnglish}; `null` gives a plain whitespace split (Python's
 * `str.split()`); a function is returned as it is.
 *
 * PyTorch: `torchtext.data.utils.get_tokenizer(tokenizer)`; spacy, moses and the other library
 * tokenizers are not available.
 *
 * @example
 * ```ts
 * const tokenizer = getTokenizer('basic_english');
 * tokenizer("Here is the an example!"); // ['here', 'is', 'the', 'an', 'example', '!']
 * ```
 */
export function getTokenizer(tokenizer: 'basic_english' | null | Tokenizer): Tokenizer {
  if (typeof tokenizer === 'function') return tokenizer;
  if (tokenizer === null) return (text) => text.split(SPLIT).filter((token) => token.length > 0);
  if (tokenizer === 'basic_english') return basicEnglish;
  throw new Error(`getTokenizer: unknown tokenizer ${JSON.stringify(tokenizer)}, expected "basic_english", null or a function`);
}
