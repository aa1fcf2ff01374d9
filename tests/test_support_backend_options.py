"""Config of the support backends: nested sections validated without loading anything."""

from __future__ import annotations

import sys

import pytest

from evalharness.config import load_config


def write(tmp_path, body: str):
    path = tmp_path / "c.yaml"
    path.write_text("scorers:\n  support:\n" + body)
    return path


@pytest.mark.parametrize("body, message", [
    ("    backend: nli\n", "c.yaml:2: field 'scorers.support.nli': needs 'model' (a Hugging Face model id or local "
     "folder) when backend is nli"),
    ("    backend: nli\n    nli:\n      modle: x\n", "c.yaml:5: field 'scorers.support.nli.modle': unknown option "
     "'modle' (did you mean 'model'?)"),
    ("    backend: nly\n", "c.yaml:3: field 'scorers.support.backend': must be one of embedding, nli, llm, ensemble, "
     "got 'nly' (did you mean 'nli'?)"),
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
