"""The one formatter of a flagged claim (evalharness.render.claims), in each style."""

from __future__ import annotations

import dataclasses

from evalharness.render.claims import PLAIN, ClaimStyle, claim_lines, claim_parts, offending_words
from evalharness.render.markdown import MARKDOWN
from tests.helpers.report_factory import claim

SRC = "Millbrook council approved a 12 million pound repair of the Harbour Bridge on Tuesday."
SUMMARY = "The council approved a 21 million pound repair."


def _flagged(reasons=("the number '21' is not in the source",), evidence=SRC):
    c = claim(SUMMARY, SUMMARY, False, SRC, evidence, ("21",))
    return dataclasses.replace(c, reasons=reasons)


def test_plain_lines_hold_text_offending_evidence_and_every_reason_in_that_order():
    c = _flagged(reasons=("the number '21' is not in the source", "a second reason"))
    assert claim_lines(c, "+ newly flagged: ", indent="    ") == [
        '    + newly flagged: "The council approved a 21 million pound repair."',
        '      offending: "21"',
        f'      closest evidence: "{SRC}"',
        "      why: the number '21' is not in the source",
        "      why: a second reason",
    ]


def test_offsets_and_a_short_width_shorten_the_evidence_with_an_ellipsis():
    style = ClaimStyle(evidence_width=40, offsets=True)
    lines = claim_lines(_flagged(), "✗ ", style=style)
    assert lines[2] == '  closest evidence [0:86]: "Millbrook council approved a 12 …"'


def test_a_claim_without_evidence_says_so_and_one_without_spans_has_no_offending_line():
    c = dataclasses.replace(_flagged(reasons=()), evidence=None, unsupported_spans=())
    assert claim_lines(c) == ['"The council approved a 21 million pound repair."', "  closest evidence: none"]
    assert offending_words(c) == ""


def test_markdown_style_bullets_curly_quotes_and_escapes_every_text():
    c = _flagged(reasons=("the number '21' is *not* in the source",))
    assert claim_lines(c, "- **A**: ", " (score 0.100)", style=MARKDOWN) == [
        "- **A**: “The council approved a 21 million pound repair\\.” (score 0.100)",
        "  - offending: “21”",
        "  - closest evidence: “Millbrook council approved a 12 million pound repair of the Harbour Bridge on "
        "Tuesday\\.”",
        "  - why: the number '21' is \\*not\\* in the source",
    ]


def test_parts_are_what_the_html_page_receives():
    p = claim_parts(_flagged())
    assert (p.text, p.offending, p.evidence, p.evidence_at) == (SUMMARY, ("21",), SRC, (0, len(SRC)))
    assert PLAIN.q("x") == '"x"'
