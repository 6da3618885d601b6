"""The Majilis in the browser: `pip install -e '.[viz]' && solara run app.py`.

One house of the Mesa model, stepped one roll call at a time or played at a chosen speed: the bill in
words (its kind, author, issue and the Government's stance), the hemicycle (seat colour the party, the
mark on it the vote), the house by session from the model's DataCollector, the term's outcomes once it
has been played to its end, and a batch of replicates of the same settings run by the project's batch
engine, with the distribution of the main outcomes and their intervals. The controls take effect on
Reset, and the page says so while they differ from the house shown.

The page is solara's own rather than Mesa's SolaraViz, whose Step advances by its render interval,
whose Play thread goes on after the page is closed, and whose own controls (render interval, threads,
pages) mean nothing to a reader of this model. Each browser tab has a `Viewer`: its house, the thread
that plays it and the thread of its batch. The threads stop when the tab's page disconnects.
"""

from __future__ import annotations

import contextlib
import copy
import html
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from functools import lru_cache

import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure
from solara.server import kernel_context

import sim
from sim.config import MAX_SEED, Config, ConfigError
from sim.figures.browser import hemicycle_svg, legend_html, replicates_figure, series_figure
from sim.figures.words import PARLIAMENT_NAMES, party_label
from sim.model.agenda import GOVERNMENT
from sim.model.model import MajilisModel
from sim.model.rollcall import ABSTAIN, NO, VACANT, YES
from sim.outcomes import registry
from sim.outcomes.collect import CollectingMajilisModel
from sim.outcomes.summary import estimate
from sim.outcomes.terms import run_outcomes
from sim.runs.replicates import iter_replicates
from sim.runs.workers import CHUNK

logger = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def _config(overrides: tuple[str, ...]) -> Config:
    """sim.load_config, cached: composing a config takes ~0.2 s, which a Reset should not repeat."""
    return sim.load_config(*overrides)


DEFAULTS = _config(())
AS_CONFIGURED = "as configured"
INTENTS = [AS_CONFIGURED] + [f"{v / 10:.1f}" for v in range(11)]
# (label, low, high, step) of each slider; the labels are what the page and its messages say.
SLIDERS = {
    "loyalty": ("Party loyalty (mean, 0 to 1)", 0.0, 1.0, 0.05),
    "fear_scale": ("Registration fear (x configured)", 0.0, 2.0, 0.1),
    "whip": ("Whip strength (x configured)", 0.0, 1.5, 0.05),
}
LABELS = {"parliament": "Parliament", "intent": "Minor parties' opposition intent", "seed": "Random seed",
          **{name: slider[0] for name, slider in SLIDERS.items()}}
# Play's speeds, in roll calls a second. The loop shows as many frames as the page can draw and holds
# as many roll calls between two frames as the speed asks for.
SPEEDS = {"2 roll calls a second": 2.0, "10 roll calls a second": 10.0, "25 roll calls a second": 25.0,
          "100 roll calls a second": 100.0}
DEFAULT_SPEED = "25 roll calls a second"
REPLICATES = [20, 50, 100, 200, 500]
DEFAULT_REPLICATES = 100
# What the policy dimensions are, and what each end of one means (configs/parties/default.yaml).
ISSUES = {
    "russia": ("relations with Russia", "closer to Russia", "away from Russia"),
    "energy": ("energy", "towards fossil fuel and Russian gas", "towards green and domestic supply"),
    "agriculture": ("agriculture", "towards protection and self-sufficiency", "towards open markets"),
}
KINDS = {"ordinary": "an ordinary law", "constitutional": "a constitutional law",
         "amendment": "an amendment to the Constitution"}
# The sidebar's width is its content's (min-content): a long choice in a select would widen it over the
# view, so it is held at the width the view makes room for. Below 960 px Vuetify turns it into an
# overlay of at least 400 px that hides the house on a phone, with nothing left to tap to close it:
# there, stack the controls above the view.
CSS = """
.v-navigation-drawer { width: 400px !important; }
.v-slider__thumb-label { height: 22px !important; width: 22px !important; font-size: 10px; }
.v-input__slider { padding-top: 14px; }
.majilis-command { font-size: 12px; overflow-wrap: anywhere; white-space: normal; }
.majilis-table td { padding: 1px 10px 1px 0; vertical-align: top; }
@media (max-width: 959px) {
  .v-navigation-drawer { position: static !important; transform: none !important; visibility: visible !important;
                         width: 100% !important; min-width: 0 !important; max-width: none !important;
                         height: auto !important; margin-top: 56px; }
  .v-overlay { display: none !important; }
  .solara-content-main.v-content, .solara-content-main.v-main { padding-top: 0 !important; }
}
"""


# -- the controls -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Controls:
    """The controls' values: the house that Reset builds."""

    parliament: str = DEFAULTS.parliament.name
    loyalty: float = DEFAULTS.behavior.loyalty_mean
    fear_scale: float = DEFAULTS.behavior.fear_scale
    intent: str = AS_CONFIGURED
    whip: float = 1.0
    seed: str = "1"

    def problems(self) -> dict[str, str]:
        """What is wrong with each control's value, in words, by control (empty: none)."""
        out = {}
        if self.parliament not in PARLIAMENT_NAMES:
            allowed = ", ".join(PARLIAMENT_NAMES)
            out["parliament"] = f"{LABELS['parliament']}: {self.parliament!r} is not one of {allowed}."
        if self.intent not in INTENTS:
            out["intent"] = f"{LABELS['intent']}: {self.intent!r} is not 'as configured' or 0.0 to 1.0 in tenths."
        for name, (label, low, high, _) in SLIDERS.items():
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not low <= value <= high:  # NaN fails the range too
                out[name] = f"{label}: {value!r} is not a number from {low:g} to {high:g}."
        if parse_seed(self.seed) is None:
            out["seed"] = f"{LABELS['seed']}: {self.seed!r} is not a whole number from 0 to 2^63 - 1."
        return out

    def changed(self, other: Controls) -> list[str]:
        """The labels of the controls whose values differ from `other`'s."""
        return [LABELS[f.name] for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]

    def overrides(self) -> list[str]:
        """The run.py overrides that make this house: `python run.py OVERRIDES` runs it."""
        out = [f"parliament={self.parliament}", f"behavior.loyalty_mean={self.loyalty:g}",
               f"behavior.fear_scale={self.fear_scale:g}"]
        if self.intent != AS_CONFIGURED:
            out.append(f"minor.opposition_intent={float(self.intent):g}")
        if self.whip != 1.0:
            # Every party's configured whip times the factor (experiment=weak_whip is 0.5), capped at 1.
            out += [f"parties.{name}.whip_strength={min(1.0, round(party.whip_strength * self.whip, 4)):g}"
                    for name, party in DEFAULTS.parties.items()]
        return out

    def words(self) -> str:
        """The settings in a sentence, for the heading of what was run with them."""
        intent = "as configured" if self.intent == AS_CONFIGURED else self.intent
        return (f"{PARLIAMENT_NAMES.get(self.parliament, self.parliament)}; loyalty {self.loyalty:g}, fear x "
                f"{self.fear_scale:g}, whip x {self.whip:g}, minor parties' opposition intent {intent}")


def parse_seed(text: int | str) -> int | None:
    """The seed typed in the box, or None when it is not a whole number from 0 to 2^63 - 1."""
    try:
        number = int(str(text).strip())
    except ValueError:
        return None
    return number if 0 <= number <= MAX_SEED else None


class House(CollectingMajilisModel):
    """The model as the browser builds it: one house from the controls' values, collecting per session.
    A value the controls could not have given raises ValueError with the same words the page shows."""

    def __init__(
        self,
        parliament: str = DEFAULTS.parliament.name,
        loyalty: float = DEFAULTS.behavior.loyalty_mean,
        fear_scale: float = DEFAULTS.behavior.fear_scale,
        intent: str = AS_CONFIGURED,
        whip: float = 1.0,
        seed: int | str = 1,
    ) -> None:
        self.controls = Controls(parliament, loyalty, fear_scale, intent, whip, str(seed))
        problems = self.controls.problems()
        if problems:
            raise ValueError(" ".join(problems.values()))
        changes = self.controls.overrides()
        # The cached Config is shared between resets: the model gets its own copy.
        super().__init__(copy.deepcopy(_config(tuple(changes))), rng=parse_seed(seed))
        self.command = "python run.py " + " ".join(changes)


# -- accessors: everything the page reads per roll call goes through these three ---------------------

@dataclass
class RollCall:
    """The last roll call held: its number (from 1), session (from 1), who moved it, its kind, the
    votes needed, whether it passed, each seat's vote code (sim.model.rollcall), the executive's stance
    (+1 endorses, -1 opposes) and how far the bill moves each dimension (0 where it leaves it)."""

    number: int
    session: int
    government: bool
    proposer: str
    kind: str
    needed: int
    passed: bool
    votes: np.ndarray
    stance: int
    change: np.ndarray


def last_roll_call(model: MajilisModel) -> RollCall | None:
    """The roll call just held, or None before the first."""
    if model.held == 0 or model.sitting is None or model.last_bill is None:
        return None
    k = model.held - 1
    i = k % model.session_length
    proposer = int(model.record.proposer[k])
    kind = int(model.record.kind[k])
    if proposer == GOVERNMENT:
        name = "the Government"
    elif proposer == model.parties.independent:
        name = "a self-nominated deputy"
    else:
        name = f"a deputy of {party_label(model.parties.names[proposer])}"
    bill = model.last_bill
    change = np.where(model.record.moves[k], bill.proposal - bill.status_quo, 0.0)
    return RollCall(number=k + 1, session=k // model.session_length + 1, government=proposer == GOVERNMENT,
                    proposer=name, kind=model.bill_kinds[kind], needed=int(model.thresholds[kind]),
                    passed=bool(model.sitting.passed[0, i]), votes=model.sitting.votes[0, i].copy(),
                    stance=bill.stance, change=change)


def session_tally(model: MajilisModel) -> tuple[int, int]:
    """Government bills voted on so far in the session under way and how many passed ((0, 0) between
    sessions: the DataCollector has the closed ones)."""
    i = model.held % model.session_length
    if model.sitting is None or i == 0:
        return 0, 0
    government = model.sitting.government[0, :i]
    return int(government.sum()), int(model.sitting.passed[0, :i][government].sum())


def coalition_members(model: MajilisModel) -> np.ndarray:
    """Per seat: a seated member of the opposition coalition, by party or as a self-nominated deputy."""
    c, seats = model.coalition, model.seats
    if c is None:
        return np.zeros(model.members, dtype=bool)
    return (c.parties[seats.party_of] | c.deputies) & seats.seated


# -- in words ---------------------------------------------------------------------------------------

def issue_words(change: np.ndarray, dimensions: list[str]) -> str:
    """The dimensions a bill moves and which way, in words."""
    parts = []
    for name, delta in zip(dimensions, change, strict=True):
        if delta == 0:
            continue
        issue, up, down = ISSUES.get(name, (name.replace("_", " "), "towards +1", "towards -1"))
        parts.append(f"<b>{issue}</b>, {up if delta > 0 else down} (by {abs(delta):.2f} on a scale of -1 to 1)")
    return "; ".join(parts) if parts else "no policy change (it restates the status quo)"


def bill_html(model: MajilisModel, rc: RollCall | None) -> str:
    """The roll call shown, in words: where the term is, the bill's kind, author, issue, the
    Government's stance and the result."""
    sessions = model.roll_calls // model.session_length
    if rc is None:
        settings = html.escape(model.controls.words())
        return (f"<b>No roll call yet.</b> {settings[0].upper() + settings[1:]}: a house of "
                f"{model.members} seats; {model.roll_calls} roll calls in {sessions} sessions. Press Step for "
                f"the first roll call, or Play.")
    counts = np.bincount(rc.votes, minlength=4)
    kind = KINDS.get(rc.kind, f"a bill of kind {rc.kind}")
    if rc.government:
        stance = "The Government's own bill." if rc.stance > 0 else "The Government's own bill, which it opposes."
    else:
        stance = f"The Government <b>{'backs' if rc.stance > 0 else 'opposes'}</b> it."
    return (f"<b>Roll call {rc.number} of {model.roll_calls}</b>, session {rc.session} of {sessions}: "
            f"<b>{kind}</b> moved by <b>{html.escape(rc.proposer)}</b>. Issue: "
            f"{issue_words(rc.change, list(model.cfg.dimensions))}. {stance} "
            f"<b>{'Passed' if rc.passed else 'Failed'}</b>: yes {counts[YES]}, no {counts[NO]}, "
            f"abstain {counts[ABSTAIN]}, vacant {counts[VACANT]}; {rc.needed} of {model.members} needed.")


def session_html(model: MajilisModel) -> str:
    """The session under way: the coalition that formed when it opened and the Government's bills."""
    if model.held >= model.roll_calls:
        return "The term is over."
    i = model.held % model.session_length
    session = model.held // model.session_length + 1
    if i == 0:
        return (f"Session {session} opens with the next roll call: the parties play the coalition game "
                f"then (a coalition lasts the session).")
    members = coalition_members(model)
    if model.coalition is None:
        coalition = "no opposition coalition formed"
    else:
        parties = [party_label(model.parties.names[p]) for p in np.flatnonzero(model.coalition.parties)]
        deputies = int(model.coalition.deputies.sum())
        who = ", ".join(parties + ([f"{deputies} self-nominated deputies"] if deputies else []))
        coalition = f"opposition coalition of <b>{int(members.sum())} seats</b> ({html.escape(who)})"
    bills, passed = session_tally(model)
    return (f"Session {session} so far: {coalition}; the Government's bills: {passed} of {bills} passed; "
            f"expulsions so far: {model.expulsions}.")


def value_words(o: registry.Outcome, value: float) -> str:
    """One run's value of an outcome, in words."""
    if o.kind == "binary":
        return "yes" if value else "no"
    if not np.isfinite(value):
        return "none to count"
    if o.kind == "share":
        return f"{value:.0%}"
    if o.kind == "count":
        return f"{value:.0f} {o.unit}"
    return f"{value:.3g}"


def estimate_words(o: registry.Outcome, centre: float, low: float, high: float) -> str:
    """An estimate over runs and its 95 % interval, in words."""
    if not np.isfinite(centre):
        return "none to count"
    if o.kind in ("binary", "share"):
        what = " of runs" if o.kind == "binary" else ""
        return f"{centre:.0%}{what} (95 % interval {low:.0%} to {high:.0%})"
    unit = "" if o.unit == "value" else f" {o.unit}"
    return f"mean {centre:.3g}{unit} (95 % interval {low:.3g} to {high:.3g})"


def term_summary(model: MajilisModel) -> list[tuple[str, str]]:
    """The summary outcomes of the registry for the house's last term, each (label, value in words)."""
    row = run_outcomes(model)[-1]
    return [(o.label, value_words(o, row[o.name])) for o in registry.outcomes(summary=True)]


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td>{html.escape(a)}</td><td><b>{html.escape(b)}</b></td></tr>" for a, b in rows)
    return f'<table class="majilis-table">{cells}</table>'


# -- what the page shows, as of one moment -----------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Frame:
    """A snapshot of a house for the page, made where the house was stepped: the page never reads a
    house that a thread may be stepping. Compared by identity: each is a new moment."""

    house: House
    held: int
    over: bool
    bill: str
    session: str
    hemicycle: str
    legend: str
    series_key: tuple[int, int]  # (house, sessions collected): the series figure changes with it only
    series: Figure
    summary: list[tuple[str, str]] | None


def frame_of(house: House, previous: Frame | None = None) -> Frame:
    """The page's view of `house` now; the series figure is `previous`'s while no session has closed."""
    rc = last_roll_call(house)
    order = seat_order(house)
    names = house.parties.names
    party_of = house.seats.party_of
    coalition = coalition_members(house)
    result = ("before the first vote", f"{house.majority} of {house.members} pass an ordinary law") if rc is None else (
        "PASSED" if rc.passed else "FAILED", f"yes {int((rc.votes == YES).sum())}; {rc.needed} needed")
    svg = hemicycle_svg([names[party_of[s]] for s in order], None if rc is None else rc.votes[order],
                        coalition[order], result)
    seated = house.seats.seated
    party_seats = {names[row]: int((seated & (party_of == row)).sum()) for row in dict.fromkeys(party_of[order])}
    counts = None if rc is None else dict(enumerate(np.bincount(rc.votes, minlength=4).tolist()))
    data = house.datacollector.get_model_vars_dataframe()
    key = (id(house), len(data))
    if previous is not None and previous.series_key == key:
        series = previous.series
    else:
        series = series_figure(data, house.roll_calls // house.session_length, house.members, house.blocking,
                               house.majority)
    over = house.held >= house.roll_calls
    return Frame(house=house, held=house.held, over=over, bill=bill_html(house, rc), session=session_html(house),
                 hemicycle=svg, legend=legend_html(party_seats, counts, int(coalition.sum())), series_key=key,
                 series=series, summary=term_summary(house) if over else None)


def seat_order(model: MajilisModel) -> np.ndarray:
    """Seats from the left of the arch to the right: self-nominated deputies, then the parties from
    the least to the most aligned with the regime (the ruling party on the right), as sim.figures.results."""
    parties = model.parties
    alignment = np.append(parties.alignment[: parties.independent], -np.inf)  # self-nominated first
    rank = np.argsort(np.argsort(alignment, kind="stable"), kind="stable")
    return np.lexsort((np.arange(model.members), rank[model.seats.party_of]))


@dataclass(frozen=True, eq=False)
class Batch:
    """Replicates of one set of controls, as far as they have run: the runs table, its figure and the
    estimates in words once done, or what went wrong."""

    controls: Controls
    replicates: int
    command: str
    done: int = 0
    runs: pd.DataFrame | None = None
    figure: Figure | None = None
    estimates: list[tuple[str, str]] | None = None
    error: str = ""


def batch_config(controls: Controls, replicates: int) -> tuple[Config, str]:
    """The configuration of `replicates` runs of the controls' house and the run.py line that runs
    them (its seed is the root of the replicates' seeds, as in every job)."""
    changes = [*controls.overrides(), f"run.seed={parse_seed(controls.seed)}", f"run.replicates={replicates}"]
    # One worker: the server's cores serve every tab, and the results do not depend on the count.
    return _config((*changes, "run.workers=1")), "python run.py " + " ".join(changes)


def run_batch(controls: Controls, replicates: int) -> Iterator[tuple[int, pd.DataFrame | None]]:
    """The replicates of the controls' house by the batch engine (sim.runs.replicates, in lockstep
    chunks of CHUNK): yields (replicates done, None) after each chunk, then (replicates, the runs table)."""
    cfg, _ = batch_config(controls, replicates)
    rows: list[dict] = []
    done = 0
    for replicate_rows, _tables in iter_replicates(cfg, progress=False):
        rows += replicate_rows
        done += 1
        if done % CHUNK == 0 and done < replicates:
            yield done, None
    yield done, pd.DataFrame(rows)


def batch_estimates(runs: pd.DataFrame) -> list[tuple[str, str]]:
    """Each summary outcome's estimate over the runs and its 95 % interval (sim.outcomes.summary.estimate)."""
    return [(o.label, estimate_words(o, *estimate(runs, o))) for o in registry.outcomes(summary=True)]


# -- one browser tab's state --------------------------------------------------------------------------

def _current_context() -> kernel_context.VirtualKernelContext | None:
    try:
        return kernel_context.get_current_context()
    except RuntimeError:  # outside solara's server (a test calling the viewer directly)
        return None


def _page_open(context: kernel_context.VirtualKernelContext | None) -> bool:
    """Whether the tab is still there: its kernel open with a page connected. A closed tab disconnects
    at once, but solara keeps its kernel for a day in case it comes back."""
    if context is None:
        return True
    return not context.closed_event.is_set() and kernel_context.PageStatus.CONNECTED in context.page_status.values()


def _entered(context: kernel_context.VirtualKernelContext | None) -> contextlib.AbstractContextManager:
    """The tab's kernel context, for a thread of its own to set the page's state in."""
    return context if context is not None else contextlib.nullcontext()


class Viewer:
    """One tab's house, the thread that plays it and the thread of its batch. The house is stepped, and
    its frames made and shown, under `lock`: no frame of a house that a Reset replaced is shown after
    the new house's. The page's components read only frames and never take the lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.house = House()
        self.applied = solara.reactive(self.house.controls)
        self.pending = solara.reactive(self.house.controls)
        self.frame = solara.reactive(frame_of(self.house), equals=_same)
        self.over = solara.reactive(False)  # the term played to its end
        self.playing = solara.reactive(False)
        self.speed = solara.reactive(DEFAULT_SPEED)
        self.replicates = solara.reactive(DEFAULT_REPLICATES)
        self.batch: solara.Reactive[Batch | None] = solara.reactive(None, equals=_same)
        self.message = solara.reactive("")
        self._stop = threading.Event()
        self._latest = self.frame.value
        self._batch_token: object = None

    def step(self) -> None:
        """One roll call."""
        with self.lock:
            if self.house.held < self.house.roll_calls:
                self.house.step()
                self._show(frame_of(self.house, self._latest))

    def _show(self, frame: Frame) -> None:
        """Show `frame` (holding the lock)."""
        self._latest = frame
        self.frame.value = frame
        self.over.value = frame.over

    def play(self) -> None:
        if self.playing.value or self._latest.over:
            return
        self._stop = stop = threading.Event()
        self.playing.value = True
        threading.Thread(target=self._play, args=(self.house, stop, _current_context()), daemon=True,
                         name="majilis-play").start()

    def pause(self) -> None:
        self._stop.set()
        # Once Play's loop holds no roll call under way, so that its last frame reaches the page before
        # the Play button does: the page then shows where the house stopped.
        with self.lock:
            self.playing.value = False

    def _play(self, house: House, stop: threading.Event, context: kernel_context.VirtualKernelContext | None) -> None:
        """Roll calls at the chosen speed until paused, the term's end, a Reset or the page's going:
        between two frames as many as the time they took to draw owes, at most a second's worth."""
        with _entered(context):
            owed, last = 1.0, time.monotonic()
            while not stop.is_set() and _page_open(context):
                rate = SPEEDS[self.speed.value]
                with self.lock:
                    if stop.is_set():  # paused, or a Reset (which pauses first) while this one waited
                        return
                    for _ in range(min(int(owed), int(rate) + 1)):
                        house.step()
                        if house.held >= house.roll_calls:
                            break
                    self._show(frame_of(house, self._latest))
                owed -= int(owed)
                if house.held >= house.roll_calls:
                    break
                now = time.monotonic()
                owed, last = owed + rate * (now - last), now
                if owed < 1:
                    stop.wait((1 - owed) / rate)
                    now = time.monotonic()
                    owed, last = owed + rate * (now - last), now
            if not stop.is_set() and not (context is not None and context.closed_event.is_set()):
                self.playing.value = False
            if not _page_open(context):
                logger.info("the page is gone: stopped playing at roll call %d", house.held)

    def reset(self) -> None:
        """A new house from the controls' values, or a message saying what is wrong with them."""
        controls = self.pending.value
        if controls.problems():  # the page says what they are, and Reset is disabled until they are fixed
            return
        self.pause()
        try:
            house = House(**{f.name: getattr(controls, f.name) for f in fields(controls)})
        except ConfigError as e:
            self.message.value = f"This house cannot be built: {e}"
            return
        with self.lock:
            self.house = house
            self.message.value = ""
            self.applied.value = controls
            self._show(frame_of(house))

    def run_replicates(self) -> None:
        """The batch of the house shown's settings, in a thread of its own."""
        controls, n = self.applied.value, self.replicates.value
        self._batch_token = token = object()
        batch = Batch(controls, n, batch_config(controls, n)[1])
        self.batch.value = batch
        threading.Thread(target=self._run_replicates, args=(batch, token, _current_context()), daemon=True,
                         name="majilis-batch").start()

    def _run_replicates(self, batch: Batch, token: object,
                        context: kernel_context.VirtualKernelContext | None) -> None:
        with _entered(context):
            try:
                for done, runs in run_batch(batch.controls, batch.replicates):
                    # Between chunks: another batch asked for, or the page gone, ends this one.
                    if self._batch_token is not token or not _page_open(context):
                        return
                    if runs is None:
                        self.batch.value = replace(batch, done=done)
                        continue
                    title = f"{batch.replicates} replicates of {batch.controls.words()}"
                    self.batch.value = replace(batch, done=done, runs=runs, estimates=batch_estimates(runs),
                                               figure=replicates_figure(runs, title))
            except Exception as e:  # shown on the page, whole in the server's log
                logger.exception("the replicates failed")
                self.batch.value = replace(batch, error=f"The replicates failed: {e}")

    def close(self) -> None:
        """The tab is gone: stop playing and drop any batch under way."""
        self._stop.set()
        self._batch_token = None


def _same(a: object, b: object) -> bool:
    return a is b


# -- the page -----------------------------------------------------------------------------------------

def _html(text: str) -> None:
    # Plain HTML rather than solara.Markdown, which loads KaTeX from a CDN (unreachable offline).
    solara.HTML(tag="div", unsafe_innerHTML=text, style={"font-size": "15px", "line-height": "1.5"})


@solara.component
def RunControls(viewer: Viewer) -> None:
    """Reset, Play or Pause, Step and the speed."""
    frame, playing = viewer.frame.value, viewer.playing.value
    changed = viewer.pending.value != viewer.applied.value
    with solara.Row(justify="space-between"):
        solara.Button("Reset to apply" if changed else "Reset", color="warning" if changed else "primary",
                      disabled=bool(viewer.pending.value.problems()), on_click=viewer.reset)
        solara.Button("Pause" if playing else "Play", color="primary", disabled=frame.over,
                      on_click=viewer.pause if playing else viewer.play)
        solara.Button("Step", color="primary", disabled=playing or frame.over, on_click=viewer.step)
    solara.Select("Speed", values=list(SPEEDS), value=viewer.speed)
    seconds = frame.house.roll_calls / SPEEDS[viewer.speed.value]
    _html(f"Step holds one roll call. Play holds them at this speed (a term of {frame.house.roll_calls} in "
          f"{seconds:.0f} s), showing the latest; Reset builds a new house from the settings below.")


@solara.component
def HouseControls(viewer: Viewer) -> None:
    """The settings of the next house, with a cue while they differ from the house shown."""
    pending = viewer.pending.value
    problems = pending.problems()

    def set_field(name: str):
        return lambda value: viewer.pending.set(replace(viewer.pending.value, **{name: value}))

    labels = list(PARLIAMENT_NAMES.values())
    solara.Select(LABELS["parliament"], values=labels, value=PARLIAMENT_NAMES.get(pending.parliament, labels[0]),
                  on_value=lambda label: viewer.pending.set(
                      replace(viewer.pending.value, parliament={v: k for k, v in PARLIAMENT_NAMES.items()}[label])))
    for name, (label, low, high, step) in SLIDERS.items():
        solara.SliderFloat(label, value=getattr(pending, name), min=low, max=high, step=step,
                           on_value=set_field(name), thumb_label="always")
    solara.Select(LABELS["intent"], values=INTENTS, value=pending.intent, on_value=set_field("intent"))
    solara.InputText(LABELS["seed"] + " (a whole number from 0)", value=pending.seed, on_value=set_field("seed"),
                     error=problems.get("seed", False))
    changed = pending.changed(viewer.applied.value)
    if problems:
        solara.Error(" ".join(problems.values()) + " Reset is off until it is fixed; the house shown stays.")
    elif changed:
        solara.Warning(f"Changed: {', '.join(changed)}. Reset to apply: the house shown keeps its settings "
                       f"until then.")
    if viewer.message.value:
        solara.Error(viewer.message.value)


@solara.component
def BatchControls(viewer: Viewer) -> None:
    """How many replicates of the house shown, the button that runs them, and their run.py line."""
    batch = viewer.batch.value
    running = batch is not None and batch.runs is None and not batch.error
    solara.Select("Replicates", values=REPLICATES, value=viewer.replicates)
    solara.Button(f"Run {viewer.replicates.value} replicates", color="primary", disabled=running,
                  on_click=viewer.run_replicates)
    command = batch_config(viewer.applied.value, viewer.replicates.value)[1]
    _html(f"Runs of the house shown's settings, each with its own seed, by the batch engine; the same as "
          f"<code class=\"majilis-command\">{html.escape(command)}</code>")


@solara.component
def HouseView(viewer: Viewer) -> None:
    """The bill in words, the hemicycle and its legend."""
    frame = viewer.frame.value
    with solara.Card(style={"width": "100%"}):
        _html(frame.bill)
        _html(frame.hemicycle)
        _html(frame.legend)


@solara.component
def SeriesView(viewer: Viewer) -> None:
    """The house by session, and the session under way in words."""
    frame = viewer.frame.value
    with solara.Card(style={"width": "100%"}):
        solara.FigureMatplotlib(frame.series, dependencies=[frame.series_key], format="png", bbox_inches="tight")
        _html(frame.session)


@solara.component
def SummaryView(viewer: Viewer) -> None:
    """The term's outcomes once it has been played to its end."""
    frame = viewer.frame.value
    if frame.summary is None:
        return
    with solara.Card("End of term", style={"width": "100%"}):
        _html(f"All {frame.house.roll_calls} roll calls have been held; Play and Step have nothing left to do. "
              f"What this term gave ({html.escape(frame.house.controls.words())}; seed "
              f"{html.escape(frame.house.controls.seed)}):" + _table(frame.summary)
              + "Reset for a new house, or run replicates of these settings to see how typical the term was.")


@solara.component
def BatchView(viewer: Viewer) -> None:
    """A batch's progress, or its estimates in words."""
    batch = viewer.batch.value
    if batch is None:
        return
    with solara.Card(f"{batch.replicates} replicates", style={"width": "100%"}):
        if batch.error:
            solara.Error(batch.error)
        elif batch.runs is None:
            _html(f"Running: {batch.done} of {batch.replicates} replicates done.")
            solara.ProgressLinear(value=100 * batch.done / batch.replicates)
        else:
            stale = "" if batch.controls == viewer.applied.value else " (the settings before the last Reset)"
            _html(f"<b>{batch.replicates} replicates</b> of {html.escape(batch.controls.words())}{stale}; seeds "
                  f"from root {html.escape(batch.controls.seed)}. Each outcome's estimate with its 95 % interval, "
                  f"computed on replicates (Wilson for a share of runs, normal for a mean):"
                  + _table(batch.estimates or []))


@solara.component
def DistributionView(viewer: Viewer) -> None:
    """A finished batch's outcome distributions."""
    batch = viewer.batch.value
    if batch is None or batch.figure is None:
        return
    with solara.Card(f"Distributions over the {batch.replicates} replicates", style={"width": "100%"}):
        solara.FigureMatplotlib(batch.figure, dependencies=[id(batch)], format="png", bbox_inches="tight")


@solara.component
def Page() -> None:
    """The page `solara run app.py` serves. Each tab gets a viewer and a house of its own (a house made
    at import would be shared by every visitor, each stepping the others' model)."""
    viewer = solara.use_memo(Viewer, [])
    solara.use_effect(lambda: viewer.close, [])  # the tab's kernel closing stops its threads
    solara.Style(CSS)
    solara.Title("Majilis coalition simulator")
    with solara.AppBar():
        solara.AppBarTitle("Majilis coalition simulator")
    with solara.Sidebar():
        with solara.Card("Run"):
            RunControls(viewer)
        with solara.Card("House"):
            HouseControls(viewer)
        with solara.Card("Many runs"):
            BatchControls(viewer)
    # The page reads only what changes its layout: a step re-renders the views that show it, not this.
    over, batch = viewer.over.value, viewer.batch.value
    with solara.Column(style={"width": "100%"}):
        with solara.Columns([3, 2]):
            HouseView(viewer)
            SeriesView(viewer)
        if over or batch is not None:
            with solara.Columns([2, 3] if over and batch is not None else [1]):
                if over:
                    SummaryView(viewer)
                if batch is not None:
                    BatchView(viewer)
        DistributionView(viewer)
