"""BERTScore through the ``bert-score`` package.

The model loads once per scorer (``bert_score.score`` reloads it on every call).
Scores are computed with bert-score's own functions, so they match
``bert_score.score(cands, refs, model_type=..., num_layers=...)`` called directly.
With several references the best is kept per metric, as bert-score does. Texts
longer than the model's window are truncated by bert-score; the harness counts
their tokens first and says so in the item's notes rather than cutting silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from .models import BUNDLED, pick_device, resolve_model, offline_unless_hub
from ..core.results import ItemScore, ScoreItem
from .base import Scorer, format_signature


@dataclass(frozen=True)
class BertScoreOptions:
    model: str = BUNDLED
    num_layers: int | None = None  # None: all layers of the model (6 for all-MiniLM-L6-v2)
    idf: bool = False
    batch_size: int = 64
    device: str = "auto"
    # fp16 halves memory and is much faster on a GPU; measured against fp32 on the dev
    # set, F1/P/R move by at most 2.2e-4 (README, Performance): we state 1e-3.
    precision: Literal["fp32", "fp16"] = "fp32"

    def validate(self):
        from .models import model_problem
        problem = model_problem(self.model)
        if problem:
            return "model", problem
        if self.num_layers is not None and self.num_layers < 1:
            return "num_layers", "must be at least 1"
        if self.batch_size < 1:
            return "batch_size", "must be at least 1"
        return None


class BertScoreScorer(Scorer):
    name = "bertscore"
    higher_is_better = {"f1": True, "precision": True, "recall": True}
    default_metrics = ("f1",)
    Options = BertScoreOptions

    def __init__(self, options: BertScoreOptions | None = None) -> None:
        super().__init__(options)
        self._loaded = None

    @property
    def cacheable(self) -> bool:
        # with idf, an item's score depends on the other references in its batch
        return not self.options.idf

    def _layers(self) -> int:
        if self.options.num_layers is not None:
            return self.options.num_layers
        path, _ = resolve_model(self.options.model)
        import json
        from pathlib import Path
        cfg = Path(path) / "config.json"
        if cfg.is_file():
            data = json.loads(cfg.read_text())
            return int(data.get("num_hidden_layers") or data.get("n_layers") or data.get("num_layers"))
        from transformers import AutoConfig
        return int(AutoConfig.from_pretrained(path).num_hidden_layers)

    def signature(self) -> str:
        import importlib.metadata as md
        _, display = resolve_model(self.options.model)
        return format_signature("bertscore", {
            "model": display, "layer": self._layers(), "idf": self.options.idf, "rescale": False,
            "multiref": "max", **({"precision": "fp16"} if self.options.precision == "fp16" else {}),
            "v": md.version("bert-score"),
        })

    def _load(self):
        if self._loaded is None:
            from bert_score.utils import get_model, get_tokenizer
            path, _ = resolve_model(self.options.model)
            offline_unless_hub(path)
            tokenizer = get_tokenizer(path, False)
            model = get_model(path, self._layers(), False)
            device = pick_device(self.options.device)
            model.to(device)
            if self.options.precision == "fp16":
                model.half()
            self._loaded = (tokenizer, model, device)
        return self._loaded

    def score_batch(self, items: Sequence[ScoreItem]) -> list[ItemScore]:
        from collections import defaultdict

        from bert_score.utils import bert_cos_score_idf, get_idf_dict

        results: list[ItemScore | None] = [None] * len(items)
        cands, refs, owner = [], [], []
        for i, item in enumerate(items):
            if not item.references:
                reason = "no reference summaries in this case"
                results[i] = ItemScore(scores={}, not_applicable={m: reason for m in self.higher_is_better})
                continue
            for ref in item.references:
                cands.append(item.summary)
                refs.append(ref)
                owner.append(i)
        if not cands:
            return results  # type: ignore[return-value]
        tokenizer, model, device = self._load()
        if self.options.idf:
            idf_dict = get_idf_dict(refs, tokenizer, nthreads=1)
        else:
            idf_dict = defaultdict(lambda: 1.0)
            idf_dict[tokenizer.sep_token_id] = 0
            idf_dict[tokenizer.cls_token_id] = 0
        preds = bert_cos_score_idf(model, refs, cands, tokenizer, idf_dict, verbose=False, device=device,
                                   batch_size=self.options.batch_size, all_layers=False).cpu()
        limit = tokenizer.model_max_length
        best: dict[int, list[float]] = {}
        for k, i in enumerate(owner):
            row = [float(x) for x in preds[k]]
            best[i] = row if i not in best else [max(a, b) for a, b in zip(best[i], row)]
        for i, (p, r, f) in best.items():
            notes = []
            item = items[i]
            for label, text in [("summary", item.summary)] + [(f"reference {j + 1}", t)
                                                               for j, t in enumerate(item.references)]:
                n = len(tokenizer.encode(text.strip(), add_special_tokens=True, truncation=False))
                if n > limit:
                    notes.append(f"bertscore: {label} has {n} tokens; bert-score truncates it to {limit}")
            results[i] = ItemScore(scores={"precision": p, "recall": r, "f1": f}, notes=tuple(notes))
        return results  # type: ignore[return-value]
