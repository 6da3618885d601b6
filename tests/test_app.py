"""The browser view (app.py) in a real browser: `solara run app.py` on a free local port, driven by
Playwright in headless Chromium (Debian's `chromium`; browsers cannot be downloaded here). Saves the
page as it saw it to docs/figures/app.png, the README's screenshot."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "docs" / "figures" / "app.png"
CHROMIUM = shutil.which("chromium")
pytest.importorskip("solara", reason="solara is not installed (pip install -e '.[viz]')")
sys.path.insert(0, str(ROOT))
import app  # noqa: E402
from sim import load_config  # noqa: E402
from sim.model.rollcall import VACANT  # noqa: E402

try:
    from playwright import sync_api as playwright
except ImportError:
    playwright = None
MISSING = "needs playwright (pip install -e '.[viz]') and Debian's chromium (apt-get install chromium)"
# .ci/run sets MAJILIS_BROWSER_TEST=required: there a missing browser is a failure, not a skip.
if os.environ.get("MAJILIS_BROWSER_TEST") == "required" and (playwright is None or CHROMIUM is None):
    raise RuntimeError(MISSING)
browser_test = pytest.mark.skipif(playwright is None or CHROMIUM is None, reason=MISSING)

SERVER_START = 120  # seconds: the first start imports Mesa, solara and composes a config
TIMEOUT_MS = 60_000  # for any one thing the page must show
VOTES = re.compile(r"yes (\d+), no (\d+), abstain (\d+), vacant (\d+); (\d+) of (\d+) needed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app served by `solara run` in its own process group, ended (group and all) afterwards,
    whatever happened."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("solara") / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "solara", "run", "app.py", "--host", "127.0.0.1", "--port", str(port),
         "--production", "--no-open"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START
        while True:
            if proc.poll() is not None:
                pytest.fail(f"solara exited with {proc.returncode}:\n{Path(log.name).read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"solara did not answer within {SERVER_START} s:\n{Path(log.name).read_text()}")
                time.sleep(0.5)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)
        log.close()


def _no_error(page) -> None:
    """No Python traceback and no error banner (Mesa shows a failed step as a solara.Error alert)."""
    text = page.inner_text("body")
    assert "Traceback" not in text and "Error" not in text, text[:2000]
    assert page.locator(".v-alert.error").count() == 0


def _votes(page) -> tuple[int, ...]:
    return tuple(int(v) for v in VOTES.search(page.inner_text("body")).groups())


def _step(page, number: int) -> float:
    """Press Step; wait until the page shows roll call `number`; return the seconds it took."""
    start = time.perf_counter()
    page.get_by_role("button", name="Step").click()
    page.get_by_text(f"Roll call {number} of").wait_for()
    return time.perf_counter() - start


def _choose(page, label: str, option: str) -> None:
    """Pick `option` in the Select labelled `label`."""
    page.locator(".v-select").filter(has_text=label).locator(".v-select__slot").click()
    exactly = re.compile(f"^{re.escape(option)}$")
    page.locator(".menuable__content__active .v-list-item").filter(has_text=exactly).click()


def test_house_is_the_run_py_house_and_shows_what_the_model_did():
    house = app.House(parliament="ruling_minority", intent="1.0", fear_scale=0.0, whip=0.5, seed=1)
    # The command line shown on the page composes the same Config.
    assert house.cfg == load_config(*house.command.removeprefix("python run.py ").split())
    assert house.cfg.parties["amanat"].whip_strength == 0.475  # experiment=weak_whip's halved whip
    assert app.last_roll_call(house) is None and app.session_tally(house) == (0, 0)
    shown = []
    for k in range(house.session_length):
        house.step()
        rc = app.last_roll_call(house)
        shown.append(rc)
        assert rc.number == k + 1 and rc.session == 1
        if k < house.session_length - 1:
            government = [r.government for r in shown]
            passed = [r.passed for r in shown if r.government]
            assert app.session_tally(house) == (sum(government), sum(passed))
    # Once the session has closed, what the page showed roll call by roll call is what the record kept.
    assert app.session_tally(house) == (0, 0)
    r = house.record
    assert np.array_equal(np.array([rc.votes for rc in shown]), r.votes[: house.held])
    assert [rc.passed for rc in shown] == list(r.passed[: house.held])
    assert [rc.government for rc in shown] == list(r.proposer[: house.held] == -1)
    members = app.coalition_members(house)
    assert house.coalition_seats > 0 and members.sum() == house.coalition_seats
    assert not (members & (rc.votes == VACANT)).any()


@pytest.mark.parametrize("typed, used", [("7", 7), (" 12 ", 12), ("abc", 1), ("1.5", 1), ("-5", 1), (str(2**63), 1)])
def test_a_seed_that_is_not_a_whole_number_falls_back_to_1_with_a_note(typed, used):
    number, note = app.parse_seed(typed)
    assert number == used
    assert (note == "") == (used != 1 or typed == "1")
    house = app.House(seed=typed)
    assert house.notice == note and house.steps == 0


@browser_test
def test_step_reset_and_controls_in_a_browser(server):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(TIMEOUT_MS)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server, timeout=TIMEOUT_MS)
            page.get_by_text("No roll call yet").wait_for()
            assert page.get_by_text("A house of 98 seats").is_visible()
            _no_error(page)

            # Step: each press is one roll call; every seat shows a vote; the votes change.
            seconds = [_step(page, k) for k in range(1, 7)]
            seen = set()
            for k in range(7, 11):
                seconds.append(_step(page, k))
                yes, no, abstain, vacant, needed, seats = _votes(page)
                assert yes + no + abstain + vacant == seats == 98 and needed in (50, 66, 74)
                seen.add((yes, no, abstain))
            assert len(seen) > 1, "the tally did not change from roll call to roll call"
            assert page.locator("img").count() >= 2  # the hemicycle and the series
            assert all(page.locator("img").evaluate_all("imgs => imgs.map(i => i.naturalWidth > 100)"))
            _no_error(page)
            median = sorted(seconds)[len(seconds) // 2]
            print(f"\nseconds from Step to the page showing the roll call: median {median:.2f}")

            # Reset: back to a house before its first roll call.
            page.get_by_role("button", name="Reset").click()
            page.get_by_text("No roll call yet").wait_for()

            # Controls: a hung house, minor parties all out to oppose, no fear; Reset builds it.
            _choose(page, "Parliament", "ruling_minority")
            _choose(page, "opposition intent", "1.0")
            fear = page.get_by_role("slider", name="Registration fear (scale)")
            fear.focus()
            for _ in range(10):
                page.keyboard.press("ArrowLeft")
            page.get_by_role("button", name="Reset").click()
            command = ("parliament=ruling_minority behavior.loyalty_mean=0.8 behavior.fear_scale=0 "
                       "minor.opposition_intent=1")
            page.get_by_text(command).wait_for()
            page.get_by_text("No roll call yet").wait_for()
            for k in range(1, 4):
                _step(page, k)
            text = page.inner_text("body")
            seats = int(re.search(r"Coalition now: (\d+) seats", text).group(1))
            assert seats > 0, "no coalition formed in the hung house with every minor party at intent 1"
            assert _votes(page)[-1] == 98
            _no_error(page)
            assert not errors, errors

            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            # Written whole or not at all: the README never shows half a picture.
            with tempfile.NamedTemporaryFile(dir=SCREENSHOT.parent, suffix=".png", delete=False) as tmp:
                pass
            try:
                page.screenshot(path=tmp.name)
                os.replace(tmp.name, SCREENSHOT)
            finally:
                Path(tmp.name).unlink(missing_ok=True)
        finally:
            browser.close()
