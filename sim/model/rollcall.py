"""The roll calls of one session, for one house or for a batch of houses run in lockstep (ODD 7.3-7.6).

Everything random about a session is drawn when it opens, so its roll calls are a deterministic
function of the arrays in a Sitting. Every array is stacked over houses on its first axis: a batch of
R houses pays numpy's per-call overhead once per roll call for all R, and each house gets exactly the
votes it would have cast alone (every operation acts row by row).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.model.rules import passes

# Vote codes, also the columns of the per-party count table.
NO, ABSTAIN, YES, VACANT = 0, 1, 2, 3
# A score's vote code: NO at or below -abstain_band, YES above abstain_band, ABSTAIN between; a line is
# -1, 0 or +1 the same way (ODD 7.4).
LINE_OF_CODE = np.array([-1.0, 0.0, 1.0])
SIGN = np.array([-1.0, 1.0])  # the executive's stance, indexed by whether it accepts the bill


@dataclass(frozen=True)
class Layout:
    """Where each piece sits in a roll call's vector x (ODD 7.3), for d policy dimensions: x[:2d] the
    policy terms [a, b], then the executive's stance, the coalition's line, one line per party row."""

    dimensions: int

    @property
    def stance(self) -> int:
        return 2 * self.dimensions

    @property
    def cline(self) -> int:
        return 2 * self.dimensions + 1

    @property
    def lines(self) -> int:
        return 2 * self.dimensions + 2


@dataclass(frozen=True)
class Bill:
    """One roll call as a deputy sees it (ODD 7.3-7.5)."""

    status_quo: np.ndarray  # policy before the vote, on (russia, energy, agriculture)
    proposal: np.ndarray  # policy if the bill passes
    stance: int  # the executive's: +1 endorses, -1 opposes
    lines: np.ndarray  # each party row's line: +1 yes, 0 free vote or abstain, -1 no
    coalition_line: int  # the opposition coalition's line (0 without one)
    shocks: np.ndarray  # each seat's idiosyncratic shock on this vote


@dataclass(frozen=True)
class Chamber:
    """What every house of a batch shares: the executive's gain rows and ideal point, and the party row
    of self-nominated deputies. Houses of different parameter points share these when the executive's
    ideal and the party list are the same; everything else is per house in the Sitting."""

    exec_gain: np.ndarray  # (2d,) rows @ x[:2d] is the executive's policy gain
    executive_terms: np.ndarray  # (2d,) policy terms of the executive's ideal point
    independent: int

    @property
    def layout(self) -> Layout:
        return Layout(len(self.exec_gain) // 2)

    def same_as(self, other: Chamber) -> bool:
        return (self.independent == other.independent and np.array_equal(self.exec_gain, other.exec_gain)
                and np.array_equal(self.executive_terms, other.executive_terms))


def vote_codes(score: np.ndarray, band: np.ndarray) -> np.ndarray:
    """NO (0) at or below -band, ABSTAIN (1) inside the band, YES (2) above it; `band` broadcasts."""
    return (score > -band).view(np.int8) + (score > band).view(np.int8)


@dataclass
class Sitting:
    """One session's bills and everything its roll calls read, stacked over R houses; the results
    (stance, passed, lines, votes, then counts and each seat's record) fill in as the roll calls run."""

    chamber: Chamber
    candidate_terms: np.ndarray  # (R, B, 2d) policy terms of each bill's target point
    moves: np.ndarray  # (R, B, 2d) bool: the terms a bill changes (both terms of each moved dimension)
    government: np.ndarray  # (R, B) bool: a Government bill
    thresholds: np.ndarray  # (R, B) yes votes the bill needs
    noise: np.ndarray  # (R, B, n) each seat's shock on each roll call
    deputy_matrix: np.ndarray  # (R, n, K) a seat's score is deputy_matrix @ x (ODD 7.5)
    party_matrix: np.ndarray  # (R, parties + 1, lines) a party's score is party_matrix @ x[:lines] (Layout)
    coalition_gain: np.ndarray  # (R, 2d) policy_weight times the coalition's gain rows, 0 without one
    coalition_intent: np.ndarray  # (R,)
    vacant: np.ndarray  # (R, n) bool
    party_of: np.ndarray  # (R, n) party row of each seat
    status_quo_terms: np.ndarray  # (R, 2d), moved by every bill that passes
    band: np.ndarray  # (R,) the abstention band's half-width
    accept_loss: np.ndarray  # (R,) the executive's tolerance of a bill's cost
    stance: np.ndarray = field(init=False)
    passed: np.ndarray = field(init=False)
    lines: np.ndarray = field(init=False)
    votes: np.ndarray = field(init=False)
    counts: np.ndarray = field(init=False)  # (R, B, parties + 1, 4) votes by party and code
    # Per seat over the session (R, n): roll calls sat; votes against the executive's stance; votes
    # against the party line, and those of them also against the executive's stance.
    sat: np.ndarray = field(init=False)
    against_executive: np.ndarray = field(init=False)
    defections: np.ndarray = field(init=False)
    defections_against_executive: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        houses, bills, seats = self.noise.shape
        rows = self.party_matrix.shape[1]
        layout = self.chamber.layout
        self._stance, self._cline, self._lines = layout.stance, layout.cline, layout.lines
        self.x = np.zeros((houses, self._lines + rows))
        self.stance = np.zeros((houses, bills), dtype=np.int8)
        self.passed = np.zeros((houses, bills), dtype=bool)
        self.lines = np.zeros((houses, bills, rows), dtype=np.int8)
        self.votes = np.zeros((houses, bills, seats), dtype=np.int8)
        self.any_vacant = bool(self.vacant.any())
        self.any_coalition = bool(self.coalition_gain.any() or self.coalition_intent.any())

    def run(self) -> None:
        for i in range(self.noise.shape[1]):
            self.roll_call(i)

    def roll_call(self, i: int) -> None:
        """The i-th bill in every house: draft, executive stance, lines, votes, tally."""
        proposal = self._draft(i)
        self._party_lines()
        votes = self.cast_votes(i)
        passed = np.asarray(passes((votes == YES).sum(axis=1), self.thresholds[:, i]))
        self.status_quo_terms = np.where(passed[:, None], proposal, self.status_quo_terms)
        self.stance[:, i], self.passed[:, i] = self.x[:, self._stance], passed
        self.lines[:, i], self.votes[:, i] = self.x[:, self._lines:], votes
        if i == self.noise.shape[1] - 1:
            self._count()

    def bill(self, house: int, i: int, status_quo_terms: np.ndarray) -> Bill:
        """House `house`'s bill i as its deputies see it: from its party lines on (during the vote) until
        the next roll call. `status_quo_terms` are the policy terms before the vote (ODD 7.3:
        x[:6] = terms(status quo) - terms(proposal))."""
        half = len(status_quo_terms) // 2
        x = self.x[house]
        proposal_terms = status_quo_terms - x[:self._stance]
        return Bill(status_quo=status_quo_terms[half:] / -2.0, proposal=proposal_terms[half:] / -2.0,
                    stance=int(x[self._stance]), lines=x[self._lines:].copy(), coalition_line=int(x[self._cline]),
                    shocks=self.noise[house, i])

    def _draft(self, i: int) -> np.ndarray:
        """A bill moves some dimensions to its candidate point and leaves the others at the status quo;
        the Government redrafts a bill of its own that its conclusion would reject to its ideal point.
        Writes the policy terms and the executive's stance into x; returns the proposal's terms."""
        sq, moves, policy = self.status_quo_terms, self.moves[:, i], self.x[:, :self._stance]
        proposal = np.where(moves, self.candidate_terms[:, i], sq)
        np.subtract(sq, proposal, out=policy)
        accepted = self._accepted(policy)
        if not accepted.all():
            redraft = ~accepted & self.government[:, i]
            if redraft.any():
                proposal = np.where(redraft[:, None] & moves, self.chamber.executive_terms, proposal)
                np.subtract(sq, proposal, out=policy)
                accepted = self._accepted(policy)
        self.x[:, self._stance] = SIGN[accepted.view(np.int8)]
        return proposal

    def _accepted(self, policy: np.ndarray) -> np.ndarray:
        """The Government's conclusion is positive unless the bill costs the executive more than
        accept_loss of policy gain."""
        return policy @ self.chamber.exec_gain >= -self.accept_loss

    def _party_lines(self) -> None:
        """The coalition's line, then each party's line, written into x (ODD 7.4)."""
        x, band = self.x, self.band
        if self.any_coalition:
            score = (x[:, :self._stance] * self.coalition_gain).sum(axis=1) - self.coalition_intent * x[:, self._stance]
            x[:, self._cline] = LINE_OF_CODE[vote_codes(score, band)]
        scores = np.matmul(self.party_matrix, x[:, :self._lines, None])[:, :, 0]
        x[:, self._lines:] = LINE_OF_CODE[vote_codes(scores, band[:, None])]
        x[:, self._lines + self.chamber.independent] = 0.0  # self-nominated deputies follow no line

    def cast_votes(self, i: int) -> np.ndarray:
        """Each seat's vote code (NO, ABSTAIN, YES, or VACANT) on bill i (ODD 7.5)."""
        score = np.matmul(self.deputy_matrix, self.x[:, :, None])[:, :, 0]
        score += self.noise[:, i]
        votes = vote_codes(score, self.band[:, None])
        if self.any_vacant:
            votes[self.vacant] = VACANT
        return votes

    def _count(self) -> None:
        """Votes by party and code on every roll call, and each seat's record: roll calls sat, votes
        against the executive's stance, and defections (the vote opposite to its party's line, NO under
        a yes line and YES under a no line), split by whether they also went against the executive.
        Sums over seats of a party and over bills are products with 0/1 matrices, exact in float32 (at
        most 2^24 terms), which numpy does many times faster than the same sums by index."""
        houses, bills, seats = self.votes.shape
        rows = self.party_matrix.shape[1]
        member = np.zeros((houses, seats, rows), dtype=np.float32)  # seat s sits for party row p
        member[np.arange(houses)[:, None], np.arange(seats), self.party_of] = 1.0
        no = (self.votes == NO).astype(np.float32)
        yes = (self.votes == YES).astype(np.float32)
        by_no, by_yes = no @ member, yes @ member
        vacant = self.vacant.astype(np.float32)[:, None, :] @ member
        seated = (1.0 - self.vacant.astype(np.float32))[:, None, :] @ member
        self.counts = np.stack([by_no, seated - by_no - by_yes, by_yes, np.broadcast_to(vacant, by_no.shape)],
                               axis=-1).astype(np.int64)
        # For each seat, over the bills: NO under a yes line (and a Government for the bill), YES under
        # a no line (and a Government against it), one column per party row; then against the stance.
        up = (self.stance > 0)[:, :, None]
        yes_line, no_line = self.lines > 0, self.lines < 0
        under_no = np.concatenate([yes_line & up, yes_line, up], axis=2).astype(np.float32)
        under_yes = np.concatenate([no_line & ~up, no_line, ~up], axis=2).astype(np.float32)
        tally = no.transpose(0, 2, 1) @ under_no + yes.transpose(0, 2, 1) @ under_yes  # (houses, seats, 2 rows + 1)
        house, seat = np.arange(houses)[:, None], np.arange(seats)
        self.sat = np.where(self.vacant, 0, bills)  # a seat is vacant for a whole session or not at all
        self.against_executive = tally[:, :, 2 * rows].astype(np.int64)
        self.defections = tally[house, seat, rows + self.party_of].astype(np.int64)
        self.defections_against_executive = tally[house, seat, self.party_of].astype(np.int64)
