"""What the browser view (app.py) draws, from arrays and tables (never from a model): one roll call's
hemicycle as SVG with its legend, a house's series by session, and a batch of replicates' outcome
distributions with their intervals.

The hemicycle keeps two encodings apart: a seat's colour is its party's, and the mark on it is its vote
(a tick, a cross or a bar), drawn in black or white, whichever shows on the party's colour. No vote is
told by colour, so none can be mistaken for a party."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim.figures.results import BLOCK_COLOUR, MAIN_COLOUR, MAJORITY_COLOUR, PARTY_COLOURS, arch_positions
from sim.figures.words import party_label
from sim.model.rollcall import ABSTAIN, NO, VACANT, YES
from sim.outcomes import registry
from sim.outcomes.summary import estimate

VOTE_WORDS = {YES: "yes", NO: "no", ABSTAIN: "abstain", VACANT: "vacant seat"}
UNKNOWN_PARTY = "#444444"
SEAT_RIM = "#ffffff"
# The legend's samples of a mark sit on a white seat: a mark means the same on every party's colour.
MARK_SAMPLE = "#ffffff"
SCALE = 260  # SVG pixels per unit of the arch (parliamentarch's arch is 2 units wide)


def _ink(fill: str) -> str:
    """Black or white, whichever contrasts more with `fill` (relative luminance, WCAG)."""
    rgb = np.array([int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ [0.2126, 0.7152, 0.0722])
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def _mark(vote: int, x: float, y: float, r: float, ink: str) -> str:
    """The vote's mark on a seat centred at (x, y) of radius r: a tick for yes, a cross for no, a bar
    for abstain; nothing on a vacant seat."""
    w = f'stroke="{ink}" stroke-width="{0.3 * r:.2f}" stroke-linecap="round" stroke-linejoin="round" fill="none"'
    if vote == YES:
        return (f'<path d="M{x - 0.5 * r:.1f},{y:.1f} L{x - 0.12 * r:.1f},{y + 0.4 * r:.1f} '
                f'L{x + 0.52 * r:.1f},{y - 0.42 * r:.1f}" {w}/>')
    if vote == NO:
        a = 0.42 * r
        return (f'<path d="M{x - a:.1f},{y - a:.1f} L{x + a:.1f},{y + a:.1f} M{x + a:.1f},{y - a:.1f} '
                f'L{x - a:.1f},{y + a:.1f}" {w}/>')
    if vote == ABSTAIN:
        return f'<path d="M{x - 0.5 * r:.1f},{y:.1f} L{x + 0.5 * r:.1f},{y:.1f}" {w}/>'
    return ""


def _seat(x: float, y: float, r: float, fill: str, vote: int | None, coalition: bool) -> str:
    """One seat: its party's colour (white with a dashed rim when vacant), the vote's mark, and a black
    ring for a member of the opposition coalition."""
    if vote == VACANT:
        return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#ffffff" stroke="#9e9e9e" '
                f'stroke-width="1" stroke-dasharray="2 2"/>')
    rim = "#9e9e9e" if fill == MARK_SAMPLE else SEAT_RIM  # a white sample needs a rim to be seen
    ring = 'stroke="#000000" stroke-width="2.4"' if coalition else f'stroke="{rim}" stroke-width="0.8"'
    body = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" {ring}/>'
    return body if vote is None else body + _mark(vote, x, y, r, _ink(fill))


def hemicycle_svg(parties: Sequence[str], votes: np.ndarray | None, coalition: np.ndarray,
                  centre: tuple[str, str]) -> str:
    """The house as an arch of seats, given in seat order from the left of the arch to the right: each
    seat's party name, its vote code on the roll call shown (None before the first), whether it sits in
    the opposition coalition; `centre` is the two lines written in the arch (the result and the votes
    needed)."""
    n = len(parties)
    xy = arch_positions(n)
    gaps = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    r = 0.45 * gaps[gaps > 0].min() * SCALE
    pad = r + 3
    width, height = 2 * SCALE + 2 * pad, SCALE + 2 * pad
    seats = []
    for i, ((ux, uy), party) in enumerate(zip(xy, parties, strict=True)):
        vote = None if votes is None else int(votes[i])
        member = bool(coalition[i])
        words = (party_label(party) + (f": {VOTE_WORDS[vote]}" if vote is not None else "")
                 + (" (in the opposition coalition)" if member else ""))
        attributes = f'data-party="{html.escape(party)}" data-coalition="{int(member)}"'
        if vote is not None:
            attributes += f' data-vote="{VOTE_WORDS[vote]}"'
        seat = _seat(pad + ux * SCALE, pad + (1 - uy) * SCALE, r, PARTY_COLOURS.get(party, UNKNOWN_PARTY), vote, member)
        seats.append(f'<g class="seat" {attributes}><title>{html.escape(words)}</title>{seat}</g>')
    head, sub = (html.escape(t) for t in centre)
    return (f'<svg class="hemicycle" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
            f'style="max-width:{width:.0f}px" role="img" aria-label="the house: seat colour is the party, '
            f'the mark the vote">{"".join(seats)}'
            f'<text x="{width / 2:.0f}" y="{height - pad - 38:.0f}" text-anchor="middle" font-size="26" '
            f'font-weight="bold" font-family="sans-serif">{head}</text>'
            f'<text x="{width / 2:.0f}" y="{height - pad - 12:.0f}" text-anchor="middle" font-size="15" '
            f'font-family="sans-serif">{sub}</text></svg>')


def legend_html(party_seats: dict[str, int], vote_counts: dict[int, int] | None, coalition_seats: int) -> str:
    """One legend for the hemicycle, in two rows: seat colour (the parties, with their seats) and mark
    (the votes, with their counts; the coalition's ring)."""
    def sample(fill: str, vote: int | None, coalition: bool = False) -> str:
        return (f'<svg width="20" height="20" viewBox="0 0 20 20" style="vertical-align:middle">'
                f'{_seat(10, 10, 8, fill, vote, coalition)}</svg>')

    def item(svg: str, text: str) -> str:
        return f'<span style="white-space:nowrap;margin-right:14px">{svg} {html.escape(text)}</span>'

    parties = "".join(item(sample(PARTY_COLOURS.get(name, UNKNOWN_PARTY), None), f"{party_label(name)} {seats}")
                      for name, seats in party_seats.items() if seats)
    if vote_counts is None:
        marks = "the marks appear with the first vote"
    else:
        marks = "".join(item(sample(MARK_SAMPLE, code), f"{VOTE_WORDS[code]} {vote_counts[code]}")
                        for code in (YES, NO, ABSTAIN, VACANT) if code != VACANT or vote_counts[code])
    ring = item(sample(MARK_SAMPLE, None, coalition=True), f"ring: in the opposition coalition ({coalition_seats})")
    return ('<div class="legend" style="font-size:14px;line-height:1.9">'
            f'<div><b>Seat colour: party</b>&ensp;{parties}</div>'
            f'<div><b>Mark: vote on this roll call</b>&ensp;{marks}&ensp;{ring}</div></div>')


def series_figure(per_session: pd.DataFrame, sessions: int, members: int, blocking: int, majority: int) -> Figure:
    """The house by session from its DataCollector's table (row k: the house after session k, row 0 as
    elected): the opposition coalition's seats against the blocking minority and the majority, the
    Government's pass rate, and the expulsions so far."""
    x = np.arange(len(per_session))
    fig = Figure(figsize=(3.9, 4.2), layout="constrained")
    axes = fig.subplots(3, 1, sharex=True)
    rate = registry.outcome("gov_pass_rate")
    panels = [
        (axes[0], per_session["coalition_max_seats"].fillna(0), "opposition coalition (seats)"),
        (axes[1], per_session["gov_pass_rate"], f"{rate.label} ({rate.unit})"),
        (axes[2], per_session["expulsions"].fillna(0).cumsum(), "expulsions so far (deputies)"),
    ]
    for ax, values, title in panels:
        ax.plot(x, values, marker="o", color=MAIN_COLOUR, markersize=4)
        ax.set_title(title, fontsize=10, loc="left")
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    for value, label, colour, va in ((blocking, "blocking minority", BLOCK_COLOUR, "top"),
                                     (majority, "majority", MAJORITY_COLOUR, "bottom")):
        axes[0].axhline(value, color=colour, linewidth=0.8, linestyle="--")
        axes[0].text(sessions + 0.2, value, f"{label} {value} ", fontsize=8, ha="right", va=va, color=colour)
    axes[0].set_ylim(0, members)
    axes[1].set_ylim(-0.05, 1.05)
    axes[1].yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    axes[2].set_ylim(0, max(1.0, float(panels[2][1].max())) * 1.15)
    axes[2].yaxis.set_major_locator(MaxNLocator(integer=True))
    axes[2].set_xlim(-0.2, sessions + 0.2)
    axes[2].set_xticks(range(sessions + 1))
    axes[2].set_xlabel("after session (0: the house as elected)", fontsize=9)
    if len(per_session) == 1:
        axes[0].text(sessions / 2, 0.8 * members, "a point appears as each session closes",
                     ha="center", va="center", fontsize=8, color="#555555")
    return fig


def replicates_figure(runs: pd.DataFrame, title: str) -> Figure:
    """The summary outcomes of the registry over a batch of replicates (one row a replicate and term):
    the binary ones as shares of runs with their 95 % Wilson intervals in one panel, each other as its
    distribution (a count's in whole-number bars) with its mean and the mean's 95 % interval."""
    summary = registry.outcomes(summary=True)
    binary = [o for o in summary if o.kind == "binary"]
    spread = [o for o in summary if o.kind != "binary"]
    columns = 3
    rows = int(np.ceil((len(spread) + 1) / columns))
    fig = Figure(figsize=(12, 2.7 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    ax = axes[0]
    shares = [estimate(runs, o) for o in binary]
    y = np.arange(len(binary))[::-1]
    p = np.array([s[0] for s in shares])
    ax.barh(y, p, color=MAIN_COLOUR, alpha=0.75)
    ax.errorbar(p, y, xerr=[p - [s[1] for s in shares], [s[2] for s in shares] - p], fmt="none", color="black",
                capsize=3)
    for yi, pi in zip(y, p, strict=True):
        ax.text(min(pi, 0.8) + 0.02, yi + 0.28, f"{pi:.0%}", fontsize=8)
    ax.set_yticks(y, [textwrap.fill(o.label, 34) for o in binary], fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("share of runs", fontsize=9)
    ax.set_title("how often, with 95 % intervals", fontsize=10, loc="left")
    for ax, o in zip(axes[1:], spread, strict=False):
        _spread(ax, runs, o)
    for ax in axes[len(spread) + 1:]:
        ax.set_visible(False)
    fig.legend(handles=[Line2D([], [], color="black", linewidth=1.3, label="mean"),
                        Patch(color="black", alpha=0.2, label="95 % interval of the mean"),
                        Patch(color=MAIN_COLOUR, alpha=0.75, label="runs")],
               loc="outside lower center", ncol=3, fontsize=9, frameon=False)
    fig.suptitle(title, fontsize=11)
    return fig


def _spread(ax: Axes, runs: pd.DataFrame, o: registry.Outcome) -> None:
    """One outcome's distribution over runs (a count's in whole-number bars), with its mean and the
    mean's 95 % interval; when every run gave the same value, that value in words instead."""
    values = runs[o.name].dropna().astype(float)
    centre, low, high = estimate(runs, o)
    scale = 100 if o.kind == "share" else 1
    unit = "%" if o.kind == "share" else ("" if o.unit == "value" else o.unit)
    shown = values * scale
    if shown.nunique() <= 1:
        what = f"every run: {shown.iloc[0]:.3g} {unit}".rstrip() if len(shown) else "no run had any to count"
        ax.set_title(textwrap.fill(o.label, 44), fontsize=10, loc="left")
        ax.text(0.5, 0.5, what, transform=ax.transAxes, ha="center", va="center", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    ax.set_title(textwrap.fill(f"{o.label}: mean {centre * scale:.3g} {unit}".rstrip(), 44), fontsize=10, loc="left")
    if o.kind == "count":
        width = max(1, int(np.ceil((shown.max() - shown.min() + 1) / 30)))
        edges = np.arange(shown.min() - 0.5, shown.max() + 1.5, width).tolist()
        ax.hist(shown, bins=edges, color=MAIN_COLOUR, alpha=0.75, edgecolor="white")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax.hist(shown, bins=20, color=MAIN_COLOUR, alpha=0.75, edgecolor="white")
    if np.isfinite(low):
        ax.axvspan(low * scale, high * scale, color="black", alpha=0.2)
    ax.axvline(centre * scale, color="black", linewidth=1.3)
    ax.set_xlabel(unit or "value", fontsize=9)
    ax.set_ylabel("runs", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
