"""The precision ledger (evalharness/scorers/support/ledger.py): its arithmetic on hand-made
rows, and the shipped weights pinned to its rule, so that a check cannot force a flag on
its own unless the recorded ledger (ledger.json, written by the training script) admits it."""

import json
from pathlib import Path

import pytest

from evalharness.scorers.support import ledger as L
from evalharness.scorers.support.combiner import load_combiner, sigmoid
from evalharness.scorers.support.checks import CHECKS, EXPLICIT_CHECKS, FEATURE_NAMES, HARD_CHECKS

SUPPORT = Path(__file__).resolve().parent.parent / "evalharness" / "scorers" / "support"


def _rows():
    # dataset "news": 4 faithful, 2 unfaithful, no spans. "mail": 2 faithful, 2 unfaithful, spans.
    R = L.RowFirings
    return [
        R("news", 1, {"date": ()}), R("news", 1), R("news", 1), R("news", 1, {"date": (), "negation": ()}),
        R("news", 0, {"date": ((0, 3),)}), R("news", 0),
        # mail: "date" fires on one faithful row (a miss) and on both unfaithful rows, once on the span
        R("mail", 1, {"date": ((5, 9),)}, (), True), R("mail", 1, {}, (), True),
        R("mail", 0, {"date": ((10, 14),)}, ((12, 20),), True),   # overlaps 12-14: a hit
        R("mail", 0, {"date": ((0, 4),), "negation": ((30, 33),)}, ((4, 9),), True),  # touches at 4: no overlap
    ]


def test_ledger_arithmetic_by_hand():
    led = L.build_ledger(_rows(), ("date", "negation"))
    news, mail = led.stats["news"], led.stats["mail"]
    assert (news["date"].faithful, news["date"].unfaithful) == (4, 2)
    assert news["date"].fire_faithful == pytest.approx(2 / 4)      # rows 1 and 4
    assert news["date"].fire_unfaithful == pytest.approx(1 / 2)
    assert news["negation"].fire_faithful == pytest.approx(1 / 4) and news["negation"].fire_unfaithful == 0
    assert news["date"].span_hit is None and not led.spans["news"]   # no spans in news
    assert mail["date"].fire_faithful == pytest.approx(1 / 2) and mail["date"].fire_unfaithful == 1.0
    # three firings in mail (one faithful, two unfaithful), one of them on an error span
    assert (mail["date"].span_hits, mail["date"].span_firings) == (1, 3)
    assert mail["date"].span_hit == pytest.approx(1 / 3)
    assert (mail["negation"].span_hits, mail["negation"].span_firings) == (0, 1)


def test_a_check_firing_on_two_claims_of_a_row_counts_once():
    rows = [L.RowFirings("x", 0, {"date": ((0, 2), (8, 10))}, ((8, 12),), True)]
    s = L.build_ledger(rows, ("date",)).stats["x"]["date"]
    assert (s.fired_unfaithful, s.span_firings, s.span_hits) == (1, 1, 1)


def _many(dataset, faithful, fired_faithful, unfaithful=0, hits=0, misses=0, spans=False):
    R = L.RowFirings
    rows = [R(dataset, 1, {"c": ()} if k < fired_faithful else {}, (), spans) for k in range(faithful)]
    rows += [R(dataset, 0, {"c": ((0, 1),)}, ((0, 1),), spans) for _ in range(hits)]
    rows += [R(dataset, 0, {"c": ((5, 6),)}, ((0, 1),), spans) for _ in range(misses)]
    rows += [R(dataset, 0, {}, ((0, 1),), spans) for _ in range(unfaithful)]
    return rows


def test_rule_three_percent_of_faithful_rows_in_every_large_dataset():
    # 1 of 34 faithful rows is 2.9%: allowed; 1 of 33 is 3.03%: not
    assert L.hard_rule(L.build_ledger(_many("a", 34, 1), ("c",)))["c"] == []
    assert L.hard_rule(L.build_ledger(_many("a", 33, 1), ("c",)))["c"]
    # a dataset with fewer than 20 faithful rows is not judged
    assert L.hard_rule(L.build_ledger(_many("a", 19, 5), ("c",)))["c"] == []
    # every dataset counts: fine in one, too often in another
    led = L.build_ledger(_many("a", 100, 0) + _many("b", 40, 2), ("c",))
    assert L.hard_checks(led) == ()


def test_rule_span_hits_at_least_sixty_percent_where_spans_exist():
    ok = L.build_ledger(_many("g", 30, 0, hits=3, misses=2, spans=True), ("c",))    # 3/5 = 60%
    bad = L.build_ledger(_many("g", 30, 0, hits=1, misses=1, spans=True), ("c",))   # 1/2 = 50%
    never = L.build_ledger(_many("g", 30, 0, unfaithful=4, spans=True), ("c",))     # never fired: no evidence
    assert L.hard_checks(ok) == ("c",) and L.hard_checks(bad) == () and L.hard_checks(never) == ("c",)
    # without spans, the hit share is not asked for
    assert L.hard_checks(L.build_ledger(_many("d", 30, 0, hits=0, misses=5), ("c",))) == ("c",)


def test_ledger_round_trips_and_renders():
    led = L.build_ledger(_rows(), ("date", "negation"))
    again = L.Ledger.from_json(json.loads(L.dump(led)))
    assert again.to_json() == led.to_json()
    text = L.render_ledger(led, hard=["negation"])
    assert "negation [hard]" in text and "date [hard]" not in text
    assert "1/3" in text and "2/4" in text


def test_char_spans_finds_every_occurrence():
    assert L.char_spans("a b a", ["a", "zz"]) == ((0, 1), (4, 5))


def test_ledger_rows_reads_the_backend_analysis():
    from evalharness.scorers.support.checks import ClaimCheck, Finding
    from evalharness.scorers.text import tokenize

    class Row:
        def __init__(self, dataset, label, summary, error_spans=()):
            self.dataset, self.label, self.summary, self.error_spans = dataset, label, summary, error_spans

    summary = "Sales rose in June."
    toks = tuple(tokenize(summary))
    chk = ClaimCheck(values={"date": 1.0, "negation": 0.0}, findings={"date": Finding(1.0, (3,), ("x",))},
                     tokens=toks)
    led = L.ledger_rows([Row("d", 0, summary, ("June",)), Row("d", 1, summary)],
                        [[(None, chk, None)], [(None, ClaimCheck(values={"date": 0.0}), None)]],
                        checks=("date", "negation"))
    s = led.stats["d"]["date"]
    assert (s.fired_unfaithful, s.fired_faithful, s.span_hits, s.span_firings) == (1, 0, 1, 1)
    assert led.spans["d"]


# -- the shipped weights obey the rule -------------------------------------------------------

def _shipped():
    weights = json.loads((SUPPORT / "weights.json").read_text(encoding="utf-8"))
    led = L.Ledger.from_json(json.loads((SUPPORT / "ledger.json").read_text(encoding="utf-8")))
    return weights, led


def test_recorded_ledger_covers_every_error_check_and_the_rule_datasets():
    _, led = _shipped()
    assert set(led.checks) >= EXPLICIT_CHECKS
    names = set(led.stats)
    assert {"genres", "genres2-tune"} <= names and "genres2-test" not in names   # the test split is not read
    assert sum(1 for d in names if d.startswith(("summac-", "qags-"))) == 6


def test_shipped_hard_checks_are_exactly_those_the_ledger_admits():
    weights, led = _shipped()
    admitted = {c for c in L.hard_checks(led) if c in EXPLICIT_CHECKS}
    assert set(weights["hard"]) == admitted == set(HARD_CHECKS)


def test_hard_checks_flag_alone_and_soft_checks_cannot():
    """At the shipped threshold: a claim whose support features are all at their best is
    flagged when one hard check fires, and is not flagged when any one soft error check fires."""
    comb = load_combiner()
    thr = comb.recommended_threshold
    best = []
    for c in CHECKS:
        if c.sign > 0 or c.sign == 0:
            w = comb.weights[FEATURE_NAMES.index(c.name)]
            best.append(1.0 if w > 0 else 0.0)   # the value that helps the claim most (features lie in [0, 1])
        else:
            best.append(0.0)
    assert sigmoid(comb.logit(best)) >= thr
    for c in CHECKS:
        if c.sign >= 0:
            continue
        x = list(best)
        x[FEATURE_NAMES.index(c.name)] = 1.0
        flagged = sigmoid(comb.logit(x)) < thr
        assert flagged == (c.name in HARD_CHECKS), (c.name, sigmoid(comb.logit(x)), thr)


@pytest.mark.slow
def test_measure_ledger_runs_the_checks_on_labelled_rows(root):
    from evalharness.io.cases import load_cases

    class Row:
        def __init__(self, id, source, summary, label, error_spans=()):
            self.id, self.dataset, self.source, self.summary = id, "cases", source, summary
            self.label, self.error_spans = label, error_spans

    (case,) = load_cases([root / "cases" / "vaccine-trial.yaml"])
    rows = [Row("a", case.source, case.candidates["model-a"], 1),
            Row("b", case.source, case.candidates["model-b"], 0, ("did not reduce",))]
    led = L.measure_ledger(rows)
    neg = led.stats["cases"]["negation"]
    assert (neg.fired_faithful, neg.fired_unfaithful, neg.span_hits, neg.span_firings) == (0, 1, 1, 1)
    assert "negation" in L.render_ledger(led)
