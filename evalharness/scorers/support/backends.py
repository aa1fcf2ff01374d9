"""Choosing, describing and running the stronger ``support`` backends (nli, llm,
ensemble), and turning their claims into per-summary scores.

Failure is never a pass: a backend that fails on a summary yields a ScorerError
for that item (the runner records it, the gate fails, the run exits 3), and a
claim without a valid verdict has verdict "error" and fails its summary too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from ...errors import ScorerError
from ...results import ERROR, Claim, ItemScore, ScoreItem
from ..base import format_signature, harness_version
from .backend_options import PROMPT_VERSION


@dataclass(frozen=True)
class Judged:
    """One summary as a backend judged it."""

    claims: tuple[Claim, ...]
    notes: tuple[str, ...] = ()
    agreement: float | None = None      # share of claims on which every sample agreed (llm, samples > 1)
    contradiction: bool = False         # the backend tells contradicted from unsupported


class ItemError(ScorerError):
    """A summary the backend could not judge completely; ``claims`` keeps what it did judge
    (claims without a valid verdict have verdict "error") so the report can show them."""

    def __init__(self, message: str, *, case_id: str | None = None, claims: tuple[Claim, ...] = ()) -> None:
        super().__init__(message, scorer="support", case_id=case_id)
        self.message = message
        self.claims = claims

    def __reduce__(self):  # survives pickling (worker processes, Ray)
        return (_rebuild_item_error, (self.message, self.case_id, self.claims))


def _rebuild_item_error(message: str, case_id: str | None, claims: tuple) -> ItemError:
    return ItemError(message, case_id=case_id, claims=claims)


def check_backend_options(o) -> tuple[str, str] | None:
    """What a backend needs that the config does not give (checked without loading anything)."""
    members = o.ensemble.members if o.backend == "ensemble" else (o.backend,)
    if o.backend == "ensemble" and len(members) < 2:
        return "ensemble", "needs 'members' with at least two backends, e.g. [nli, llm]"
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
    return f"backend is {member}" if o.backend == member else f"{member} is an ensemble member"


def extra_metrics(o) -> tuple[str, ...]:
    members = o.ensemble.members if o.backend == "ensemble" else (o.backend,)
    out: tuple[str, ...] = ()
    if "nli" in members or "llm" in members:
        out += ("contradicted_claims",)
    if "llm" in members and o.llm.samples > 1:
        out += ("agreement",)
    return out


class FailedBackend:
    """A backend that could not start: every batch gets the same error (no reload per batch)."""

    def __init__(self, error: ScorerError) -> None:
        self.error = error

    def judge(self, items):
        raise self.error


def make_backend(o, cache=None):
    """The backend ``o`` names; ``cache`` is the run's cache policy (for the llm replies
    and the embeddings)."""
    try:
        return _make_backend(o, cache)
    except ScorerError as exc:
        return FailedBackend(exc)


def _make_backend(o, cache=None):
    if o.backend == "nli":
        from .nli import NliBackend
        return NliBackend(o)
    if o.backend == "llm":
        from .llm import LlmBackend
        return LlmBackend(o, cache)
    if o.backend == "ensemble":
        return EnsembleBackend(o, cache)
    raise ScorerError(f"unknown support backend '{o.backend}'", scorer="support")


def member_signature(o, member: str) -> dict:
    if member == "nli":
        n = o.nli
        labels = ",".join(f"{k}={v}" for k, v in sorted(n.labels.items())) if n.labels else "from-model"
        return {"nli": n.model, "rev": n.revision or "default", "labels": labels,
                "maxlen": n.max_length or "model", "window": f"sent,overlap{n.window_overlap:g}"}
    if member == "llm":
        m = o.llm
        return {"llm": m.model, "endpoint": public_endpoint(m.base_url), "prompt": PROMPT_VERSION, "temp": f"{m.temperature:g}", "samples": m.samples,
                "maxtok": m.max_tokens, "structured": m.structured_output,
                **({"instructions": "user"} if m.instructions_in == "user" else {})}
    from ...models import resolve_model
    from .combiner import load_combiner
    _, display = resolve_model(o.model)
    return {"embedding": display, "combiner": load_combiner().version, "para": f"{o.paraphrase_threshold:g}",
            "topk": o.evidence_top_k}


def public_endpoint(url: str) -> str:
    """scheme://host[:port]/path of an endpoint, without credentials or query."""
    import urllib.parse
    u = urllib.parse.urlsplit(url)
    host = u.hostname or ""
    return f"{u.scheme}://{host}{f':{u.port}' if u.port else ''}{u.path}"


def backend_signature(o) -> str:
    parts: dict = {"backend": o.backend}
    if o.backend == "ensemble":
        parts["combine"] = o.ensemble.combine
        for m in o.ensemble.members:
            parts.update(member_signature(o, m))
    else:
        parts.update(member_signature(o, o.backend))
    from . import default_threshold
    thr = o.threshold if o.threshold is not None else default_threshold(o.backend)
    parts.update({"threshold": f"{thr:g}", "v": harness_version()})
    return format_signature("support", parts)


def score_items(get_backend, o, items: Sequence[ScoreItem]) -> list:
    """Per item an ItemScore, or a ScorerError the runner records as that item's error."""
    try:
        backend = get_backend()
        judged = backend.judge(items)
    except ScorerError as exc:
        if exc.case_id is not None:
            raise
        msg = str(exc).removeprefix("scorer 'support': ")
        return [ScorerError(msg, scorer="support", case_id=item.case_id) for item in items]
    out = []
    for item, j in zip(items, judged):
        if isinstance(j, ScorerError):
            out.append(j)
            continue
        if isinstance(j, list):
            j = Judged(claims=tuple(j), contradiction=getattr(backend, "can_contradict", False))
        bad = [c for c in j.claims if c.verdict == ERROR]
        if bad:
            first = next((r for c in bad for r in c.reasons), "no valid verdict")
            seen = f"; {j.notes[0]}"[:600] if j.notes else ""
            out.append(ItemError(f"backend '{o.backend}': {len(bad)} of {len(j.claims)} claim(s) without a valid "
                                 f"verdict ({first}){seen}", case_id=item.case_id, claims=j.claims))
            continue
        out.append(summarise(j, o))
    return out


def summarise(j: Judged, o) -> ItemScore:
    from . import summarise_claims
    base = summarise_claims(j.claims)
    if not j.claims:
        return base
    scores = dict(base.scores)
    na = dict(base.not_applicable)
    if j.contradiction:
        scores["contradicted_claims"] = float(sum(1 for c in j.claims if c.verdict == "contradicted"))
    else:
        na["contradicted_claims"] = f"backend '{o.backend}' does not tell contradicted from unsupported"
    if j.agreement is not None:
        scores["agreement"] = j.agreement
    else:
        na["agreement"] = "measured only by the llm backend with samples > 1"
    return replace(base, scores=scores, not_applicable=na, notes=base.notes + j.notes)


class EnsembleBackend:
    """Runs each member on the same claims and combines per claim.

    ``all``: a claim is supported only if every member supports it; its score is the
    lowest member score; it is contradicted if any member says so. ``mean``: the
    score is the mean of the member scores, supported when it reaches the threshold.
    Evidence and offending words come from the first member that flags the claim.
    """

    name = "ensemble"

    def __init__(self, o, cache=None) -> None:
        self.o = o
        self.members = []
        for m in o.ensemble.members:
            if m == "embedding":
                from .embedding import EmbeddingBackend
                self.members.append((m, EmbeddingBackend(o, cache)))
            else:
                self.members.append((m, make_backend(replace(o, backend=m), cache)))

    def judge(self, items: Sequence[ScoreItem]) -> list:
        per_member = []
        for name, backend in self.members:
            res = backend.judge(items)
            per_member.append([(Judged(tuple(r), contradiction=getattr(backend, "can_contradict", False))
                                if isinstance(r, list) else r) for r in res])
        out = []
        for k, item in enumerate(items):
            rs = [res[k] for res in per_member]
            err = next((r for r in rs if isinstance(r, ScorerError)), None)
            if err is not None:
                out.append(err)
                continue
            out.append(self._combine(item, rs))
        return out

    def _combine(self, item: ScoreItem, rs: list[Judged]) -> Judged:
        names = [n for n, _ in self.members]
        first = rs[0].claims
        for n, r in zip(names, rs):
            if [(c.start, c.end) for c in r.claims] != [(c.start, c.end) for c in first]:
                return ScorerError(f"backend 'ensemble': member '{n}' split the summary into different claims",
                                   scorer="support", case_id=item.case_id)
        claims = []
        for i, c0 in enumerate(first):
            cs = [r.claims[i] for r in rs]
            if any(c.verdict == ERROR for c in cs):
                bad = next(c for c in cs if c.verdict == ERROR)
                claims.append(bad)
                continue
            if self.o.ensemble.combine == "all":
                score = min(c.score for c in cs)
                supported = all(c.supported for c in cs)
            else:
                score = sum(c.score for c in cs) / len(cs)
                supported = score >= self.o.threshold
            flagger = next((c for c in cs if not c.supported), cs[0])
            contradicted = not supported and any(c.verdict == "contradicted" for c in cs)
            reasons = tuple(f"{n}: {c.verdict} ({c.score:.2f})" for n, c in zip(names, cs))
            ev = flagger.evidence if not supported else next((c.evidence for c in cs if c.evidence), None)
            claims.append(Claim(text=c0.text, start=c0.start, end=c0.end, supported=supported, score=round(score, 6),
                                evidence=ev, unsupported_spans=() if supported else (flagger.unsupported_spans or
                                                                                     (c0,)),
                                verdict="supported" if supported else ("contradicted" if contradicted
                                                                       else "unsupported"),
                                reasons=() if supported else reasons))
        agreement = next((r.agreement for r in rs if r.agreement is not None), None)
        return Judged(claims=tuple(claims), notes=tuple(n for r in rs for n in r.notes), agreement=agreement,
                      contradiction=any(r.contradiction for r in rs))

    def close(self) -> None:
        for _, b in self.members:
            if hasattr(b, "close"):
                b.close()
