"""The ``llm`` backend's yes/no judge mode (``llm: {mode: yes-no}``).

One request per (claim, source chunk, sample); the model answers one word, Yes or No.
This is how Bespoke-MiniCheck-7B is called (its code, MiniCheck's minicheck/utils.py
and inference.py LLMCheck: the system prompt below, "Document: ...\\nClaim: ...", one
output token, P(Yes) summed over the top log-probabilities, the best chunk's P(Yes)
is the claim's), and a format a 270M model can follow where it cannot write JSON.

- P(Yes) is read from the reply's log-probabilities when the server returns them
  (OpenAI ``logprobs``/``top_logprobs``, as llama.cpp and vLLM do; the older
  completions shape too), normalised over the Yes and No mass; else from the text.
- The answer is constrained where the server can: a GBNF ``grammar`` (llama.cpp) and
  ``guided_choice`` (vLLM); a server that refuses them gets plain requests.
- An answer that is not Yes or No (e.g. "Maybe") is sent back with a one-line
  correction per retry; still invalid, the claim gets verdict "error" and its summary
  fails. A failing server fails the summary. Nothing unanswered counts as supported.
- At temperature 0 a sample's verdict is P(Yes) >= threshold; above 0, the drawn
  answer (so several samples measure agreement); the score is the mean P(Yes).
"""

from __future__ import annotations

import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Sequence

from ....core.results import Claim, ScoreItem, Span, Verdict
from ...text import split_claims
from ..types import ItemError, Judged
from ..windows import make_windows
from .transport import ItemFailed
from .claim_evidence import narrow_evidence, offending_words, word_count

PROMPT_VERSION = "minicheck-yes-no-v1"

# verbatim from MiniCheck's minicheck/utils.py (SYSTEM_PROMPT, USER_PROMPT), as Bespoke-MiniCheck-7B was trained
SYSTEM_PROMPT = ("Determine whether the provided claim is consistent with the corresponding document. Consistency "
                 "in this context implies that all information presented in the claim is substantiated by the "
                 "document. If not, it should be considered inconsistent. Please assess the claim's consistency "
                 "with the document by responding with either \"Yes\" or \"No\".")
USER_PROMPT = "Document: {document}\nClaim: {claim}"
GRAMMAR = 'root ::= "Yes" | "No"'
REPAIR = "Answer with exactly one word: Yes or No."
ANSWER_TOKENS = 3   # "Yes" is one token for most vocabularies; room for a leading space or a full stop


def build_messages(document: str, claim: str, instructions_in: str = "system") -> list[dict]:
    user = USER_PROMPT.format(document=document, claim=claim)
    if instructions_in == "user":  # chat formats without a system role (Gemma) would drop it
        return [{"role": "user", "content": SYSTEM_PROMPT + "\n\n" + user}]
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def request_fields(mode: str, logprobs: bool) -> dict:
    """What a yes/no request adds to the chat-completions payload."""
    out: dict = {"max_tokens": ANSWER_TOKENS}
    if logprobs:
        out.update({"logprobs": True, "top_logprobs": 5})
    if mode == "grammar":
        out.update({"grammar": GRAMMAR, "guided_choice": ["Yes", "No"]})
    return out


def answer_word(content) -> str | None:
    """'yes' or 'no' when the reply is that word (case, spaces, quotes and a full stop aside)."""
    if not isinstance(content, str):
        return None
    m = re.match(r"^[\s\"'*]*(yes|no)\b[\s.!\"'*]*$", content, flags=re.IGNORECASE)
    return m.group(1).lower() if m else None


def _top_alternatives(logprobs) -> list[tuple[str, float]] | None:
    """(token, logprob) alternatives at the first non-blank answer token, in either the
    chat shape ({"content": [{"token", "top_logprobs": [...]}]}) or the completions
    shape ({"tokens": [...], "top_logprobs": [{token: logprob}]})."""
    if not isinstance(logprobs, dict):
        return None
    content = logprobs.get("content")
    if isinstance(content, list):
        for pos in content:
            if not isinstance(pos, dict):
                return None
            if str(pos.get("token", "")).strip():
                alts = pos.get("top_logprobs") or [pos]
                return [(str(a.get("token", "")), float(a["logprob"])) for a in alts
                        if isinstance(a, dict) and isinstance(a.get("logprob"), (int, float))]
        return None
    tokens, tops = logprobs.get("tokens"), logprobs.get("top_logprobs")
    if isinstance(tokens, list) and isinstance(tops, list):
        for tok, top in zip(tokens, tops):
            if str(tok).strip() and isinstance(top, dict):
                return [(str(t), float(lp)) for t, lp in top.items() if isinstance(lp, (int, float))]
    return None


def p_yes(logprobs) -> float | None:
    """P(Yes) / (P(Yes) + P(No)) from the top log-probabilities, None when neither is there."""
    alts = _top_alternatives(logprobs)
    if not alts:
        return None
    mass = {"yes": 0.0, "no": 0.0}
    for tok, lp in alts:
        word = tok.strip().lower()
        if word in mass and math.isfinite(lp):
            mass[word] += math.exp(lp)
    total = mass["yes"] + mass["no"]
    return mass["yes"] / total if total > 0 else None


@dataclass(frozen=True)
class Answer:
    """One valid reply: the drawn word and P(Yes) (from log-probabilities when given)."""

    word: str
    p: float
    from_logprobs: bool


def cache_key(backend, document: str, claim: str, sample: int) -> str:
    """What one answer depends on: prompt version, endpoint, model, temperature, the sample
    (above temperature 0) and the exact chunk and claim (the API key never)."""
    import hashlib
    import json
    o = backend.o
    parts = [PROMPT_VERSION, o.base_url, o.model, o.temperature, sample if o.temperature > 0 else 0,
             o.instructions_in, document, claim]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def cached_answer(store, key: str) -> Answer | None:
    """The stored answer, or None (absent, or refused and dropped so it is asked again)."""
    import json
    entry = store.get([key]).get(key)
    if entry is None:
        return None
    try:
        d = json.loads(entry[0].decode("utf-8"))
        p = float(d["p"])
        if d["word"] not in ("yes", "no") or not 0.0 <= p <= 1.0 or not isinstance(d["lp"], bool):
            raise ValueError("not an answer")
        return Answer(d["word"], p, d["lp"])
    except (ValueError, KeyError, TypeError, AttributeError):
        store.reject([key])
        return None


def ask(backend, document: str, claim: str, sample: int) -> Answer | str:
    """One (chunk, claim, sample): an Answer, or why no valid answer came (retries spent).
    Valid answers are kept in the run's cache (the 'llm' namespace), as the json mode's are."""
    import json
    o = backend.o
    store = backend._cache()
    key = cache_key(backend, document, claim, sample) if store is not None else ""
    if store is not None:
        hit = cached_answer(store, key)
        if hit is not None:
            return hit
    messages = build_messages(document, claim, o.instructions_in)
    first = len(messages)
    budget = [o.retries + 1]
    while True:
        content, _finish, logprobs = backend._complete(messages, sample, budget, yes_no=True)
        word = answer_word(content)
        if word is not None:
            p = p_yes(logprobs)
            answer = Answer(word, p if p is not None else float(word == "yes"), p is not None)
            if store is not None:  # a failed write only costs time
                store.put([(key, o.model, json.dumps({"word": answer.word, "p": answer.p,
                                                      "lp": answer.from_logprobs}).encode("utf-8"), "")])
            return answer
        shown = " ".join(str(content or "").split())[:40]
        if budget[0] <= 0:
            return f"the answer {shown!r} is not Yes or No"
        messages = messages[:first] + [{"role": "assistant", "content": str(content or "")[:200]},
                                       {"role": "user", "content": REPAIR}]


def judge_yes_no(backend, items: Sequence[ScoreItem], claims_of: Sequence[Sequence[Span]] | None = None
                 ) -> list[Judged | ItemError]:
    """Per item, its claims (by default the summary's own, split as every backend does)."""
    o = backend.o
    opts = backend.options
    n = o.samples
    if claims_of is None:
        claims_of = [split_claims(item.summary) for item in items]
    chunks_of = [make_windows(item.source, o.chunk_words, word_count, 0.0) if cl else []
                 for item, cl in zip(items, claims_of)]
    tasks = [(k, ci, wi, s) for k, cl in enumerate(claims_of) for ci in range(len(cl))
             for wi in range(len(chunks_of[k])) for s in range(n)]

    def run(task):
        k, ci, wi, s = task
        try:
            return task, ask(backend, chunks_of[k][wi].text, claims_of[k][ci].text, s)
        except ItemFailed as exc:
            return task, exc

    results: dict = {}
    if tasks:
        with ThreadPoolExecutor(max_workers=min(o.concurrency, len(tasks))) as pool:
            for task, res in pool.map(run, tasks):
                results[task] = res
    out: list[Judged | ItemError] = []
    for k, (item, claims) in enumerate(zip(items, claims_of)):
        if not claims:
            out.append(Judged(claims=()))
            continue
        mine = [r for (kk, *_), r in results.items() if kk == k]
        failed = next((r for r in mine if isinstance(r, ItemFailed)), None)
        if failed is not None:
            out.append(ItemError(f"{backend.where}: {failed}", case_id=item.case_id))
            continue
        judged = [_claim(item, span, chunks_of[k], {(wi, s): results[(k, ci, wi, s)]
                                                   for wi in range(len(chunks_of[k])) for s in range(n)},
                         n, o.temperature, opts.threshold) for ci, span in enumerate(claims)]
        unanimous = sum(1 for _, same in judged if same)
        notes = []
        with backend._lock:
            notes.extend(f"llm: {m}" for m in backend.mode_notes)
        out.append(Judged(claims=tuple(c for c, _ in judged), notes=tuple(notes),
                          agreement=unanimous / len(claims) if n > 1 else None, contradiction=False))
    return out


def _claim(item: ScoreItem, span: Span, chunks: list[Span], answers: dict, n: int, temperature: float,
           threshold: float) -> tuple[Claim, bool]:
    """The claim from its answers per (chunk, sample); and whether every sample agreed."""
    if not chunks:
        return Claim(text=span.text, start=span.start, end=span.end, supported=False, score=0.0, evidence=None,
                     unsupported_spans=(span,), verdict=Verdict.UNSUPPORTED,
                     reasons=("llm: the source has no text to check against",)), n > 1
    votes, scores, best_chunk, problems = [], [], [], []
    for s in range(n):
        got = [(wi, answers[(wi, s)]) for wi in range(len(chunks))]
        bad = [a for _, a in got if isinstance(a, str)]
        if bad:
            votes.append(Verdict.ERROR)
            problems.extend(bad)
            continue
        wi, best = max(got, key=lambda t: (t[1].p, -t[0]))
        drawn = any(a.word == "yes" for _, a in got)
        supported = drawn if temperature > 0 else best.p >= threshold
        votes.append(Verdict.SUPPORTED if supported else Verdict.UNSUPPORTED)
        scores.append(best.p)
        best_chunk.append(wi)
    top = max((Verdict.SUPPORTED, Verdict.UNSUPPORTED, Verdict.ERROR), key=lambda v: (votes.count(v), v != Verdict.ERROR))
    if votes.count(top) * 2 <= n or top == Verdict.ERROR:
        why = tuple(f"llm: no valid verdict: {p}" for p in dict.fromkeys(problems)) or (
            f"llm: no majority among {n} samples ({', '.join(votes)})",)
        return Claim(text=span.text, start=span.start, end=span.end, supported=False, score=0.0, evidence=None,
                     unsupported_spans=(span,), verdict=Verdict.ERROR,
                     reasons=why + ((f"llm: sample verdicts: {', '.join(votes)}",) if n > 1 else ())), False
    score = sum(scores) / len(scores)
    supported = top == Verdict.SUPPORTED
    window = chunks[max(set(best_chunk), key=best_chunk.count)]
    evidence = narrow_evidence(item.source, window, span.text)
    reasons: tuple[str, ...] = ()
    if n > 1:
        reasons = (f"llm: {votes.count(top)} of {n} samples say {top} ({', '.join(votes)})",)
    if not supported:
        reasons = (f"llm: answered No (P(Yes) {score:.2f} in the best of {len(chunks)} chunk(s))",) + reasons
    spans = () if supported else offending_words(item.summary, span, evidence, item.source)
    same = len(set(votes)) == 1
    return Claim(text=span.text, start=span.start, end=span.end, supported=supported, score=round(score, 6),
                 evidence=evidence, unsupported_spans=spans, verdict=top, reasons=reasons), same
