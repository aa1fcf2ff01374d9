"""The ``support`` backends, by name, and what the scorer does with what they return.

``BACKENDS`` maps each ``support.backend`` value to its class (compare sacrebleu's
``METRICS``); every class keeps the ``types.Backend`` contract. Building a backend
loads nothing; its model or endpoint is opened on the first ``judge``.

Failure is never a pass: a backend that fails on a summary yields an ItemError for
that item (the runner records it, the gate fails, the run exits 3), and a claim
without a valid verdict has verdict "error" and fails its summary too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ....errors import ScorerError
from ....core.results import ERROR, ItemScore, ScoreItem, Verdict
from ...base import format_signature, harness_version
from ..types import Backend, ItemError, Judged
from .cascade import CascadeBackend
from .embedding import EmbeddingJudge
from .ensemble import EnsembleBackend
from .llm import LlmBackend
from .nli import NliBackend

BACKENDS: dict[str, type] = {"embedding": EmbeddingJudge, "nli": NliBackend, "llm": LlmBackend,
                             "ensemble": EnsembleBackend, "cascade": CascadeBackend}

__all__ = ["BACKENDS", "Backend", "ItemError", "Judged", "backend_signature", "check_backend_options",
           "extra_metrics", "make_backend", "score_items"]


def members_of(o) -> tuple[str, ...]:
    """The backends ``o`` runs: the ensemble's members, the cascade's screen and judge, else itself."""
    if o.backend == "ensemble":
        return tuple(o.ensemble.members)
    if o.backend == "cascade":
        return (o.cascade.screen, o.cascade.judge)
    return (o.backend,)


def check_backend_options(o) -> tuple[str, str] | None:
    """What a backend needs that the config does not give (checked without loading anything)."""
    members = members_of(o)
    if o.backend == "ensemble" and len(members) < 2:
        return "ensemble", "needs 'members' with at least two backends, e.g. [nli, llm]"
    if o.backend == "cascade" and o.cascade.judge is None:
        return "cascade", "needs 'judge' (nli or llm, configured in its own section) when backend is cascade"
    for m in members:
        if m == "nli" and not o.nli.model:
            return "nli", f"needs 'model' (a Hugging Face model id or local folder) when {_role(o, m)}"
        if m == "llm":
            if not o.llm.base_url:
                return "llm", f"needs 'base_url' (e.g. http://127.0.0.1:8080/v1) when {_role(o, m)}"
            if not o.llm.model:
                return "llm", f"needs 'model' (the name the endpoint serves) when {_role(o, m)}"
    return None


def _role(o, member: str) -> str:
    if o.backend == member:
        return f"backend is {member}"
    return f"{member} is the cascade's judge" if o.backend == "cascade" else f"{member} is an ensemble member"


def extra_metrics(o) -> tuple[str, ...]:
    members = members_of(o)
    out: tuple[str, ...] = ()
    if "nli" in members or ("llm" in members and o.llm.mode != "yes-no"):
        out += ("contradicted_claims",)
    if "llm" in members and o.llm.samples > 1:
        out += ("agreement",)
    return out


def make_backend(o, cache=None) -> Backend:
    """The backend ``o`` names, built from the options as written (an unset threshold is
    resolved by each backend to its own calibrated default); ``cache`` is the run's
    ``store.CachePolicy`` (llm replies, sentence embeddings), None for no cache."""
    cls = BACKENDS.get(o.backend)
    if cls is None:  # validate() rejects it first; this guards programmatic options
        raise ScorerError(f"unknown support backend '{o.backend}'", scorer="support")
    return cls(o, cache)


def backend_signature(backend: Backend) -> str:
    """The scorer's signature: the backend's own parts (one function per backend, also
    used by the ensemble and the cascade for their members), its resolved threshold and
    the harness version."""
    parts: dict = {"backend": backend.name, **backend.signature_parts()}
    parts.setdefault("threshold", f"{backend.options.threshold:g}")
    parts["v"] = harness_version()
    return format_signature("support", parts)


def score_items(backend: Backend, items: Sequence[ScoreItem]) -> list:
    """Per item an ItemScore, or a ScorerError the runner records as that item's error."""
    try:
        judged = backend.judge(items)
    except ScorerError as exc:
        if exc.case_id is not None:
            raise
        msg = str(exc).removeprefix("scorer 'support': ")
        return [ItemError(msg, case_id=item.case_id) for item in items]
    if len(judged) != len(items):
        raise ScorerError(f"backend '{backend.name}' returned {len(judged)} results for {len(items)} items",
                          scorer="support")
    out = []
    for item, j in zip(items, judged):
        if isinstance(j, ScorerError):
            out.append(j)
            continue
        bad = [c for c in j.claims if c.verdict == ERROR]
        if bad:
            first = next((r for c in bad for r in c.reasons), "no valid verdict")
            seen = f"; {j.notes[0]}"[:600] if j.notes else ""
            out.append(ItemError(f"backend '{backend.name}': {len(bad)} of {len(j.claims)} claim(s) without a "
                                 f"valid verdict ({first}){seen}", case_id=item.case_id, claims=j.claims))
            continue
        out.append(summarise(j, backend))
    return out


def summarise(j: Judged, backend: Backend) -> ItemScore:
    from ..claims import summarise_claims
    base = summarise_claims(j.claims)
    if not j.claims:
        return base
    scores = dict(base.scores)
    na = dict(base.not_applicable)
    if j.contradiction:
        scores["contradicted_claims"] = float(sum(1 for c in j.claims if c.verdict == Verdict.CONTRADICTED))
    else:  # the embedding backend keeps the wording its reports always had
        na["contradicted_claims"] = getattr(backend, "no_contradiction_reason", None) or (
            f"backend '{backend.name}' does not tell contradicted from unsupported")
    if j.agreement is not None:
        scores["agreement"] = j.agreement
    else:
        na["agreement"] = "measured only by the llm backend with samples > 1"
    return replace(base, scores=scores, not_applicable=na, notes=base.notes + j.notes)

