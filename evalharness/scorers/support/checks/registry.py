"""The table of checks: each check is one function registered with ``@check(name, sign, ...)``
in its topic module; ``ORDER`` is the one place that orders them (the combiner's feature
vector, so the shipped weights.json, is in this order)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .context import ClaimContext, Finding

#: the checks in feature order: weights.json's "features" vector is in exactly this order
ORDER: tuple[str, ...] = (
    "sim", "sim_sent", "coverage", "source_coverage", "bigram_coverage", "novel_words", "length",
    "novel_number", "misplaced_number", "number_attachment", "date",
    "novel_entity", "misplaced_entity", "role_swap", "wrong_agent",
    "negation", "antonym", "quantifier", "modality", "exclusion", "possession",
    "editorial", "causal",
)

#: the topic modules (under checks/) that hold the registered checks
TOPICS: tuple[str, ...] = ("coverage", "numbers", "names", "negation")


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[ClaimContext], Finding]
    sign: float         # +1: evidence of support (weight >= 0); -1: of an error (weight <= 0); 0: free
    #: an explicit error check: it names its words and a reason. It may force a flag on its own
    #: ("hard", weight at most -CHECK_FLOOR) only where the precision ledger admits it
    #: (ledger.hard_rule); the shipped set is weights.json's "hard" list (HARD_CHECKS)
    explicit: bool = False
    #: a soft check whose blamed words are the claim's when no explicit check fires; its
    #: reasons are listed in this rank (lowest first), after the explicit checks' reasons
    soft_blame: int | None = None


#: name -> Check, filled by ``@check`` as the topic modules are imported
REGISTERED: dict[str, Check] = {}


def check(name: str, sign: float, *, explicit: bool = False, soft_blame: int | None = None):
    """Register the decorated function as the check ``name`` (the function is returned as is)."""
    def register(fn: Callable[[ClaimContext], Finding]) -> Callable[[ClaimContext], Finding]:
        if name in REGISTERED:
            raise ValueError(f"check {name!r} is registered twice ({REGISTERED[name].run.__module__} and "
                             f"{fn.__module__})")
        REGISTERED[name] = Check(name, fn, sign, explicit, soft_blame)
        return fn
    return register


def ordered(registered: dict[str, Check]) -> tuple[Check, ...]:
    """The registered checks in ``ORDER``; every registered check must be in it, and every name
    in it registered."""
    if set(registered) != set(ORDER):
        raise ValueError(f"registered checks {sorted(set(registered) - set(ORDER))} are not in ORDER; "
                         f"{sorted(set(ORDER) - set(registered))} are not registered")
    return tuple(registered[n] for n in ORDER)
