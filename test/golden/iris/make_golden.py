"""Golden numbers for the Iris notebook (seed tutorial 001, "Train"), computed with PyTorch.

Writes test/golden/iris/golden.json, read by test/train/iris-parity.test.ts.

What it runs, exactly as the tutorial does except for what must be fixed to compare numbers:
- data/iris/iris.csv (header skipped; 4 float features + class index), split by the indices in
  data/iris/split_seed20.json (train 105 / val 30 / test 15);
- Linear(4,16) -> Linear(16,8) -> Linear(8,3), no activation, built right after
  torch.manual_seed(0) (its initial parameters are recorded, so TensorFlow.js can start from them);
- CrossEntropyLoss, Adam(lr=1e-3) with PyTorch's defaults (betas 0.9/0.999, eps 1e-8);
- batch 10, train batches NOT shuffled (split-file order), 5 epochs, float32.

Run from the repository root (needs only torch, CPU build is fine):
    python3 test/golden/iris/make_golden.py
"""
import datetime
import json
import os

import torch
from torch import nn
from torch.utils.data import DataLoader, Subset, TensorDataset

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden.json")

EPOCHS = 5
BATCH_SIZE = 10
LR = 1e-3
MODEL_SEED = 0


def load_iris():
    with open(os.path.join(ROOT, "data", "iris", "iris.csv")) as f:
        lines = [line.strip() for line in f if line.strip()]
    rows = [line.split(",") for line in lines[1:]]  # line 0 is the header "150,4,setosa,..."
    features = torch.tensor([[float(v) for v in r[:4]] for r in rows], dtype=torch.float32)
    targets = torch.tensor([int(r[4]) for r in rows], dtype=torch.int64)
    assert features.shape == (150, 4) and targets.shape == (150,)
    return TensorDataset(features, targets)


def load_split():
    with open(os.path.join(ROOT, "data", "iris", "split_seed20.json")) as f:
        split = json.load(f)
    assert [len(split[k]) for k in ("train", "val", "test")] == [105, 30, 15]
    return split


def make_model():
    return nn.Sequential(nn.Linear(4, 16), nn.Linear(16, 8), nn.Linear(8, 3))


def params(model):
    """[{weight: [out][in], bias: [out]}] per Linear layer, PyTorch layout, as float64 lists."""
    return [
        {"weight": layer.weight.detach().double().tolist(), "bias": layer.bias.detach().double().tolist()}
        for layer in model
    ]


def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, total_correct = 0.0, 0
    with torch.inference_mode():
        for x, y in loader:
            logits = model(x)
            total_loss += loss_fn(logits, y).item()
            total_correct += logits.argmax(dim=1).eq(y).sum().item()
    return total_loss / len(loader), total_correct / len(loader.dataset), total_correct


def adam_probe():
    """Ten Adam steps on loss = sum(0.5 * c * p^2), gradients from 1e-9 to 10.

    With gradients this small PyTorch's eps (1e-8) dominates the update, so a run that used tfjs's
    default epsilon (1e-7) would differ by ~1e-4 here, while on the Iris model it hides below 1e-6.
    """
    c = torch.tensor([1e-9, 1e-8, 1e-7, 1e-6, 1e-3, 1.0, 10.0, -1e-8, -1.0, 0.5])
    p = torch.tensor([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -2.0], requires_grad=True)
    initial = p.detach().double().tolist()
    optimizer = torch.optim.Adam([p], lr=LR)
    steps = []
    for _ in range(10):
        optimizer.zero_grad()
        loss = (0.5 * c * p * p).sum()
        loss.backward()
        optimizer.step()
        steps.append(p.detach().double().tolist())
    return {
        "loss": "sum(0.5 * c * p^2)",
        "c": c.double().tolist(),
        "initial": initial,
        "optimizer": "Adam(lr=1e-3) defaults",
        "paramsAfterEachStep": steps,
    }


def main():
    torch.set_num_threads(1)
    dataset = load_iris()
    split = load_split()
    train_loader = DataLoader(Subset(dataset, split["train"]), batch_size=BATCH_SIZE, shuffle=False)
    val_loader = DataLoader(Subset(dataset, split["val"]), batch_size=BATCH_SIZE, shuffle=False)
    test_loader = DataLoader(Subset(dataset, split["test"]), batch_size=BATCH_SIZE, shuffle=False)

    torch.manual_seed(MODEL_SEED)
    model = make_model()
    initial = params(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)

    # Before any training: the loss/accuracy of the initial model (checks the forward pass alone).
    initial_val_loss, initial_val_acc, _ = evaluate(model, val_loader, loss_fn)

    epochs = []
    for epoch in range(EPOCHS):
        model.train()
        total_loss = 0.0
        batch_losses = []
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            batch_losses.append(loss.item())
            total_loss += loss.item()
            loss.backward()
            optimizer.step()
        val_loss, val_acc, val_correct = evaluate(model, val_loader, loss_fn)
        epochs.append({
            "epoch": epoch,
            "trainLoss": total_loss / len(train_loader),
            "batchLosses": batch_losses,
            "valLoss": val_loss,
            "valAccuracy": val_acc,
            "valCorrect": val_correct,
        })
        print(f"epoch {epoch}: train {epochs[-1]['trainLoss']:.6f}  val {val_loss:.6f}  acc {val_acc:.4f}")
    test_loss, test_acc, test_correct = evaluate(model, test_loader, loss_fn)

    golden = {
        "generatedBy": {
            "script": "test/golden/iris/make_golden.py",
            "command": "python3 test/golden/iris/make_golden.py",
            "torch": torch.__version__,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "threads": torch.get_num_threads(),
        },
        "setup": {
            "data": "data/iris/iris.csv rows, split data/iris/split_seed20.json",
            "model": "Linear(4,16) -> Linear(16,8) -> Linear(8,3), no activation",
            "modelSeed": f"torch.manual_seed({MODEL_SEED}) right before building the model",
            "loss": "CrossEntropyLoss (mean)",
            "optimizer": "Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)",
            "batchSize": BATCH_SIZE,
            "shuffle": False,
            "epochs": EPOCHS,
            "dtype": "float32",
            "layout": "weight is [out][in] (PyTorch); tfjs Dense kernel is its transpose [in][out]",
        },
        "initialParams": initial,
        "initialVal": {"valLoss": initial_val_loss, "valAccuracy": initial_val_acc},
        "epochs": epochs,
        "test": {"testLoss": test_loss, "testAccuracy": test_acc, "testCorrect": test_correct},
        "finalParams": params(model),
        "adamProbe": adam_probe(),
    }
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
