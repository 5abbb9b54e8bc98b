"""The diabetes section's training run in PyTorch, for the course's regression lesson.

Writes test/golden/diabetes/golden.json, read by test/train/diabetes-parity.test.ts and the
course test (test/course/notebooks.test.ts).

The run of notebooks/diabetes/02-train-and-save: torch.manual_seed(0); random_split of the 442
patients 0.7/0.15/0.15 (default generator); a StandardScaler fitted on the training rows only
(float64 statistics, population standard deviation, applied in float32); the model
nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 1)); nn.MSELoss(); SGD(lr=1e-3) with
StepLR(step_size=10, gamma=0.5) stepped after every epoch; batch 16, training loader shuffled from
the default generator, validation and test loaders of batch 33 unshuffled (66 rows each: two equal
batches, so the mean of the batch losses is the mean squared error over the rows); 30 epochs. Recorded: the split, the scaler's statistics, the first 20 batch
losses, per epoch the mean training loss, the validation loss (mean of batch losses), mean
absolute error and R², and the test metrics after the last epoch. Also how SGD with lr=1e-2
fares from the same start, without the schedule (it diverges).

Run from the repository root (needs only torch, CPU build is fine; a few seconds):
    python3 test/golden/diabetes/make_golden.py
"""
import datetime
import gzip
import json
import math
import os

import torch
from torch import nn
from torch.utils.data import DataLoader, Subset, TensorDataset, random_split

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden.json")
FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
EPOCHS = 30
BATCH_SIZE = 16
EVAL_BATCH_SIZE = 33
LR = 1e-3
STEP_SIZE = 10
GAMMA = 0.5


def load():
    with gzip.open(os.path.join(ROOT, "data", "diabetes", "diabetes.csv.gz"), "rt") as f:
        lines = f.read().splitlines()
    header = lines[0].split(",")
    assert header == FEATURES + ["progression"], header
    rows = [[float(v) for v in line.split(",")] for line in lines[1:]]
    x = torch.tensor([row[:10] for row in rows], dtype=torch.float32)
    y = torch.tensor([row[10] for row in rows], dtype=torch.float32).view(-1, 1)  # [442, 1], as the model's output
    return x, y


def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, predictions, targets = 0.0, [], []
    with torch.inference_mode():
        for xb, yb in loader:
            out = model(xb)
            total_loss += loss_fn(out, yb).item()
            predictions += out.view(-1).tolist()
            targets += yb.view(-1).tolist()
    n = len(targets)
    mean = sum(targets) / n
    mae = sum(abs(p - t) for p, t in zip(predictions, targets)) / n
    r2 = 1 - sum((t - p) ** 2 for p, t in zip(predictions, targets)) / sum((t - mean) ** 2 for t in targets)
    return {"loss": total_loss / len(loader), "meanAbsoluteError": mae, "r2": r2}


def run(lr, epochs, schedule=True):
    x, y = load()
    torch.manual_seed(0)
    train_rows, val_rows, test_rows = random_split(range(len(y)), [0.7, 0.15, 0.15])
    train_x = x[list(train_rows)].double()
    mean = train_x.mean(0)
    scale = train_x.std(0, unbiased=False)
    scale[scale == 0] = 1
    mean32, scale32 = mean.float(), scale.float()
    dataset = TensorDataset((x - mean32) / scale32, y)
    model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 1))
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=STEP_SIZE, gamma=GAMMA)
    train_loader = DataLoader(Subset(dataset, list(train_rows)), batch_size=BATCH_SIZE, shuffle=True)
    val_loader = DataLoader(Subset(dataset, list(val_rows)), batch_size=EVAL_BATCH_SIZE)
    test_loader = DataLoader(Subset(dataset, list(test_rows)), batch_size=EVAL_BATCH_SIZE)
    batch_losses, epochs_out = [], []
    for _ in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item()
            batch_losses.append(loss.item())
        if schedule:
            scheduler.step()
        val = evaluate(model, val_loader, loss_fn)
        epochs_out.append({"trainLoss": total / len(train_loader), "valLoss": val["loss"], "valMeanAbsoluteError": val["meanAbsoluteError"], "valR2": val["r2"]})
    return {
        "split": {"train": list(train_rows), "val": list(val_rows), "test": list(test_rows)},
        "scaler": {"mean": mean32.tolist(), "scale": scale32.tolist()},
        "batchLosses": batch_losses,
        "epochs": epochs_out,
        "test": evaluate(model, test_loader, loss_fn),
    }


def finite_or_none(value):
    return value if math.isfinite(value) else None


def main():
    torch.set_num_threads(1)
    main_run = run(LR, EPOCHS)
    diverging = run(1e-2, 2, schedule=False)
    golden = {
        "about": "PyTorch %s, %s; see make_golden.py" % (torch.__version__, datetime.date.today().isoformat()),
        "epochs": EPOCHS,
        "batchSize": BATCH_SIZE,
        "evalBatchSize": EVAL_BATCH_SIZE,
        "lr": LR,
        "stepSize": STEP_SIZE,
        "gamma": GAMMA,
        **{k: main_run[k] for k in ("split", "scaler", "epochs", "test")},
        "batchLosses": main_run["batchLosses"][:20],
        "lr1e-2": {"batchLosses": [finite_or_none(v) for v in diverging["batchLosses"][:20]], "trainLoss": [finite_or_none(e["trainLoss"]) for e in diverging["epochs"]]},
    }
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
