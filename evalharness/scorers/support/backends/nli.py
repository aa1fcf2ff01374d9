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
from ....core.results import Claim, ScoreItem, Span, Verdict
from ...text import is_content, split_claims, tokenize
from ..backend_options import THREE_WAY, TWO_WAY
from ..types import ItemError, Judged
from .claim_evidence import narrow_evidence, offending_words, word_count, word_token_count
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
    """Judges claims with a local checker: any sequence classifier (the generic NLI
    behaviour), or a known fact-checker through its preset (see presets.py)."""

    name = "nli"

    def __init__(self, options, cache=None) -> None:  # (no cache: a local model is recomputed)
        from ..claims import resolved
        from .presets import PRESETS
        self.options = options = resolved(options, self.name)
        self.model_name = options.nli.model
        self.preset = PRESETS[options.nli.preset or "mnli"]
        self.model = None
        self._failed: ScorerError | None = None   # a load failure, kept: no reload per batch
        self._window_cache: dict[tuple[str, int], list[Span]] = {}

    def signature_parts(self) -> dict[str, object]:
        n = self.options.nli
        labels = ",".join(f"{k}={v}" for k, v in sorted(n.labels.items())) if n.labels else "from-model"
        parts: dict[str, object] = {"nli": n.model, "rev": n.revision or "default"}
        if n.preset:  # a preset fixes the template, labels, chunks and score; configs without one sign as before
            p = self.preset
            parts.update({"preset": p.name, "labels": labels if p.labels is None else "preset",
                          "maxlen": n.max_length or p.max_length or "model",
                          "window": (f"sent,overlap{n.window_overlap:g}" if p.unit == "fit" else
                                     f"sent,{p.unit}{p.chunk or ''}"), "evidence": "best-sent,detector-words"})
            if n.tokenizer:
                parts["tokenizer"] = n.tokenizer
            return parts
        parts.update({"labels": labels, "maxlen": n.max_length or "model",
                      "window": f"sent,overlap{n.window_overlap:g}"})
        return parts

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
        from transformers import AutoTokenizer

        from ...models import offline_unless_hub, pick_device

        options = self.options
        o = options.nli
        preset = self.preset
        path = model_path(o.model)
        offline_unless_hub(path)
        kw = {"trust_remote_code": o.trust_remote_code}
        if o.revision:
            kw["revision"] = o.revision
        self.torch = torch
        self.template = preset.template
        try:
            if preset.kind == "hhem":
                from .hhem import load_hhem
                model, prompt, foundation = load_hhem(path)
                self.template = prompt.replace("{text1}", "{chunk}").replace("{text2}", "{claim}")
                tok_path = model_path(o.tokenizer or (path if _has_tokenizer(path) else foundation))
                offline_unless_hub(tok_path)
                self.tokenizer = AutoTokenizer.from_pretrained(tok_path)
                info: dict = {}
            elif preset.kind == "seq2seq":
                from transformers import AutoModelForSeq2SeqLM
                self.tokenizer = AutoTokenizer.from_pretrained(model_path(o.tokenizer) if o.tokenizer else path, **kw)
                model, info = AutoModelForSeq2SeqLM.from_pretrained(path, output_loading_info=True, **kw)
            else:
                from transformers import AutoModelForSequenceClassification
                self.tokenizer = AutoTokenizer.from_pretrained(model_path(o.tokenizer) if o.tokenizer else path, **kw)
                model, info = AutoModelForSequenceClassification.from_pretrained(path, output_loading_info=True, **kw)
        except ScorerError:
            raise
        except Exception as exc:  # noqa: BLE001 - any loader failure names the model
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ScorerError(f"backend 'nli': cannot load model '{o.model}' as {_KIND_WORDS[preset.kind]}: "
                              f"{msg}{_preset_hint(path, preset)}") from None
        missing = [k for k in info.get("missing_keys", ()) if "position_ids" not in k]
        if missing:
            raise ScorerError(f"backend 'nli': model '{o.model}' has no trained sequence-classification head "
                              f"(weights missing: {', '.join(sorted(missing)[:4])}); use a checkpoint saved as "
                              "*ForSequenceClassification, or a preset (seq2seq MiniCheck-Flan-T5: preset "
                              "minicheck-flan-t5-large)")
        if preset.kind == "classifier":
            self.labels = resolve_labels(model.config.id2label, o.labels or preset.labels, o.model)
        else:  # two scores: [unsupported, supported]
            self.labels = LabelMap(1, None, "2-way")
        if preset.kind == "seq2seq":
            # MiniCheck reads the logits of token ids 3 and 209: the first pieces of "0" and "1"
            # in the T5 vocabulary; take them from the tokenizer so any T5 vocabulary works
            ids = [self.tokenizer("0", add_special_tokens=False)["input_ids"],
                   self.tokenizer("1", add_special_tokens=False)["input_ids"]]
            if not ids[0] or not ids[1] or ids[0][0] == ids[1][0]:
                raise ScorerError(f"backend 'nli': the tokenizer of '{o.model}' has no distinct tokens for "
                                  "'0' and '1' (preset minicheck-flan-t5-large reads their probabilities)")
            self.label_ids = [ids[0][0], ids[1][0]]
            start = model.config.decoder_start_token_id
            self.decoder_start = 0 if start is None else int(start)
        self.device = pick_device(options.device)
        self.model = model.to(self.device).eval()
        self.max_length = self._limit(o.max_length)
        self.overhead = self._overhead()

    def _limit(self, configured: int | None) -> int | None:
        """Tokens per model input: the configured limit, else the preset's published one,
        else the model's own (None: no limit, HHEM's T5 encoder)."""
        if configured is None and self.preset.max_length is not None:
            return self.preset.max_length
        if self.preset.kind == "hhem":
            return configured
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

    def model_input(self, chunk: str, claim: str) -> tuple[str, str | None]:
        """What the checker's own code feeds the model for (chunk, claim): a text pair, or
        one text (second item None)."""
        p = self.preset
        if p.input == "pair":
            return chunk, claim
        if p.input == "eos":
            return p.prefix + chunk + self.tokenizer.eos_token + claim, None
        return p.prefix + self.template.format(chunk=chunk, claim=claim), None

    def _overhead(self) -> int:
        """Tokens an input takes beyond its chunk and claim (specials, template)."""
        if self.preset.input == "pair":
            return self.tokenizer.num_special_tokens_to_add(pair=True)
        a, _ = self.model_input("x", "x")  # (empty texts can lose a separator)
        return len(self.tokenizer(a, truncation=False)["input_ids"]) - 2 * self.count("x")

    def count(self, text: str) -> int:
        self._load()
        return len(self.tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"])

    @property
    def can_contradict(self) -> bool:
        self._load()
        return self.labels.contradiction is not None

    # -- scoring -----------------------------------------------------------
    def judge(self, items: Sequence[ScoreItem]) -> list[Judged | ItemError]:
        """Per item: its judged claims, or an ItemError (a source that cannot be chunked)."""
        return self.judge_claims(items, [split_claims(item.summary) for item in items])

    def judge_claims(self, items: Sequence[ScoreItem], claims_of: Sequence[Sequence[Span]]) -> list[Judged | ItemError]:
        """``judge`` on given claims (spans of each item's summary), e.g. the ones a cascade sends."""
        self._load()
        plans: list = []
        pairs: list[tuple[str, str]] = []
        owners: list[tuple[int, int, int]] = []  # (item, claim, window)
        for k, item in enumerate(items):
            claims = list(claims_of[k])
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
        out: list[Judged | ItemError] = []
        for k, (item, plan) in enumerate(zip(items, plans)):
            if isinstance(plan, ItemError):
                out.append(plan)
                continue
            claims, windows = plan
            out.append(Judged(claims=tuple(self._claim(item, c, windows, table.get((k, ci), []))
                                           for ci, c in enumerate(claims)), contradiction=self.can_contradict))
        return out

    def _windows_for(self, source: str, longest_claim: int) -> list[Span]:
        """Sentence-respecting chunks of ``source`` as the preset cuts them, each fitting
        the model next to a claim of ``longest_claim`` tokens."""
        p = self.preset
        room = None if self.max_length is None else self.max_length - self.overhead - longest_claim
        if room is not None and room < 16:
            raise WindowError(f"a claim of {longest_claim} tokens leaves only {max(room, 0)} of the model's "
                              f"{self.max_length} tokens for source text")
        overlap = self.options.nli.window_overlap if p.overlap is None else p.overlap
        if p.unit == "fit":
            budget, counter = room, self.count
        elif p.unit == "tokens":
            budget, counter = min(p.chunk, room) if room is not None else p.chunk, self.count
        elif p.unit == "whole":
            budget, counter = 1 << 60, word_count
        else:
            budget, counter = p.chunk, word_count if p.unit == "words" else word_token_count
        key = (source, budget)
        if key not in self._window_cache:
            if len(self._window_cache) > 4096:
                self._window_cache.clear()
            windows = make_windows(source, budget, counter, overlap)
            if room is not None and p.unit not in ("fit", "tokens"):  # word-counted chunks must fit in tokens too
                for w in windows:
                    if self.count(w.text) > room:
                        raise WindowError(f"a {p.chunk}-{p.unit.replace('-', ' ')} chunk takes {self.count(w.text)} "
                                          f"tokens, more than the {room} left for source text; lower "
                                          "nli.max_length is not the fix: raise it, or shorten the claim")
            self._window_cache[key] = windows
        return self._window_cache[key]

    def classify(self, pairs: Sequence[tuple[str, str]]) -> list[list[float]]:
        """Class probabilities per (chunk, claim) ([unsupported, supported] for the
        seq2seq and HHEM checkers), computed in length-sorted batches."""
        if not pairs:
            return []
        self._load()
        torch = self.torch
        inputs = [self.model_input(c, h) for c, h in pairs]
        pair_input = inputs[0][1] is not None

        def tokenize(batch, **kw):
            if pair_input:
                return self.tokenizer([a for a, _ in batch], [b for _, b in batch], truncation=False, **kw)
            return self.tokenizer([a for a, _ in batch], truncation=False, **kw)

        enc = tokenize(inputs)["input_ids"]
        too_long = [i for i, ids in enumerate(enc) if self.max_length is not None and len(ids) > self.max_length]
        if too_long:  # windows are built to fit; this guards against tokenizer surprises
            raise ScorerError(f"backend 'nli': {len(too_long)} (window, claim) pair(s) exceed "
                              f"{self.max_length} tokens; refusing to truncate")
        order = sorted(range(len(pairs)), key=lambda i: len(enc[i]))
        out: list = [None] * len(pairs)
        bs = self.options.batch_size
        with torch.inference_mode():
            for b in range(0, len(order), bs):
                idx = order[b:b + bs]
                batch = tokenize([inputs[i] for i in idx], padding=True, return_tensors="pt").to(self.device)
                for i, row in zip(idx, self._forward(batch).cpu().tolist()):
                    out[i] = row
        return out

    def _forward(self, batch):
        torch = self.torch
        kind = self.preset.kind
        if kind == "seq2seq":
            start = torch.full((batch["input_ids"].shape[0], 1), self.decoder_start, dtype=torch.long,
                               device=batch["input_ids"].device)
            logits = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                                decoder_input_ids=start).logits[:, 0, :]
            logits = logits[:, self.label_ids]
        elif kind == "hhem":
            logits = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, 0, :]
        else:
            logits = self.model(**batch).logits
        return torch.softmax(logits.float(), dim=-1)

    def _claim(self, item: ScoreItem, span: Span, windows: list[Span], scored: list) -> Claim:
        lm = self.labels
        if not scored:  # empty source: nothing can support the claim
            return Claim(text=span.text, start=span.start, end=span.end, supported=False, score=0.0, evidence=None,
                         unsupported_spans=(span,), verdict=Verdict.UNSUPPORTED,
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
        evidence = narrow_evidence(item.source, ev_window, span.text) if self.options.nli.preset else ev_window
        reasons: tuple[str, ...] = ()
        spans: tuple[Span, ...] = ()
        if not supported:
            reasons = (f"nli: support probability {score:.2f} in the best of {len(windows)} source window(s)",)
            if contradicted:
                reasons += (f"nli: contradiction probability {contra:.2f} in window [{ev_window.start}:"
                            f"{ev_window.end}]",)
            if self.options.nli.preset:
                spans = offending_words(item.summary, span, evidence, item.source)
            else:
                spans = _absent_words(item.summary, span, ev_window.text) or (span,)
        return Claim(text=span.text, start=span.start, end=span.end, supported=supported, score=round(score, 6),
                     evidence=evidence, unsupported_spans=spans,
                     verdict=Verdict.SUPPORTED if supported else (Verdict.CONTRADICTED if contradicted else Verdict.UNSUPPORTED),
                     reasons=reasons)

    def close(self) -> None:
        self.model = None
        self._window_cache.clear()


_KIND_WORDS = {"classifier": "a sequence classifier", "seq2seq": "a seq2seq checker",
               "hhem": "an HHEM-2.1 checker"}


def _has_tokenizer(path: str) -> bool:
    p = Path(path)
    return any((p / f).is_file() for f in ("tokenizer.json", "tokenizer_config.json", "spiece.model"))


def _preset_hint(path: str, preset) -> str:
    """A pointer to the preset a checkpoint needs, when the loader failed without one."""
    if preset.name != "mnli":
        return ""
    from .hhem import is_hhem_folder
    if is_hhem_folder(path):
        return " (an HHEM-2.1-Open checkpoint: set nli.preset: hhem-2.1-open; no trust_remote_code needed)"
    return ""


def _absent_words(summary: str, span: Span, evidence: str) -> tuple[Span, ...]:
    """Content words of the claim whose stem does not occur in the evidence window."""
    from ..claims import merge_spans
    present = {t.norm for t in tokenize(evidence)}
    blamed = [t for t in tokenize(span.text, span.start) if is_content(t) and t.norm not in present]
    return merge_spans(summary, blamed)
