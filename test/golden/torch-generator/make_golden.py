"""Writes golden.json for test/data/torch-generator.test.ts: what PyTorch's CPU generator draws.

Raw 32-bit words come from NumPy's legacy `RandomState(seed)`, which seeds the same MT19937 the same
way as C++'s `std::mt19937(seed)` (PyTorch's engine); everything else comes from PyTorch itself:
uniform_, normal_ (values and how many words it consumes), randperm, random_() on int64,
random_split, a shuffled DataLoader over three epochs, and the text classification tutorial's model
(EmbeddingBag + Linear built, then init_weights).

Run from the repository root: python3 test/golden/torch-generator/make_golden.py
"""
import json
import math
import os
import sys

import numpy as np
import torch
from torch.utils.data import DataLoader, random_split

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ag-news"))
from tutorial import TextClassificationModel  # noqa: E402

SEEDS = [0, 1, 42, 2**32 + 5]


def after(seed_fn):
    """Three uniform values drawn after seed_fn: shows how many words seed_fn consumed."""
    seed_fn()
    return torch.empty(3).uniform_().tolist()


def main():
    golden = {"torch": torch.__version__, "numpy": np.__version__, "seeds": []}
    for seed in SEEDS:
        entry = {"seed": str(seed)}
        entry["words"] = np.random.RandomState(seed & 0xFFFFFFFF).randint(0, 2**32, size=1300, dtype=np.uint64).tolist()

        entry["uniform"] = []
        for low, high in [(-0.5, 0.5), (0.0, 1.0), (-0.125, 0.3), (-1 / math.sqrt(64), 1 / math.sqrt(64))]:
            torch.manual_seed(seed)
            values = torch.empty(200).uniform_(low, high).tolist()
            entry["uniform"].append({"from": low, "to": high, "values": values})

        entry["normal"] = []
        for count in (1, 3, 15, 16, 37, 700):
            torch.manual_seed(seed)
            values = torch.empty(count).normal_().tolist()
            entry["normal"].append({"count": count, "values": values, "next": torch.empty(3).uniform_().tolist()})

        entry["randperm"] = []
        for n in (1, 2, 10, 1000):
            torch.manual_seed(seed)
            entry["randperm"].append({"n": n, "order": torch.randperm(n).tolist()})

        torch.manual_seed(seed)
        entry["randomInt64"] = [str(torch.empty((), dtype=torch.int64).random_().item()) for _ in range(5)]

        torch.manual_seed(seed)
        pool, held_out = random_split(range(7600), [6000, 1600])
        train, valid = random_split(pool, [5700, 300])
        entry["randomSplit"] = {
            "heldOut": list(held_out.indices),
            "valid": [pool.indices[i] for i in valid.indices],
        }

        torch.manual_seed(seed)
        loader = DataLoader(range(150), batch_size=10, shuffle=True)
        entry["dataLoaderEpochs"] = [[int(i) for batch in loader for i in batch] for _ in range(3)]
        entry["afterDataLoader"] = torch.empty(3).uniform_().tolist()

        torch.manual_seed(seed)
        model = TextClassificationModel(500, 64, 4)
        entry["model"] = {
            "vocabSize": 500,
            "embeddingFirst": model.embedding.weight.flatten()[:64].tolist(),
            "embeddingSum": model.embedding.weight.double().sum().item(),
            "fcWeight": model.fc.weight.flatten().tolist(),
            "next": torch.empty(3).uniform_().tolist(),
        }
        golden["seeds"].append(entry)
    with open(os.path.join(HERE, "golden.json"), "w") as f:
        json.dump(golden, f)
    print("wrote", os.path.join(HERE, "golden.json"), os.path.getsize(os.path.join(HERE, "golden.json")), "bytes")


if __name__ == "__main__":
    main()
