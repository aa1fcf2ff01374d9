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


MEMO_LIMIT = 50_000


class _MemoStemmer:
    """nltk's Porter stemmer with a per-word memo (stemming dominates ROUGE's cost)."""

    def __init__(self) -> None:
        from nltk.stem import porter
        self._stemmer = porter.PorterStemmer()  # exactly what rouge-score's DefaultTokenizer builds
        self._memo: dict[str, str] = {}

    def stem(self, word: str) -> str:
        out = self._memo.get(word)
        if out is None:
            if len(self._memo) > MEMO_LIMIT:
                self._memo.clear()
            out = self._memo[word] = self._stemmer.stem(word)
        return out


def memo_tokenizer(use_stemmer: bool):
    """rouge-score's default tokenisation (its own ``tokenize.tokenize``), memoised per
    text and per word: references and sources shared by many candidates, and the
    summary that rougeLsum tokenises a second time, are tokenised once."""
    from rouge_score import tokenize, tokenizers

    class MemoTokenizer(tokenizers.Tokenizer):
        def __init__(self) -> None:
            self._stemmer = _MemoStemmer() if use_stemmer else None
            self._memo: dict[str, tuple] = {}

        def tokenize(self, text):
            out = self._memo.get(text)
            if out is None:
                if len(self._memo) > MEMO_LIMIT:
                    self._memo.clear()
                out = self._memo[text] = tuple(tokenize.tokenize(text, self._stemmer))
            return list(out)

    return MemoTokenizer()


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
            self._scorer = rouge_scorer.RougeScorer(list(self.options.types), use_stemmer=self.options.use_stemmer,
                                                    tokenizer=memo_tokenizer(self.options.use_stemmer))
            self._lsum: dict[str, str] = {}
        return self._scorer

    def _lsum_text(self, text: str) -> str:
        out = self._lsum.get(text)
        if out is None:
            if len(self._lsum) > MEMO_LIMIT:
                self._lsum.clear()
            out = self._lsum[text] = lsum_text(text)
        return out

    def __getstate__(self):  # worker processes rebuild the rouge-score objects
        state = dict(self.__dict__)
        state["_scorer"] = None
        state.pop("_lsum", None)
        return state

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
        split = "rougeLsum" in self.options.types and self.options.split_summaries
        pred = self._lsum_text(item.summary) if split else item.summary
        targets = [self._lsum_text(ref) if split else ref for ref in item.references]
        # rouge-score's tokenizer treats newlines as spaces for every type but
        # rougeLsum, so the sentence-per-line text gives the same numbers for the others.
        # score_multi keeps, per type, the reference with the best F-measure.
        result = scorer.score_multi(targets, pred)
        best = {t: (s.precision, s.recall, s.fmeasure) for t, s in result.items()}
        scores = {}
        for t, (p, r, f) in best.items():
            scores[t] = float(f)
            scores[f"{t}_precision"] = float(p)
            scores[f"{t}_recall"] = float(r)
        return ItemScore(scores=scores)
