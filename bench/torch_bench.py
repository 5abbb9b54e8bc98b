"""PyTorch side of `npm run bench`: the same workloads as bench/workloads.ts, timed on request.

Runs as a worker: reads one JSON request per line on stdin, e.g.
  {"workload": "iris-epoch", "threads": 1, "units": 20}
runs `units` epochs or steps of that workload with torch.set_num_threads(threads), and answers
one JSON line {"ms": [...per unit...], "threads": n}. bench/run.ts interleaves these requests with
the tf.js measurements so both sides see the same machine load.

Workloads (the seeds' PyTorch code, data preloaded as tensors):
- iris-epoch: data/iris, the split of split_seed20.json (105 training rows, 30 validation), batch
  10 shuffled, Linear(4,16) -> Linear(16,8) -> Linear(8,3), CrossEntropyLoss, Adam lr 1e-3; one
  unit = one epoch of training steps plus one validation pass.
- mlp-step: Flatten -> Linear(784,512) -> ReLU -> Linear(512,512) -> ReLU -> Linear(512,10),
  batch 64 of Fashion-MNIST training images (preloaded, cycling over the first 50 batches), SGD
  lr 1e-3 momentum 0.9; one unit = one step (zero_grad, forward, loss, backward, step, loss.item()).
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


class IrisEpoch:
    def __init__(self):
        rows = np.loadtxt(os.path.join(ROOT, 'data', 'iris', 'iris.csv'), delimiter=',', skiprows=1)
        x = torch.tensor(rows[:, :4], dtype=torch.float32)
        y = torch.tensor(rows[:, 4], dtype=torch.int64)
        with open(os.path.join(ROOT, 'data', 'iris', 'split_seed20.json')) as f:
            split = json.load(f)
        train = torch.utils.data.TensorDataset(x[split['train']], y[split['train']])
        val = torch.utils.data.TensorDataset(x[split['val']], y[split['val']])
        torch.manual_seed(0)
        self.train_loader = torch.utils.data.DataLoader(train, batch_size=10, shuffle=True)
        self.val_loader = torch.utils.data.DataLoader(val, batch_size=10)
        self.model = nn.Sequential(nn.Linear(4, 16), nn.Linear(16, 8), nn.Linear(8, 3))
        self.loss_fn = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)

    def unit(self):
        self.model.train()
        total = 0.0
        for x, y in self.train_loader:
            self.optimizer.zero_grad()
            loss = self.loss_fn(self.model(x), y)
            loss.backward()
            self.optimizer.step()
            total += loss.item()
        self.model.eval()
        correct = 0
        with torch.inference_mode():
            for x, y in self.val_loader:
                out = self.model(x)
                total += self.loss_fn(out, y).item()
                correct += (out.argmax(1) == y).sum().item()
        return total + correct


class MlpStep:
    def __init__(self, batches=50, batch_size=64):
        with gzip.open(os.path.join(ROOT, 'data', 'fashion-mnist', 'train-images-idx3-ubyte.gz')) as f:
            images = np.frombuffer(f.read()[16:], dtype=np.uint8)[: batches * batch_size * 784]
        with gzip.open(os.path.join(ROOT, 'data', 'fashion-mnist', 'train-labels-idx1-ubyte.gz')) as f:
            labels = np.frombuffer(f.read()[8:], dtype=np.uint8)[: batches * batch_size]
        x = torch.from_numpy(images.astype(np.float32).reshape(-1, 28, 28)) / 255
        y = torch.from_numpy(labels.astype(np.int64))
        self.batches = [(x[i * batch_size : (i + 1) * batch_size], y[i * batch_size : (i + 1) * batch_size]) for i in range(batches)]
        torch.manual_seed(0)
        self.model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        self.loss_fn = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=1e-3, momentum=0.9)
        self.i = 0

    def unit(self):
        x, y = self.batches[self.i % len(self.batches)]
        self.i += 1
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        return loss.item()


WORKLOADS = {'iris-epoch': IrisEpoch, 'mlp-step': MlpStep}


def main():
    instances = {}
    for line in sys.stdin:
        request = json.loads(line)
        if request.get('quit'):
            break
        name = request['workload']
        torch.set_num_threads(int(request['threads']))
        if name not in instances:
            instances[name] = WORKLOADS[name]()
        work = instances[name]
        times = []
        for _ in range(int(request['units'])):
            start = time.perf_counter()
            work.unit()
            times.append((time.perf_counter() - start) * 1000)
        print(json.dumps({'ms': times, 'threads': torch.get_num_threads()}), flush=True)


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--info':
        print(json.dumps({'torch': torch.__version__, 'default_threads': torch.get_num_threads()}))
    else:
        main()
