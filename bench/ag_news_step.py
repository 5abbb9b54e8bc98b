"""One AG News training step at full size in PyTorch, the reference for bench/ag-news-step.ts.

EmbeddingBag(95812, 64) mean (sparse=False, the tutorial's default) + Linear(64, 4), weights
uniform(-0.5, 0.5), bias 0; CrossEntropyLoss; backward; clip_grad_norm_(0.1); SGD lr 5. Batches are
64 consecutive texts of data/ag_news/test.csv, tokenized with torchtext 0.18.0's basic_english and
mapped through the vocabulary built from the whole test split, exactly as the TypeScript benchmark
builds them. Both come from the committed goldens (test/golden/ag-news/tokens.txt.gz and
vocab-test-split.txt.gz, made from torchtext's own code, which the tests check the TypeScript
tokenizer and vocabulary against), so this script needs PyTorch and nothing else: no torchtext wheel.

Prints one JSON line: {"msPerStep": median after warm-up, "threads": n, "losses": first 5 losses}.
Run: python3 bench/ag_news_step.py --threads 1 [--steps 30]
"""
import argparse
import csv
import gzip
import json
import os
import statistics
import time

import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
GOLDEN = os.path.join(ROOT, "test", "golden", "ag-news")


def read_lines(name):
    with gzip.open(os.path.join(GOLDEN, name), "rt", encoding="utf-8") as f:
        return f.read().split("\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--vocab-size", type=int, default=95812)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    with open(os.path.join(ROOT, "data", "ag_news", "test.csv"), encoding="utf-8") as f:
        labels = [int(row[0]) for row in csv.reader(f)]
    # basic_english's tokens of every text (one line per text, tokens joined by single spaces:
    # basic_english splits on whitespace, so no token holds one) and the vocabulary's tokens by id.
    tokens = [line.split(" ") if line else [] for line in read_lines("tokens.txt.gz")[: len(labels)]]
    itos = [t for t in read_lines("vocab-test-split.txt.gz") if t]
    if len(tokens) != len(labels) or itos[0] != "<unk>":
        raise SystemExit(f"goldens do not match data/ag_news/test.csv: {len(tokens)} token lines for {len(labels)} texts, first vocabulary token {itos[0]!r} (expected '<unk>')")
    stoi = {t: i for i, t in enumerate(itos)}
    data = list(zip(labels, tokens))

    def collate_batch(batch):
        label_list, text_list, offsets = [], [], [0]
        for _label, _tokens in batch:
            label_list.append(_label - 1)
            processed = torch.tensor([stoi.get(t, 0) for t in _tokens], dtype=torch.int64)
            text_list.append(processed)
            offsets.append(processed.size(0))
        return torch.tensor(label_list, dtype=torch.int64), torch.cat(text_list), torch.tensor(offsets[:-1]).cumsum(dim=0)

    batches = [collate_batch(data[b * 64 : (b + 1) * 64]) for b in range(40)]

    torch.manual_seed(0)
    embedding = nn.EmbeddingBag(args.vocab_size, 64, sparse=False)
    fc = nn.Linear(64, 4)
    embedding.weight.data.uniform_(-0.5, 0.5)
    fc.weight.data.uniform_(-0.5, 0.5)
    fc.bias.data.zero_()
    params = list(embedding.parameters()) + list(fc.parameters())
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(params, lr=5)

    def step(batch):
        label, text, offsets = batch
        optimizer.zero_grad()
        loss = criterion(fc(embedding(text, offsets)), label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 0.1)
        optimizer.step()
        return loss.item()

    losses, times = [], []
    for i in range(args.warmup + args.steps):
        start = time.perf_counter()
        loss = step(batches[i % len(batches)])
        elapsed = (time.perf_counter() - start) * 1000
        if i < 5:
            losses.append(loss)
        if i >= args.warmup:
            times.append(elapsed)
    print(json.dumps({"msPerStep": statistics.median(times), "threads": args.threads, "losses": losses}))


if __name__ == "__main__":
    main()
