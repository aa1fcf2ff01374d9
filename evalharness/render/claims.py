"""One formatter of a flagged claim, for every rendering that shows one.

A flagged claim is always shown with the same parts, in the same order: its text (with
whatever the caller puts before and after it), the offending words, the closest source
evidence, and the reasons it was flagged. Text, the comparison, JUnit and the pytest
plugin use the plain style; Markdown uses bullets and its own escaping; the HTML page gets
the same parts as data (:func:`claim_parts`) and draws them in the browser.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Callable


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class ClaimStyle:
    """How one rendering writes a claim's parts."""
    quote: tuple[str, str] = ('"', '"')
    escape: Callable[[str], str] = _same
    detail: str = "  "                 # before each detail line (after the claim's indent)
    evidence_width: int | None = 220   # evidence longer than this is shortened with " …"; None: whole
    offsets: bool = False              # "closest evidence [start:end]"

    def q(self, text: str) -> str:
        return f"{self.quote[0]}{self.escape(text)}{self.quote[1]}"


PLAIN = ClaimStyle()


@dataclass(frozen=True)
class ClaimParts:
    """What every rendering shows of a flagged claim."""
    text: str
    offending: tuple[str, ...]
    evidence: str | None
    evidence_at: tuple[int, int] | None
    reasons: tuple[str, ...]


def claim_parts(c) -> ClaimParts:
    ev = c.evidence
    return ClaimParts(text=c.text, offending=tuple(s.text for s in c.unsupported_spans),
                      evidence=ev.text if ev else None, evidence_at=(ev.start, ev.end) if ev else None,
                      reasons=tuple(c.reasons))


def offending_words(c, style: ClaimStyle = PLAIN) -> str:
    """The claim's offending words, quoted and comma-separated ("" when none)."""
    return ", ".join(style.q(s.text) for s in c.unsupported_spans)


def claim_lines(c, head: str = "", tail: str = "", *, indent: str = "", style: ClaimStyle = PLAIN) -> list[str]:
    """``{indent}{head}"claim"{tail}``, then its offending words, closest evidence and reasons."""
    p = claim_parts(c)
    sub = indent + style.detail
    out = [f"{indent}{head}{style.q(p.text)}{tail}"]
    if p.offending:
        out.append(f"{sub}offending: {offending_words(c, style)}")
    if p.evidence is None:
        out.append(f"{sub}closest evidence: none")
    else:
        ev = p.evidence
        if style.evidence_width is not None:
            ev = textwrap.shorten(ev, style.evidence_width, placeholder=" …")
        at = f" [{p.evidence_at[0]}:{p.evidence_at[1]}]" if style.offsets else ""
        out.append(f"{sub}closest evidence{at}: {style.q(ev)}")
    out.extend(f"{sub}why: {style.escape(r)}" for r in p.reasons)
    return out
