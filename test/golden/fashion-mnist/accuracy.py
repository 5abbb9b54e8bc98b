"""Golden test accuracies for test/vision/accuracy.test.ts.

The tutorial's loop (seed 004): Flatten, Linear(784,512), ReLU, Linear(512,512), ReLU,
Linear(512,10); batch 64, no shuffling (the tutorial's DataLoader(training_data, batch_size=64));
CrossEntropyLoss; SGD lr 1e-3 without and with momentum 0.9. The model is built right after
torch.manual_seed(0) with PyTorch's default nn.Linear initialisation; trainbook's torchLinearInit
with new TorchGenerator(0) draws the same numbers, so both sides start from the same model.

- quick: the first 2,000 training images, 1 epoch, tested on all 10,000 test images.
- full:  all 60,000 training images, 5 epochs (accuracy after each epoch).

Writes accuracy.json next to this file. Run: python3 test/golden/fashion-mnist/accuracy.py
"""
import gzip
import json
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', '..', '..', 'data', 'fashion-mnist')
torch.set_num_threads(1)


def read(prefix):
    with gzip.open(os.path.join(DATA, f'{prefix}-images-idx3-ubyte.gz')) as f:
        x = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 28, 28)
    with gzip.open(os.path.join(DATA, f'{prefix}-labels-idx1-ubyte.gz')) as f:
        y = np.frombuffer(f.read()[8:], dtype=np.uint8)
    return torch.from_numpy(x.astype(np.float32)) / 255, torch.from_numpy(y.astype(np.int64))


x_train, y_train = read('train')
x_test, y_test = read('t10k')


def test(model, loss_fn, batch=64):
    num_batches = (len(x_test) + batch - 1) // batch
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(num_batches):
            x, y = x_test[i * batch : (i + 1) * batch], y_test[i * batch : (i + 1) * batch]
            pred = model(x)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    return correct / len(x_test), test_loss / num_batches


def run(momentum, num_train, epochs, batch=64):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=momentum)
    results = []
    for _ in range(epochs):
        for i in range((num_train + batch - 1) // batch):
            x = x_train[i * batch : min((i + 1) * batch, num_train)]
            y = y_train[i * batch : min((i + 1) * batch, num_train)]
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        accuracy, avg_loss = test(model, loss_fn)
        results.append({'accuracy': accuracy, 'avg_loss': avg_loss})
        print(momentum, num_train, results[-1], flush=True)
    return results


out = {
    'torch': torch.__version__,
    'quick': {'sgd': run(0.0, 2000, 1), 'momentum': run(0.9, 2000, 1)},
    'full': {'sgd': run(0.0, 60000, 5), 'momentum': run(0.9, 60000, 5)},
}
with open(os.path.join(HERE, 'accuracy.json'), 'w') as f:
    json.dump(out, f, indent=1)
