"""Writes tensor-text.golden.json: how PyTorch prints small tensors (torch 2.13.0, default print options).

Run from the repository root: python3 test/display/tensor-text.golden.py
Values are float32-exact (or integers), so the TypeScript test builds identical tensors.
"""
import json
import math
from pathlib import Path

import torch

torch.manual_seed(0)


def case(name, t):
    flat = t.reshape(-1).tolist()
    values = [v if not (isinstance(v, float) and not math.isfinite(v)) else str(v) for v in flat]
    dtype = {torch.float32: "float32", torch.int32: "int32", torch.bool: "bool"}[t.dtype]
    return {"name": name, "shape": list(t.shape), "dtype": dtype, "values": values, "expected": repr(t)}


cases = [
    case("a small float matrix", torch.tensor([[0.1234, -0.5], [1.0, 2.0]])),
    case("integer-valued floats", torch.arange(6, dtype=torch.float32).reshape(2, 3)),
    case("negative integer-valued floats", torch.tensor([-1.0, 2.0, 30.0])),
    case("an int32 vector", torch.tensor([1, -22, 333], dtype=torch.int32)),
    case("a bool vector", torch.tensor([True, False, True])),
    case("a float scalar", torch.tensor(1.5)),
    case("an int32 scalar", torch.tensor(7, dtype=torch.int32)),
    case("values that need scientific notation", torch.tensor([1e-5, 1.0, -3.25])),
    case("a vector with a large magnitude", torch.tensor([1.5, 2.5e9])),
    case("nan and inf", torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5])),
    case("all zeros", torch.zeros(2, 2)),
    case("an empty matrix", torch.zeros(0, 3)),
    case("an empty int32 vector", torch.zeros(0, dtype=torch.int32)),
    case("a vector wrapped over lines", torch.randn(20)),
    case("an int32 vector wrapped over lines", torch.arange(-15, 15, dtype=torch.int32) * 1000),
    case("a rank-3 tensor", torch.randn(2, 2, 3)),
    case("a summarised 40x50 matrix", (torch.arange(2000, dtype=torch.float32).reshape(40, 50) / 7)),
    case("a summarised vector of 1500", torch.randn(1500)),
    case("a summarised int32 matrix", torch.arange(1200, dtype=torch.int32).reshape(30, 40)),
    case("a value on a rounding tie", torch.tensor([1.03125, 0.5, -2.0])),
    case("an identity matrix", torch.eye(3)),
]

out = Path(__file__).with_suffix("").with_suffix(".golden.json")
out.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {out}")
