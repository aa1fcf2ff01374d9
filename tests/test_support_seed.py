"""The support scorer on the bundled cases: the seed article's known errors are
flagged (with the offending words inside a flagged span), faithful summaries are not."""

import re

import pytest

from evalharness.io.cases import load_cases
from evalharness.core.results import ScoreItem


def _flagged(summary, claims, phrase):
    for m in re.finditer(re.escape(phrase), summary):
        for c in claims:
            if not c.supported and any(s.start <= m.start() and m.end() <= s.end for s in c.unsupported_spans):
                return True
    return False


@pytest.fixture(scope="module")
def scorer():
    from evalharness.scorers.support import SupportScorer
    return SupportScorer()


@pytest.mark.slow
def test_kursk_truce_flags(root, scorer):
    (case,) = load_cases([root / "cases" / "kursk-truce.yaml"])
    systems = ("model-a", "model-b", "model-c")
    res = scorer.score_batch([ScoreItem(case.id, s, case.source, case.candidates[s]) for s in systems])
    a, b, c = (r.claims for r in res)
    assert all(cl.supported for cl in a), [cl.text for cl in a if not cl.supported]
    assert _flagged(case.candidates["model-b"], b, "bizarre")
    assert _flagged(case.candidates["model-c"], c, "world powers")
    # every flag carries its evidence and offsets that point into the summary
    for cl in b + c:
        if not cl.supported:
            assert cl.evidence is not None and case.source[cl.evidence.start:cl.evidence.end] == cl.evidence.text
            for s in cl.unsupported_spans:
                assert case.candidates["model-b" if cl in b else "model-c"][s.start:s.end] == s.text


@pytest.mark.slow
def test_every_bundled_expectation_holds(root, scorer):
    cases = load_cases([root / "cases"])
    for case in cases:
        systems = list(case.expect)
        res = scorer.score_batch([ScoreItem(case.id, s, case.source, case.candidates[s]) for s in systems])
        for system, r in zip(systems, res):
            exp = case.expect[system]
            summary = case.candidates[system]
            if exp.flags is not None and not exp.flags:
                assert all(cl.supported for cl in r.claims), (case.id, system)
            for phrase in exp.flags or ():
                assert _flagged(summary, r.claims, phrase), (case.id, system, phrase)


@pytest.mark.slow
def test_a_flagged_claim_names_the_checks_that_flagged_it(root, scorer):
    """Claim.checks: the explicit checks behind a flag (what compare.new_flags.checks filters on);
    supported claims name none."""
    (case,) = load_cases([root / "cases" / "harbour-bridge.yaml"])
    [res] = scorer.score_batch([ScoreItem(case.id, "model-b", case.source, case.candidates["model-b"])])
    flagged = [c for c in res.claims if not c.supported]
    assert [c.text for c in flagged] == ["Millbrook council approved a 21 million pound repair of the Harbour Bridge."]
    assert "novel_number" in flagged[0].checks
    assert all(c.checks == () for c in res.claims if c.supported)
