import json
import os

import pytest

from evalharness.stats.aggregate import MetricSummary
from evalharness.errors import InputError
from evalharness.core.report import (SCHEMA_VERSION, CandidateResult, CaseResult, GateResult, Report, dumps,
                                     read_report, write_report)
from evalharness.io.paths import atomic_write
from evalharness.core.results import Claim, Span


def _report():
    claim = Claim("Rovers won 3-1.", 0, 15, False, 0.12, Span("Rovers won 2-1.", 4, 19), (Span("3-1", 11, 14),),
                  "unsupported", ("number '3-1' does not appear in the source",))
    cand = CandidateResult("a", "Rovers won 3-1.", {"support.supported_rate": 0.0}, {"rouge.rouge1": "no refs"},
                           (claim,))
    return Report(signatures={"support": "support|v:x"}, metrics={"support.supported_rate": True},
                  systems={"a": {"support.supported_rate": MetricSummary(0.0, 0.0, 0.0, 1)}},
                  cases=(CaseResult("c1", "The Rovers won 2-1.", (), (cand,)),), gate=GateResult(True),
                  run={"duration_s": 1.0})


def test_round_trip_is_lossless(tmp_path):
    r = _report()
    write_report(r, tmp_path / "report.json")
    back = read_report(tmp_path / "report.json")
    assert back == r
    assert dumps(back) == dumps(r)


def test_minimum_schema_fields_present():
    d = json.loads(dumps(_report()))
    assert d["schema_version"] == SCHEMA_VERSION == 1
    assert d["systems"]["a"]["support.supported_rate"] == {"mean": 0.0, "ci_low": 0.0, "ci_high": 0.0, "n": 1}
    claim = d["cases"][0]["candidates"][0]["claims"][0]
    assert set(claim) >= {"text", "start", "end", "supported", "score", "evidence", "unsupported_spans"}
    assert d["gate"] == {"passed": True, "failures": [], "checks": []}
    summary = d["cases"][0]["candidates"][0]["summary"]
    assert summary[claim["start"]:claim["end"]] == claim["text"]
    span = claim["unsupported_spans"][0]
    assert summary[span["start"]:span["end"]] == span["text"]


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old")

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["report.json"]


@pytest.mark.parametrize("content, message", [
    ("{", "not a JSON report"),
    ('{"a": 1}', "not an evalharness report"),
    ('{"tool": "evalharness", "schema_version": 99}', "report schema_version 99 is not supported"),
])
def test_bad_reports_are_input_errors(tmp_path, content, message):
    p = tmp_path / "r.json"
    p.write_text(content)
    with pytest.raises(InputError) as e:
        read_report(p)
    assert message in str(e.value) and str(p) in str(e.value)
