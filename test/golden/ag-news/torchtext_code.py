"""torchtext 0.18.0's own tokenizer and vocabulary code, loaded without importing torchtext.

torchtext has no CPU wheel that installs here without pulling a CUDA torch, and importing the
package loads its C extension. So this module opens the torchtext 0.18.0 wheel as a zip file
(obtained with `pip download torchtext==0.18.0 --no-deps -d /tmp/tt`), parses two source files with
`ast`, and executes only the definitions we need:

- from `torchtext/data/utils.py`: `_patterns`, `_replacements`, `_patterns_dict` and
  `_basic_english_normalize` (what `get_tokenizer("basic_english")` returns);
- from `torchtext/vocab/vocab_factory.py`: `vocab` and `build_vocab_from_iterator`, with the C++
  `VocabPybind(tokens, None)` and the Python `Vocab(...)` wrapper replaced by functions that return
  the token list (the list torchtext hands to the C++ vocabulary, whose ids are list positions).

Set TORCHTEXT_WHEEL to the wheel's path if it is not in /tmp/tt.
"""
import ast
import glob
import os
import zipfile


def _wheel_path():
    path = os.environ.get("TORCHTEXT_WHEEL")
    if path:
        return path
    found = sorted(glob.glob("/tmp/tt/torchtext-0.18.0-*.whl"))
    if not found:
        raise SystemExit("torchtext wheel not found: run `pip download torchtext==0.18.0 --no-deps -d /tmp/tt` or set TORCHTEXT_WHEEL")
    return found[0]


def _load(source, names, namespace):
    tree = ast.parse(source)
    keep = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names:
            keep.append(node)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in names for t in node.targets):
            keep.append(node)
    found = {n.name if hasattr(n, "name") else n.targets[0].id for n in keep}
    missing = set(names) - found
    if missing:
        raise SystemExit(f"definitions not found in torchtext source: {sorted(missing)}")
    exec(compile(ast.Module(body=keep, type_ignores=[]), "<torchtext>", "exec"), namespace)


def load():
    """Returns (basic_english, build_vocab_from_iterator) from torchtext 0.18.0's source."""
    import re
    from collections import Counter, OrderedDict
    from typing import Dict, Iterable, List, Optional

    with zipfile.ZipFile(_wheel_path()) as wheel:
        utils = wheel.read("torchtext/data/utils.py").decode("utf-8")
        factory = wheel.read("torchtext/vocab/vocab_factory.py").decode("utf-8")
    tok_ns = {"re": re}
    _load(utils, ["_patterns", "_replacements", "_patterns_dict", "_basic_english_normalize"], tok_ns)
    vocab_ns = {
        "Counter": Counter, "OrderedDict": OrderedDict, "Dict": Dict, "Iterable": Iterable,
        "List": List, "Optional": Optional,
        "VocabPybind": lambda tokens, default: list(tokens),
        "Vocab": lambda itos: itos,
    }
    _load(factory, ["vocab", "build_vocab_from_iterator"], vocab_ns)
    return tok_ns["_basic_english_normalize"], vocab_ns["build_vocab_from_iterator"]
