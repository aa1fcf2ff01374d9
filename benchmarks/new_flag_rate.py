"""How often a faithful rewrite gets a newly flagged claim against another faithful summary.

This is the false-alarm rate of the ``compare.new_flags`` regression rule: for each
source of ../shared/bench/genres/genres.jsonl and ../shared/bench/genres2/genres2.jsonl
it takes the two faithful summaries (label 1), scores both with the default
``support`` scorer (the built-in config's options), and compares one against the other
exactly as ``evalharness compare`` does (``compare_reports``: same case, same system,
a claim flagged now and not in the baseline). Both directions count, so each source
gives two pairs. A pair is a false alarm when the rewrite has at least one newly
flagged claim. The built-in default turns ``new_flags`` on (``max: 0``) only when the
rate is at most 10%.

    python3 benchmarks/new_flag_rate.py [--no-cache] [--json OUT]

Rerun it after any change to the detector: scores are cached under the scorer's
signature, so a changed detector is scored afresh.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evalharness.io.cases import Case  # noqa: E402
from evalharness.verdict.compare import compare_reports  # noqa: E402
from evalharness.core.config import CompareConfig, Config, NewFlagsRule, load_builtin_config  # noqa: E402
from evalharness.core.report import Report  # noqa: E402
from evalharness.engine.runner import evaluate  # noqa: E402
from evalharness.cache.store import CachePolicy  # noqa: E402

SETS = (ROOT.parent / "shared" / "bench" / "genres" / "genres.jsonl",
        ROOT.parent / "shared" / "bench" / "genres2" / "genres2.jsonl")
LIMIT = 0.10
COMMAND = "python3 benchmarks/new_flag_rate.py"


def faithful_pairs(paths=SETS) -> list[Case]:
    """One case per source with its two faithful summaries as systems "a" and "b"."""
    cases = []
    for path in paths:
        by_source: dict[str, list[dict]] = {}
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                by_source.setdefault(row["source"], []).append(row)
        for source, rows in by_source.items():
            good = [r for r in rows if r["label"] == 1]
            if len(good) != 2:
                raise SystemExit(f"{path}: source of {rows[0]['id']} has {len(good)} faithful summaries, not 2")
            cases.append(Case(id=good[0]["id"], source=source, references=(),
                              candidates={"a": good[0]["summary"], "b": good[1]["summary"]},
                              meta={"dataset": good[0]["dataset"]}))
    return cases


def one_system(report: Report, system: str, name: str = "rewrite") -> Report:
    """The report of ``system`` alone, renamed ``name``, so the two faithful summaries pair."""
    cases = tuple(dataclasses.replace(c, candidates=tuple(dataclasses.replace(x, system=name)
                                                          for x in c.candidates if x.system == system))
                  for c in report.cases)
    return dataclasses.replace(report, cases=cases, systems={name: report.systems[system]})


def measure(report: Report, checks: tuple[str, ...] | None = None) -> dict:
    """The false alarms of the rule ``compare.new_flags: {max: 0, checks: ...}`` (every new
    flag when ``checks`` is None): pairs in which a newly flagged claim counts against it."""
    rule = NewFlagsRule(max=0, checks=checks)
    config = CompareConfig(no_rules=True, resamples=1)
    alarms = []
    pairs = 0
    for base, new in (("a", "b"), ("b", "a")):
        comp = compare_reports(one_system(report, base), one_system(report, new), config)
        for ch in comp.changes:
            pairs += 1
            counted = [c for c in ch.newly_flagged if rule.counts(c)]
            if counted:
                alarms.append({"case": ch.case_id, "direction": f"{new} against {base}",
                               "claims": [c.text for c in counted],
                               "offending": [s.text for c in counted for s in c.unsupported_spans],
                               "reasons": [r for c in counted for r in c.reasons],
                               "checks": sorted({k for c in counted for k in c.checks})})
    return {"rule": rule.describe(), "pairs": pairs, "false_alarms": len(alarms),
            "rate": len(alarms) / pairs if pairs else None, "alarms": alarms}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-cache", action="store_true", help="score afresh, reading and writing no cache")
    ap.add_argument("--json", metavar="OUT", help="also write the figures and every false alarm as JSON")
    ap.add_argument("--checks", nargs="+", metavar="CHECK", default=None,
                    help="measure the rule limited to these detector checks (e.g. novel_number)")
    args = ap.parse_args(argv)
    builtin = load_builtin_config()
    config = Config(scorers=(builtin.scorer("support"),), bootstrap=builtin.bootstrap, run=builtin.run,
                    gate_no_rules=True)
    from evalharness.engine.progress import quiet_library_progress
    quiet_library_progress()
    cases = faithful_pairs()
    t0 = time.time()
    report = evaluate(cases, config, cache=CachePolicy.off() if args.no_cache else CachePolicy.from_settings())
    checks = tuple(args.checks) if args.checks else None
    problem = NewFlagsRule(checks=checks).validate()
    if problem:
        raise SystemExit(f"--checks: {problem[1]}")
    result = measure(report, checks)
    result.update(signature=report.signatures.get("support"), sources=len(cases), seconds=round(time.time() - t0, 1),
                  command=COMMAND + (f" --checks {' '.join(checks)}" if checks else ""), sets=[str(p.relative_to(ROOT.parent)) for p in SETS])
    for a in result["alarms"]:
        print(f"  {a['case']} ({a['direction']}): " + "; ".join(f'"{c}"' for c in a["claims"])
              + (f"  offending: {', '.join(a['offending'])}" if a["offending"] else ""))
    rate = result["rate"]
    print(f"support signature: {result['signature']}")
    command = COMMAND + (f" --checks {' '.join(checks)}" if checks else "")
    print(f"rule: {result['rule']}")
    print(f"new-flag false-alarm rate: {result['false_alarms']}/{result['pairs']} = {rate:.1%} "
          f"(faithful rewrite against faithful summary, both directions, {len(cases)} sources)")
    print(f"decision: this rule {'may be ON' if rate <= LIMIT else 'stays OFF'} by default "
          f"(on when the rate is at most {LIMIT:.0%}; the default takes the broadest rule that passes)")
    print(f"command: {command}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
