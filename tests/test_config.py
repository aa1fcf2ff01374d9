import pytest

from evalharness.core.config import GateRule, load_config
from evalharness.errors import ConfigError
from evalharness.scorers.bertscore import BertScoreOptions


def test_default_config_loads(root):
    cfg = load_config(root / "configs" / "default.yaml")
    assert [s.name for s in cfg.scorers] == ["rouge", "bertscore", "support"]
    assert cfg.scorer("bertscore").options == BertScoreOptions(num_layers=6)
    assert cfg.gate == (GateRule("support.supported_rate", min=0.5, systems=("model-a",)),)
    assert cfg.bootstrap.seed == 12345


def test_scorer_list_form_and_defaults(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("scorers: [rouge, support]\n")
    cfg = load_config(p)
    assert [s.name for s in cfg.scorers] == ["rouge", "support"]
    assert cfg.gate == () and cfg.run.cache is True


@pytest.mark.parametrize("text, message", [
    ("scorers:\n  rouge:\n    use_stemer: true\n",
     "{p}:3: field 'scorers.rouge.use_stemer': unknown option 'use_stemer' (did you mean 'use_stemmer'?)"),
    ("scorers: {rouge: {}}\ngate:\n  rules:\n    - metric: rouge.rogue1\n      min: 0.1\n",
     "{p}:4: field 'gate.rules[0].metric': unknown metric 'rouge.rogue1' (did you mean 'rouge.rouge1'?)"),
    ("scorers: {rouge: {}}\ngate:\n  rules:\n    - metric: rouge.rouge1\n      min: high\n",
     "{p}:5: field 'gate.rules[0].min': must be a number, got text 'high'"),
    ("scorers: {rouge: {}}\ngate:\n  rules:\n    - {metric: rouge.rouge1, min: 0.6, max: 0.4}\n",
     "{p}:4: field 'gate.rules[0].min': contradictory thresholds: min 0.6 is above max 0.4"),
    ("scorers: {support: {threshold: 2}}\n",
     "{p}:1: field 'scorers.support.threshold': must be between 0 and 1, got 2"),
    ("scorers: {rouge: {}}\nbootstrap: {resamples: many}\n",
     "{p}:2: field 'bootstrap.resamples': must be a whole number, got text 'many'"),
    ("scorer: {rouge: {}}\n", "{p}:1: field 'scorer': unknown key 'scorer' (did you mean 'scorers'?)"),
])
def test_config_errors_name_file_line_field(tmp_path, text, message):
    p = tmp_path / "c.yaml"
    p.write_text(text)
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert str(e.value) == message.format(p=p)


def test_missing_local_model_folder_is_caught_by_validate(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("scorers:\n  bertscore:\n    model: ./no/such/model\n")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert str(e.value) == f"{p}:3: field 'scorers.bertscore.model': model folder './no/such/model' does not exist"


def test_a_report_records_its_config_typed_and_writes_it_back_unchanged(tmp_path):
    """Report.config is parsed once: the per-item rules and the compare section are typed,
    and the JSON written back is the JSON the run recorded."""
    import json

    from evalharness.core.config import CompareConfig, GateRule, NewFlagsRule, RecordedConfig, RegressionRule
    from evalharness.core.report import Report
    from tests.helpers.report_factory import make_report
    raw = {"file": "c.yaml", "gate": [{"metric": "rouge.rouge1", "min": 0.2, "max": None, "systems": ["a"],
                                       "on": "every"}],
           "compare": {"alpha": 0.1, "resamples": 200, "seed": 7, "no_rules": False, "allow_missing_systems": [],
                       "rules": [{"metric": "rouge.rouge1", "max_drop": 0.05, "significant": False, "systems": None}],
                       "new_flags": {"max": 0, "systems": None, "checks": ["novel_number"]}, "pair": [["a", "b"]]}}
    report = make_report([], config=raw)
    assert isinstance(report.config, RecordedConfig)
    assert report.config.gate == (GateRule("rouge.rouge1", min=0.2, systems=("a",), on="every"),)
    assert report.config.compare == CompareConfig(
        alpha=0.1, resamples=200, seed=7, rules=(RegressionRule("rouge.rouge1", 0.05, False),),
        new_flags=NewFlagsRule(max=0, checks=("novel_number",)), pair=(("a", "b"),))
    back = json.loads(json.dumps(report.to_json()))
    assert back["config"] == raw and Report.from_json(back).config == report.config
