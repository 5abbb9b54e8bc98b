"""Writes the PyTorch golden for test/text/ag-news-parity.test.ts: 50 training steps of the tutorial.

The run: the text classification tutorial's model (EmbeddingBag(V, 64) mean + Linear(64, 4),
weights uniform(-0.5, 0.5), bias 0), CrossEntropyLoss, SGD lr 5, clip_grad_norm_(0.1), and
StepLR(step_size=1, gamma=0.1) stepped as the tutorial does (after each epoch's validation, when the
validation accuracy is lower than the last accepted one). To keep the golden small and the test fast:
- rows come from data/ag_news/test.csv (the shipped split), chosen by a seeded permutation:
  3,200 training rows (50 batches of 64, in a fixed order, no shuffling) and 256 validation rows;
- the vocabulary is the 499 most frequent training tokens plus `<unk>` (torchtext's
  build_vocab_from_iterator with max_tokens=500), so the initial weights take 129 KB;
- an "epoch" is 5 steps, so 10 epochs of validation and scheduler decisions happen in 50 steps.

Tokenizer and vocabulary are torchtext 0.18.0's own code loaded from the wheel by torchtext_code.py
(see its docstring: `pip download torchtext==0.18.0 --no-deps -d /tmp/tt`, never imported).

Outputs: parity.json (row indices, vocabulary, per-step losses and total gradient norms, per-epoch
validation accuracy and learning rate) and parity-init.bin (float32 little-endian: embedding.weight
[500, 64], fc.weight [4, 64], fc.bias [4], in that order).

Run from the repository root: python3 test/golden/ag-news/make_parity_golden.py
"""
import csv
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from torchtext_code import load  # noqa: E402
from tutorial import TextClassificationModel, make_collate_batch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")

NUM_STEPS, BATCH, STEPS_PER_EPOCH, NUM_VAL, MAX_TOKENS, LR, CLIP = 50, 64, 5, 256, 500, 5.0, 0.1


def main():
    torch.set_num_threads(1)
    basic_english, build_vocab_from_iterator = load()
    with open(os.path.join(ROOT, "data", "ag_news", "test.csv"), encoding="utf-8") as f:
        data = [(int(row[0]), " ".join(row[1:])) for row in csv.reader(f)]
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(0)).tolist()
    train_idx = order[: NUM_STEPS * BATCH]
    val_idx = order[NUM_STEPS * BATCH : NUM_STEPS * BATCH + NUM_VAL]

    itos = build_vocab_from_iterator((basic_english(data[i][1]) for i in train_idx), specials=["<unk>"], max_tokens=MAX_TOKENS)
    stoi = {t: i for i, t in enumerate(itos)}

    collate_batch = make_collate_batch(lambda _text: [stoi.get(t, 0) for t in basic_english(_text)])

    torch.manual_seed(0)
    model = TextClassificationModel(len(itos), 64, 4)
    init = torch.cat([model.embedding.weight.detach().flatten(), model.fc.weight.detach().flatten(), model.fc.bias.detach().flatten()])
    init.numpy().astype("<f4").tofile(os.path.join(HERE, "parity-init.bin"))

    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1, gamma=0.1)

    def evaluate():
        model.eval()
        correct = 0
        with torch.no_grad():
            for k in range(0, NUM_VAL, BATCH):
                label, text, offsets = collate_batch([data[i] for i in val_idx[k : k + BATCH]])
                correct += (model(text, offsets).argmax(1) == label).sum().item()
        return correct / NUM_VAL

    losses, norms, epochs = [], [], []
    total_accu = None
    for step in range(NUM_STEPS):
        model.train()
        label, text, offsets = collate_batch([data[i] for i in train_idx[step * BATCH : (step + 1) * BATCH]])
        optimizer.zero_grad()
        loss = criterion(model(text, offsets), label)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        optimizer.step()
        losses.append(loss.item())
        norms.append(norm.item())
        if (step + 1) % STEPS_PER_EPOCH == 0:
            accu_val = evaluate()
            stepped = total_accu is not None and total_accu > accu_val
            if stepped:
                scheduler.step()
            else:
                total_accu = accu_val
            epochs.append({"valAccuracy": accu_val, "schedulerStepped": stepped, "lrAfter": scheduler.get_last_lr()[0]})

    golden = {
        "generatedBy": {"torch": torch.__version__, "torchtext": "0.18.0 source (tokenizer, vocab)"},
        "setup": {"numSteps": NUM_STEPS, "batchSize": BATCH, "stepsPerEpoch": STEPS_PER_EPOCH, "numVal": NUM_VAL,
                  "maxTokens": MAX_TOKENS, "lr": LR, "clip": CLIP, "embedDim": 64, "numClass": 4},
        "trainRows": train_idx,
        "valRows": val_idx,
        "vocab": itos,
        "losses": losses,
        "gradNorms": norms,
        "epochs": epochs,
    }
    with open(os.path.join(HERE, "parity.json"), "w") as f:
        json.dump(golden, f)
    print("losses", [round(x, 4) for x in losses[:5]], "...", [round(x, 4) for x in losses[-5:]])
    print("epochs", epochs)


if __name__ == "__main__":
    main()
