import json

import pytest

from evalharness.io.cases import load_cases, load_runs, with_runs
from evalharness.errors import CaseError


def test_bundled_cases_load_with_the_seed_first(root):
    cases = load_cases([root / "cases"])
    ids = [c.id for c in cases]
    assert "kursk-truce" in ids and len(ids) == len(set(ids)) >= 4
    seed = next(c for c in cases if c.id == "kursk-truce")
    assert seed.systems == ("model-a", "model-b", "model-c")
    assert seed.source.startswith("Russian President, Putin, unexpectedly arrives in Kursk")
    assert "Skip to content" not in seed.source and "Read also" not in seed.source
    assert seed.expect["model-c"].flags == ("world powers",)
    assert seed.expect["model-a"].flags == ()


def test_list_of_cases_source_file_and_single_reference(tmp_path):
    (tmp_path / "a.txt").write_text("The cat sat on the mat.")
    (tmp_path / "cases.yaml").write_text(
        "- id: one\n  source_file: a.txt\n  references: The cat sat.\n  candidates: {x: The cat sat.}\n"
        "- id: 2\n  source: Dogs bark.\n  candidates: {x: Dogs bark loudly.}\n")
    one, two = load_cases([tmp_path])
    assert one.source == "The cat sat on the mat." and one.references == ("The cat sat.",)
    assert two.id == "2" and two.references == ()
    assert one.line == 1 and two.line == 5


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    (tmp_path / "a.yaml").write_text("id: x\nsource: s\ncandidates: {a: b}\n")
    (tmp_path / "b.yaml").write_text("\nid: x\nsource: s\ncandidates: {a: b}\n")
    with pytest.raises(CaseError) as e:
        load_cases([tmp_path])
    assert str(e.value) == (f"{tmp_path / 'b.yaml'}:2: field 'id': duplicate case id 'x' "
                            f"(first defined at {tmp_path / 'a.yaml'}:1)")


def test_runs_file_replaces_and_adds(tmp_path):
    (tmp_path / "c.yaml").write_text("id: c1\nsource: s\ncandidates: {old: a}\n")
    cases = load_cases([tmp_path / "c.yaml"])
    runs = tmp_path / "r.jsonl"
    runs.write_text(json.dumps({"case_id": "c1", "summary": "fresh"}) + "\n\n")
    merged = with_runs(cases, {"old": load_runs(runs, "old", cases), "new": load_runs(runs, "new", cases)})
    assert merged[0].candidates == {"old": "fresh", "new": "fresh"}


def test_expect_phrase_must_occur_in_summary(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("id: c\nsource: s\ncandidates: {a: The cat sat.}\nexpect:\n  a:\n    flags: [dog]\n")
    with pytest.raises(CaseError) as e:
        load_cases([p])
    assert str(e.value) == f"{p}:6: field 'expect.a.flags[0]': phrase 'dog' does not occur in the summary of 'a'"
