"""The ``nli`` backend: any Hugging Face sequence-classification model judges each
claim against sentence-aligned windows of the source.

Per claim, the score is the probability of the supporting class (entailment, or
"supported" for two-way fact-checkers) in the best window. A claim below the
threshold is "contradicted" when some window gives contradiction probability at
least 0.5 (three-way models only), otherwise "unsupported". Pairs are sorted by
length and batched; nothing is truncated: a pair that would not fit is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ....errors import ScorerError
from ....results import Claim, ScoreItem, Span
from ....text import is_content, split_claims, tokenize
from ..backend_options import THREE_WAY, TWO_WAY
from ..types import ItemError, Judged
from ..windows import WindowError, make_windows

CONTRADICTION_MIN = 0.5

_SYNONYMS = {
    "entailment": {"entailment", "entail", "entails", "entailed", "supported", "support", "supports",
                   "consistent", "factual", "faithful"},
    "neutral": {"neutral"},
    "contradiction": {"contradiction", "contradict", "contradicts", "contradicted", "contradictory"},
    "unsupported": {"not_entailment", "non_entailment", "notentailment", "unsupported", "not_supported",
                    "inconsistent", "not_consistent", "hallucinated", "hallucination", "unfaithful"},
}


@dataclass(frozen=True)
class LabelMap:
    support: int                  # class index of entailment / supported
    contradiction: int | None     # class index of contradiction, if the model has one
    scheme: str                   # "3-way" or "2-way"

    def describe(self) -> str:
        c = f",contra={self.contradiction}" if self.contradiction is not None else ""
        return f"{self.scheme}:support={self.support}{c}"


def _norm(label: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(label).strip().lower())


def resolve_labels(id2label: dict, configured: dict | None, model: str) -> LabelMap:
    """Class indices of the supporting and contradicting classes, from our config or the model's."""
    n = len(id2label)
    names = {int(i): str(v) for i, v in id2label.items()}
    shown = ", ".join(f"{i}={names[i]}" for i in sorted(names))
    if configured:
        roles: dict[str, int] = {}
        for role, target in configured.items():
            if isinstance(target, int):
                if target >= n:
                    raise ScorerError(f"backend 'nli': labels.{role} = {target}, but model '{model}' has only "
                                      f"{n} classes ({shown})")
                roles[role] = target
            else:
                hits = [i for i, v in names.items() if v == target] or [i for i, v in names.items()
                                                                        if _norm(v) == _norm(target)]
                if len(hits) != 1:
                    raise ScorerError(f"backend 'nli': labels.{role} = '{target}' is not a label of model "
                                      f"'{model}' ({shown})")
                roles[role] = hits[0]
        unmapped = sorted(set(range(n)) - set(roles.values()))
        if unmapped:
            raise ScorerError(f"backend 'nli': class(es) {', '.join(f'{i}={names[i]}' for i in unmapped)} of "
                              f"model '{model}' are not mapped in labels; map every class")
    else:
        roles = {}
        for i, v in names.items():
            role = next((r for r, syn in _SYNONYMS.items() if _norm(v) in syn), None)
            if role is None or role in roles:
                raise ScorerError(f"backend 'nli': cannot resolve the label mapping of model '{model}' from its "
                                  f"config (classes: {shown}); set scorers.support.nli.labels, e.g. "
                                  "{entailment: 0, neutral: 1, contradiction: 2} or {supported: 1, unsupported: 0}")
            roles[role] = i
        if "unsupported" in roles and "entailment" in roles:
            roles["supported"] = roles.pop("entailment")
    if "supported" in roles:
        if set(roles) != set(TWO_WAY):
            raise ScorerError(f"backend 'nli': label mapping of model '{model}' mixes schemes ({shown})")
        return LabelMap(roles["supported"], None, "2-way")
    if "entailment" not in roles or not set(roles) <= set(THREE_WAY):
        raise ScorerError(f"backend 'nli': no entailment class in the label mapping of model '{model}' ({shown})")
    return LabelMap(roles["entailment"], roles.get("contradiction"), "3-way")


def model_path(name: str) -> str:
    p = Path(name).expanduser()
    return str(p) if p.exists() else name


_POSITION_OFFSET_TYPES = ("roberta", "xlm-roberta", "camembert", "longformer", "bart", "mbart")


class NliBackend:
    name = "nli"

    def __init__(self, options) -> None:
        self.options = options
        self.model_name = options.nli.model
        self.model = None
        self._failed: ScorerError | None = None   # a load failure, kept: no reload per batch
        self._window_cache: dict[tuple[str, int], list[Span]] = {}

    def signature_parts(self) -> dict[str, object]:
        n = self.options.nli
        labels = ",".join(f"{k}={v}" for k, v in sorted(n.labels.items())) if n.labels else "from-model"
        return {"nli": n.model, "rev": n.revision or "default", "labels": labels,
                "maxlen": n.max_length or "model", "window": f"sent,overlap{n.window_overlap:g}"}

    def recommended_summary_threshold(self) -> float | None:
        return None

    def _load(self) -> None:
        if self.model is not None:
            return
        if self._failed is not None:
            raise self._failed
        try:
            self._open()
        except ScorerError as exc:
            self._failed = exc
            raise

    def _open(self) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from ....models import offline_unless_hub, pick_device

        options = self.options
        o = options.nli
        path = model_path(o.model)
        offline_unless_hub(path)
        kw = {"trust_remote_code": o.trust_remote_code}
        if o.revision:
            kw["revision"] = o.revision
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path, **kw)
            model, info = AutoModelForSequenceClassification.from_pretrained(path, output_loading_info=True, **kw)
        except Exception as exc:  # noqa: BLE001 - any loader failure names the model
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ScorerError(f"backend 'nli': cannot load model '{o.model}' as a sequence classifier: {msg}") from None
        missing = [k for k in info.get("missing_keys", ()) if "position_ids" not in k]
        if missing:
            raise ScorerError(f"backend 'nli': model '{o.model}' has no trained sequence-classification head "
                              f"(weights missing: {', '.join(sorted(missing)[:4])}); use a checkpoint saved as "
                              "*ForSequenceClassification (seq2seq checkpoints such as MiniCheck-Flan-T5 are not "
                              "supported)")
        self.labels = resolve_labels(model.config.id2label, o.labels, o.model)
        self.device = pick_device(options.device)
        self.torch = torch
        self.model = model.to(self.device).eval()
        self.max_length = self._limit(o.max_length)
        self.specials = self.tokenizer.num_special_tokens_to_add(pair=True)

    def _limit(self, configured: int | None) -> int:
        cfg = self.model.config
        limits = []
        tok_max = getattr(self.tokenizer, "model_max_length", None)
        if isinstance(tok_max, int) and tok_max < 100_000:
            limits.append(tok_max)
        pos = getattr(cfg, "max_position_embeddings", None)
        if isinstance(pos, int) and pos > 0:
            limits.append(pos - 2 if cfg.model_type in _POSITION_OFFSET_TYPES else pos)
        limit = min(limits) if limits else 512
        if configured is not None:
            if configured > limit:
                raise ScorerError(f"backend 'nli': max_length {configured} is above model '{self.model_name}''s "
                                  f"limit of {limit} tokens")
            return configured
        return limit

    def count(self, text: str) -> int:
        self._load()
        return len(self.tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"])

    @property
    def can_contradict(self) -> bool:
        self._load()
        return self.labels.contradiction is not None

    # -- scoring -----------------------------------------------------------
    def judge(self, items: Sequence[ScoreItem]) -> list[Judged | ItemError]:
        """Per item: its judged claims, or an ItemError (a source that cannot be windowed)."""
        self._load()
        plans: list = []      # per item: (claim spans, windows) or ScorerError
        pairs: list[tuple[str, str]] = []
        owners: list[tuple[int, int, int]] = []  # (item, claim, window)
        for k, item in enumerate(items):
            claims = split_claims(item.summary)
            if not claims:
                plans.append(([], []))
                continue
            try:
                windows = self._windows_for(item.source, max(self.count(c.text) for c in claims))
            except WindowError as exc:
                plans.append(ItemError(f"backend 'nli' (model '{self.model_name}'): {exc}", case_id=item.case_id))
                continue
            plans.append((claims, windows))
            for ci, c in enumerate(claims):
                for wi, w in enumerate(windows):
                    pairs.append((w.text, c.text))
                    owners.append((k, ci, wi))
        probs = self.classify(pairs)
        table: dict[tuple[int, int], list] = {}
        for (k, ci, wi), p in zip(owners, probs):
            table.setdefault((k, ci), []).append((wi, p))
        out = []
        for k, (item, plan) in enumerate(zip(items, plans)):
            if isinstance(plan, ItemError):
                out.append(plan)
                continue
            claims, windows = plan
            out.append(Judged(claims=tuple(self._claim(item, c, windows, table.get((k, ci), []))
                                           for ci, c in enumerate(claims)), contradiction=self.can_contradict))
        return out

    def _windows_for(self, source: str, longest_claim: int) -> list[Span]:
        """Windows of ``source`` that fit the model next to a claim of ``longest_claim`` tokens."""
        budget = self.max_length - self.specials - longest_claim
        if budget < 16:
            raise WindowError(f"a claim of {longest_claim} tokens leaves only {max(budget, 0)} of the model's "
                              f"{self.max_length} tokens for source text")
        key = (source, budget)
        if key not in self._window_cache:
            if len(self._window_cache) > 4096:
                self._window_cache.clear()
            self._window_cache[key] = make_windows(source, budget, self.count, self.options.nli.window_overlap)
        return self._window_cache[key]

    def classify(self, pairs: Sequence[tuple[str, str]]) -> list[list[float]]:
        """Class probabilities per (premise, hypothesis), computed in length-sorted batches."""
        if not pairs:
            return []
        self._load()
        torch = self.torch
        enc = self.tokenizer([p for p, _ in pairs], [h for _, h in pairs], truncation=False)["input_ids"]
        too_long = [i for i, ids in enumerate(enc) if len(ids) > self.max_length]
        if too_long:  # windows are built to fit; this guards against tokenizer surprises
            raise ScorerError(f"backend 'nli': {len(too_long)} (window, claim) pair(s) exceed "
                              f"{self.max_length} tokens; refusing to truncate")
        order = sorted(range(len(pairs)), key=lambda i: len(enc[i]))
        out: list = [None] * len(pairs)
        bs = self.options.batch_size
        with torch.inference_mode():
            for b in range(0, len(order), bs):
                idx = order[b:b + bs]
                batch = self.tokenizer([pairs[i][0] for i in idx], [pairs[i][1] for i in idx], truncation=False,
                                       padding=True, return_tensors="pt").to(self.device)
                logits = self.model(**batch).logits.float()
                for i, row in zip(idx, torch.softmax(logits, dim=-1).cpu().tolist()):
                    out[i] = row
        return out

    def _claim(self, item: ScoreItem, span: Span, windows: list[Span], scored: list) -> Claim:
        lm = self.labels
        if not scored:  # empty source: nothing can support the claim
            return Claim(text=span.text, start=span.start, end=span.end, supported=False, score=0.0, evidence=None,
                         unsupported_spans=(span,), verdict="unsupported",
                         reasons=("nli: the source has no text to check against",))
        best_w, best_p = max(scored, key=lambda t: (t[1][lm.support], -t[0]))
        score = float(best_p[lm.support])
        supported = score >= self.options.threshold
        contra_w, contra = None, 0.0
        if lm.contradiction is not None:
            contra_w, cp = max(scored, key=lambda t: (t[1][lm.contradiction], -t[0]))
            contra = float(cp[lm.contradiction])
        contradicted = not supported and contra >= CONTRADICTION_MIN
        ev_window = windows[contra_w] if contradicted else windows[best_w]
        reasons: tuple[str, ...] = ()
        spans: tuple[Span, ...] = ()
        if not supported:
            reasons = (f"nli: support probability {score:.2f} in the best of {len(windows)} source window(s)",)
            if contradicted:
                reasons += (f"nli: contradiction probability {contra:.2f} in window [{ev_window.start}:"
                            f"{ev_window.end}]",)
            spans = _absent_words(item.summary, span, ev_window.text) or (span,)
        return Claim(text=span.text, start=span.start, end=span.end, supported=supported, score=round(score, 6),
                     evidence=ev_window, unsupported_spans=spans,
                     verdict="supported" if supported else ("contradicted" if contradicted else "unsupported"),
                     reasons=reasons)

    def close(self) -> None:
        self.model = None
        self._window_cache.clear()


def _absent_words(summary: str, span: Span, evidence: str) -> tuple[Span, ...]:
    """Content words of the claim whose stem does not occur in the evidence window."""
    from ..claims import merge_spans
    present = {t.norm for t in tokenize(evidence)}
    blamed = [t for t in tokenize(span.text, span.start) if is_content(t) and t.norm not in present]
    return merge_spans(summary, blamed)
