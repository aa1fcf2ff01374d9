"""The contract every ``support`` backend keeps, and the types it returns.

A backend is built from the scorer's options without loading anything (so that the
signature and ``validate`` stay cheap); its model or endpoint is opened on the
first ``judge``. ``judge`` returns, per item and in order, either a ``Judged`` (the
summary's claims with verdicts) or an ``ItemError`` (the summary could not be
judged completely). A backend that cannot start at all raises ``ScorerError`` from
``judge``; the scorer turns that into one error per item. Nothing in this module
imports torch or touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

from ...errors import ScorerError
from ...core.results import Claim, ScoreItem, Span


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


@runtime_checkable
class Backend(Protocol):
    """What ``SupportScorer`` calls; compare inspect_ai's ``Scorer`` protocol."""

    name: str
    options: object   # the scorer's options with this backend's threshold resolved (never None)

    @property
    def can_contradict(self) -> bool:
        """Whether the backend tells contradicted from unsupported (may need the model loaded)."""
        ...

    def signature_parts(self) -> dict[str, object]:
        """Everything about this backend that changes its verdicts, from the options alone
        (``SupportScorer`` adds the backend name, the threshold and the harness version)."""
        ...

    def judge(self, items: Sequence[ScoreItem]) -> list[Judged | ItemError]:
        ...

    def close(self) -> None:
        ...


@runtime_checkable
class ClaimJudge(Backend, Protocol):
    """A backend that can judge given claims of a summary (not only the claims it splits
    itself): what the cascade's second look needs from its judge."""

    def judge_claims(self, items: Sequence[ScoreItem], claims: Sequence[Sequence[Span]]) -> list[Judged | ItemError]:
        """Per item, its ``claims`` (spans of the item's summary, in order) judged; a claim
        list may be empty (the item's Judged then holds no claim)."""
        ...
