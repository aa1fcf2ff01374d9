"""The ``nli`` backend of ``support`` with tiny BERT classifiers the tests build themselves."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from evalharness.core.config import build_dataclass
from evalharness.errors import ScorerError
from evalharness.core.results import ItemScore, ScoreItem
from evalharness.scorers.support import SupportOptions, SupportScorer
from evalharness.scorers.support.backends.nli import resolve_labels
from evalharness.scorers.text import split_claims, split_sentences

WORDS = ("the a cat dog sat on mat ran to river bank money council approved bridge monday cost million euros mayor "
         "said work starts in may not was is and of new it . , 40 90").split()
NLI3 = {0: "entailment", 1: "neutral", 2: "contradiction"}

SOURCE = " ".join(f"The {a} sat on the {b} on Monday." for a, b in
                  [("cat", "mat"), ("dog", "bank"), ("mayor", "bridge"), ("council", "river")] * 6)
SUMMARY = "The cat sat on the mat. The dog ran to the bank, it was not the river. The council approved money."


def build_model(folder: Path, id2label: dict, *, bias: list[float] | None = None, seed: int = 0,
                head: bool = True, max_positions: int = 64) -> str:
    """A 2-layer BERT with a WordPiece tokenizer made from a small vocab file."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertForSequenceClassification, BertModel, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(dict.fromkeys(WORDS))
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    tok = Tokenizer(models.WordPiece.from_file(str(folder / "vocab.txt"), unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                            sep_token="[SEP]", mask_token="[MASK]",
                            model_max_length=max_positions).save_pretrained(folder)
    torch.manual_seed(seed)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=max_positions, num_labels=len(id2label),
                     id2label=dict(id2label), label2id={v: k for k, v in id2label.items()})
    model = BertForSequenceClassification(cfg) if head else BertModel(cfg)
    if bias is not None:
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.copy_(torch.tensor(bias))
    model.save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    base = tmp_path_factory.mktemp("nli-models")
    return {
        "nli3": build_model(base / "nli3", NLI3),
        "nli3-swapped": build_model(base / "swapped", {0: "contradiction", 1: "neutral", 2: "entailment"}),
        "generic2": build_model(base / "generic2", {0: "LABEL_0", 1: "LABEL_1"}, seed=1),
        "contra": build_model(base / "contra", NLI3, bias=[0.0, 0.0, 5.0]),
        "entail": build_model(base / "entail", NLI3, bias=[5.0, 0.0, 0.0]),
        "neutral": build_model(base / "neutral", NLI3, bias=[0.0, 5.0, 0.0]),
        "headless": build_model(base / "headless", NLI3, head=False),
    }


def make(model: str, **nli) -> SupportScorer:
    opts = build_dataclass(SupportOptions, {"backend": "nli", "nli": {"model": model, **nli}, "device": "cpu"},
                           "scorers.support")
    return SupportScorer(opts)


def direct_probs(model_dir: str, premise: str, hypothesis: str) -> list[float]:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    with torch.no_grad():
        logits = model(**tok(premise, hypothesis, return_tensors="pt")).logits
    return torch.softmax(logits, -1)[0].tolist()


# -- label mapping ---------------------------------------------------------------
def test_labels_from_the_model_config_three_way():
    lm = resolve_labels({"0": "ENTAILMENT", "1": "Neutral", "2": "CONTRADICTION"}, None, "m")
    assert (lm.support, lm.contradiction, lm.scheme) == (0, 2, "3-way")
    lm = resolve_labels({0: "contradiction", 1: "neutral", 2: "entailment"}, None, "m")
    assert (lm.support, lm.contradiction) == (2, 0)


def test_labels_from_the_model_config_two_way():
    lm = resolve_labels({0: "not_entailment", 1: "entailment"}, None, "m")
    assert (lm.support, lm.contradiction, lm.scheme) == (1, None, "2-way")
    lm = resolve_labels({0: "hallucinated", 1: "consistent"}, None, "m")
    assert (lm.support, lm.scheme) == (1, "2-way")


def test_labels_set_in_our_config_by_index_or_name():
    lm = resolve_labels({0: "LABEL_0", 1: "LABEL_1"}, {"supported": 1, "unsupported": 0}, "m")
    assert (lm.support, lm.contradiction, lm.scheme) == (1, None, "2-way")
    lm = resolve_labels({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"},
                        {"entailment": "LABEL_2", "neutral": "LABEL_1", "contradiction": "LABEL_0"}, "m")
    assert (lm.support, lm.contradiction) == (2, 0)


@pytest.mark.parametrize("id2label, configured, message", [
    ({0: "LABEL_0", 1: "LABEL_1"}, None, "cannot resolve the label mapping of model 'm' from its config "
     "(classes: 0=LABEL_0, 1=LABEL_1); set scorers.support.nli.labels"),
    ({0: "LABEL_0", 1: "LABEL_1"}, {"supported": 2, "unsupported": 0}, "labels.supported = 2, but model 'm' has "
     "only 2 classes"),
    ({0: "a", 1: "b", 2: "c"}, {"supported": 0, "unsupported": 1}, "class(es) 2=c of model 'm' are not mapped"),
    ({0: "a", 1: "b"}, {"supported": "yes", "unsupported": "b"}, "labels.supported = 'yes' is not a label"),
    ({0: "entailment", 1: "entailment"}, None, "cannot resolve"),
])
def test_unresolvable_label_mappings(id2label, configured, message):
    with pytest.raises(ScorerError, match="backend 'nli'") as exc:
        resolve_labels(id2label, configured, "m")
    assert message in str(exc.value)


# -- scoring with real (tiny) models ------------------------------------------------
@pytest.mark.slow
def test_load_by_path_and_score_is_the_best_window(models):
    sc = make(models["nli3"])
    backend = sc.backend()
    [res] = sc.score_batch([ScoreItem("c", "s", SOURCE, SUMMARY)])
    assert isinstance(res, ItemScore) and len(res.claims) == 3
    longest = max(backend.count(c.text) for c in split_claims(SUMMARY))
    windows = backend._windows_for(SOURCE, longest)
    assert len(windows) > 1  # the source does not fit the 64-token model in one piece
    for claim in res.claims:
        probs = [direct_probs(models["nli3"], w.text, claim.text) for w in windows]
        best = max(range(len(windows)), key=lambda i: probs[i][0])
        assert claim.score == pytest.approx(probs[best][0], abs=1e-5)
        if claim.supported:
            assert claim.evidence == windows[best]
        assert SOURCE[claim.evidence.start:claim.evidence.end] == claim.evidence.text
    assert "backend:nli" in sc.signature() and "labels:from-model" in sc.signature()


@pytest.mark.slow
def test_long_source_windows_drop_no_text_and_fit_the_model(models):
    from transformers import AutoTokenizer
    backend = make(models["nli3"]).backend()
    claim = "The dog ran to the bank, it was not the river."
    windows = backend._windows_for(SOURCE, backend.count(claim))
    tok = AutoTokenizer.from_pretrained(models["nli3"])
    for w in windows:
        assert SOURCE[w.start:w.end] == w.text
        assert len(tok(w.text, claim)["input_ids"]) <= 64
    for sent in split_sentences(SOURCE):
        assert any(w.start <= sent.start and sent.end <= w.end for w in windows), sent
    assert all(a.end > b.start for a, b in zip(windows, windows[1:]))  # consecutive windows overlap


@pytest.mark.slow
def test_label_mapping_both_ways_changes_which_class_is_support(models):
    item = ScoreItem("c", "s", "The cat sat on the mat.", "The cat sat on the mat.")
    [a] = make(models["nli3"]).score_batch([item])
    [b] = make(models["nli3-swapped"]).score_batch([item])
    pa = direct_probs(models["nli3"], item.source, item.summary)
    pb = direct_probs(models["nli3-swapped"], item.source, item.summary)
    assert a.claims[0].score == pytest.approx(pa[0], abs=1e-5)
    assert b.claims[0].score == pytest.approx(pb[2], abs=1e-5)  # entailment is class 2 there
    [g] = make(models["generic2"], labels={"supported": 1, "unsupported": 0}).score_batch([item])
    pg = direct_probs(models["generic2"], item.source, item.summary)
    assert g.claims[0].score == pytest.approx(pg[1], abs=1e-5)
    assert "contradicted_claims" in g.not_applicable  # a two-way model cannot tell contradiction


@pytest.mark.slow
def test_contradiction_is_reported_apart_from_not_supported(models):
    item = ScoreItem("c", "s", SOURCE, SUMMARY)
    e5 = math.exp(5)
    [contra] = make(models["contra"]).score_batch([item])
    assert [c.verdict for c in contra.claims] == ["contradicted"] * 3
    assert contra.claims[0].score == pytest.approx(round(1 / (2 + e5), 6), abs=1e-6)
    assert contra.scores["contradicted_claims"] == 3.0 and contra.scores["supported_rate"] == 0.0
    [neutral] = make(models["neutral"]).score_batch([item])
    assert [c.verdict for c in neutral.claims] == ["unsupported"] * 3
    assert neutral.scores["contradicted_claims"] == 0.0
    [entail] = make(models["entail"]).score_batch([item])
    assert [c.verdict for c in entail.claims] == ["supported"] * 3
    assert entail.claims[0].score == pytest.approx(round(e5 / (2 + e5), 6), abs=1e-6)
    # the offending words of an unsupported claim are the ones absent from its evidence window
    flagged = neutral.claims[1]
    assert all(SUMMARY[s.start:s.end] == s.text for s in flagged.unsupported_spans)


@pytest.mark.slow
def test_batched_equals_one_by_one(models):
    items = [ScoreItem(f"c{i}", "s", SOURCE, s) for i, s in enumerate(
        [SUMMARY, "The mayor said work starts in May.", "The cat ran to the river bank with money."])]
    together = make(models["nli3"]).score_batch(items)
    sc = SupportScorer(build_dataclass(SupportOptions, {"backend": "nli", "nli": {"model": models["nli3"]},
                                                        "batch_size": 1, "device": "cpu"}, "scorers.support"))
    alone = [sc.score_batch([it])[0] for it in items]
    for t, a in zip(together, alone):
        assert [c.verdict for c in t.claims] == [c.verdict for c in a.claims]
        assert [c.evidence for c in t.claims] == [c.evidence for c in a.claims]
        for ct, ca in zip(t.claims, a.claims):
            assert ct.score == pytest.approx(ca.score, abs=1e-5)


@pytest.mark.slow
def test_a_checkpoint_without_a_classification_head_is_refused(models):
    [res] = make(models["headless"]).score_batch([ScoreItem("c", "s", SOURCE, SUMMARY)])
    assert isinstance(res, ScorerError)
    assert "has no trained sequence-classification head" in str(res) and "case 'c'" in str(res)


@pytest.mark.slow
def test_cli_exits_3_when_the_label_mapping_cannot_be_resolved(cli, tmp_path, models, root):
    cfg = tmp_path / "nli.yaml"
    cfg.write_text(json.dumps({"scorers": {"support": {"backend": "nli", "nli": {"model": models["generic2"]}}}}))
    r = cli("run", str(root / "cases" / "kursk-truce.yaml"), "--config", str(cfg), "--out", str(tmp_path / "o"))
    assert r.returncode == 3, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "backend 'nli': cannot resolve the label mapping" in r.stdout
    assert "case 'kursk-truce'" in r.stdout


@pytest.mark.slow
def test_cli_run_with_the_nli_backend(cli, tmp_path, models, root):
    cfg = tmp_path / "nli.yaml"
    cfg.write_text(json.dumps({"scorers": {"support": {"backend": "nli", "nli": {"model": models["nli3"]}}}}))
    r = cli("run", str(root / "cases" / "kursk-truce.yaml"), "--config", str(cfg), "--out", str(tmp_path / "o"))
    assert r.returncode in (0, 1), r.stdout + r.stderr
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert "backend:nli" in report["signatures"]["support"]
    for case in report["cases"]:
        for cand in case["candidates"]:
            assert not cand["errors"]
            assert cand["claims"] and all(c["verdict"] in ("supported", "unsupported", "contradicted")
                                          for c in cand["claims"])
            for c in cand["claims"]:
                assert case["source"][c["evidence"]["start"]:c["evidence"]["end"]] == c["evidence"]["text"]


def test_validate_does_not_load_the_model(cli, tmp_path, root):
    cfg = tmp_path / "nli.yaml"
    cfg.write_text("scorers:\n  support:\n    backend: nli\n    nli:\n      model: no-such-org/no-such-nli-model\n")
    r = cli("validate", str(root / "cases"), "--config", str(cfg), env={"HF_HUB_OFFLINE": "1"})
    assert r.returncode == 0, r.stderr
    cfg.write_text("scorers:\n  support:\n    backend: nli\n    nli:\n      model: /no/such/model\n")
    r = cli("validate", str(root / "cases"), "--config", str(cfg))
    assert r.returncode == 2
    assert r.stderr.strip() == (f"evalharness: error: {cfg}:5: field 'scorers.support.nli.model': model folder "
                                "'/no/such/model' does not exist")


@pytest.mark.slow
def test_meta_eval_with_the_nli_backend(cli, tmp_path, models):
    rows = [{"id": f"r{i}", "dataset": "toy", "source": SOURCE, "summary": s, "label": i % 2}
            for i, s in enumerate([SUMMARY, "The mayor said work starts in May.", "The cat sat on the mat.",
                                   "The dog ran to the river bank.", "The council approved money.",
                                   "It was not the bridge."])]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = tmp_path / "nli.yaml"
    cfg.write_text(json.dumps({"scorers": {"support": {"backend": "nli", "nli": {"model": models["nli3"]}}}}))
    r = cli("meta-eval", str(path), "--config", str(cfg), "--json", str(tmp_path / "m.json"))
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "m.json").read_text())
    assert "backend:nli" in data["scorer"] and data["datasets"]["toy"]["n"] == 6
    auc = data["datasets"]["toy"]["auc"]
    assert 0.0 <= auc <= 1.0


@pytest.mark.slow
def test_meta_eval_exits_3_when_the_nli_labels_cannot_be_resolved(cli, tmp_path, models):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": "r0", "dataset": "toy", "source": SOURCE, "summary": SUMMARY, "label": 1})
                    + "\n")
    cfg = tmp_path / "nli.yaml"
    cfg.write_text(json.dumps({"scorers": {"support": {"backend": "nli", "nli": {"model": models["generic2"]}}}}))
    r = cli("meta-eval", str(path), "--config", str(cfg))
    assert r.returncode == 3, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "backend 'nli': cannot resolve the label mapping" in r.stderr and "case 'r0'" in r.stderr
