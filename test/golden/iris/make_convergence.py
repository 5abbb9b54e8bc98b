"""How the Iris tutorial's training converges in PyTorch with shuffling, over seeds 0-9.

Writes test/golden/iris/convergence.json, read by test/train/iris-convergence.test.ts.

Per seed: torch.manual_seed(seed), then the tutorial's model (Linear(4,16) -> Linear(16,8) ->
Linear(8,3), no activation), CrossEntropyLoss, Adam(lr=1e-3), batch 10, train loader with
shuffle=True (PyTorch's global generator, as in the tutorial), 30 epochs, on the split in
data/iris/split_seed20.json. Recorded: the initial parameters, the order in which each epoch
visited the training rows (so TensorFlow.js can replay the exact run), per-epoch training loss,
validation loss and accuracy, and test accuracy after 30 epochs.

Run from the repository root (needs only torch, CPU build is fine; ~10 s):
    python3 test/golden/iris/make_convergence.py
"""
import datetime
import json
import os
import statistics

import torch
from torch import nn
from torch.utils.data import DataLoader, Subset, TensorDataset

from make_golden import BATCH_SIZE, LR, ROOT, evaluate, load_iris, load_split, make_model, params

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "convergence.json")
EPOCHS = 30
SEEDS = list(range(10))


def run(seed, dataset, split):
    # Each row carries its index so the visiting order can be recorded; this does not touch the
    # random generator, so the shuffles are the ones the tutorial's DataLoader would make.
    features, targets = dataset.tensors
    indexed = TensorDataset(features, targets, torch.arange(len(targets)))
    train_loader = DataLoader(Subset(indexed, split["train"]), batch_size=BATCH_SIZE, shuffle=True)
    val_loader = DataLoader(Subset(dataset, split["val"]), batch_size=BATCH_SIZE, shuffle=False)
    test_loader = DataLoader(Subset(dataset, split["test"]), batch_size=BATCH_SIZE, shuffle=False)

    torch.manual_seed(seed)
    model = make_model()
    initial = params(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    epochs = []
    for epoch in range(EPOCHS):
        model.train()
        total_loss, order = 0.0, []
        for x, y, rows in train_loader:
            order.extend(rows.tolist())
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            total_loss += loss.item()
            loss.backward()
            optimizer.step()
        val_loss, val_acc, val_correct = evaluate(model, val_loader, loss_fn)
        epochs.append({
            "trainLoss": total_loss / len(train_loader),
            "valLoss": val_loss,
            "valAccuracy": val_acc,
            "valCorrect": val_correct,
            "trainOrder": order,
        })
    test_loss, test_acc, test_correct = evaluate(model, test_loader, loss_fn)
    return {
        "seed": seed,
        "initialParams": initial,
        "epochs": epochs,
        "testLoss": test_loss,
        "testAccuracy": test_acc,
        "testCorrect": test_correct,
    }


def summary(values):
    return {"min": min(values), "max": max(values), "mean": statistics.fmean(values), "values": values}


def main():
    torch.set_num_threads(1)
    dataset = load_iris()
    split = load_split()
    runs = [run(seed, dataset, split) for seed in SEEDS]
    for r in runs:
        print(f"seed {r['seed']}: val acc after 5 {r['epochs'][4]['valAccuracy']:.3f}, "
              f"after 30 {r['epochs'][-1]['valAccuracy']:.3f}; test after 30 {r['testAccuracy']:.3f}")
    stats = {
        "valAccuracyAfter5": summary([r["epochs"][4]["valAccuracy"] for r in runs]),
        "valAccuracyAfter30": summary([r["epochs"][-1]["valAccuracy"] for r in runs]),
        "testAccuracyAfter30": summary([r["testAccuracy"] for r in runs]),
    }
    for name, s in stats.items():
        print(f"{name}: min {s['min']:.3f} max {s['max']:.3f} mean {s['mean']:.3f}")
    out = {
        "generatedBy": {
            "script": "test/golden/iris/make_convergence.py",
            "command": "python3 test/golden/iris/make_convergence.py",
            "torch": torch.__version__,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "setup": {
            "seedUse": "torch.manual_seed(seed), then build the model; the train DataLoader "
                       "(shuffle=True) then draws its permutations from the same global generator",
            "batchSize": BATCH_SIZE,
            "lr": LR,
            "epochs": EPOCHS,
            "trainOrder": "row indices into data/iris/iris.csv, in the order the epoch visited them",
        },
        "stats": stats,
        "runs": runs,
    }
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
