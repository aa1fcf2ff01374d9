"""Interpretable checks of one claim against its evidence, as an ordered registry.

Every check is a small function of a :class:`ClaimContext` that returns a
:class:`Finding`: a number (a feature of the combiner), the claim tokens it blames
and, where it fires, a reason that is true of the evidence. Each is registered with
``@check`` in its topic module (``coverage``, ``numbers``, ``names``, ``negation``);
``CHECKS`` holds them in ``registry.ORDER``; the feature names, the combiner's vector and
the training script's signs all come from that one table, so the shipped weights cannot
drift from the code.

Two kinds of check:
- *soft* checks measure support (embedding similarity, lexical coverage with
  paraphrase tolerance); they move the score but blame only words nothing supports;
- *hard* checks each detect one kind of error (a number or name the source lacks or
  gives to something else, roles swapped, the wrong agent, a negation, opposite, quantifier,
  modality, exclusion or possession that the evidence contradicts). A hard check that
  fires always names its words and its reason.

The checks' version (in the support signature, so cached per-row scores are not reused
after a change) is derived from their code: see :func:`checks_version`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...text import Token
from . import coverage, names, negation, numbers  # noqa: F401  (each registers its checks)
from .context import NOTHING, ClaimContext, Finding, WordSet, is_negation, source_names
from .mentions import number_mentions
from .registry import REGISTERED, Check, ordered

__all__ = ["CHECKS", "FEATURE_NAMES", "SIGNS", "EXPLICIT_CHECKS", "ERROR_CHECKS", "SOFT_BLAMERS", "HARD_CHECKS",
           "Check", "ClaimCheck", "ClaimContext", "Finding", "NOTHING", "WordSet", "check_claim", "checks_version",
           "number_mentions", "run_checks", "source_names"]

CHECKS: tuple[Check, ...] = ordered(REGISTERED)
FEATURE_NAMES: tuple[str, ...] = tuple(c.name for c in CHECKS)
SIGNS: dict[str, float] = {c.name: c.sign for c in CHECKS}
EXPLICIT_CHECKS: frozenset[str] = frozenset(c.name for c in CHECKS if c.explicit)
#: every check that is evidence of an error (the precision ledger counts these)
ERROR_CHECKS: tuple[str, ...] = tuple(c.name for c in CHECKS if c.sign < 0)

#: the soft checks whose blamed words are the claim's when no explicit check fires, in the
#: order their reasons are listed
SOFT_BLAMERS: tuple[str, ...] = tuple(c.name for c in sorted((c for c in CHECKS if c.soft_blame is not None),
                                                             key=lambda c: c.soft_blame))


def _shipped_hard() -> frozenset[str]:
    """The checks the shipped weights let force a flag on their own (weights.json "hard",
    chosen by the training script under the precision ledger's rule)."""
    import json

    try:
        data = json.loads((Path(__file__).resolve().parent.parent / "weights.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    return frozenset(data.get("hard", ())) & EXPLICIT_CHECKS


HARD_CHECKS: frozenset[str] = _shipped_hard()


#: the files whose source the checks' version hashes: this package and the lexicon
SOURCES_DIR = Path(__file__).resolve().parent
LEXICON = SOURCES_DIR.parent / "lexicon.py"


def source_hash(files) -> str:
    """The first 8 hex digits of sha256 over the files (by name, then contents), sorted by name."""
    h = hashlib.sha256()
    for p in sorted((Path(f) for f in files), key=lambda p: p.name):
        h.update(p.name.encode("utf-8") + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:8]


@lru_cache(maxsize=1)
def checks_version() -> str:
    """The checks' version, derived from their code (the checks package's source files and
    lexicon.py), computed once: any edit to a check changes it, so cached per-row scores
    (keyed by the signature) are not reused."""
    return source_hash([*SOURCES_DIR.glob("*.py"), LEXICON])


@dataclass
class ClaimCheck:
    """What the checks found for one claim: a value per check (in registry order), the
    tokens to blame and the reasons, both from the hard checks that fired (else from the
    words and phrases nothing in the evidence supports)."""

    values: dict[str, float] = field(default_factory=dict)
    findings: dict[str, Finding] = field(default_factory=dict)
    blamed: list[Token] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    tokens: tuple = ()

    def blamed_spans(self, name: str) -> list[tuple[int, int]]:
        """Character spans (in the text the claim's tokens were cut from) of the words check
        ``name`` blamed."""
        f = self.findings.get(name)
        return [(self.tokens[i].start, self.tokens[i].end) for i in f.blamed] if f else []

    def vector(self) -> list[float]:
        return [self.values[n] for n in FEATURE_NAMES]

    @property
    def fired(self) -> list[str]:
        """The explicit error checks that fired (each names its words and a reason)."""
        return [n for n in FEATURE_NAMES if n in EXPLICIT_CHECKS and self.values.get(n, 0.0) > 0]


#: words on each side of a blamed word that, copied word for word from an evidence sentence with
#: it, show the claim says there what the evidence says (``copied_from_evidence``)
COPY_RUN = 5


def copied_from_evidence(ctx: ClaimContext) -> set[int]:
    """Indices of claim tokens at the centre of a run of ``COPY_RUN`` claim words written word for
    word in one evidence sentence, after the same word ("will need to keep his lawyers" where the
    evidence says so): an error check cannot blame them, whatever another sentence says, since
    the claim repeats its evidence there. The word before the run must match too, so "should
    take the tablets with food" is no copy of "Do not take the tablets with food"; a run that
    opens the claim must not follow a negation in the evidence. A claim shorter than the run
    has none."""
    words = [t.text.lower() for t in ctx.tokens]
    n = COPY_RUN
    if len(words) < n:
        return set()
    runs: dict[tuple[str, ...], set[str | None]] = {}
    for u in ctx.evidence_units:
        for k in range(len(u) - n + 1):
            runs.setdefault(tuple(x.text.lower() for x in u[k:k + n]), set()).add(
                ("not" if is_negation(u[k - 1]) else u[k - 1].text.lower()) if k else None)
    def copied(k: int) -> bool:
        before = runs.get(tuple(words[k:k + n]))
        if before is None:
            return False
        return (words[k - 1] in before) if k else "not" not in before
    # each word judged by the run centred on it (two words each side, fewer at the claim's ends):
    # "with any video or audio" is no copy of "without any video or audio", even though "video or
    # audio recordings of" is
    return {i for i in range(len(words)) if copied(min(max(0, i - n // 2), len(words) - n))}


def run_checks(ctx: ClaimContext) -> ClaimCheck:
    findings = {c.name: c.run(ctx) for c in CHECKS}
    fired = [n for n in EXPLICIT_CHECKS if findings[n].value > 0 and findings[n].blamed]
    if fired:
        copied = copied_from_evidence(ctx)
        for n in fired:
            if set(findings[n].blamed) <= copied:
                findings[n] = NOTHING
    chk = ClaimCheck(values={n: float(f.value) for n, f in findings.items()}, findings=findings, tokens=ctx.tokens)
    hard = [findings[n] for n in FEATURE_NAMES if n in EXPLICIT_CHECKS and findings[n].value > 0]
    soft = [findings[n] for n in SOFT_BLAMERS if findings[n].blamed]
    blamed: set[int] = set()
    reasons: list[str] = []
    for f in hard:
        blamed.update(f.blamed)
        reasons.extend(f.reasons)
    for f in soft:
        if not hard:
            blamed.update(f.blamed)
        reasons.extend(f.reasons)
    chk.blamed = [ctx.tokens[i] for i in sorted(blamed)]
    chk.reasons = reasons
    return chk


def check_claim(claim_text: str, claim_start: int, claim_tokens: list[Token], evidence_tokens: list[Token],
                source_tokens: list[Token], sim: float, sim_sent: float, paraphrased,
                evidence_units: list[list[Token]] | None = None, source_bigrams: set | None = None,
                source_names: set | None = None, context_stems: set | None = None,
                source_words: WordSet | None = None, source_number_list=None, context_units=()) -> ClaimCheck:
    """Run every registered check on one claim (see ``ClaimContext`` for the arguments)."""
    units = evidence_units if evidence_units is not None else [evidence_tokens]
    ctx = ClaimContext(claim_text, claim_start, tuple(claim_tokens), tuple(tuple(u) for u in units),
                       tuple(source_tokens), sim, sim_sent, paraphrased, source_bigrams, source_names,
                       context_stems, tuple(tuple(u) for u in context_units), source_words,
                       tuple(source_number_list) if source_number_list is not None else None)
    return run_checks(ctx)
