"""The README's screenshot comes from a real run: scripts/readme_screenshot.py runs the README's CI
flow, checks the page's verdict against the run's exit code, and writes the picture. This test
runs the script as the maintainer would, so a change that breaks the flow or the page it shows
fails here (the picture itself is not compared pixel by pixel)."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cdp import find_chromium

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

if find_chromium() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs chromium for the screenshot test (.ci/run installs it)")
    pytest.skip("chromium is not installed (apt-get install -y chromium)", allow_module_level=True)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_the_readme_screenshot_is_made_from_a_run_that_shows_what_the_readme_says(tmp_path):
    out = tmp_path / "shot.png"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "scripts/readme_screenshot.py", "--out", str(out)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    # the run failed its gate on the newly flagged claim, and the page said so
    assert "run exit 1; page verdict:" in r.stdout and "gate failed" in r.stdout, r.stdout
    assert "74 percent" in r.stdout.split("first newly flagged:", 1)[1], r.stdout
    # the same picture as the committed one: same size, and the README's words describe this run
    assert png_size(out) == png_size(ROOT / "docs" / "report-screenshot.png")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "74 percent where the source says 41" in readme and "(docs/report-screenshot.png)" in readme
