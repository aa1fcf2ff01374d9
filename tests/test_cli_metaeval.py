"""`evalharness meta-eval`: bad rows (exit 2, file:line), and an end-to-end run."""

import json

import pytest

GOOD = {"id": "t-0", "dataset": "tiny", "source": "The cat sat on the mat.", "summary": "The cat sat.", "label": 1}


def _write(tmp_path, rows, name="data.jsonl"):
    p = tmp_path / name
    p.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("bad, message", [
    ("{not json", "line 2: invalid JSON: Expecting property name enclosed in double quotes"),
    ("[1, 2]", "line 2: each line must be a JSON object, got a list"),
    ({"id": "t-1", "dataset": "tiny", "source": "x", "summary": "y"}, "line 2: field 'label': missing required field"),
    ({"id": "t-1", "dataset": "tiny", "source": "x", "summary": "y", "label": 2},
     "line 2: field 'label': must be 0 (inconsistent) or 1 (consistent), got 2"),
    ({"id": "t-1", "dataset": "tiny", "source": "x", "summary": 5, "label": 1},
     "line 2: field 'summary': must be text, got a number"),
    ({"id": "t-1", "dataset": "tiny", "source": "  ", "summary": "y", "label": 1},
     "line 2: field 'source': must not be empty"),
    ({"id": "t-0", "dataset": "tiny", "source": "x", "summary": "y", "label": 0},
     "line 2: field 'id': duplicate id 't-0' (first on line 1)"),
    ({"id": "t-1", "dataset": "tiny", "source": "x", "summary": "y", "label": 1, "split": 3},
     "line 2: field 'split': must be text, got a number"),
])
def test_bad_row_names_file_and_line(cli, tmp_path, bad, message):
    p = _write(tmp_path, [GOOD, bad])
    r = cli("meta-eval", str(p), "--no-cache")
    assert r.returncode == 2, r.stderr
    assert r.stderr == f"evalharness: error: {p}:{message.replace('line 2', '2', 1)}\n"
    assert "Traceback" not in r.stderr


def test_missing_file_is_exit_2(cli, tmp_path):
    r = cli("meta-eval", str(tmp_path / "nope.jsonl"))
    assert r.returncode == 2
    assert r.stderr == f"evalharness: error: {tmp_path / 'nope.jsonl'}: labelled data file not found\n"


def test_unknown_scorer_did_you_mean(cli, tmp_path):
    p = _write(tmp_path, [GOOD])
    r = cli("meta-eval", str(p), "--scorer", "suport")
    assert r.returncode == 2
    assert "did you mean 'support'" in r.stderr


TINY_SOURCE = ("Northfield Rovers beat Eastmoor United 2-1 on Saturday. Marco Ilic scored the winner in the 78th "
               "minute. The club's manager Claire Dunn praised her players.")
TINY = [
    ("Northfield Rovers beat Eastmoor United 2-1 on Saturday.", 1),
    ("Northfield Rovers beat Eastmoor United 5-0 on Saturday.", 0),
    ("Marco Ilic scored the winner in the 78th minute.", 1),
    ("Marco Ilic scored the winner in the 12th minute.", 0),
    ("Claire Dunn praised her players.", 1),
    ("Claire Dunn resigned after a row with the Chinese government.", 0),
]


@pytest.mark.slow
def test_end_to_end_table_json_and_cache(cli, tmp_path):
    rows = [{"id": f"t-{i}", "dataset": "tiny", "source": TINY_SOURCE, "summary": s, "label": y}
            for i, (s, y) in enumerate(TINY)]
    p = _write(tmp_path, rows)
    out = tmp_path / "me.json"
    cache = tmp_path / "cache"
    env = {"EVALHARNESS_CACHE_DIR": str(tmp_path / "default")}  # nothing may go to the default folder
    r = cli("meta-eval", str(p), "--json", str(out), "--cache-dir", str(cache), env=env)
    assert r.returncode == 0, r.stderr
    assert "tiny" in r.stdout and "mean (unweighted)" in r.stdout
    assert "threshold:" in r.stdout  # the config line for the recommended threshold
    data = json.loads(out.read_text())
    assert data["scorer"].startswith("support|")
    d = data["datasets"]["tiny"]
    assert d["n"] == 6 and d["protocol"] == "2-fold"
    # every faithful sentence outscores every edited one
    assert d["auc"] == 1.0
    assert data["mean"]["auc"] == 1.0
    rec = data["recommended_threshold"]
    assert 0.0 <= rec <= 1.0
    # one store in --cache-dir holds the rows and the embeddings; nothing went anywhere else
    assert [p.name for p in cache.iterdir() if not p.name.endswith(("-wal", "-shm"))] == ["cache.sqlite3"]
    assert not (tmp_path / "default").exists()
    # the rerun reads every row from the cache and gives the same numbers
    r2 = cli("meta-eval", str(p), "--json", str(out), "--cache-dir", str(cache), env=env)
    assert r2.returncode == 0, r2.stderr
    assert json.loads(out.read_text())["datasets"] == data["datasets"]


@pytest.mark.slow
def test_recommended_threshold_plugs_into_config(cli, tmp_path, monkeypatch):
    """The recommended number is a valid support.threshold (the claim threshold), and
    applying it makes support.consistent say exactly what meta-eval predicted for each
    row: consistent exactly when no claim is flagged, i.e. when the worst claim reaches it."""
    from evalharness.core.config import load_config
    rows = [{"id": f"t-{i}", "dataset": "tiny", "source": TINY_SOURCE, "summary": s, "label": y}
            for i, (s, y) in enumerate(TINY)]
    p = _write(tmp_path, rows)
    out = tmp_path / "me.json"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    r = cli("meta-eval", str(p), "--json", str(out), "--no-cache", env={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert r.returncode == 0, r.stderr
    rec = json.loads(out.read_text())["recommended_threshold"]
    cfg = tmp_path / "cfg.yaml"
    assert json.loads(out.read_text())["recommended_config"] == {"scorers": {"support": {"threshold": rec}}}
    cfg.write_text(f"scorers:\n  support:\n    threshold: {rec}\n", encoding="utf-8")
    config = load_config(cfg)
    opts = config.scorer("support").options
    assert opts.threshold == rec
    from evalharness.core.results import ScoreItem
    from evalharness.scorers.support import SupportScorer
    res = SupportScorer(opts).score_batch([ScoreItem(f"t-{i}", "s", TINY_SOURCE, s) for i, (s, _) in enumerate(TINY)])
    assert [r.scores["consistent"] for r in res] == [float(all(c.supported for c in r.claims)) for r in res]
    assert [r.scores["consistent"] for r in res] == [float(r.scores["score"] >= rec) for r in res]
    assert [r.scores["consistent"] for r in res] == [float(y) for _, y in TINY]


def test_a_metric_not_applicable_to_the_rows_is_an_error_with_the_reason(cli, tmp_path):
    """Was: AUC 50.0, BAcc 50.0 and threshold 1.0000 for ROUGE on rows that have no references."""
    p = _write(tmp_path, [GOOD, {**GOOD, "id": "t-1", "summary": "The dog sat.", "label": 0}])
    r = cli("meta-eval", str(p), "--scorer", "rouge", "--no-cache")
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == (f"evalharness: error: {p}:1: rouge.rouge1 is not applicable to row 't-0': no reference "
                        "summaries in this case; meta-eval needs a value for every row (labelled rows have no "
                        "references: measure a scorer that reads the source, such as support)\n")


ONE_CLASS = "every row is labelled consistent (1): balanced accuracy and a threshold need both classes"


@pytest.mark.slow
def test_one_label_class_gives_no_balanced_accuracy_no_threshold_and_no_library_bars(cli, tmp_path):
    rows = [{"id": f"t-{i}", "dataset": "tiny", "source": TINY_SOURCE, "summary": s, "label": 1}
            for i, (s, _) in enumerate(TINY[:3])]
    p = _write(tmp_path, rows)
    out, cache = tmp_path / "me.json", tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    r = cli("meta-eval", str(p), "--json", str(out), "--cache-dir", str(cache), env=env)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""                      # no "Loading weights" bar from transformers
    lines = r.stdout.splitlines()
    # the flag rate at the claim threshold is still measured on the one class there is
    assert "tiny                         3     3    n/a    n/a     n/a  2-fold      33.3% /     n/a" in lines
    assert f"n/a in tiny: {ONE_CLASS}" in lines
    assert f"no threshold recommended: {ONE_CLASS}" in lines
    assert not [x for x in lines if x.startswith("recommended threshold")]
    data = json.loads(out.read_text())
    d = data["datasets"]["tiny"]
    assert (d["auc"], d["balanced_accuracy"], d["threshold"], d["undefined"]) == (None, None, None, ONE_CLASS)
    assert data["recommended_threshold"] is None and data["no_recommendation"] == ONE_CLASS
    assert "recommended_config" not in data
    # a rerun reads every row from the cache: no made-up rate of thousands of summaries per second
    r = cli("meta-eval", str(p), "--json", str(out), "--cache-dir", str(cache), env=env)
    assert r.returncode == 0, r.stderr
    assert [x for x in r.stdout.splitlines() if x.startswith("all 3 rows cached (")]
    assert json.loads(out.read_text())["summaries_per_second"] is None
    # asked for, the library's own bar is back (the control for the silence above)
    r = cli("meta-eval", str(p), "--no-cache", env={**env, "EVALHARNESS_VERBOSE": "1"})
    assert r.returncode == 0 and "Loading weights" in r.stderr


@pytest.mark.slow
def test_meta_eval_prints_the_precision_ledger_per_data_file(cli, tmp_path):
    """Issue 21: per check, how often it fires on faithful and on unfaithful rows of each
    data file (hand-countable here: the one wrong number is the only novel number)."""
    rows = [{"id": f"t-{i}", "dataset": "tiny", "source": TINY_SOURCE, "summary": s, "label": y}
            for i, (s, y) in enumerate(TINY[:4])]
    p = _write(tmp_path, rows, name="mine.jsonl")
    out = tmp_path / "me.json"
    r = cli("meta-eval", str(p), "--no-cache", "--json", str(out))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert any(x.startswith("precision ledger: per check and dataset") for x in lines)
    # 2 faithful rows, 2 unfaithful; '5-0' is a number the source lacks, '12th' too
    row = next(x for x in lines if x.lstrip().startswith("novel_number"))
    assert row.split()[1:] == ["[hard]", "mine", "0.0", "0/2", "100.0", "2/2"]
    led = json.loads(out.read_text())["ledger"]
    assert "mine" in json.dumps(led)
    r = cli("meta-eval", str(p), "--no-cache", "--no-ledger")
    assert r.returncode == 0 and "precision ledger" not in r.stdout
