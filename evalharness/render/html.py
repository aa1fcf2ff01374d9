"""HTML report: ONE self-contained file (CSS, JS and SVG charts inline; no network).

Safety: no text from a report is ever written into the markup. The data travel as
JSON inside ``<script type="application/json">`` with ``<``, ``>``, ``&`` and the
JS line separators escaped, and the page's script builds every node with
``textContent`` / ``createElementNS`` (never ``innerHTML``). A Content-Security-Policy
forbids any network access, so a summary holding ``<script>``, ``<img onerror>``,
``javascript:`` links or ``</textarea>`` stays text.
"""

from __future__ import annotations

import json
from importlib import resources

from .claims import claim_parts

MAIN_PREFERENCE = ("rouge.rougeL", "rouge.rouge1", "bertscore.f1", "support.supported_rate")


def main_metrics(report, k: int = 4) -> list[str]:
    present = {m for ms in report.systems.values() for m in ms}
    chosen = [m for m in MAIN_PREFERENCE if m in present]
    for m in report.headline:
        if len(chosen) >= k:
            break
        if m in present and m not in chosen:
            chosen.append(m)
    if not chosen:
        chosen = sorted(present)[:k]
    return chosen[:k]


def _claim(c) -> dict:
    return {"a": c.start, "b": c.end, "ok": c.supported, "s": round(c.score, 4), "v": c.verdict,
            "ev": [c.evidence.start, c.evidence.end] if c.evidence else None,
            "sp": [[s.start, s.end] for s in c.unsupported_spans], "why": list(c.reasons)}


def page_data(report, comparison=None, baseline=None) -> dict:
    shown = [m for m in report.headline if any(m in ms for ms in report.systems.values())]
    if not shown:
        shown = sorted({m for ms in report.systems.values() for m in ms})
    data = {
        "systems": list(report.systems) or sorted({c.system for case in report.cases for c in case.candidates}),
        "metrics": {m: hib for m, hib in report.metrics.items()},
        "shown": shown,
        "main": main_metrics(report),
        "summary": {s: {m: [v.mean, v.ci_low, v.ci_high, v.n] for m, v in ms.items()}
                    for s, ms in report.systems.items()},
        "signatures": dict(report.signatures),
        "gate": {"passed": report.gate.passed, "failures": [[f.kind, f.message] for f in report.gate.failures]},
        "started": (report.run or {}).get("started_at"),
        "cases": [{"id": case.id, "src": case.source,
                   "c": [{"s": cand.system, "t": cand.summary, "sc": dict(cand.scores), "err": dict(cand.errors),
                          "cl": [_claim(c) for c in cand.claims]} for cand in case.candidates]}
                  for case in report.cases],
        "cmp": None,
    }
    if comparison is not None:
        base_cases = {c.id: c for c in baseline.cases} if baseline is not None else {}
        changes: dict = {}
        for ch in comparison.changes:
            bc = base_cases.get(ch.case_id)
            bcand = bc.candidate(ch.system) if bc is not None else None
            changes.setdefault(ch.case_id, {})[ch.system] = {
                "new": [c.text for c in ch.newly_flagged], "gone": [c.text for c in ch.no_longer_flagged],
                "d": dict(ch.deltas), "reg": ch.regressed, "w": ch.worsening,
                "base": bcand.summary if bcand is not None and ch.summary_changed else None,
                "bcl": [_claim(c) for c in bcand.claims] if bcand is not None and ch.summary_changed else [],
            }
        data["cmp"] = {
            "base": comparison.base_label, "new": comparison.new_label, "alpha": comparison.alpha,
            "deltas": [[d.system, d.metric, d.higher_is_better, d.stats.base_mean, d.stats.new_mean, d.stats.delta,
                        d.stats.ci_low, d.stats.ci_high, d.stats.p_value, d.stats.n, d.significant]
                       for d in comparison.deltas],
            "changes": changes, "missing": list(comparison.missing_cases), "extra": list(comparison.extra_cases),
            "msys": list(comparison.missing_systems), "xsys": list(comparison.extra_systems),
            "mcand": [list(p) for p in comparison.missing_candidates], "notes": list(comparison.notes),
            # newly flagged claims, shown first: [case, system, baseline system, claim, offending words, evidence]
            "nf": [[ch.case_id, ch.system, comparison.baseline_name(ch.system), p.text, list(p.offending), p.evidence]
                   for ch in comparison.newly_flagged() for p in map(claim_parts, ch.newly_flagged)],
            "warnings": list(comparison.warnings), "pairs": [list(p) for p in comparison.pairs],
            "worst": next((c.case_id for c in comparison.worst(1)), None),   # the drill-down opens on it
        }
    return data


def json_for_script(data) -> str:
    """JSON that cannot end its <script> element or open markup: <, >, & and U+2028/9 escaped."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _asset(name: str) -> str:
    return resources.files("evalharness.render").joinpath("assets", name).read_text(encoding="utf-8")


CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
       "connect-src 'none'; form-action 'none'; base-uri 'none'")


def render_html(report, comparison=None, baseline=None) -> str:
    data = json_for_script(page_data(report, comparison, baseline))
    css = _asset("report.css")
    js = _asset("report.js")
    for text, closing in ((css, "</style"), (js, "</script")):
        if closing in text.lower():  # our own assets; guard anyway
            raise ValueError(f"asset contains {closing}")
    title = "evalharness report" + (" (compared with baseline)" if comparison is not None else "")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{title}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        "<noscript>This report needs JavaScript to draw its charts and tables.</noscript>\n"
        "<div id=\"app\"></div>\n"
        f"<script type=\"application/json\" id=\"eh-data\">{data}</script>\n"
        f"<script>\n{js}</script>\n</body>\n</html>\n"
    )
