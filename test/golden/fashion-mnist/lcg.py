"""The LCG of src/vision/linear-init.ts in Python: the same float32 numbers, bit for bit."""
import numpy as np


def lcg_uniform(count, seed):
    """count float32 numbers in [-1, 1) and the generator's state after the last one."""
    out = np.empty(count, dtype=np.float32)
    state = seed & 0xFFFFFFFF
    for i in range(count):
        state = (1664525 * state + 1013904223) & 0xFFFFFFFF
        out[i] = np.float32((state >> 8) / 16777216) * np.float32(2) - np.float32(1)
    return out, state


def torch_linear_init(model, seed):
    """torchLinearInit(model, { seed }) of src/vision/linear-init.ts for a torch model."""
    import torch

    state = seed
    with torch.no_grad():
        for layer in model.modules():
            if not isinstance(layer, torch.nn.Linear):
                continue
            n_out, n_in = layer.weight.shape
            bound = np.float32(1 / np.sqrt(n_in))
            w, state = lcg_uniform(n_in * n_out, state)
            layer.weight.copy_(torch.from_numpy((w * bound).reshape(n_out, n_in)))
            if layer.bias is not None:
                b, state = lcg_uniform(n_out, state)
                layer.bias.copy_(torch.from_numpy(b * bound))
