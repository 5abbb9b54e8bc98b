"""Writes the tokenizer and vocabulary goldens for test/text/*.test.ts.

Uses torchtext 0.18.0's own `basic_english` and `build_vocab_from_iterator` source code, loaded from
the wheel by `torchtext_code.py` (see its docstring: the wheel comes from
`pip download torchtext==0.18.0 --no-deps -d /tmp/tt`; the package itself is never imported).
Rows are read with Python's `csv.reader` and turned into text as torchtext's AG_NEWS does
(`" ".join(row[1:])`).

Outputs (gzip, UTF-8):
- tokens.txt.gz: for each of the 7,600 rows of data/ag_news/test.csv, one line with its tokens joined
  by single spaces (tokens never contain whitespace);
- vocab-test-split.txt.gz: the vocabulary (one token per line, id = line number) built from all
  7,600 texts with specials=["<unk>"], min_freq=1;
- vocab-test-split-min3.txt.gz: the same with min_freq=3.

Run from the repository root: python3 test/golden/ag-news/make_text_golden.py
"""
import csv
import gzip
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from torchtext_code import load  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")


def main():
    basic_english, build_vocab_from_iterator = load()
    with open(os.path.join(ROOT, "data", "ag_news", "test.csv"), encoding="utf-8") as f:
        texts = [" ".join(row[1:]) for row in csv.reader(f)]
    assert len(texts) == 7600, len(texts)
    tokens = [basic_english(t) for t in texts]
    with gzip.open(os.path.join(HERE, "tokens.txt.gz"), "wt", encoding="utf-8", compresslevel=9) as f:
        for toks in tokens:
            assert all(" " not in t and "\n" not in t for t in toks)
            f.write(" ".join(toks) + "\n")
    for name, min_freq in [("vocab-test-split.txt.gz", 1), ("vocab-test-split-min3.txt.gz", 3)]:
        itos = build_vocab_from_iterator(iter(tokens), min_freq=min_freq, specials=["<unk>"])
        with gzip.open(os.path.join(HERE, name), "wt", encoding="utf-8", compresslevel=9) as f:
            f.write("\n".join(itos) + "\n")
        print(name, len(itos), itos[:12])
    print("tokens", sum(len(t) for t in tokens), "mean per text", sum(len(t) for t in tokens) / len(tokens))


if __name__ == "__main__":
    main()
