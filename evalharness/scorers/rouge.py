"""ROUGE through Google's ``rouge-score`` package (a re-implementation of ROUGE-1.5.5).

With several references the best one is taken per metric, as ROUGE-1.5.5 does;
with none the metrics are not applicable (never zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..core.results import ItemScore, ScoreItem
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
    from .text import split_sentences
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


def _lcs_rows(ref, can) -> tuple[list[int], int]:
    """Bit-parallel LCS (Crochemore et al. 2001): one machine-word-parallel step per
    token of ``ref``. Row i as a bit vector V_i over ``can``: the classic DP table
    entry t[i][j] is the number of zero bits among the lowest j bits of V_i."""
    full = (1 << len(can)) - 1
    masks: dict[str, int] = {}
    for j, tok in enumerate(can):
        masks[tok] = masks.get(tok, 0) | (1 << j)
    v = full
    rows = [v]
    for tok in ref:
        u = v & masks.get(tok, 0)
        v = ((v + u) | (v - u)) & full
        rows.append(v)
    return rows, full


def lcs_length(ref, can) -> int:
    """Length of the longest common subsequence, exactly as rouge-score's ``_lcs_table``."""
    if not ref or not can:
        return 0
    rows, full = _lcs_rows(ref, can)
    return (rows[-1] ^ full).bit_count()


def lcs_ind(ref, can) -> list[int]:
    """The same LCS (indices into ``ref``) that rouge-score's ``lcs_ind`` reads out of its
    DP table, with the same tie-breaking, read out of the bit-vector rows instead."""
    rows, full = _lcs_rows(ref, can)

    def t(i: int, j: int) -> int:
        return ((rows[i] ^ full) & ((1 << j) - 1)).bit_count()

    i, j = len(ref), len(can)
    out = []
    while i > 0 and j > 0:
        if ref[i - 1] == can[j - 1]:
            out.append(i - 1)
            i -= 1
            j -= 1
        elif t(i, j - 1) > t(i - 1, j):
            j -= 1
        else:
            i -= 1
    out.reverse()
    return out


def fast_rouge_scorer(types, use_stemmer: bool):
    """``rouge_score.rouge_scorer.RougeScorer`` with the same tokeniser, n-gram and
    summary-level code, whose LCS (rougeL, rougeLsum) runs bit-parallel instead of
    filling the O(n*m) table in Python. LCS lengths and the LCS read out are the same
    integers, so every score is bit-identical (tests/scorers/test_rouge_fast.py)."""
    import collections

    from rouge_score import rouge_scorer, scoring

    def score_lcs(target_tokens, prediction_tokens):
        if not target_tokens or not prediction_tokens:
            return scoring.Score(precision=0, recall=0, fmeasure=0)
        n = lcs_length(target_tokens, prediction_tokens)
        precision = n / len(prediction_tokens)
        recall = n / len(target_tokens)
        return scoring.Score(precision=precision, recall=recall, fmeasure=scoring.fmeasure(precision, recall))

    def summary_level_lcs(ref_sent, can_sent):
        if not ref_sent or not can_sent:
            return scoring.Score(precision=0, recall=0, fmeasure=0)
        m = sum(map(len, ref_sent))
        n = sum(map(len, can_sent))
        if not n or not m:
            return scoring.Score(precision=0, recall=0, fmeasure=0)
        cnt_r: collections.Counter = collections.Counter()
        cnt_c: collections.Counter = collections.Counter()
        for x in ref_sent:
            cnt_r.update(x)
        for x in can_sent:
            cnt_c.update(x)
        hits = 0
        for r in ref_sent:
            union = sorted(set().union(*[lcs_ind(r, c) for c in can_sent]))
            for tok in (r[i] for i in union):
                if cnt_c[tok] > 0 and cnt_r[tok] > 0:
                    hits += 1
                    cnt_c[tok] -= 1
                    cnt_r[tok] -= 1
        recall = hits / m
        precision = hits / n
        return scoring.Score(precision=precision, recall=recall, fmeasure=scoring.fmeasure(precision, recall))

    class FastRougeScorer(rouge_scorer.RougeScorer):
        def score(self, target, prediction):
            tok = self._tokenizer.tokenize
            if len(self.rouge_types) == 1 and self.rouge_types[0] == "rougeLsum":
                target_tokens = prediction_tokens = None
            else:
                target_tokens, prediction_tokens = tok(target), tok(prediction)
            result = {}
            for rouge_type in self.rouge_types:
                if rouge_type == "rougeL":
                    result[rouge_type] = score_lcs(target_tokens, prediction_tokens)
                elif rouge_type == "rougeLsum":  # split_summaries=False: one sentence per line
                    result[rouge_type] = summary_level_lcs([tok(x) for x in target.split("\n") if len(x)],
                                                           [tok(x) for x in prediction.split("\n") if len(x)])
                else:
                    k = int(rouge_type[5:])
                    result[rouge_type] = rouge_scorer._score_ngrams(rouge_scorer._create_ngrams(target_tokens, k),
                                                                    rouge_scorer._create_ngrams(prediction_tokens, k))
            return result

    return FastRougeScorer(list(types), use_stemmer=use_stemmer, tokenizer=memo_tokenizer(use_stemmer))


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
            self._scorer = fast_rouge_scorer(self.options.types, self.options.use_stemmer)
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
        na = undefined_types(scorer, item, self.options.types)
        if len(na) == len(self.options.types):
            return ItemScore(scores={}, not_applicable=na)
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
