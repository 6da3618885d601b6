"""The suite itself: a test skipped for want of something says what, in pytest's summary."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from helpers import ROOT


@pytest.mark.skipif(importlib.util.find_spec("solara") is not None, reason="solara is installed: the browser test runs")
def test_the_browser_test_skipped_without_solara_says_why_in_the_summary():
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                           "tests/test_app.py"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 5, done.stdout + done.stderr  # pytest's "no tests ran": skipped, not failed
    summary = done.stdout[done.stdout.index("short test summary info"):]
    assert "SKIPPED [1] tests/test_app.py" in summary and "solara is not installed (pip install -e '.[viz]')" in summary
