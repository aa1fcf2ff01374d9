"""ROUGE through Google's ``rouge-score`` package (a re-implementation of ROUGE-1.5.5).

With several references the best one is taken per metric, as ROUGE-1.5.5 does;
with none the metrics are not applicable (never zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..results import ItemScore, ScoreItem
from .base import Scorer, format_signature

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


@dataclass(frozen=True)
class RougeOptions:
    types: tuple[str, ...] = ROUGE_TYPES
    use_stemmer: bool = True
    split_summaries: bool = True  # for rougeLsum: one sentence per line, split with nltk-free rules

    def validate(self):
        for t in self.types:
            if t not in ROUGE_TYPES:
                from ..errors import did_you_mean
                return "types", f"unknown ROUGE type '{t}'{did_you_mean(t, ROUGE_TYPES)}"
        if not self.types:
            return "types", "must name at least one ROUGE type"
        return None


def _hib():
    out = {}
    for t in ROUGE_TYPES:
        out[t] = True
        out[f"{t}_precision"] = True
        out[f"{t}_recall"] = True
    return out


def lsum_text(text: str) -> str:
    """rougeLsum expects one sentence per line; put each sentence on its own line."""
    from ..text import split_sentences
    return "\n".join(s.text for s in split_sentences(text))


class RougeScorer(Scorer):
    name = "rouge"
    higher_is_better = _hib()
    default_metrics = ROUGE_TYPES
    Options = RougeOptions
    cpu_bound = True

    def __init__(self, options: RougeOptions | None = None) -> None:
        super().__init__(options)
        self._scorer = None

    def signature(self) -> str:
        import importlib.metadata as md
        return format_signature("rouge", {
            "types": self.options.types, "stem": self.options.use_stemmer,
            "lsum_split": self.options.split_summaries, "multiref": "max",
            "v": md.version("rouge-score"),
        })

    def _get(self):
        if self._scorer is None:
            from rouge_score import rouge_scorer
            self._scorer = rouge_scorer.RougeScorer(list(self.options.types), use_stemmer=self.options.use_stemmer)
        return self._scorer

    def score_batch(self, items: Sequence[ScoreItem]) -> list[ItemScore]:
        return [self.score_one(item) for item in items]

    def score_one(self, item: ScoreItem) -> ItemScore:
        if not item.references:
            reason = "no reference summaries in this case"
            na = {}
            for t in self.options.types:
                na[t] = na[f"{t}_precision"] = na[f"{t}_recall"] = reason
            return ItemScore(scores={}, not_applicable=na)
        scorer = self._get()
        na = undefined_types(scorer, item, self.options.types)
        if len(na) == len(self.options.types):
            return ItemScore(scores={}, not_applicable=na)
        split = "rougeLsum" in self.options.types and self.options.split_summaries
        pred = lsum_text(item.summary) if split else item.summary
        targets = [lsum_text(ref) if split else ref for ref in item.references]
        # rouge-score's tokenizer treats newlines as spaces for every type but
        # rougeLsum, so the sentence-per-line text gives the same numbers for the others.
        # score_multi keeps, per type, the reference with the best F-measure.
        result = scorer.score_multi(targets, pred)
        best = {t: (s.precision, s.recall, s.fmeasure) for t, s in result.items()}
        scores = {}
        for t, (p, r, f) in best.items():
            if t in na:
                continue
            scores[t] = float(f)
            scores[f"{t}_precision"] = float(p)
            scores[f"{t}_recall"] = float(r)
        return ItemScore(scores=scores, not_applicable=na)


def undefined_types(scorer, item: ScoreItem, types) -> dict[str, str]:
    """ROUGE types that are undefined for this item (metric -> reason).

    rouge-score keeps only a-z and 0-9, so a summary in another script has no
    tokens at all, and ROUGE-n needs n tokens on both sides. rouge-score returns
    0 for these; the harness reports them as not applicable instead of a zero
    that would read as "no overlap". Defined items are untouched (parity)."""
    tok = scorer._tokenizer.tokenize
    n_sum = len(tok(item.summary))
    n_ref = max(len(tok(r)) for r in item.references)
    out: dict[str, str] = {}
    for t in types:
        need = int(t[5:]) if t[5:].isdigit() else 1
        if n_sum < need or n_ref < need:
            side = "the summary" if n_sum < need else "every reference"
            what = "no word" if need == 1 else f"fewer than {need} words"
            reason = f"{side} has {what} that rouge-score can tokenize (it keeps only a-z and 0-9)"
            out[t] = out[f"{t}_precision"] = out[f"{t}_recall"] = reason
    return out
