"""Odd but valid inputs give a result: a score, or "not applicable" with the reason,
never a crash, a NaN, or a file outside the output folder."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli

ODD = ROOT / "tests" / "fixtures" / "odd" / "cases.yaml"
ROUGE_ONLY = "scorers:\n  rouge: {}\ngate:\n  no_rules: true\n"  # no expect entries either: nothing to gate
N_CANDIDATES = 1000
N_WORDS = 50_000


def long_source(n_words: int = N_WORDS, distinct: bool = True) -> str:
    """A source of exactly ``n_words`` words. With ``distinct`` every sentence differs;
    otherwise 40 sentences repeat (cheap for embedding models, which memoise texts)."""
    sents, count, i = [], 0, 0
    while count < n_words:
        k = i if distinct else i % 40
        s = f"On day {k} the council of town {k % 97} reviewed bridge {k % 13} and approved repair number {k}."
        sents.append(s)
        count += len(s.split())
        i += 1
    words = " ".join(sents).split()[:n_words]
    return " ".join(words) + "."


def write_generated_cases(folder: Path, distinct: bool = True, n_candidates: int = N_CANDIDATES) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "long-source.yaml").write_text(yaml.safe_dump({
        "id": "fifty-thousand-words", "source": long_source(distinct=distinct),
        "references": ["On day 7 the council of town 7 reviewed bridge 7."],
        "candidates": {"echo": "On day 7 the council of town 7 reviewed bridge 7 and approved repair number 7.",
                       "longer": "The council rejected every repair on every bridge."}}, allow_unicode=True))
    (folder / "many-candidates.yaml").write_text(yaml.safe_dump({
        "id": "thousand-candidates",
        "source": "The council approved a 12 million pound repair of the bridge on Tuesday. Work starts in March.",
        "references": ["The council approved a 12 million pound bridge repair."],
        "candidates": {f"sys-{k:04d}": f"The council approved a {k} million pound repair." for k in range(n_candidates)}}))


def strict_json(text: str):
    def refuse(name):
        raise AssertionError(f"{name} in report.json")
    return json.loads(text, parse_constant=refuse)


def check_report(report: dict) -> None:
    """Every metric of every candidate is a finite score or not applicable with a reason,
    and each system's n counts exactly the candidates that have the score."""
    metrics = set(report["metrics"])
    counts: dict[tuple[str, str], int] = {}
    for case in report["cases"]:
        for cand in case["candidates"]:
            scores, na = cand["scores"], cand["not_applicable"]
            assert not cand["errors"], (case["id"], cand["system"], cand["errors"])
            assert set(scores) | set(na) == metrics, (case["id"], cand["system"])
            assert not set(scores) & set(na)
            for m, v in scores.items():
                assert isinstance(v, float) and math.isfinite(v), (case["id"], m, v)
                counts[(cand["system"], m)] = counts.get((cand["system"], m), 0) + 1
            for m, why in na.items():
                assert isinstance(why, str) and why.strip(), (case["id"], m)
            for claim in cand.get("claims", []):
                assert cand["summary"][claim["start"]:claim["end"]] == claim["text"]
                for span in claim["unsupported_spans"]:
                    assert cand["summary"][span["start"]:span["end"]] == span["text"]
                if claim["evidence"]:
                    ev = claim["evidence"]
                    assert case["source"][ev["start"]:ev["end"]] == ev["text"]
    for system, by_metric in report["systems"].items():
        for m, s in by_metric.items():
            assert s["n"] == counts[(system, m)], (system, m)
            assert all(math.isfinite(s[k]) for k in ("mean", "ci_low", "ci_high"))
            assert s["ci_low"] <= s["mean"] <= s["ci_high"]
    for system, m in counts:
        assert m in report["systems"][system]


def by_id(report: dict) -> dict:
    return {c["id"]: {cand["system"]: cand for cand in c["candidates"]} for c in report["cases"]}


@pytest.fixture(scope="module")
def rouge_run(tmp_path_factory):
    """One real CLI run (rouge only, no model) over every odd input."""
    tmp = tmp_path_factory.mktemp("odd")
    cases = tmp / "cases"
    write_generated_cases(cases)
    (cases / "odd.yaml").write_text(ODD.read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp / "config.yaml"
    config.write_text(ROUGE_ONLY)
    out = tmp / "a" / "b" / "out"
    r = run_cli("run", str(cases), "--config", str(config), "--out", str(out), "--format", "markdown", cwd=tmp,
                env={"EVALHARNESS_CACHE_DIR": str(tmp_path_factory.mktemp("odd-cache"))})
    return tmp, out, r


def test_odd_inputs_give_results(rouge_run):
    tmp, out, r = rouge_run
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    report = strict_json((out / "report.json").read_text(encoding="utf-8"))
    check_report(report)
    cases = by_id(report)
    assert len(cases["thousand-candidates"]) == N_CANDIDATES
    assert len(report["systems"]) == N_CANDIDATES + 8
    assert len(cases["fifty-thousand-words"]) == 2
    big = next(c for c in report["cases"] if c["id"] == "fifty-thousand-words")
    assert len(big["source"].split()) == N_WORDS
    assert set(cases["no"]) == {"yes", "on"}


def test_undefined_rouge_is_not_applicable_with_reason(rouge_run):
    _, out, _ = rouge_run
    report = strict_json((out / "report.json").read_text(encoding="utf-8"))
    cases = by_id(report)
    # Identical texts: defined, and perfect.
    assert cases["summary-copies-source"]["echo"]["scores"]["rouge.rouge1"] == pytest.approx(0.5)  # 7 of 14 words / 7 of 7
    assert cases["one-word-source"]["echo"]["scores"]["rouge.rouge1"] == 1.0
    # One word has no bigram: ROUGE-2 is undefined, not 0.
    assert "rouge.rouge2" not in cases["one-word-source"]["echo"]["scores"]
    assert cases["one-word-source"]["echo"]["not_applicable"]["rouge.rouge2"] == (
        "the summary has fewer than 2 words that rouge-score can tokenize (it keeps only a-z and 0-9)")
    # rouge-score drops every non-Latin letter: a Japanese summary has no token, so no ROUGE (not a zero).
    assert cases["mixed-scripts"]["echo"]["not_applicable"]["rouge.rouge1"] == (
        "the summary has no word that rouge-score can tokenize (it keeps only a-z and 0-9)")
    assert cases["mixed-scripts"]["mixed"]["not_applicable"]["rouge.rouge1"] == (
        "every reference has no word that rouge-score can tokenize (it keeps only a-z and 0-9)")
    assert cases["../../x"]["echo"]["not_applicable"]["rouge.rouge1"] == "no reference summaries in this case"
    # Numbers are words to ROUGE: 3 of 3 shared.
    assert cases["all-numbers"]["echo"]["scores"]["rouge.rouge1"] == 1.0
    assert cases["all-numbers"]["longer"]["scores"]["rouge.rouge1"] == 0.0
    # Aggregation leaves the undefined ones out: 'echo' has rouge2 only where it is defined.
    echo_rouge2 = [c["echo"]["scores"]["rouge.rouge2"] for c in cases.values()
                   if "echo" in c and "rouge.rouge2" in c["echo"]["scores"]]
    assert report["systems"]["echo"]["rouge.rouge2"]["n"] == len(echo_rouge2) == 4


def test_path_like_case_id_never_escapes_output_folder(rouge_run):
    tmp, out, _ = rouge_run
    written = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
    inputs = ["cases/long-source.yaml", "cases/many-candidates.yaml", "cases/odd.yaml", "config.yaml"]
    assert written == sorted(inputs + ["a/b/out/report.json"])
    assert not (out.parent.parent / "x").exists() and not (tmp / "x").exists()


def test_odd_report_renders(rouge_run):
    _, out, r = rouge_run
    assert r.stdout.startswith("## evalharness: ")  # --format markdown went to stdout
    for fmt in ("text", "markdown", "json"):
        rr = run_cli("report", str(out / "report.json"), "--format", fmt)
        assert rr.returncode == 0, rr.stderr
        assert "Traceback" not in rr.stderr
    assert "case ../../x" in run_cli("report", str(out / "report.json"), "--format", "text").stdout


@pytest.mark.slow
def test_odd_inputs_with_every_scorer(tmp_path):
    """rouge, bertscore and support (real bundled model) over the odd inputs, a
    50,000-word source and 30 candidates of one case, in process."""
    from evalharness.io.cases import load_cases
    from evalharness.core.config import load_config
    from evalharness.core.report import dumps
    from evalharness.engine.runner import evaluate

    cases_dir = tmp_path / "cases"
    # The long source repeats 40 sentences so the embedding work stays small; its
    # 50,000 words still go through sentence splitting, windows and offsets.
    write_generated_cases(cases_dir, distinct=False, n_candidates=30)
    (cases_dir / "odd.yaml").write_text(ODD.read_text(encoding="utf-8"), encoding="utf-8")
    report_obj = evaluate(load_cases([cases_dir]), load_config(ROOT / "configs" / "default.yaml"))
    text = dumps(report_obj)  # allow_nan=False: raises on any NaN
    report = strict_json(text)
    check_report(report)
    cases = by_id(report)
    # No word at all: the support metrics are not applicable, with the reason.
    for system in ("emoji",):
        na = cases["mixed-scripts"][system]["not_applicable"]
        assert na["support.supported_rate"] == "the summary holds no claim (no words)"
    assert cases["all-punctuation"]["echo"]["not_applicable"]["support.supported_rate"] == (
        "the summary holds no claim (no words)")
    # A copy of the source is fully supported; the long sentences of 'longer' are checked claim by claim.
    assert cases["summary-copies-source"]["echo"]["scores"]["support.supported_rate"] == 1.0
    assert len(cases["summary-longer-than-source"]["longer"]["claims"]) >= 3
    assert cases["fifty-thousand-words"]["echo"]["scores"]["support.supported_rate"] == 1.0
