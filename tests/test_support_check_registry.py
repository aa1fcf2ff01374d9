"""The check registry: each check is one registered function in a topic module, the
feature order is weights.json's, and the checks' version is derived from their code."""

import json
import shutil
from pathlib import Path

import pytest

from evalharness.scorers.support import checks
from evalharness.scorers.support.checks import (CHECKS, ERROR_CHECKS, EXPLICIT_CHECKS, FEATURE_NAMES, SIGNS,
                                                SOFT_BLAMERS, checks_version, source_hash)
from evalharness.scorers.support.checks.registry import ORDER, REGISTERED, TOPICS, check, ordered

SUPPORT = Path(checks.__file__).resolve().parent.parent


def test_every_check_has_a_unique_name_and_sits_in_a_topic_module():
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names)) == len(REGISTERED)
    topics = {f"evalharness.scorers.support.checks.{t}" for t in TOPICS}
    for c in CHECKS:
        assert c.run.__module__ in topics, c.name
        assert c.run.__name__ == f"check_{c.name}"
        assert getattr(__import__(c.run.__module__, fromlist=["x"]), c.run.__name__) is c.run


def test_a_second_check_of_the_same_name_is_refused():
    before = dict(REGISTERED)
    with pytest.raises(ValueError, match="registered twice"):
        check("negation", -1)(lambda ctx: None)
    assert REGISTERED == before


def test_the_table_is_complete_in_its_order():
    assert FEATURE_NAMES == ORDER
    with pytest.raises(ValueError, match="not registered"):
        ordered({n: c for n, c in REGISTERED.items() if n != "date"})


def test_feature_order_is_the_shipped_weights_order():
    data = json.loads((SUPPORT / "weights.json").read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURE_NAMES
    assert len(data["weights"]) == len(FEATURE_NAMES)


def test_the_derived_sets():
    assert set(SIGNS) == set(FEATURE_NAMES)
    assert ERROR_CHECKS == tuple(n for n in FEATURE_NAMES if SIGNS[n] < 0)
    assert EXPLICIT_CHECKS <= set(ERROR_CHECKS)
    # the soft checks whose words are blamed when no explicit check fires, in their reasons' order
    assert SOFT_BLAMERS == ("misplaced_number", "misplaced_entity", "novel_words", "coverage", "bigram_coverage")


def _copy(tmp_path):
    out = tmp_path / "src"
    out.mkdir()
    for p in [*Path(checks.__file__).parent.glob("*.py"), SUPPORT / "lexicon.py"]:
        shutil.copy(p, out / p.name)
    return out


def test_the_version_is_a_hash_of_the_checks_code(tmp_path):
    v = checks_version()
    assert len(v) == 8 and int(v, 16) >= 0
    assert checks_version() == v                      # computed once
    src = _copy(tmp_path)
    assert source_hash(src.glob("*.py")) == v          # stable: the same code, the same version
    assert source_hash(sorted(src.glob("*.py"), reverse=True)) == v   # whatever order the files come in


@pytest.mark.parametrize("name", ["numbers.py", "negation.py", "lexicon.py"])
def test_the_version_changes_when_a_check_changes(tmp_path, name):
    src = _copy(tmp_path)
    p = src / name
    text = p.read_text(encoding="utf-8")
    lines = text.split("\n")
    k = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith(("#", '"""', "from", "import")))
    lines[k] += "  # edited"
    p.write_text("\n".join(lines), encoding="utf-8")
    assert source_hash(src.glob("*.py")) != checks_version()
    p.write_text(text, encoding="utf-8")
    assert source_hash(src.glob("*.py")) == checks_version()
