"""The browser view (app.py): what it says in words, checked in Python, and the page itself in a real
browser: `solara run app.py` on a free local port, driven by Playwright in headless Chromium (Debian's
`chromium`; browsers cannot be downloaded here). The browser tests print, and write to timings.json in
their temporary directory, the median seconds from Step to the page showing the roll call and the rate
Play held a term at; they assert no time (machines are noisy). The last saves the page as it saw it to
docs/figures/app.png, the README's screenshot."""

from __future__ import annotations

import json
import math
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
from sim.figures.browser import replicates_figure, series_figure  # noqa: E402
from sim.figures.results import PARTY_COLOURS  # noqa: E402
from sim.figures.words import PARLIAMENT_NAMES  # noqa: E402
from sim.model.rollcall import VACANT  # noqa: E402
from sim.outcomes import registry  # noqa: E402
from sim.runs.replicates import run_experiment  # noqa: E402

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
TERM_MS = 180_000  # for a term to be played out or a batch to run, on a busy machine
VOTES = re.compile(r"yes (\d+), no (\d+), abstain (\d+), vacant (\d+); (\d+) of (\d+) needed")
ROLL_CALL = re.compile(r"Roll call (\d+) of (\d+)")
# A configuration key (`behavior.fear_scale`) or identifier (`ak_zhol`, `ruling_minority`) in the text.
IDENTIFIER = re.compile(r"\b[a-z]+(?:\.[a-z_]+)+\b|\b[a-z]+_[a-z_]+\b")
HUNG = PARLIAMENT_NAMES["ruling_minority"]


# -- in Python ---------------------------------------------------------------------------------------

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
        assert rc.stance == int(house.sitting.stance[0, k]) and rc.stance in (-1, 1)
        moved = house.record.moves[k]
        assert (rc.change[~moved] == 0).all() and rc.change[moved].any()
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


def test_the_bill_is_told_in_words_its_kind_author_issue_and_the_government_s_stance():
    house = app.House(parliament="ruling_minority")
    deputies, government = set(), set()
    while len(deputies) < 2 or not government:
        house.step()
        rc = app.last_roll_call(house)
        text = app.bill_html(house, rc)
        assert f"Roll call {rc.number} of 500" in text and "Issue: <b>" in text
        assert any(f"<b>{kind}</b>" in text for kind in app.KINDS.values())
        assert not IDENTIFIER.search(re.sub(r"<[^>]+>", "", text)), text
        if rc.government:
            assert "moved by <b>the Government</b>" in text and "The Government's own bill." in text
            government.add(rc.stance)
        else:
            assert re.search(r"moved by <b>(a deputy of [A-Z]|a self-nominated deputy)", text), text
            assert f"The Government <b>{'backs' if rc.stance > 0 else 'opposes'}</b> it." in text
            deputies.add(rc.stance)
    assert deputies == {-1, 1}  # deputies' bills the Government backs and bills it opposes
    assert app.issue_words(np.array([0.2, 0.0, -0.1]), ["russia", "energy", "agriculture"]) == (
        "<b>relations with Russia</b>, closer to Russia (by 0.20 on a scale of -1 to 1); "
        "<b>agriculture</b>, towards open markets (by 0.10 on a scale of -1 to 1)")


@pytest.mark.parametrize("typed, used", [("7", 7), (" 12 ", 12), ("0", 0), ("abc", None), ("1.5", None), ("-5", None),
                                         (str(2**63), None), ("", None)])
def test_a_seed_that_is_not_a_whole_number_from_0_is_refused_with_a_message(typed, used):
    assert app.parse_seed(typed) == used
    problems = app.Controls(seed=typed).problems()
    if used is None:
        assert problems == {"seed": f"Random seed: {typed!r} is not a whole number from 0 to 2^63 - 1."}
        with pytest.raises(ValueError, match="is not a whole number"):
            app.House(seed=typed)
    else:
        assert problems == {} and app.House(seed=typed).steps == 0


@pytest.mark.parametrize("change, control", [
    ({"loyalty": 1.5}, "loyalty"), ({"loyalty": math.nan}, "loyalty"), ({"fear_scale": -0.1}, "fear_scale"),
    ({"whip": "strong"}, "whip"), ({"parliament": "majilis_1995"}, "parliament"), ({"intent": "0.55"}, "intent")])
def test_a_control_value_out_of_its_range_gets_a_message_in_words(change, control):
    problems = app.Controls(**change).problems()
    assert list(problems) == [control]
    assert problems[control].startswith(app.LABELS[control] + ": ")
    with pytest.raises(ValueError, match=re.escape(app.LABELS[control])):
        app.House(**change)


def test_a_changed_control_is_named_in_words():
    applied = app.Controls()
    pending = app.Controls(parliament="ruling_minority", fear_scale=0.0)
    assert pending.changed(applied) == ["Parliament", "Registration fear (x configured)"]
    assert applied.changed(applied) == []


def test_the_batch_is_the_run_py_line_it_shows(tmp_path):
    controls = app.Controls(parliament="ruling_minority", intent="1.0", seed="5")
    cfg, command = app.batch_config(controls, 3)
    assert command.endswith("minor.opposition_intent=1 run.seed=5 run.replicates=3")
    *progress, (done, runs) = app.run_batch(controls, 3)
    assert done == 3 and not progress
    expected = run_experiment(load_config(*command.removeprefix("python run.py ").split()), progress=False)
    names = [o.name for o in registry.outcomes(summary=True)]
    assert runs[names].equals(expected[names])
    estimates = dict(app.batch_estimates(runs))
    assert list(estimates) == [o.label for o in registry.outcomes(summary=True)]
    assert all("95 % interval" in text or text == "none to count" for text in estimates.values()), estimates


def _figure_texts(fig) -> list[str]:
    found = [t.get_text() for t in fig.texts] + [fig._suptitle.get_text() if fig._suptitle else ""]
    for ax in fig.axes:
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]
        found += [t.get_text() for t in ax.get_yticklabels()]
    for legend in fig.legends:
        found += [t.get_text() for t in legend.get_texts()]
    return [t for t in found if t]


def test_the_view_s_figures_speak_words_and_draw_no_panel_empty():
    controls = app.Controls(parliament="ruling_minority", intent="1.0")
    *_, (_, runs) = app.run_batch(controls, 20)
    house = app.House()
    for _ in range(house.session_length):
        house.step()
    per_session = house.datacollector.get_model_vars_dataframe()
    for fig in (replicates_figure(runs, f"20 replicates of {controls.words()}"),
                series_figure(per_session, 5, house.members, house.blocking, house.majority)):
        identifiers = [t for t in _figure_texts(fig) if IDENTIFIER.search(t)]
        assert not identifiers, identifiers
        for ax in fig.axes:
            if ax.get_visible():
                assert ax.lines or ax.patches or ax.collections or ax.texts, ax.get_title()


def test_the_hemicycle_marks_votes_on_party_colours():
    house = app.House()
    house.step()
    frame = app.frame_of(house)
    seats = re.findall(r'<g class="seat" data-party="(\w+)" data-coalition="\d" data-vote="([a-z ]+)">'
                       r'<title>[^<]*</title><circle [^>]*fill="(#\w+)"', frame.hemicycle)
    assert len(seats) == house.members
    yes, no, abstain, vacant, *_ = (int(v) for v in VOTES.search(frame.bill).groups())
    votes = [vote for _, vote, _ in seats]
    assert (votes.count("yes"), votes.count("no"), votes.count("abstain"), votes.count("vacant seat")) == (
        yes, no, abstain, vacant)
    # A seat's colour is its party's whatever its vote: no vote has a colour of its own.
    assert all(fill == PARTY_COLOURS[party] for party, vote, fill in seats if vote != "vacant seat")


# -- in a browser ------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app served by `solara run` in its own process group, ended (group and all) afterwards,
    whatever happened: its URL and its process id."""
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
        yield url, proc.pid
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)
        log.close()


@pytest.fixture(scope="module")
def browser(server):
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def timings(tmp_path_factory):
    """What the browser tests measured, written to timings.json and printed at the end."""
    measured: dict[str, float] = {}
    yield measured
    path = tmp_path_factory.mktemp("timings") / "timings.json"
    path.write_text(json.dumps({**measured, "load_average_1min": os.getloadavg()[0]}, indent=1))
    print(f"\nbrowser view timings ({path}): {json.dumps(measured)}; load average {os.getloadavg()[0]:.2f}")


@pytest.fixture
def page(server, browser):
    """A new tab on the app (a house of its own), checked for script errors when the test ends."""
    tab = browser.new_page(viewport={"width": 1280, "height": 1600})
    tab.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(server[0], timeout=TIMEOUT_MS)
    tab.get_by_text("No roll call yet.").wait_for()
    yield tab
    if not tab.is_closed():
        tab.close()
    assert not errors, errors


def _no_error(page) -> None:
    """No Python traceback, no error banner, and no Mesa control that means nothing here."""
    text = page.inner_text("body")
    assert "Traceback" not in text and "Error" not in text, text[:2000]
    assert page.locator(".v-alert.error").count() == 0
    for mesa_control in ("Render Interval", "Use Threads", "PAGE 0", "Play Interval"):
        assert mesa_control.lower() not in text.lower()


def _words_only(page) -> None:
    """Labels in words: no configuration key or identifier anywhere but the run.py line."""
    text = page.inner_text("body")
    for command in page.locator("code").all_inner_texts():
        text = text.replace(command, "")
    assert not IDENTIFIER.findall(text), IDENTIFIER.findall(text)


def _roll_call(page) -> int:
    found = ROLL_CALL.search(page.inner_text("body"))
    return int(found.group(1)) if found else 0


def _votes(page) -> tuple[int, ...]:
    return tuple(int(v) for v in VOTES.search(page.inner_text("body")).groups())


def _button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def _step(page) -> float:
    """Press Step; wait until the page shows the next roll call; return the seconds it took."""
    number = _roll_call(page) + 1
    start = time.perf_counter()
    _button(page, "Step").click()
    page.get_by_text(f"Roll call {number} of").wait_for()
    return time.perf_counter() - start


def _choose(page, label: str, option: str) -> None:
    """Pick `option` in the Select labelled `label`."""
    page.locator(".v-select").filter(has_text=label).locator(".v-select__slot").click()
    exactly = re.compile(f"^{re.escape(option)}$")
    page.locator(".menuable__content__active .v-list-item").filter(has_text=exactly).click()


def _slide_to_zero(page, label: str) -> None:
    page.get_by_role("slider", name=label).focus()
    page.keyboard.press("Home")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@browser_test
def test_step_is_one_roll_call_and_a_changed_control_is_applied_by_reset(page, timings):
    assert page.get_by_text("a house of 98 seats").is_visible()
    _no_error(page)
    _words_only(page)

    # Step: each press is exactly one roll call, told in words; every seat shows a vote.
    seconds = [_step(page) for _ in range(10)]
    time.sleep(0.5)
    assert _roll_call(page) == 10, "Step held more than one roll call"
    yes, no, abstain, vacant, needed, seats = _votes(page)
    assert yes + no + abstain + vacant == seats == 98 and needed in (50, 66, 74)
    assert page.locator("svg.hemicycle g.seat[data-vote]").count() == 98
    assert page.locator("svg.hemicycle g.seat[data-vote='yes']").count() == yes
    bill = re.search(r"Roll call 10 of 500.*?needed\.", page.inner_text("body"), re.S).group(0)
    assert re.search(r"moved by (the Government|a deputy of [A-Z]|a self-nominated deputy)", bill), bill
    assert "Issue: " in bill and re.search(r"The Government('s own bill| backs it| opposes it)", bill), bill
    for legend in ("Seat colour: party", "Mark: vote on this roll call", "ring: in the opposition coalition"):
        assert page.get_by_text(legend).is_visible()
    _no_error(page)
    _words_only(page)
    timings["step_to_update_median_s"] = median = float(np.median(seconds))
    print(f"\nseconds from Step to the page showing the roll call: median {median:.3f} of {len(seconds)}")

    # A changed control shows the cue; the house shown keeps its settings until Reset applies them.
    _choose(page, "Parliament", HUNG)
    _choose(page, "opposition intent", "1.0")
    _slide_to_zero(page, "Registration fear (x configured)")
    page.get_by_text("Changed: Parliament, Registration fear (x configured), Minor parties' opposition intent. "
                     "Reset to apply").wait_for()
    assert _roll_call(page) == 10
    _button(page, "Reset to apply").click()
    page.get_by_text("No roll call yet.").wait_for()
    assert page.get_by_text(f"{HUNG[0].upper()}{HUNG[1:]}; loyalty 0.8, fear x 0").is_visible()
    assert _button(page, "Reset").is_visible() and page.get_by_text("Reset to apply").count() == 0
    command = "parliament=ruling_minority behavior.loyalty_mean=0.8 behavior.fear_scale=0 minor.opposition_intent=1"
    assert page.get_by_text(command).is_visible()
    for _ in range(3):
        _step(page)
    seats = int(re.search(r"opposition coalition of (\d+) seats", page.inner_text("body")).group(1))
    assert seats > 0, "no coalition formed in the hung house with every minor party at intent 1"
    assert page.locator("svg.hemicycle g.seat[data-coalition='1']").count() == seats
    _no_error(page)

    # Pause stops Play where it is; a Reset while playing stops it and shows only the new house.
    _choose(page, "Speed", "10 roll calls a second")
    _button(page, "Play").click()
    page.wait_for_function("() => +(document.body.innerText.match(/Roll call (\\d+) of/) || [0, 0])[1] >= 6")
    _button(page, "Pause").click()
    _button(page, "Play").wait_for()
    held = _roll_call(page)
    time.sleep(1)
    assert _roll_call(page) == held, "Play went on after Pause"
    _step(page)
    _button(page, "Play").click()
    page.wait_for_function(f"() => +(document.body.innerText.match(/Roll call (\\d+) of/) || [0, 0])[1] > {held + 3}")
    _button(page, "Reset").click()
    page.get_by_text("No roll call yet.").wait_for()
    time.sleep(1)
    assert _roll_call(page) == 0 and _button(page, "Play").is_enabled(), "the old house went on after Reset"
    _no_error(page)


@browser_test
def test_a_bad_value_gets_a_message_and_reset_keeps_the_house(page):
    seed = page.get_by_label("Random seed (a whole number from 0)")
    seed.fill("abc")
    seed.press("Enter")
    page.get_by_text("Random seed: 'abc' is not a whole number from 0 to 2^63 - 1.").first.wait_for()
    assert _button(page, "Reset to apply").is_disabled()
    _button(page, "Step").click()
    page.get_by_text("Roll call 1 of").wait_for()
    assert _roll_call(page) == 1 and "Traceback" not in page.inner_text("body")
    seed.fill("7")
    seed.press("Enter")
    page.get_by_text("Changed: Random seed. Reset to apply").wait_for()
    _button(page, "Reset to apply").click()
    page.get_by_text("No roll call yet.").wait_for()
    _no_error(page)


@browser_test
def test_a_closed_tab_stops_the_simulation(server, browser, timings):
    url, pid = server
    tab = browser.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(url, timeout=TIMEOUT_MS)
    tab.get_by_text("No roll call yet.").wait_for()
    _choose(tab, "Speed", "25 roll calls a second")  # a term in 20 s: still playing when measured
    _button(tab, "Play").click()
    tab.wait_for_function("() => /Roll call ([2-9]\\d|\\d{3}) of/.test(document.body.innerText)")
    start, clock = _cpu_seconds(pid), time.monotonic()
    time.sleep(2)
    playing = (_cpu_seconds(pid) - start) / (time.monotonic() - clock)
    assert _roll_call(tab) < 500
    tab.close()
    time.sleep(1.5)
    start, clock = _cpu_seconds(pid), time.monotonic()
    time.sleep(4)
    after = (_cpu_seconds(pid) - start) / (time.monotonic() - clock)
    timings["server_cpu_share_playing"], timings["server_cpu_share_after_close"] = playing, after
    assert after < 0.05, f"the server kept working after the tab closed: {after:.0%} of a core (playing: {playing:.0%})"


@browser_test
def test_a_term_played_to_its_end_shows_its_summary_and_a_batch_its_distribution(page, timings):
    # The hung house with every minor party out to oppose and no fear: a house where coalitions form.
    _choose(page, "Parliament", HUNG)
    _choose(page, "opposition intent", "1.0")
    _slide_to_zero(page, "Registration fear (x configured)")
    _button(page, "Reset to apply").click()
    page.get_by_text(f"{HUNG[0].upper()}{HUNG[1:]}; loyalty 0.8, fear x 0").wait_for()
    _choose(page, "Speed", "100 roll calls a second")
    _button(page, "Step").click()
    page.get_by_text("Roll call 1 of").wait_for()
    start = time.perf_counter()
    _button(page, "Play").click()
    page.get_by_text("End of term").wait_for(timeout=TERM_MS)
    timings["play_roll_calls_per_s"] = rate = 499 / (time.perf_counter() - start)
    print(f"\nPlay at 100 roll calls a second held {rate:.0f} a second")
    assert _roll_call(page) == 500
    assert _button(page, "Play").is_disabled() and _button(page, "Step").is_disabled()
    summary = page.locator(".v-card").filter(has_text="End of term").inner_text()
    assert "All 500 roll calls have been held" in summary
    for o in registry.outcomes(summary=True):
        assert o.label in summary
    _no_error(page)

    _choose(page, "Replicates", "50")
    _button(page, "Run 50 replicates").click()
    page.get_by_text("each outcome's estimate with its 95 % interval").wait_for(timeout=TERM_MS)
    batch = page.locator(".v-card").filter(has_text="50 replicates of")
    text = batch.inner_text()
    for o in registry.outcomes(summary=True):
        assert o.label in text
    assert text.count("95 % interval") >= len(registry.outcomes(summary=True))
    figure = page.locator(".v-card").filter(has_text="Distributions over the 50 replicates").locator("img")
    figure.wait_for()
    assert figure.evaluate("i => i.naturalWidth") > 600
    assert page.get_by_text("run.seed=1 run.replicates=50").is_visible()
    _no_error(page)
    _words_only(page)

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    # Written whole or not at all: the README never shows half a picture.
    with tempfile.NamedTemporaryFile(dir=SCREENSHOT.parent, suffix=".png", delete=False) as tmp:
        pass
    try:
        page.set_viewport_size({"width": 1280, "height": 2250})  # the whole page: house, term, replicates
        page.screenshot(path=tmp.name)
        os.replace(tmp.name, SCREENSHOT)
    finally:
        Path(tmp.name).unlink(missing_ok=True)
