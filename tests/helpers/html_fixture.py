"""A report (and a baseline) whose texts try every way to break out of the page."""

from __future__ import annotations

from evalharness.verdict.compare import compare_reports
from evalharness.core.config import CompareConfig, RegressionRule
from .report_factory import case, cand, claim, make_report

PAYLOAD = ("<script>window.__pwned='script'</script><img src=x onerror=\"window.__pwned='img'\">"
           "<a href=\"javascript:window.__pwned='js'\">link</a></textarea></script>"
           "<svg onload=\"window.__pwned='svg'\"></svg>\u2028&amp;")
SOURCE = ("Millbrook council approved a 12 million pound repair of the Harbour Bridge on Tuesday. "
          "Work will start in May and take two years. " + PAYLOAD)
EVIDENCE = "Millbrook council approved a 12 million pound repair of the Harbour Bridge on Tuesday."
BAD_SYSTEM = 'sys"><img src=x onerror=window.__pwned=1>'


def build(n_extra: int = 3):
    s_a = "Millbrook council approved a 21 million pound repair. " + PAYLOAD
    s_b = "Millbrook council approved a 12 million pound repair. Work starts in May."
    c_a = [claim(s_a, "Millbrook council approved a 21 million pound repair.", False, SOURCE, EVIDENCE, ("21",)),
           claim(s_a, PAYLOAD, False)]
    c_b = [claim(s_b, "Millbrook council approved a 12 million pound repair.", True, SOURCE, EVIDENCE),
           claim(s_b, "Work starts in May.", True, SOURCE, "Work will start in May and take two years.")]
    cases = [case("<b>bridge</b>", SOURCE,
                  cand("model-a", s_a, {"rouge.rouge1": 0.4, "support.supported_rate": 0.0,
                                        "support.unsupported_claims": 2.0}, c_a),
                  cand(BAD_SYSTEM, s_b, {"rouge.rouge1": 0.8, "support.supported_rate": 1.0,
                                         "support.unsupported_claims": 0.0}, c_b))]
    for i in range(n_extra):
        s = f"Work starts in May, item {i}."
        cases.append(case(f"case-{i}", SOURCE,
                          cand("model-a", s, {"rouge.rouge1": 0.5 + 0.1 * i, "support.supported_rate": 1.0,
                                              "support.unsupported_claims": 0.0},
                               [claim(s, s, True, SOURCE, "Work will start in May and take two years.")]),
                          cand(BAD_SYSTEM, s, {"rouge.rouge1": 0.6, "support.supported_rate": 1.0,
                                               "support.unsupported_claims": 0.0})))
    new = make_report(cases)
    base_cases = [case("<b>bridge</b>", SOURCE,
                       cand("model-a", s_b, {"rouge.rouge1": 0.7, "support.supported_rate": 1.0,
                                             "support.unsupported_claims": 0.0}, c_b),
                       cand(BAD_SYSTEM, s_b, {"rouge.rouge1": 0.8, "support.supported_rate": 1.0,
                                              "support.unsupported_claims": 0.0}, c_b))] + list(cases[1:])
    base = make_report(base_cases)
    comp = compare_reports(base, new, CompareConfig(rules=(RegressionRule("rouge.rouge1", max_drop=0.01,
                                                                          significant=False),)))
    return base, new, comp
