"""Golden per-step losses for test/vision/step-parity.test.ts.

The tutorial's Fashion-MNIST MLP (Flatten, Linear(784,512), ReLU, Linear(512,512), ReLU,
Linear(512,10)), built right after torch.manual_seed(0) with PyTorch's default nn.Linear
initialisation (trainbook's torchLinearInit with new TorchGenerator(0) draws the same numbers), trained on the first 50 * 64 training images in file order (no shuffling),
batch 64, CrossEntropyLoss, for 50 steps with SGD lr 1e-3 and, from the same start, with SGD lr
1e-3 momentum 0.9. Writes step-losses.json next to this file.

Run from the repository root: python3 test/golden/fashion-mnist/step_losses.py
"""
import gzip
import json
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', '..', '..', 'data', 'fashion-mnist')
STEPS, BATCH, SEED = 50, 64, 0

torch.set_num_threads(1)


def read(name, header):
    with gzip.open(os.path.join(DATA, name)) as f:
        return np.frombuffer(f.read()[header:], dtype=np.uint8)


images = read('train-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28)[: STEPS * BATCH]
labels = read('train-labels-idx1-ubyte.gz', 8)[: STEPS * BATCH]
x_all = torch.from_numpy(images.astype(np.float32)) / 255  # ToTensor's scaling, [n, 28, 28]
y_all = torch.from_numpy(labels.astype(np.int64))


def build():
    torch.manual_seed(SEED)
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def run(momentum):
    model = build()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=momentum)
    losses = []
    for step in range(STEPS):
        x = x_all[step * BATCH : (step + 1) * BATCH]
        y = y_all[step * BATCH : (step + 1) * BATCH]
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, model


sgd, model = run(0.0)
momentum, _ = run(0.9)
out = {
    'description': 'losses of the first 50 steps, first 3,200 training images unshuffled, batch 64, model built after torch.manual_seed(0)',
    'torch': torch.__version__,
    'sgd_lr_1e-3': sgd,
    'sgd_lr_1e-3_momentum_0.9': momentum,
}
# PyTorch's initial values, to check the init on its own
init_model = build()
out['initial_weights_check'] = {
    'w1[0,0]': init_model[1].weight[0, 0].item(),
    'w1[0,1]': init_model[1].weight[0, 1].item(),
    'w1[1,0]': init_model[1].weight[1, 0].item(),
    'b1[511]': init_model[1].bias[511].item(),
    'w3[9,511]': init_model[5].weight[9, 511].item(),
    'b3[9]': init_model[5].bias[9].item(),
    'sum_w2': init_model[3].weight.detach().double().sum().item(),
    'next_uniform': torch.empty(3).uniform_().tolist(),  # the default generator's next draws after the model
}
with open(os.path.join(HERE, 'step-losses.json'), 'w') as f:
    json.dump(out, f, indent=1)
print('sgd', sgd[0], sgd[-1], 'momentum', momentum[-1])
