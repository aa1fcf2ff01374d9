"""Config of the support backends: nested sections validated without loading anything."""

from __future__ import annotations

import sys

import pytest

from evalharness.core.config import load_config


def write(tmp_path, body: str):
    path = tmp_path / "c.yaml"
    path.write_text("scorers:\n  support:\n" + body)
    return path


PRESET_LIST = ("mnli, minicheck-roberta-large, minicheck-deberta-v3-large, minicheck-flan-t5-large, "
               "factcg-deberta-v3-large, hhem-2.1-open")


@pytest.mark.parametrize("body, message", [
    ("    backend: nli\n", "c.yaml:2: field 'scorers.support.nli': needs 'model' (a Hugging Face model id or local "
     "folder) when backend is nli"),
    ("    backend: nli\n    nli:\n      modle: x\n", "c.yaml:5: field 'scorers.support.nli.modle': unknown option "
     "'modle' (did you mean 'model'?)"),
    ("    backend: nly\n", "c.yaml:3: field 'scorers.support.backend': must be one of embedding, nli, llm, ensemble, "
     "cascade, got 'nly' (did you mean 'nli'?)"),
    ("    backend: nli\n    nli:\n      model: m\n      preset: minicheck-flan-t5-larg\n",
     "c.yaml:6: field 'scorers.support.nli.preset': unknown preset 'minicheck-flan-t5-larg' (did you mean "
     "'minicheck-flan-t5-large'?); presets are " + PRESET_LIST),
    ("    backend: nli\n    nli:\n      model: m\n      preset: hhem\n",
     "c.yaml:6: field 'scorers.support.nli.preset': unknown preset 'hhem' (did you mean 'hhem-2.1-open'?); "
     "presets are " + PRESET_LIST),
    ("    backend: nli\n    nli:\n      model: m\n      preset: factcg-roberta\n",
     "c.yaml:6: field 'scorers.support.nli.preset': unknown preset 'factcg-roberta' (did you mean "
     "'factcg-deberta-v3-large'?); presets are " + PRESET_LIST),
    ("    backend: nli\n    nli:\n      model: m\n      preset: minicheck-deberta\n",
     "c.yaml:6: field 'scorers.support.nli.preset': unknown preset 'minicheck-deberta' (did you mean "
     "'minicheck-deberta-v3-large'?); presets are " + PRESET_LIST),
    ("    backend: cascade\n", "c.yaml:2: field 'scorers.support.cascade': needs 'judge' (nli or llm, configured "
     "in its own section) when backend is cascade"),
    ("    backend: cascade\n    cascade: {judge: nli}\n", "c.yaml:2: field 'scorers.support.nli': needs 'model' "
     "(a Hugging Face model id or local folder) when nli is the cascade's judge"),
    ("    backend: cascade\n    cascade: {judge: nli, band: [0.7, 0.2]}\n    nli: {model: m}\n",
     "c.yaml:4: field 'scorers.support.cascade.band': must satisfy 0 <= low <= high <= 1, got [0.7, 0.2]"),
    ("    backend: cascade\n    cascade: {judge: nil}\n",
     "c.yaml:4: field 'scorers.support.cascade.judge': must be one of nli, llm, got 'nil' (did you mean 'nli'?)"),
    ("    backend: nli\n    nli:\n      model: x\n      labels: {entailment: 0, supported: 1}\n",
     "c.yaml:6: field 'scorers.support.nli.labels': mix of schemes: use entailment/neutral/contradiction, or "
     "supported/unsupported"),
    ("    backend: nli\n    nli:\n      model: x\n      labels: {entailed: 0}\n",
     "c.yaml:6: field 'scorers.support.nli.labels': unknown role 'entailed' (did you mean 'entailment'?); "
     "roles are entailment, neutral, contradiction, supported, unsupported"),
    ("    backend: llm\n    llm:\n      model: m\n", "c.yaml:4: field 'scorers.support.llm': needs 'base_url' (e.g. "
     "http://127.0.0.1:8080/v1) when backend is llm"),
    ("    backend: llm\n    llm:\n      base_url: http://h/v1\n      model: m\n      samples: 2\n",
     "c.yaml:7: field 'scorers.support.llm.samples': must be an odd number (1, 3, 5, ...) so that a majority "
     "exists, got 2"),
    ("    backend: llm\n    llm:\n      base_url: http://h/v1\n      model: m\n      api_key_env: sk-abc123\n",
     "c.yaml:7: field 'scorers.support.llm.api_key_env': must be the NAME of an environment variable that holds "
     "the key (e.g. OPENAI_API_KEY), never the key itself"),
    ("    backend: llm\n    llm:\n      base_url: localhost:8080\n      model: m\n",
     "c.yaml:5: field 'scorers.support.llm.base_url': must start with http:// or https:// and name a host, got "
     "'localhost:8080'"),
    ("    backend: llm\n    llm:\n      base_url: http://h/v1\n      model: m\n      timeout_s: fast\n",
     "c.yaml:7: field 'scorers.support.llm.timeout_s': must be a number, got text 'fast'"),
    ("    backend: ensemble\n    ensemble:\n      members: [nli]\n", "c.yaml:4: field 'scorers.support.ensemble': "
     "needs 'members' with at least two backends, e.g. [nli, llm]"),
    ("    backend: ensemble\n    ensemble:\n      members: [nli, lml]\n", "c.yaml:5: field "
     "'scorers.support.ensemble.members': unknown backend 'lml' (did you mean 'llm'?); members are embedding, "
     "nli, llm"),
    ("    backend: ensemble\n    ensemble:\n      members: [embedding, nli]\n", "c.yaml:2: field "
     "'scorers.support.nli': needs 'model' (a Hugging Face model id or local folder) when nli is an ensemble "
     "member"),
])
def test_broken_backend_configs(tmp_path, cli, root, body, message):
    path = write(tmp_path, body)
    r = cli("validate", str(root / "cases"), "--config", str(path))
    assert r.returncode == 2
    assert r.stderr.strip() == f"evalharness: error: {path.parent}/{message}"


def test_a_full_config_validates_without_importing_torch(tmp_path):
    before = "torch" in sys.modules
    path = write(tmp_path, "    backend: ensemble\n    ensemble: {members: [nli, llm], combine: mean}\n"
                           "    nli:\n      model: some-org/some-fact-checker\n      labels: {supported: 1, unsupported: 0}\n"
                           "    llm:\n      base_url: http://127.0.0.1:8080/v1\n      model: gemma\n"
                           "      api_key_env: JUDGE_KEY\n      samples: 3\n      temperature: 0.7\n")
    cfg = load_config(path)
    o = cfg.scorer("support").options
    assert (o.nli.labels, o.llm.samples, o.ensemble.members) == ({"supported": 1, "unsupported": 0}, 3,
                                                                   ("nli", "llm"))
    assert cfg.to_json()["scorers"]["support"]["llm"]["api_key_env"] == "JUDGE_KEY"
    if not before:
        assert "torch" not in sys.modules


def test_validate_knows_every_preset(tmp_path, cli, root):
    """Each preset the nli backend has is a value ``validate`` accepts, and nothing else is."""
    from evalharness.scorers.support.backends.presets import PRESETS
    assert ", ".join(PRESETS) == PRESET_LIST
    assert sorted(PRESETS) == sorted(["mnli", "minicheck-roberta-large", "minicheck-deberta-v3-large",
                                      "minicheck-flan-t5-large", "factcg-deberta-v3-large", "hhem-2.1-open"])
    for name in PRESETS:
        path = write(tmp_path, f"    backend: nli\n    nli: {{model: {PRESETS[name].example}, preset: {name}}}\n")
        r = cli("validate", str(root / "cases"), "--config", str(path))
        assert r.returncode == 0, (name, r.stderr)


def test_every_preset_names_its_published_model():
    from evalharness.scorers.support.backends.presets import PRESETS
    assert {n: p.example for n, p in PRESETS.items() if n != "mnli"} == {
        "minicheck-roberta-large": "lytang/MiniCheck-RoBERTa-Large",
        "minicheck-deberta-v3-large": "lytang/MiniCheck-DeBERTa-v3-Large",
        "minicheck-flan-t5-large": "lytang/MiniCheck-Flan-T5-Large",
        "factcg-deberta-v3-large": "yaxili96/FactCG-DeBERTa-v3-Large",
        "hhem-2.1-open": "vectara/hallucination_evaluation_model"}
