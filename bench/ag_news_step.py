"""One AG News training step at full size in PyTorch, the reference for bench/ag-news-step.ts.

EmbeddingBag(95812, 64) mean (sparse=False, the tutorial's default) + Linear(64, 4), weights
uniform(-0.5, 0.5), bias 0; CrossEntropyLoss; backward; clip_grad_norm_(0.1); SGD lr 5. Batches are
64 consecutive texts of data/ag_news/test.csv, tokenized with torchtext 0.18.0's basic_english and
mapped through the vocabulary built from the whole test split (torchtext's own code, loaded from the
wheel by test/golden/ag-news/torchtext_code.py; see there how the wheel is obtained), exactly as the
TypeScript benchmark builds them.

Prints one JSON line: {"msPerStep": median after warm-up, "threads": n, "losses": first 5 losses}.
Run: python3 bench/ag_news_step.py --threads 1 [--steps 30]
"""
import argparse
import csv
import json
import os
import statistics
import sys
import time

import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "test", "golden", "ag-news"))
from torchtext_code import load  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--vocab-size", type=int, default=95812)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    basic_english, build_vocab_from_iterator = load()
    with open(os.path.join(ROOT, "data", "ag_news", "test.csv"), encoding="utf-8") as f:
        data = [(int(row[0]), " ".join(row[1:])) for row in csv.reader(f)]
    itos = build_vocab_from_iterator((basic_english(t) for _, t in data), specials=["<unk>"])
    stoi = {t: i for i, t in enumerate(itos)}

    def collate_batch(batch):
        label_list, text_list, offsets = [], [], [0]
        for _label, _text in batch:
            label_list.append(_label - 1)
            processed = torch.tensor([stoi.get(t, 0) for t in basic_english(_text)], dtype=torch.int64)
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
