"""A contrastive slot check with a small language model (opt-in: ``support: {lm: {slots: true}}``).

For each number and date of a claim (its *slots*), the evidence window offers other
values of the same kind: its other numbers (a year only for a year), its other dates,
its other weekdays. Each alternative is put in the slot, giving a *variant* of the
claim, and a causal LM scores the claim and every variant as the continuation of

    <bos> Source: <evidence window>\\nSummary: <claim or variant>

(the prompt of ``lm.py``). The score of the claim and of each variant is the sum of the
log-probabilities of its tokens from the first token where they differ (the claim's
tokens before its first slot are shared, add the same to each, and are encoded with the
evidence): the slot and the rest of the claim after it, so a value has to fit both the
words before it and the sentence that follows. A variant that beats the claim by at least ``margin`` nats is a
finding: "the source makes '12 September' likelier than '19 September' here".

The evidence (with the shared start of the claim) is encoded once per claim and its
key-value cache is expanded over a batch of continuations (the claim and all its
variants), so each variant costs only its own tokens. Claims without a slot, or whose evidence offers no alternative, never reach the
model.

Measured with the bundled Gemma 3 270M (docs/detector.md, "Opt-in: the LM slot check"):
names, role swaps, negation, modals and quantifiers gave no usable signal with this model,
so only ``number`` and ``date`` slots exist. torch and transformers are imported only when
the model is loaded (through ``lm.LmSignal``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ...errors import ScorerError
from ..text import Token, tokenize
from .checks.mentions import MONTHS, date_mentions, is_number_token, number_mentions
from .lm import SLOT_KINDS, LmOptions, LmSignal, model_identity

SLOT_VERSION = "lm-slot-v1"     # bump when slots, variants or the scoring change
WEEKDAYS = MONTHS[12:]
MAX_ALTERNATIVES = 8            # per slot, in evidence order
_CORE = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class Slot:
    """A checkable value of a claim; offsets are into the claim text."""

    kind: str           # "number" or "date"
    start: int
    end: int
    text: str
    key: tuple          # what the value is, to leave out alternatives that say the same
    group: str = ""     # numbers: "year" or "quantity"; dates: "date" or "weekday"


@dataclass(frozen=True)
class Variant:
    slot: Slot
    replacement: str    # what goes in the slot
    text: str           # the claim with the slot replaced


@dataclass(frozen=True)
class SlotFinding:
    """A variant the evidence makes likelier than the claim by at least the margin."""

    slot: Slot
    replacement: str
    claim_logp: float
    variant_logp: float

    @property
    def gain(self) -> float:
        return self.variant_logp - self.claim_logp

    @property
    def reason(self) -> str:
        return (f"the source makes '{self.replacement}' likelier than '{self.slot.text}' here "
                f"(by {self.gain:.1f} nats)")


# ----------------------------------------------------------------------------- slots


def _is_year_token(t: Token) -> bool:
    return bool(re.fullmatch(r"\d{4}", t.text)) and 1000 <= int(t.text) <= 2200


def _date_slots(text: str, tokens: list[Token]) -> tuple[list[Slot], set[int]]:
    """Dates ('12 September', 'September 12, 2024', 'May 2024') and weekdays, with the
    token indices they cover."""
    out, used = [], set()
    for d in date_mentions(tokens):
        near = sorted(range(max(0, d.index - 2), min(len(tokens), d.index + 3)), key=lambda i: abs(i - d.index))
        month_i = next((i for i in near if tokens[i].text[:1].isalpha()
                        and tokens[i].text.lower().rstrip(".")[:3] == d.month[:3]), d.index)
        a, b = min(d.index, month_i), max(d.index, month_i)
        # 'of' between day and month ("12th of May") is inside the span already
        year = None
        k = b + 1
        if k < len(tokens) and _is_year_token(tokens[k]) and not text[tokens[b].end:tokens[k].start].strip(" ,"):
            year, b = int(tokens[k].text), k
        out.append(Slot("date", tokens[a].start, tokens[b].end, text[tokens[a].start:tokens[b].end],
                        (d.month, d.day, year), "date"))
        used.update(range(a, b + 1))
    for i, t in enumerate(tokens):
        low = t.text.lower()
        if i in used or not t.text[:1].isupper():
            continue
        if low in WEEKDAYS or (low.endswith("s") and low[:-1] in WEEKDAYS):
            out.append(Slot("date", t.start, t.end, t.text, ("weekday", low.rstrip("s")), "weekday"))
            used.add(i)
    return out, used


def _number_slots(text: str, tokens: list[Token], skip: set[int]) -> list[Slot]:
    out = []
    for m in number_mentions(tokens, text):
        t = tokens[m.index]
        if m.index in skip or not is_number_token(t):
            continue
        floats = frozenset(v for v in m.values if isinstance(v, float))
        if not floats or any(isinstance(v, str) for v in m.values):  # scores, ranges, clock times: not slots
            continue
        if len(_CORE.findall(t.text)) > 1:   # '0.98-1.02bn', '3x4': a range or compound, not one value
            continue
        group = "year" if _is_year_token(t) else "quantity"
        out.append(Slot("number", t.start, t.end, t.text, tuple(sorted(floats)), group))
    return out


def find_slots(text: str, kinds: Sequence[str] = SLOT_KINDS) -> list[Slot]:
    """The slots of ``text`` of the given kinds, in text order."""
    tokens = tokenize(text)
    dates, used = _date_slots(text, tokens)
    out = []
    if "date" in kinds:
        out += dates
    if "number" in kinds:
        out += _number_slots(text, tokens, used)
    return sorted(out, key=lambda s: (s.start, s.end))


def _digits(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _same(a: Slot, b: Slot) -> bool:
    """Whether two slots state the same value (then b is no alternative to a)."""
    if a.kind == "number":
        return bool(set(a.key) & set(b.key))
    if a.group == "weekday":
        return a.key == b.key
    (ma, da, ya), (mb, db, yb) = a.key, b.key
    return ma == mb and da == db and (ya is None or yb is None or ya == yb)


def _replacement(slot: Slot, alt: Slot, evidence: str) -> str:
    """The text to put in ``slot`` for the evidence's value ``alt``, in the claim's form
    where it can: a number's digits replace the claim number's digits ('$1,200' -> '$900'),
    a date loses the year the claim does not give, keeps the one the claim gives."""
    if slot.kind == "number":
        core = _CORE.search(alt.text)
        mine = _CORE.search(slot.text)
        if mine:   # the claim writes digits: only they change ('68-square-metre' -> '2-square-metre')
            new = core.group(0) if core else _digits(alt.key[0])
            return slot.text[:mine.start()] + new + slot.text[mine.end():]
        new = core.group(0) if core else alt.text   # the claim writes a word: the evidence's form goes in
        return new if slot.text[:1].islower() or not new[:1].isalpha() else new[:1].upper() + new[1:]
    if slot.group == "weekday":
        return alt.text
    text = alt.text
    year_c, year_a = slot.key[2], alt.key[2]
    if year_a is not None and year_c is None:
        text = re.sub(r",?\s*\d{4}$", "", text)
    elif year_c is not None and year_a is None:
        text = f"{text} {year_c}"
    return text


def variants(claim: str, evidence: str, kinds: Sequence[str] = SLOT_KINDS,
             max_alternatives: int = MAX_ALTERNATIVES) -> list[Variant]:
    """Every variant of ``claim``: each slot filled with each other value of its kind that
    the evidence states (same group: a year for a year, a weekday for a weekday), in
    evidence order, at most ``max_alternatives`` per slot."""
    ev = find_slots(evidence, kinds)
    out = []
    for slot in find_slots(claim, kinds):
        seen = {slot.text}
        n = 0
        for alt in ev:
            if alt.kind != slot.kind or alt.group != slot.group or _same(slot, alt):
                continue
            rep = _replacement(slot, alt, evidence)
            if rep in seen:
                continue
            seen.add(rep)
            out.append(Variant(slot, rep, claim[:slot.start] + rep + claim[slot.end:]))
            n += 1
            if n >= max_alternatives:
                break
    return out


def decide(slot_variants: Sequence[Variant], claim_logp: float, variant_logps: Sequence[float],
           margin: float) -> list[SlotFinding]:
    """Per slot, its best variant when that beats the claim by at least ``margin`` nats."""
    best: dict[Slot, tuple[float, Variant]] = {}
    for v, lp in zip(slot_variants, variant_logps):
        if v.slot not in best or lp > best[v.slot][0]:
            best[v.slot] = (lp, v)
    out = []
    for slot, (lp, v) in best.items():
        if lp - claim_logp >= margin:
            out.append(SlotFinding(slot, v.replacement, claim_logp, lp))
    return sorted(out, key=lambda f: f.slot.start)


# ----------------------------------------------------------------------------- scoring


class SlotCheck:
    """``SlotCheck(lm_options).find([(claim, evidence), ...])``: per pair, its findings.

    Loads the LM (``lm.LmSignal``'s loader and tokenisation) on the first pair that has a
    variant; building it loads nothing."""

    def __init__(self, options: LmOptions, policy=None) -> None:
        self.options = options
        self.signal = LmSignal(options, policy)
        self.scored = 0     # claims that reached the model (for the cost figures)

    def signature_parts(self) -> str:
        o = self.options
        return (f"{SLOT_VERSION},{model_identity(o)},margin={o.margin:g},kinds={'+'.join(o.kinds)},"
                f"max_tokens={o.max_tokens},prompt={o.prompt!r}")

    def find(self, pairs: Sequence[tuple[str, str]]) -> list[list[SlotFinding]]:
        out: list[list[SlotFinding]] = []
        for claim, evidence in pairs:
            vs = variants(claim, evidence, self.options.kinds) if evidence.strip() else []
            if not vs:
                out.append([])
                continue
            scores = self.score(evidence, [claim] + [v.text for v in vs])
            self.scored += 1
            out.append(decide(vs, scores[0], scores[1:], self.options.margin))
        return out

    def score(self, evidence: str, texts: Sequence[str]) -> list[float]:
        """Per text, log p(text | prompt(evidence)) summed over its tokens after the tokens all
        ``texts`` share: the claim and its variants are compared on the slot and the rest of
        the claim, the shared words before the first slot adding the same to each. The prompt
        and the shared tokens are encoded once (per distinct context, normally one) and their
        key-value cache serves every text."""
        sig = self.signal
        sig._load()
        groups: dict[tuple, list[tuple[int, list[int]]]] = {}
        for k, text in enumerate(texts):
            neutral_ctx, ids, _ = sig.claim_tokens(text)
            if not neutral_ctx or not ids:
                raise ScorerError(f"lm: claim {text[:60]!r}: nothing to score")
            ctx, _ = sig._context(evidence, neutral_ctx)
            groups.setdefault(tuple(ctx), []).append((k, ids))
        out = [0.0] * len(texts)
        for ctx, members in groups.items():
            seqs = [ids for _, ids in members]
            shared = 0   # tokens every member starts with, keeping at least one token of each
            while all(len(x) > shared + 1 for x in seqs) and len({x[shared] for x in seqs}) == 1:
                shared += 1
            lps = self.continuation_logprobs(list(ctx) + seqs[0][:shared], [x[shared:] for x in seqs])
            for (k, _), lp in zip(members, lps):
                out[k] = float(sum(lp))
        return out

    def continuation_logprobs(self, prefix: list[int], conts: Sequence[list[int]]) -> list[list[float]]:
        """Per continuation, the log-prob of each of its tokens after ``prefix`` (and its own
        earlier tokens). The prefix runs once; its key-value cache is copied and expanded
        over each batch of continuations (right-padded; a pad only follows the tokens read)."""
        import copy
        sig = self.signal
        sig._load()
        torch = sig._torch
        model, dev = sig._model, sig.device
        P = len(prefix)
        sig._keep = torch.zeros((1, P), dtype=torch.bool, device=dev)
        sig._keep[0, P - 1] = True   # the last prefix position predicts every continuation's first token
        try:
            with torch.inference_mode():
                res = model(input_ids=torch.tensor([prefix], device=dev), use_cache=True)
        finally:
            sig._keep = None
        first = torch.log_softmax(res.logits.reshape(-1, res.logits.shape[-1]).float()[-1], dim=-1)
        cache = getattr(res, "cache", None) or getattr(res, "past_key_values", None)
        if cache is None or not hasattr(cache, "batch_repeat_interleave"):
            raise ScorerError("lm: the model returned no key-value cache that can be expanded over a batch")
        import inspect
        params = inspect.signature(model.forward).parameters
        cache_arg = "cache" if "cache" in params else "past_key_values"   # transformers >= 5.2x names it cache
        out: list[list[float]] = []
        bs = self.options.batch_size
        for b0 in range(0, len(conts), bs):
            batch = [list(c) for c in conts[b0:b0 + bs]]
            width = max(len(c) for c in batch)
            rows: list[list[float]] = [[first[c[0]].item()] for c in batch]
            if width > 1:
                B = len(batch)
                ids = torch.full((B, width), sig._pad, dtype=torch.long)
                keep = torch.zeros((B, width), dtype=torch.bool)
                targets = []
                for r, c in enumerate(batch):
                    ids[r, :len(c)] = torch.tensor(c, dtype=torch.long)
                    keep[r, :len(c) - 1] = True      # position t predicts token t+1
                    targets.extend(c[1:])
                mask = torch.ones((B, P + width), dtype=torch.long)
                pos = torch.arange(P, P + width, dtype=torch.long)[None, :].expand(B, -1)
                past = copy.deepcopy(cache)
                past.batch_repeat_interleave(B)
                sig._keep = keep.to(dev)
                try:
                    with torch.inference_mode():
                        logits = model(input_ids=ids.to(dev), attention_mask=mask.to(dev), position_ids=pos.to(dev),
                                       use_cache=True, **{cache_arg: past}).logits
                finally:
                    sig._keep = None
                logits = logits.reshape(-1, logits.shape[-1]).float()
                if logits.shape[0] != len(targets):
                    raise ScorerError(f"lm: the model returned {logits.shape[0]} logit rows for {len(targets)} "
                                      "tokens; its forward does not go through get_output_embeddings()")
                tgt = torch.tensor(targets, dtype=torch.long, device=logits.device)
                lp = (logits.gather(1, tgt[:, None])[:, 0] - torch.logsumexp(logits, dim=-1)).cpu().tolist()
                k = 0
                for r, c in enumerate(batch):
                    n = len(c) - 1
                    rows[r] += lp[k:k + n]
                    k += n
            out.extend(rows)
        return out
