"""Presets of the ``nli`` backend for the known fact-checkers, each on a tiny randomly
initialised model of the real architecture that the test builds and saves to tmp_path:
MiniCheck-Flan-T5 (T5ForConditionalGeneration), MiniCheck-RoBERTa / -DeBERTa-v3 and
FactCG (RoBERTa and DeBERTa-v2 sequence classifiers), HHEM-2.1-Open (its T5 head,
saved with transformers-4 and current key names), and the generic MNLI preset."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evalharness.core.config import build_dataclass
from evalharness.errors import ConfigError, ScorerError
from evalharness.core.results import ItemScore, ScoreItem
from evalharness.scorers.support import SupportOptions, SupportScorer
from evalharness.scorers.support.backends.presets import FACTCG_TEMPLATE, PRESETS
from evalharness.scorers.text import split_claims, split_sentences

pytestmark = pytest.mark.slow

SOURCE = ("The council approved the new bridge on Monday. Construction will cost 40 million euros. "
          "The mayor said work starts in May. The river bank was closed for the work.")
SUMMARY = "The council approved the new bridge. Construction will cost 90 million euros."
WORDS = sorted(set(re.findall(r"\w+|[^\w\s]", SOURCE + " " + SUMMARY + " predict Determine if the hypothesis is "
                                                                       "true given premise Premise Hypothesis ? "
                                                                       "Choose your answer based on paragraph "
                                                                       "above can we conclude that \" OPTIONS - "
                                                                       "Yes No I think")))


def tokenizer(folder: Path, specials: dict, single: str, pair: str | None, extra=("0", "1"), max_len=4096):
    """A word-level fast tokenizer with the given special tokens and templates."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast
    vocab = {t: i for i, t in enumerate(list(dict.fromkeys(list(specials.values()) + list(extra) + WORDS)))}
    tok = Tokenizer(models.WordLevel(vocab, unk_token=specials["unk_token"]))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    ids = {v: vocab[v] for v in specials.values()}
    spec = [(t, ids[t]) for t in dict.fromkeys(re.findall(r"<[^>]+>|\[[A-Z]+\]", single + " " + (pair or "")))]
    tok.post_processor = processors.TemplateProcessing(single=single, pair=pair or single, special_tokens=spec)
    PreTrainedTokenizerFast(tokenizer_object=tok, model_max_length=max_len, **specials).save_pretrained(folder)
    return len(vocab)


def t5_seq2seq(folder: Path) -> str:
    import torch
    from transformers import T5Config, T5ForConditionalGeneration
    n = tokenizer(folder, {"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"}, "$A </s>", "$A </s> $B </s>")
    torch.manual_seed(0)
    cfg = T5Config(vocab_size=n, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2, num_heads=4,
                   feed_forward_proj="gated-gelu", decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    T5ForConditionalGeneration(cfg).save_pretrained(folder)
    return str(folder)


def roberta(folder: Path) -> str:
    import torch
    from transformers import RobertaConfig, RobertaForSequenceClassification
    n = tokenizer(folder, {"bos_token": "<s>", "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"},
                  "<s> $A </s>", "<s> $A </s> </s> $B </s>", max_len=512)
    torch.manual_seed(1)
    cfg = RobertaConfig(vocab_size=n, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=514, pad_token_id=2, num_labels=2)
    RobertaForSequenceClassification(cfg).save_pretrained(folder)
    return str(folder)


def deberta(folder: Path, seed: int = 2, id2label: dict | None = None) -> str:
    import torch
    from transformers import DebertaV2Config, DebertaV2ForSequenceClassification
    n = tokenizer(folder, {"cls_token": "[CLS]", "sep_token": "[SEP]", "eos_token": "[SEP]", "pad_token": "[PAD]",
                           "unk_token": "[UNK]"}, "[CLS] $A [SEP]", "[CLS] $A [SEP] $B [SEP]")
    torch.manual_seed(seed)
    cfg = DebertaV2Config(vocab_size=n, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                          intermediate_size=64, max_position_embeddings=512, relative_attention=True,
                          position_buckets=64, pos_att_type=["p2c", "c2p"], position_biased_input=False,
                          pad_token_id=2, num_labels=len(id2label or (0, 1)),
                          **({"id2label": id2label, "label2id": {v: k for k, v in id2label.items()}} if id2label else {}))
    DebertaV2ForSequenceClassification(cfg).save_pretrained(folder)
    return str(folder)


def hhem(folder: Path, tok_folder: Path, keys: str) -> str:
    """HHEM-2.1-Open's layout: config.json (model_type HHEMv2, foundation, prompt) and the
    weights of HHEMv2ForSequenceClassification, whose T5ForTokenClassification is ``self.t5``."""
    import torch
    from safetensors.torch import save_file
    from transformers import T5Config, T5ForTokenClassification
    folder.mkdir(parents=True, exist_ok=True)
    n = tokenizer(tok_folder, {"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"}, "$A </s>", "$A </s> $B </s>")
    torch.manual_seed(3)
    cfg = T5Config(vocab_size=n, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
                   feed_forward_proj="gated-gelu", num_labels=2, is_encoder_decoder=False)
    model = T5ForTokenClassification(cfg)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    if keys == "transformers4":  # as published: prefixed with t5., the tied embed_tokens not saved
        state = {f"t5.{k}": v for k, v in state.items() if k != "transformer.encoder.embed_tokens.weight"}
    else:  # current names, the embedding under encoder.embed_tokens only
        state = {k: v for k, v in state.items() if k != "transformer.shared.weight"}
    save_file(state, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps({
        "architectures": ["HHEMv2ForSequenceClassification"], "model_type": "HHEMv2", "foundation": str(tok_folder),
        "prompt": "<pad> Determine if the hypothesis is true given the premise?\n\nPremise: {text1}\n\n"
                  "Hypothesis: {text2}"}))
    torch.save(model.state_dict(), folder.parent / f"{folder.name}-reference.pt")
    return str(folder)


@pytest.fixture(scope="module")
def checkers(tmp_path_factory):
    base = tmp_path_factory.mktemp("checkers")
    return {
        "minicheck-flan-t5-large": t5_seq2seq(base / "t5"),
        "minicheck-roberta-large": roberta(base / "roberta"),
        "minicheck-deberta-v3-large": deberta(base / "deberta"),
        "factcg-deberta-v3-large": deberta(base / "factcg", seed=4),
        "hhem-2.1-open": hhem(base / "hhem", base / "flan-tok", "transformers4"),
        "hhem-current": hhem(base / "hhem-current", base / "flan-tok", "current"),
        "mnli": deberta(base / "mnli3", seed=5, id2label={0: "entailment", 1: "neutral", 2: "contradiction"}),
    }


def make(preset: str, model: str, **kw) -> SupportScorer:
    nli = {"preset": preset, "model": model, **kw.pop("nli", {})}
    return SupportScorer(build_dataclass(SupportOptions, {"backend": "nli", "device": "cpu", "nli": nli, **kw},
                                         "scorers.support"))


EXPECTED_INPUT = {  # what each checker's published code feeds its model, for chunk "C." and claim "K."
    "minicheck-flan-t5-large": ("predict: C.</s>K.", None),
    "minicheck-roberta-large": ("C.</s>K.", None),
    "minicheck-deberta-v3-large": ("C.[SEP]K.", None),
    "factcg-deberta-v3-large": ("C.\n\nChoose your answer: based on the paragraph above can we conclude that "
                                "\"K.\"?\n\nOPTIONS:\n- Yes\n- No\nI think the answer is ", None),
    "hhem-2.1-open": ("<pad> Determine if the hypothesis is true given the premise?\n\nPremise: C.\n\n"
                      "Hypothesis: K.", None),
    "mnli": ("C.", "K."),
}
PRESET_NAMES = list(EXPECTED_INPUT)


def test_every_preset_is_covered():
    assert sorted(PRESETS) == sorted(PRESET_NAMES)
    assert FACTCG_TEMPLATE.format(chunk="C.", claim="K.") == EXPECTED_INPUT["factcg-deberta-v3-large"][0]


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_preset_loads_by_path_builds_the_published_input_and_scores_probabilities(preset, checkers):
    sc = make(preset, checkers[preset], threshold=1.0)  # nothing reaches 1.0: every claim is flagged
    backend = sc.backend()
    [res] = sc.score_batch([ScoreItem("c", "s", SOURCE, SUMMARY)])
    assert isinstance(res, ItemScore), res
    assert backend.model_input("C.", "K.") == EXPECTED_INPUT[preset]
    assert len(res.claims) == 2
    for c in res.claims:
        assert 0.0 <= c.score <= 1.0 and not c.supported and c.verdict in ("unsupported", "contradicted")
        # evidence is the best chunk narrowed to its best sentence(s), and slices to its text
        assert SOURCE[c.evidence.start:c.evidence.end] == c.evidence.text
        assert any(s.start == c.evidence.start for s in split_sentences(SOURCE))
        assert len(split_sentences(c.evidence.text)) <= 2
        for s in c.unsupported_spans:
            assert SUMMARY[s.start:s.end] == s.text
    # the offending words come from the detector's checks against that evidence: the number
    cost = res.claims[1]
    assert cost.evidence.text == "Construction will cost 40 million euros."
    assert [s.text for s in cost.unsupported_spans] == ["90"]
    assert f"preset:{preset}" in sc.signature()


def direct_support(preset: str, folder: str, chunk: str, claim: str) -> float:
    """P(supported) computed here the way the checker's published code does it."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoModelForSequenceClassification, AutoTokenizer
    with torch.no_grad():
        if preset == "minicheck-flan-t5-large":
            tok = AutoTokenizer.from_pretrained(folder)
            model = AutoModelForSeq2SeqLM.from_pretrained(folder).eval()
            enc = tok(["predict: " + chunk + tok.eos_token + claim], return_tensors="pt")
            logits = model(**enc, decoder_input_ids=torch.zeros((1, 1), dtype=torch.long)).logits.squeeze(1)
            ids = [tok.convert_tokens_to_ids("0"), tok.convert_tokens_to_ids("1")]
            return torch.softmax(logits[:, ids], -1)[0, 1].item()
        if preset == "hhem-2.1-open":
            from transformers import T5Config, T5ForTokenClassification
            tok = AutoTokenizer.from_pretrained(Path(folder).parent / "flan-tok")
            state = torch.load(Path(folder).parent / "hhem-reference.pt", weights_only=True)
            cfg = T5Config(vocab_size=state["transformer.shared.weight"].shape[0], d_model=32, d_kv=8, d_ff=64,
                           num_layers=2, num_heads=4, feed_forward_proj="gated-gelu", num_labels=2,
                           is_encoder_decoder=False)
            model = T5ForTokenClassification(cfg).eval()
            model.load_state_dict(state)
            prompt = "<pad> Determine if the hypothesis is true given the premise?\n\nPremise: {text1}\n\nHypothesis: {text2}"
            enc = tok([prompt.format(text1=chunk, text2=claim)], return_tensors="pt")
            return torch.softmax(model(**enc).logits[:, 0, :], -1)[0, 1].item()
        tok = AutoTokenizer.from_pretrained(folder)
        model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
        text = (FACTCG_TEMPLATE.format(chunk=chunk, claim=claim) if preset.startswith("factcg")
                else chunk + tok.eos_token + claim)
        return torch.softmax(model(**tok([text], return_tensors="pt")).logits, -1)[0, 1].item()


@pytest.mark.parametrize("preset", [p for p in PRESET_NAMES if p != "mnli"])
def test_scores_are_what_the_published_code_computes(preset, checkers):
    [res] = make(preset, checkers[preset]).score_batch([ScoreItem("c", "s", SOURCE, SUMMARY)])
    for c in res.claims:  # the source is one chunk for every preset here
        assert c.score == pytest.approx(direct_support(preset, checkers[preset], SOURCE, c.text), abs=1e-5)


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_batched_equals_one_by_one(preset, checkers):
    items = [ScoreItem(f"c{i}", "s", SOURCE, s) for i, s in enumerate(
        [SUMMARY, "The mayor said work starts in May.", "The river bank was closed on Monday."])]
    together = make(preset, checkers[preset]).score_batch(items)
    one = make(preset, checkers[preset], batch_size=1)
    alone = [one.score_batch([it])[0] for it in items]
    for t, a in zip(together, alone):
        assert [c.verdict for c in t.claims] == [c.verdict for c in a.claims]
        assert [c.evidence for c in t.claims] == [c.evidence for c in a.claims]
        assert [c.score for c in t.claims] == pytest.approx([c.score for c in a.claims], abs=1e-5)


LONG = " ".join(f"The council approved the new bridge on Monday number {i}." for i in range(120))  # ~1100 words


@pytest.mark.parametrize("preset, limit", [("minicheck-flan-t5-large", ("words", 500)),
                                           ("minicheck-roberta-large", ("tokens", 400)),
                                           ("minicheck-deberta-v3-large", ("tokens", 400)),
                                           ("factcg-deberta-v3-large", ("word-tokens", 550))])
def test_long_sources_are_chunked_at_sentences_with_every_token_covered(preset, limit, checkers):
    backend = make(preset, checkers[preset]).backend()
    claim = "The council approved the new bridge."
    windows = backend._windows_for(LONG, backend.count(claim))
    assert len(windows) >= 2
    unit, size = limit
    from evalharness.scorers.support.backends.claim_evidence import word_count, word_token_count
    count = {"words": word_count, "word-tokens": word_token_count, "tokens": backend.count}[unit]
    for w in windows:
        assert LONG[w.start:w.end] == w.text and count(w.text) <= size
        assert len(backend.tokenizer(*backend.model_input(w.text, claim))["input_ids"]) <= backend.max_length
    sents = split_sentences(LONG)
    for s in sents:  # every sentence whole in some chunk, so every token is covered
        assert any(w.start <= s.start and s.end <= w.end for w in windows), s
    starts = {s.start for s in sents}
    assert all(w.start in starts for w in windows)  # chunks begin at sentences
    [res] = make(preset, checkers[preset]).score_batch([ScoreItem("c", "s", LONG, claim + " It cost 90 euros.")])
    assert isinstance(res, ItemScore)
    for c in res.claims:
        assert LONG[c.evidence.start:c.evidence.end] == c.evidence.text


def test_hhem_loads_both_key_generations_without_remote_code(checkers):
    item = ScoreItem("c", "s", SOURCE, SUMMARY)
    [old] = make("hhem-2.1-open", checkers["hhem-2.1-open"]).score_batch([item])
    [new] = make("hhem-2.1-open", checkers["hhem-current"]).score_batch([item])
    assert [c.score for c in old.claims] == pytest.approx([c.score for c in new.claims], abs=1e-6)
    cfg = json.loads((Path(checkers["hhem-2.1-open"]) / "config.json").read_text())
    assert "auto_map" not in cfg  # nothing to run remotely; the head is evalharness's own


def test_an_hhem_folder_without_the_preset_says_which_preset(checkers):
    [res] = make(None, checkers["hhem-2.1-open"]).score_batch([ScoreItem("c", "s", SOURCE, SUMMARY)])
    assert isinstance(res, ScorerError) and "set nli.preset: hhem-2.1-open" in str(res)


def test_a_failing_checker_never_yields_supported(checkers, tmp_path):
    broken = Path(tmp_path / "broken")
    broken.mkdir()
    (broken / "config.json").write_text(json.dumps({"model_type": "HHEMv2"}))
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    items = [ScoreItem("a", "s", SOURCE, SUMMARY), ScoreItem("b", "s", SOURCE, "The mayor said work starts in May.")]
    res = make("hhem-2.1-open", str(broken), nli={"tokenizer": checkers["hhem-2.1-open"] + "/../flan-tok"}
               ).score_batch(items)
    assert all(isinstance(r, ScorerError) and "backend 'nli'" in str(r) for r in res)
    assert [r.case_id for r in res] == ["a", "b"]


def test_preset_options_are_validated_without_loading():
    with pytest.raises(ConfigError, match="fixes the label mapping"):
        build_dataclass(SupportOptions, {"backend": "nli", "nli": {"model": "m", "preset": "minicheck-roberta-large",
                                                                   "labels": {"supported": 1, "unsupported": 0}}},
                        "scorers.support")
    with pytest.raises(ConfigError, match="unknown|must be one of|did you mean"):
        build_dataclass(SupportOptions, {"backend": "nli", "nli": {"model": "m", "preset": "minicheck-t5"}},
                        "scorers.support")
