"""The README's sample output, cut from a real run of the main job.

    python scripts/readme_sample.py            # run the main job, print the sample
    python scripts/readme_sample.py --write    # ... and put it into README.md

The sample is the text rendering of `evalharness run cases/ --config configs/default.yaml`,
abridged: the header and the systems table (headline rows only), one case, and the gate's
verdict. tests/test_guarantees.py checks that every line of the README's sample is a line the
main job prints, so the README cannot drift from the program.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- sample:start -->", "<!-- sample:end -->"
CASE = "harbour-bridge"
SYSTEM = "model-b"
TABLE_ROWS = ("rouge.rouge1 ", "bertscore.f1 ", "support.supported_rate ", "support.unsupported_claims ")


def main_job_text() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([sys.executable, "-m", "evalharness", "run", "cases/", "--config", "configs/default.yaml",
                            "-q", "--out", tmp], cwd=ROOT, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise SystemExit(f"the main job failed (exit {r.returncode}):\n{r.stderr}")
    return r.stdout


def sample(text: str) -> list[str]:
    """The abridged lines: every one of them is a whole line of ``text``."""
    lines = text.splitlines()
    head = [x for x in lines if re.match(r"\d+ case\(s\), \d+ system\(s\)", x)]
    table = [x for x in lines if x.startswith(("metric ", "-----")) or x.startswith(TABLE_ROWS)]
    start = lines.index(f"case {CASE}")
    block = [lines[start]]
    inside = False
    for x in lines[start + 1:]:
        if not x.startswith("  "):          # the next case, or the gate
            break
        if not x.startswith("   "):         # a system's line: "  model-b: rouge.rouge1=..."
            inside = x.startswith(f"  {SYSTEM}:")
        if inside:
            block.append(x)
    gate = [x for x in lines if x.startswith("GATE ")]
    return head + [""] + table + [""] + block + [""] + gate


def write(lines: list[str]) -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} ... {END} block")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    README.write_text(before + START + "\n```\n" + "\n".join(lines) + "\n```\n" + END + after, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="put the sample into README.md")
    args = ap.parse_args(argv)
    lines = sample(main_job_text())
    print("\n".join(lines))
    if args.write:
        write(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
