"""The Majilis in the browser, with Mesa's SolaraViz: `pip install -e '.[viz]' && solara run app.py`.

One house, stepped one roll call at a time: the hemicycle coloured by each deputy's vote on the last
roll call (coalition members ringed), the session series from the model's DataCollector, and
controls that rebuild the house on Reset. The model is read through the accessors `last_roll_call`,
`session_tally` and `coalition_members` (per-roll-call state) and the DataCollector (per-session
state); the rest are the party and seat tables (`model.parties`, `model.seats`) and plain model
attributes (coalition_seats, members, expulsions, held, roll_calls, session_length, blocking, majority).
"""

from __future__ import annotations

import copy
import html
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import solara
from matplotlib.collections import EllipseCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Wedge
from matplotlib.ticker import MaxNLocator
from mesa.visualization import SolaraViz

import sim
from sim.config import Config
from sim.figures.results import PARTY_COLOURS, arch_positions
from sim.model.agenda import GOVERNMENT
from sim.model.model import MajilisModel
from sim.model.rollcall import ABSTAIN, NO, VACANT, YES
from sim.outcomes.collect import CollectingMajilisModel

PARLIAMENTS = ["majilis_2023", "majilis_2021", "ruling_minority", "simulated_election"]
AS_CONFIGURED = "as configured"
INTENTS = [AS_CONFIGURED] + [f"{v / 10:.1f}" for v in range(11)]
# Vote colours: green/magenta rather than green/red, which many colour-blind readers cannot tell
# apart, and no blue, which is the ruling party's colour on the rim.
VOTE_STYLE = {YES: ("yes", "#4dac26"), NO: ("no", "#d01c8b"), ABSTAIN: ("abstain", "#f6c141"),
              VACANT: ("vacant", "#ffffff")}
NOT_YET = "#d9d9d9"
# Mesa's sliders show their value only while dragged; show it always, as a small label at the thumb.
CSS = """
.v-slider__thumb-label-container { display: block !important; }
.v-slider__thumb-label { height: 22px !important; width: 22px !important; font-size: 10px; }
.v-input__slider { padding-top: 14px; }
/* Below 960 px Vuetify turns the controls' drawer into an overlay of at least 400 px that hides the
   house on a phone, with nothing left to tap to close it: there, stack the controls above the view. */
@media (max-width: 959px) {
  .v-navigation-drawer { position: static !important; transform: none !important; visibility: visible !important;
                         width: 100% !important; min-width: 0 !important; max-width: none !important;
                         height: auto !important; margin-top: 56px; }
  .v-overlay { display: none !important; }
  /* and the view's two panels (a draggable grid of half-width cells) one under the other */
  .vue-grid-layout { height: auto !important; }
  .vue-grid-item { position: static !important; transform: none !important; width: 100% !important;
                   height: auto !important; }
  .solara-content-main.v-content, .solara-content-main.v-main { padding-top: 0 !important; }
}
"""
SEAT_EDGE = "#9e9e9e"


@lru_cache(maxsize=64)
def _config(overrides: tuple[str, ...]) -> Config:
    """sim.load_config, cached: composing a config takes ~0.2 s, which a Reset should not repeat."""
    return sim.load_config(*overrides)


DEFAULTS = _config(())


def overrides(parliament: str, loyalty: float, fear_scale: float, intent: str, whip: float) -> list[str]:
    """The run.py overrides that make the controls' house: `python run.py OVERRIDES` runs it."""
    out = [f"parliament={parliament}", f"behavior.loyalty_mean={loyalty:g}", f"behavior.fear_scale={fear_scale:g}"]
    if intent != AS_CONFIGURED:
        out.append(f"minor.opposition_intent={float(intent):g}")
    if whip != 1.0:
        # Every party's configured whip times the factor (experiment=weak_whip is 0.5), capped at 1.
        out += [f"parties.{name}.whip_strength={min(1.0, round(party.whip_strength * whip, 4)):g}"
                for name, party in DEFAULTS.parties.items()]
    return out


class House(CollectingMajilisModel):
    """The model as the browser builds it: one house from the controls' values, collecting per session."""

    def __init__(
        self,
        parliament: str = DEFAULTS.parliament.name,
        loyalty: float = DEFAULTS.behavior.loyalty_mean,
        fear_scale: float = DEFAULTS.behavior.fear_scale,
        intent: str = AS_CONFIGURED,
        whip: float = 1.0,
        seed: int | str = 1,
    ) -> None:
        changes = overrides(parliament, float(loyalty), float(fear_scale), intent, float(whip))
        number, self.notice = parse_seed(seed)
        # The cached Config is shared between resets: the model gets its own copy.
        super().__init__(copy.deepcopy(_config(tuple(changes))), rng=number)
        self.command = "python run.py " + " ".join(changes)


def parse_seed(text: int | str) -> tuple[int, str]:
    """The seed typed in the box, and a note for the page when it is not a whole number from 0 to
    2^63 - 1 (the run then uses seed 1 rather than failing)."""
    try:
        number = int(str(text).strip())
    except ValueError:
        number = -1
    if 0 <= number < 2**63:
        return number, ""
    return 1, f"Random seed {str(text)!r} is not a whole number from 0 to 2^63 - 1: using 1."


# -- accessors: everything app.py reads per roll call goes through these two ----------------------

@dataclass
class RollCall:
    """The last roll call held: its number (from 1), session (from 1), who moved it, its kind, the
    votes needed, whether it passed, and each seat's vote code (sim.model.rollcall)."""

    number: int
    session: int
    government: bool
    proposer: str
    kind: str
    needed: int
    passed: bool
    votes: np.ndarray


def last_roll_call(model: MajilisModel) -> RollCall | None:
    """The roll call just held, or None before the first."""
    if model.held == 0 or model.sitting is None:
        return None
    k = model.held - 1
    i = k % model.session_length
    proposer = int(model.record.proposer[k])
    kind = int(model.record.kind[k])
    if proposer == GOVERNMENT:
        name = "Government"
    elif proposer == model.parties.independent:
        name = "a self-nominated deputy"
    else:
        name = f"a deputy of {model.parties.names[proposer]}"
    return RollCall(number=k + 1, session=k // model.session_length + 1, government=proposer == GOVERNMENT,
                    proposer=name, kind=model.bill_kinds[kind], needed=int(model.thresholds[kind]),
                    passed=bool(model.sitting.passed[0, i]), votes=model.sitting.votes[0, i].copy())


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


# -- drawing ----------------------------------------------------------------------------------------

def seat_order(model: MajilisModel) -> np.ndarray:
    """Seats from the left of the arch to the right: self-nominated deputies, then the parties from
    the least to the most aligned with the regime (the ruling party on the right), as sim.figures.results."""
    parties = model.parties
    alignment = np.append(parties.alignment[: parties.independent], -np.inf)  # self-nominated first
    rank = np.argsort(np.argsort(alignment, kind="stable"), kind="stable")
    return np.lexsort((np.arange(model.members), rank[model.seats.party_of]))


def house_figure(model: MajilisModel, roll_call: RollCall | None) -> Figure:
    """The hemicycle: fill = vote on the last roll call, black ring = coalition member, outer band =
    party."""
    n = model.members
    xy = arch_positions(n)
    order = seat_order(model)
    seat_xy = np.empty_like(xy)
    seat_xy[order] = xy
    gaps = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    diameter = 0.86 * gaps[gaps > 0].min()

    colours = np.array([VOTE_STYLE[code][1] for code in (NO, ABSTAIN, YES, VACANT)])
    fill = np.full(n, NOT_YET) if roll_call is None else colours[roll_call.votes]
    coalition = coalition_members(model)
    edges = np.where(coalition, "#000000", SEAT_EDGE)
    widths = np.where(coalition, 2.2, 0.6)

    fig = Figure(figsize=(4.6, 3.5), layout="constrained")
    ax = fig.subplots()
    ax.add_collection(EllipseCollection(np.full(n, diameter), np.full(n, diameter), np.zeros(n), units="xy",
                                        offsets=seat_xy, offset_transform=ax.transData, facecolors=fill,
                                        edgecolors=edges, linewidths=widths))
    # The parties as bands of the outer rim, in seat order.
    outer = np.hypot(xy[:, 0] - 1, xy[:, 1]).max() + diameter
    angles = np.degrees(np.arctan2(seat_xy[:, 1], seat_xy[:, 0] - 1))
    names, party_of = model.parties.names, model.seats.party_of
    parties = []
    for row in dict.fromkeys(party_of[order]):
        members = party_of == row
        colour = PARTY_COLOURS.get(names[row], "#444444")
        lo, hi = angles[members].min(), angles[members].max()
        ax.add_patch(Wedge((1, 0), outer + 0.05, lo - 0.9, hi + 0.9, width=0.035, color=colour))
        parties.append(Patch(color=colour, label=f"{names[row]} {int((members & model.seats.seated).sum())}"))
    ax.set_xlim(-0.1, 2.1)
    ax.set_ylim(-0.02, 1.1)
    ax.set_aspect("equal")
    ax.axis("off")

    if roll_call is None:
        votes = [Patch(facecolor=NOT_YET, edgecolor=SEAT_EDGE, label="no roll call yet")]
    else:
        counts = np.bincount(roll_call.votes, minlength=4)
        votes = [Patch(facecolor=colour, edgecolor=SEAT_EDGE, label=f"{label} {counts[code]}")
                 for code, (label, colour) in VOTE_STYLE.items() if code != VACANT or counts[code]]
        result = "passed" if roll_call.passed else "failed"
        ax.text(1, 0.16, result.upper(), ha="center", fontsize=15, fontweight="bold",
                color=VOTE_STYLE[YES if roll_call.passed else NO][1])
        ax.text(1, 0.04, f"{roll_call.needed} of {n} needed", ha="center", fontsize=10)
    votes.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="black",
                        markeredgewidth=2, markersize=9, label=f"coalition {int(coalition.sum())}"))
    first = ax.legend(handles=votes, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(votes),
                      fontsize=9, frameon=False, handlelength=1.0, columnspacing=0.8, handletextpad=0.4)
    ax.add_artist(first)
    ax.legend(handles=parties, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(len(parties), 3),
              fontsize=8.5, frameon=False, handlelength=1.0, columnspacing=0.8, handletextpad=0.4)
    return fig


def series_figure(model: MajilisModel) -> Figure:
    """Coalition seats, the Government's pass rate and expulsions by session, from the DataCollector
    (row k: after session k); the session under way is the hollow point, as it stands."""
    data = model.datacollector.get_model_vars_dataframe()
    sessions = np.arange(len(data))
    under_way = model.held % model.session_length != 0
    now = len(data)
    bills, passed = session_tally(model)
    fig = Figure(figsize=(4.6, 4.2), layout="constrained")
    axes = fig.subplots(3, 1, sharex=True)
    panels = [
        ("coalition seats", data["coalition_max_seats"].fillna(0), model.coalition_seats),
        ("Government bills passed", data["gov_pass_rate"], passed / bills if bills else np.nan),
        ("expulsions (total)", data["expulsions"].fillna(0).cumsum(), model.expulsions),
    ]
    for ax, (title, values, current) in zip(axes, panels, strict=True):
        ax.plot(sessions, values, marker="o", color="#1b9e77", markersize=4)
        if under_way:
            ax.plot([now], [current], marker="o", markerfacecolor="white", color="#1b9e77", markersize=6)
        ax.set_title(title, fontsize=10, loc="left")
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    axes[0].axhline(model.blocking, color="#d95f02", linewidth=0.8, linestyle="--")
    axes[0].axhline(model.majority, color="#7570b3", linewidth=0.8, linestyle="--")
    last = model.roll_calls // model.session_length
    axes[0].text(last + 0.2, model.blocking, "blocking minority ", fontsize=8, ha="right", va="top", color="#d95f02")
    axes[0].text(last + 0.2, model.majority, "majority ", fontsize=8, ha="right", va="bottom", color="#7570b3")
    axes[0].set_ylim(0, model.members)
    axes[1].set_ylim(-0.05, 1.05)
    axes[1].yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    axes[2].set_ylim(0, max(1, model.expulsions) * 1.15)
    axes[2].yaxis.set_major_locator(MaxNLocator(integer=True))
    axes[2].set_xlim(-0.2, last + 0.2)
    axes[2].set_xticks(range(last + 1))
    axes[2].set_xlabel("session (0: the house as elected)", fontsize=8)
    return fig


# -- page components (plain functions: SolaraViz re-renders them after every step) ------------------

def _html(text: str) -> None:
    # Plain HTML rather than solara.Markdown, which loads KaTeX from a CDN (unreachable offline).
    solara.HTML(tag="div", unsafe_innerHTML=text, style={"font-size": "15px", "line-height": "1.5"})


def HouseView(model: House) -> None:
    """The last roll call in words and as the hemicycle."""
    rc = last_roll_call(model)
    solara.Style(CSS)
    with solara.Column(style={"width": "100%", "padding": "0 8px"}):
        if model.notice:
            solara.Warning(model.notice)
        if rc is None:
            _html(f"<b>No roll call yet.</b> A house of {model.members} seats; "
                  f"{model.roll_calls} roll calls in {model.roll_calls // model.session_length} sessions.")
        else:
            counts = np.bincount(rc.votes, minlength=4)
            _html(
                f"<b>Roll call {rc.number} of {model.roll_calls}</b>, session {rc.session}: "
                f"{rc.kind} bill of {rc.proposer}, <b>{'passed' if rc.passed else 'failed'}</b> "
                f"(yes {counts[YES]}, no {counts[NO]}, abstain {counts[ABSTAIN]}, vacant {counts[VACANT]}; "
                f"{rc.needed} of {model.members} needed)")
        solara.FigureMatplotlib(house_figure(model, rc), format="png", bbox_inches="tight")


def SeriesView(model: House) -> None:
    """The session series, and the command line that runs this house."""
    with solara.Column(style={"width": "100%", "padding": "0 8px"}):
        solara.FigureMatplotlib(series_figure(model), format="png", bbox_inches="tight")
        _html(f"Coalition now: <b>{model.coalition_seats} seats</b>; expulsions so far: <b>{model.expulsions}</b>. "
              f"The same house in batch:<br><code>{html.escape(model.command)}</code>")


MODEL_PARAMS = {
    "parliament": {"type": "Select", "value": DEFAULTS.parliament.name, "values": PARLIAMENTS,
                   "label": "Parliament"},
    "loyalty": {"type": "SliderFloat", "value": DEFAULTS.behavior.loyalty_mean, "min": 0.0, "max": 1.0,
                "step": 0.05, "label": "Party loyalty (mean)"},
    "fear_scale": {"type": "SliderFloat", "value": DEFAULTS.behavior.fear_scale, "min": 0.0, "max": 2.0,
                   "step": 0.1, "label": "Registration fear (scale)"},
    "intent": {"type": "Select", "value": AS_CONFIGURED, "values": INTENTS,
               "label": "Minor parties' opposition intent"},
    "whip": {"type": "SliderFloat", "value": 1.0, "min": 0.0, "max": 1.5, "step": 0.05,
             "label": "Whip strength (x configured)"},
    "seed": {"type": "InputText", "value": "1", "label": "Random seed (a whole number from 0)"},
}



@solara.component
def Page() -> None:
    """The page `solara run app.py` serves. Each browser session gets a house of its own (a house
    made at import would be shared by every visitor, each stepping the others' model)."""
    house = solara.use_memo(House, [])
    SolaraViz(house, components=[(HouseView, 0), (SeriesView, 0)], model_params=MODEL_PARAMS,
              name="Majilis coalition simulator")
