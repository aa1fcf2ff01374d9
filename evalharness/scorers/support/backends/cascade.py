"""The ``cascade`` backend: a second look by a strong judge at the claims the default
detector is unsure of.

The screen (the default ``embedding`` detector) scores every claim. A claim it flags,
and a claim whose screen score falls in ``cascade.band`` = [low, high], goes to the
judge (an ``nli`` preset or the ``llm`` judge, configured in its own section), whose
verdict is final. Every other claim keeps the screen's verdict. Each claim's reasons
say who decided it; each summary's notes say how many claims went to the judge and how
many judge calls that saved.

A judge that fails on a claim (cannot start, errors, no valid answer) leaves that claim
"not evaluated" (verdict "error", so its summary is an error), never "supported".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ....errors import ScorerError
from ....core.results import ERROR, Claim, ScoreItem, Span
from ..types import ItemError, Judged


class CascadeBackend:
    name = "cascade"

    def __init__(self, o, cache=None) -> None:
        from .ensemble import member_classes
        classes = member_classes()
        c = o.cascade
        if c.judge is None:  # validate() says so first; this guards programmatic options
            raise ScorerError("backend 'cascade' needs 'judge' (nli or llm)", scorer="support")
        # screen and judge each resolve an unset threshold to their own default, as they do alone
        self.screen = classes[c.screen](replace(o, backend=c.screen), cache)
        self.judge_backend = classes[c.judge](replace(o, backend=c.judge), cache)
        self.low, self.high = c.band
        # the cascade's threshold is its judge's: every flagged claim is the judge's verdict, so
        # (with the band's top at or above it) a claim is flagged exactly when it scores below it,
        # which is what meta-eval's flag rates assume
        self.options = replace(o, threshold=self.judge_backend.options.threshold)

    @property
    def judge_label(self) -> str:
        """The judge as the report names it: ``nli:<preset>`` or ``llm:<model>``."""
        o = self.judge_backend.options
        if self.judge_backend.name == "nli":
            return f"nli:{o.nli.preset or 'mnli'}"
        return f"llm:{o.llm.model}" + (" (yes-no)" if o.llm.mode == "yes-no" else "")

    @property
    def can_contradict(self) -> bool:
        """The judge's (every flagged claim is its verdict); False while it cannot start."""
        try:
            return self.judge_backend.can_contradict
        except ScorerError:
            return False

    def signature_parts(self) -> dict[str, object]:
        """The band, then the screen's own parts and the judge's own parts (the same
        functions they sign with alone; a key both have gets the judge's name)."""
        parts: dict[str, object] = {"screen": self.screen.name, "judge": self.judge_backend.name,
                                    "band": f"{self.low:g}-{self.high:g}"}
        parts.update(self.screen.signature_parts())
        parts.setdefault("threshold", f"{self.screen.options.threshold:g}")
        judge = dict(self.judge_backend.signature_parts())
        judge.setdefault("threshold", f"{self.judge_backend.options.threshold:g}")
        for k, v in judge.items():
            parts[k if k not in parts else f"{self.judge_backend.name}.{k}"] = v
        return parts

    def sent(self, claim: Claim) -> bool:
        """Whether the judge takes a second look: every flagged claim, and every claim the
        screen scores inside the band."""
        return not claim.supported or self.low <= claim.score <= self.high

    def judge(self, items: Sequence[ScoreItem]) -> list[Judged | ItemError]:
        screened = self.screen.judge(items)
        todo = [k for k, j in enumerate(screened) if isinstance(j, Judged) and any(self.sent(c) for c in j.claims)]
        verdicts: dict[int, Judged | ItemError] = {}
        if todo:
            spans = [[Span(c.text, c.start, c.end) for c in screened[k].claims if self.sent(c)] for k in todo]
            try:
                got = self.judge_backend.judge_claims([items[k] for k in todo], spans)
            except ScorerError as exc:  # the judge could not start: every claim sent to it is not evaluated
                msg = getattr(exc, "message", None) or str(exc).removeprefix("scorer 'support': ")
                got = [ItemError(msg, case_id=items[k].case_id) for k in todo]
            if len(got) != len(todo):
                raise ScorerError(f"backend 'cascade': the judge returned {len(got)} results for {len(todo)} items",
                                  scorer="support")
            verdicts = dict(zip(todo, got))
        out: list[Judged | ItemError] = []
        for k, j in enumerate(screened):
            if isinstance(j, ScorerError):
                out.append(j)
            elif not j.claims:
                out.append(replace(j, contradiction=self.can_contradict))
            else:
                out.append(self._merge(j, verdicts.get(k)))
        return out

    def _merge(self, screened: Judged, second: Judged | ItemError | None) -> Judged:
        label = self.judge_label
        sent = [c for c in screened.claims if self.sent(c)]
        by_offsets: dict[tuple[int, int], Claim] = {}
        failure = None
        if isinstance(second, Judged):
            by_offsets = {(c.start, c.end): c for c in second.claims}
        elif second is not None:
            failure = getattr(second, "message", None) or str(second)
        claims = []
        for c in screened.claims:
            why = f"screen {self.screen.name} {c.score:.2f}"
            if not self.sent(c):
                claims.append(replace(c, reasons=c.reasons + (f"decided by the screen ({self.screen.name}; score "
                                                                 f"{c.score:.2f} outside the band, not flagged)",)))
                continue
            why += ", flagged" if not c.supported else f" in the band [{self.low:g}, {self.high:g}]"
            verdict = by_offsets.get((c.start, c.end))
            if verdict is None or verdict.verdict == ERROR:
                problem = failure or ("; ".join(verdict.reasons) if verdict is not None and verdict.reasons
                                      else "the judge returned no verdict for this claim")
                claims.append(Claim(text=c.text, start=c.start, end=c.end, supported=False, score=0.0,
                                    evidence=c.evidence, unsupported_spans=(Span(c.text, c.start, c.end),),
                                    verdict=ERROR, reasons=(f"not evaluated: the judge {label} failed ({why}): "
                                                            f"{problem}",)))
                continue
            claims.append(replace(verdict, reasons=(f"decided by the judge {label} ({why})",) + verdict.reasons))
        n, m = len(screened.claims), len(sent)
        notes = screened.notes + ((second.notes if isinstance(second, Judged) else ()) + (
            f"cascade: {m} of {n} claim(s) went to the judge {label}; {n - m} judge call(s) saved",))
        return Judged(claims=tuple(claims), notes=tuple(dict.fromkeys(notes)),
                      agreement=second.agreement if isinstance(second, Judged) else None,
                      contradiction=self.can_contradict)

    def close(self) -> None:
        self.screen.close()
        self.judge_backend.close()
