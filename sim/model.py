"""The Mesa model of the Majilis: one step is one roll call; a session is `session_length` roll calls."""

from __future__ import annotations

import mesa
import numpy as np

from . import coalition
from .agenda import GOVERNMENT, draw_session
from .agents import Deputy, Executive, Party
from .collect import session_collector
from .composition import Composition, compose
from .config import DIMENSIONS, Config, validate
from .elections import ElectionResult, simulate_election
from .rollcall import CLINE, LINES, NO, STANCE, VACANT, YES, Bill, Chamber, Sitting
from .rules import blocking_minority, threshold_array


def _gain_matrix(salience: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Rows [s, s*x] so that rows @ x[:6] is each actor's quadratic policy gain (ODD 7.3)."""
    return np.hstack([salience, salience * position])


class MajilisModel(mesa.Model):
    """The 98-seat Majilis (or any configured house) voting on a term of bills."""

    def __init__(
        self,
        cfg: Config,
        rng: np.random.Generator | int | None = None,
        composition: Composition | None = None,
        collect: bool = False,
    ) -> None:
        validate(cfg)
        super().__init__(rng=rng)
        self.cfg = cfg
        # The house of the first term: given, drawn by an election, or the configured seats.
        self.elections: list[ElectionResult] = []
        if composition is None and cfg.parliament.election is not None:
            self.elections.append(simulate_election(cfg, self.rng))
            composition = self.elections[0].composition
        comp = composition if composition is not None else compose(cfg)
        self.behavior = cfg.behavior
        self.parties = [
            Party(
                name=name,
                platform=np.array(p.platform, dtype=float),
                salience=np.array(p.salience, dtype=float) / sum(p.salience),
                regime_alignment=p.regime_alignment,
                whip_strength=p.whip_strength,
                registration_security=p.registration_security,
                opposition_intent=p.opposition_intent,
                rivals=tuple(p.rivals),
                reserve=p.reserve,
                imperative_mandate=p.imperative_mandate,
                ruling=p.ruling,
            )
            for name, p in cfg.parties.items()
        ]
        self.independent = len(self.parties)
        self.ruling = next(i for i, p in enumerate(self.parties) if p.ruling)
        e = cfg.executive
        self.executive = Executive(
            np.array(e.ideal, dtype=float), e.agenda_share, e.accept_loss,
            e.sanction_rate, e.threat_decay,
        )
        n_dim = len(DIMENSIONS)
        self.members = comp.size
        self.thresholds = np.array(threshold_array(cfg.rules, self.members))
        self.majority = int(self.thresholds[0])
        self.blocking = blocking_minority(cfg.rules, self.members)
        # How often each bill kind comes up: the Government's share of the agenda and the deputies'.
        a = cfg.agenda
        self.kind_frequency = (e.agenda_share * np.array(a.government_kinds)
                               + (1.0 - e.agenda_share) * np.array(a.deputy_kinds))
        self.session_length = cfg.agenda.session_length
        self.term_length = self.session_length * cfg.agenda.sessions_per_term
        self.roll_calls = self.term_length * cfg.agenda.terms
        b = self.behavior

        # Party-level arrays carry one extra row for self-nominated deputies: no platform, no whip.
        rows = self.independent + 1
        self.platform = np.zeros((rows, n_dim))
        self.party_salience = np.zeros((rows, n_dim))
        self.whip = np.zeros(rows)
        self.imperative = np.zeros(rows, dtype=bool)
        self.security = np.zeros(rows)
        self.alignment = np.full(rows, cfg.independents.regime_alignment)
        self.intent = np.full(rows, cfg.independents.opposition_intent)
        for i, p in enumerate(self.parties):
            self.platform[i], self.party_salience[i] = p.platform, p.salience
            self.whip[i], self.imperative[i] = p.whip_strength, p.imperative_mandate
            self.security[i], self.alignment[i] = p.registration_security, p.regime_alignment
            self.intent[i] = p.opposition_intent
        self.threat = np.zeros(rows)
        index = {p.name: i for i, p in enumerate(self.parties)}
        self.rivals = np.zeros((rows, rows), dtype=bool)
        for i, p in enumerate(self.parties):
            for rival in p.rivals:
                self.rivals[i, index[rival]] = self.rivals[index[rival], i] = True
        # A party's line is sign-band of party_matrix @ x[:LINES] (ODD 7.4).
        self.party_matrix = np.zeros((rows, LINES))
        self.party_matrix[:, :STANCE] = b.policy_weight * _gain_matrix(self.party_salience, self.platform)
        self.party_matrix[:, STANCE] = 2 * self.alignment - 1
        self.party_matrix[self.independent] = 0.0
        self.executive_terms = _policy_terms(self.executive.ideal)
        self.chamber = Chamber(
            exec_gain=_gain_matrix(np.full(n_dim, 1 / n_dim), self.executive.ideal),
            executive_terms=self.executive_terms, accept_loss=self.executive.accept_loss,
            band_edges=np.array([-b.abstain_band, b.abstain_band]), independent=self.independent,
        )

        # Deputy state: one row per seat, read and written by the Deputy agents.
        n = self.members
        self.party_of = comp.party.copy()
        self.district = comp.district.copy()
        self.ideal = np.zeros((n, n_dim))
        self.salience = np.zeros((n, n_dim))
        self.loyalty = np.zeros(n)
        self.fear_base = np.zeros(n)
        self.defections = np.zeros(n, dtype=np.int64)
        self.seated = np.ones(n, dtype=bool)
        self.occupant: list[Deputy | None] = [None] * n
        # Every deputy who ever sat, by Mesa id, as seated: party row, district seat or not, true position.
        self.seated_as: dict[int, tuple[int, bool, np.ndarray]] = {}
        # A deputy's vote is sign-band of deputy_matrix @ x plus noise (ODD 7.5).
        self.deputy_matrix = np.zeros((n, LINES + rows))
        self.coalition_deputy = np.zeros(n, dtype=bool)
        self._seat_new_deputies(np.arange(n))

        self.status_quo_terms = self.executive_terms.copy()
        self.coalition_party = np.zeros(rows, dtype=bool)
        self.coalition_seats = 0
        self.coalition_power = 0.0
        self.coalition_gain = np.zeros(2 * n_dim)
        self.coalition_intent = 0.0
        self.session = 0
        # Roll calls held so far. Mesa's own `steps` counts step() calls, which lockstep runs bypass.
        self.held = 0
        # The session's roll calls, and the last bill voted on (step() by step() only).
        self.sitting: Sitting | None = None
        self.last_bill: Bill | None = None
        # Per term: expulsions and defections as they happen, fear and vacancies at its end.
        self.term_stats: list[dict] = [{"expulsions": 0, "defections": 0, "seats": comp.seats()}]
        self.record = _Record(self.roll_calls, rows, n)
        # Opt-in Mesa DataCollector, once per session (sim.collect); without it, no attribute and no cost.
        self.collecting = collect
        if collect:
            self.datacollector = session_collector(self)

    def release(self) -> None:
        """Let the model be garbage collected. Mesa before 3.4.2 counts agent ids in a class-level
        dict keyed by model (`Agent._ids`), which keeps every model (and its arrays) alive for the
        life of the process: 10,000 replicates would then need ~5 GB. Later Mesas count ids on the
        model and have no such dict, so there is nothing to do."""
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)

    @property
    def expulsions(self) -> int:
        """Expulsions under the imperative mandate so far, over all terms."""
        return sum(stats["expulsions"] for stats in self.term_stats)

    @property
    def status_quo(self) -> np.ndarray:
        """Current policy on (russia, energy, agriculture)."""
        return self.status_quo_terms[len(DIMENSIONS):] / -2.0

    # -- the procedure -------------------------------------------------------------------------

    def step(self) -> None:
        """One roll call: the next bill of the session, party lines, votes, tally (sim.rollcall)."""
        i = self.held % self.session_length
        if i == 0:
            self.sitting = self.open_session()
        status_quo = self.sitting.status_quo_terms[0].copy()
        self.sitting.roll_call(i)
        self.last_bill = self.sitting.bill(0, i, status_quo)
        self.held += 1
        if i == self.session_length - 1:
            self.close_session(self.sitting, 0)

    # -- session boundaries --------------------------------------------------------------------

    def open_session(self) -> Sitting:
        """Drift the status quo, play the coalition game, draw the session's agenda; return the
        session's roll calls, ready to run alone or stacked with other houses'."""
        drift = self.rng.normal(0.0, self.cfg.agenda.drift_sd, size=len(DIMENSIONS))
        self.status_quo_terms = _policy_terms(np.clip(self.status_quo + drift, -1.0, 1.0))
        self._form_coalition()
        a = draw_session(
            self.rng, self.cfg.agenda, self.executive.agenda_share,
            np.flatnonzero(self.seated), self.members, self.behavior.noise_sd,
        )
        # Bills centre on the proposer's ideal pulled towards the executive's by the proposer's
        # regime alignment: deputies draft what the Government's conclusion will accept (ODD 7.2).
        government = a.proposer_seat == GOVERNMENT
        seat = np.where(government, 0, a.proposer_seat)
        own = self.ideal[seat]
        pull = np.where(government, 1.0, self.alignment[self.party_of[seat]])[:, None]
        candidates = np.clip(own + pull * (self.executive.ideal - own) + a.offset, -1.0, 1.0)
        proposer = np.where(government, GOVERNMENT, self.party_of[seat])
        self.record.open_session(self, proposer, a.kind, a.moves)
        return Sitting(
            self.chamber,
            candidate_terms=_policy_terms(candidates)[None],
            moves=np.hstack([a.moves, a.moves])[None],
            government=government[None],
            thresholds=self.thresholds[a.kind][None],
            noise=a.noise[None],
            deputy_matrix=self.deputy_matrix[None],
            party_matrix=self.party_matrix[None],
            coalition_gain=self.behavior.policy_weight * self.coalition_gain[None],
            coalition_intent=np.array([self.coalition_intent]),
            vacant=~self.seated[None],
            party_of=self.party_of[None],
            status_quo_terms=self.status_quo_terms[None],
        )

    def close_session(self, sitting: Sitting, house: int) -> None:
        """Take this house's results (row `house` of the sitting): record them, sanction dissent,
        expel repeated defectors, and let threats decay."""
        self.status_quo_terms = sitting.status_quo_terms[house]
        self.defections = sitting.defections[house]
        self.term_stats[-1]["defections"] += int(self.defections.sum())
        self.record.close_session(sitting, house)
        self._sanction(sitting.counts[house], sitting.stance[house])
        self._expel()
        self.threat *= 1.0 - self.executive.threat_decay
        self._update_fear()
        self.session += 1
        if self.session % self.cfg.agenda.sessions_per_term == 0:
            self._close_term()
        # Mesa's run_model() steps while running: stop after the last roll call of the last term.
        self.running = self.held < self.roll_calls
        if self.collecting:
            self.datacollector.collect(self)

    def _close_term(self) -> None:
        """Record the term's end; if another term follows, elect and seat its house. Parties under a
        high registration threat risk being refused registration at that election."""
        seated = self.seated
        self.term_stats[-1].update(mean_fear=float(self.fear[seated].mean()) if seated.any() else float("nan"),
                                   vacancies=int((~seated).sum()))
        if self.held >= self.roll_calls:
            return
        threat = {p.name: float(self.threat[i]) for i, p in enumerate(self.parties)}
        self.elections.append(simulate_election(self.cfg, self.rng, threat))
        for deputy in self.occupant:
            if deputy is not None:
                deputy.remove()
        comp = self.elections[-1].composition
        self.party_of, self.district = comp.party.copy(), comp.district.copy()
        self.occupant = [None] * self.members
        for party, configured in zip(self.parties, self.cfg.parties.values(), strict=True):
            party.reserve = configured.reserve
        self._seat_new_deputies(np.arange(self.members))
        self.term_stats.append({"expulsions": 0, "defections": 0, "seats": comp.seats()})

    def _sanction(self, counts: np.ndarray, stance: np.ndarray) -> None:
        """Raise each party's registration threat by sanction_rate times the share of its seated
        deputies who voted against the executive's stance, summed over the session's roll calls."""
        against = counts[:, :, NO] * (stance > 0)[:, None] + counts[:, :, YES] * (stance < 0)[:, None]
        seated = counts[:, :, :VACANT].sum(axis=2)
        share = against / np.maximum(seated, 1)
        self.threat += self.executive.sanction_rate * share.sum(axis=0)

    # -- state changes -------------------------------------------------------------------------

    def _update_fear(self) -> None:
        b = self.behavior
        self.fear = np.clip(b.fear_scale * (self.fear_base + self.threat[self.party_of]), 0.0, 1.0)
        self.deputy_matrix[:, STANCE] = self.deputy_pull + self.fear

    def _refresh(self) -> None:
        """Recompute what is derived from deputies' traits and party membership."""
        n, b = self.members, self.behavior
        lam = self.loyalty * self.whip[self.party_of]
        policy = ((1.0 - lam) * b.policy_weight)[:, None]
        self.deputy_matrix[:, :STANCE] = policy * _gain_matrix(self.salience, self.ideal)
        self.deputy_matrix[:, CLINE] = self.cfg.coalition.weight * self.coalition_deputy
        self.deputy_matrix[:, LINES:] = 0.0
        self.deputy_matrix[np.arange(n), LINES + self.party_of] = lam
        independent = self.party_of == self.independent
        self.deputy_pull = np.where(independent, 2 * self.alignment[self.independent] - 1, 0.0)
        self._update_fear()

    def _seat_new_deputies(self, seats: np.ndarray) -> None:
        """Draw traits for new deputies in `seats` (around their party's platform) and seat them."""
        b, rng, k = self.behavior, self.rng, len(seats)
        code = self.party_of[seats]
        independent = code == self.independent
        centre = np.where(independent[:, None], 0.0, self.platform[code])
        spread = np.where(independent, self.cfg.independents.position_sd, b.position_sd)[:, None]
        self.ideal[seats] = np.clip(centre + spread * rng.standard_normal((k, len(DIMENSIONS))), -1, 1)
        emphasis = np.where(independent[:, None], 1 / len(DIMENSIONS), self.party_salience[code])
        draws = rng.standard_gamma(b.salience_concentration * emphasis + 1e-9)
        self.salience[seats] = draws / np.maximum(draws.sum(axis=1, keepdims=True), 1e-12)
        self.loyalty[seats] = _beta(rng, b.loyalty_mean, b.loyalty_concentration, k)
        base = np.where(independent, self.cfg.independents.fear_base, 1.0 - self.security[code])
        self.fear_base[seats] = np.clip(base + b.fear_sd * rng.standard_normal(k), 0.0, 1.0)
        self.defections[seats] = 0
        self.seated[seats] = True
        for seat in seats:
            deputy = self.occupant[seat] = Deputy(self, int(seat))
            self.seated_as[deputy.unique_id] = (int(self.party_of[seat]), bool(self.district[seat]),
                                                self.ideal[seat].copy())
        self._refresh()

    def _expel(self) -> None:
        """Imperative mandate: a repeated defector may be expelled, with probability expel_rate times
        the whip strength. A list seat goes to the next on the list (or falls vacant when the list is
        exhausted); a district deputy keeps the seat as a self-nominated deputy."""
        b = self.behavior
        chance = b.expel_rate * self.whip[self.party_of]
        draw = self.rng.random(self.members)
        expelled = (self.seated & self.imperative[self.party_of]
                    & (self.defections >= b.defection_limit) & (draw < chance))
        if not expelled.any():
            return
        refill = []
        for seat in np.flatnonzero(expelled):
            self.term_stats[-1]["expulsions"] += 1
            if self.district[seat]:
                self.party_of[seat] = self.independent
                continue
            self.occupant[seat].remove()
            self.occupant[seat] = None
            party = self.parties[self.party_of[seat]]
            if party.reserve > 0:
                party.reserve -= 1
                refill.append(seat)
            else:
                self.seated[seat] = False
        self._seat_new_deputies(np.array(refill, dtype=np.int64))

    def _form_coalition(self) -> None:
        """Non-ruling parties and self-nominated deputies play the coalition game (coalition.form)."""
        self.coalition_party[:] = False
        self.coalition_deputy[:] = False
        self.coalition_seats = 0
        self.coalition_power = 0.0
        self.coalition_gain[:] = 0.0
        self.coalition_intent = 0.0
        self._play_coalition_game()
        weight = self.cfg.coalition.weight
        self.party_matrix[:, CLINE] = weight * self.coalition_party
        self.deputy_matrix[:, CLINE] = weight * self.coalition_deputy

    def _play_coalition_game(self) -> None:
        if not self.cfg.coalition.enabled:
            return
        seated_per_party = np.bincount(self.party_of[self.seated], minlength=len(self.whip))
        fear_per_party = np.bincount(self.party_of[self.seated], weights=self.fear[self.seated],
                                     minlength=len(self.whip))
        parties = [i for i in range(self.independent) if i != self.ruling and seated_per_party[i] > 0]
        deputies = np.flatnonzero(self.seated & (self.party_of == self.independent))
        if len(parties) + len(deputies) < 2:
            return
        c = self.cfg.coalition
        rivals = np.zeros((len(parties) + len(deputies),) * 2, dtype=bool)
        rivals[: len(parties), : len(parties)] = self.rivals[np.ix_(parties, parties)]
        players = coalition.Players(
            seats=np.concatenate([seated_per_party[parties], np.ones(len(deputies), dtype=np.int64)]),
            intent=np.concatenate([self.intent[parties], np.full(len(deputies), self.intent[self.independent])]),
            risk=np.concatenate([fear_per_party[parties] / seated_per_party[parties], self.fear[deputies]]),
            cost=np.concatenate([np.full(len(parties), c.party_cost), np.full(len(deputies), c.independent_cost)]),
            position=np.vstack([self.platform[parties], self.ideal[deputies]]),
            rivals=rivals,
        )
        chamber = coalition.Chamber(int(seated_per_party[self.ruling]), tuple(int(q) for q in self.thresholds),
                                    tuple(float(f) for f in self.kind_frequency))
        members = coalition.form(players, chamber, c)
        if not members.any():
            return
        self.coalition_power = coalition.power(chamber, int(players.seats[members].sum()), players.seats[~members])
        member_parties = np.array(parties, dtype=np.int64)[members[: len(parties)]]
        self.coalition_party[member_parties] = True
        self.coalition_deputy[deputies[members[len(parties):]]] = True
        seats = players.seats[members]
        self.coalition_seats = int(seats.sum())
        centre = seats @ players.position[members] / seats.sum()
        self.coalition_gain = _gain_matrix(np.full(len(DIMENSIONS), 1 / len(DIMENSIONS)), centre)
        self.coalition_intent = float(seats @ players.intent[members] / seats.sum())


def run_lockstep(models: list[MajilisModel]) -> None:
    """Run houses of one configuration to the end, session by session, their roll calls stacked into
    one Sitting; each house ends exactly as `run_model()` would have left it."""
    while models and models[0].running:
        sitting = Sitting.stack([model.open_session() for model in models])
        sitting.run()
        for house, model in enumerate(models):
            model.held += model.session_length
            model.close_session(sitting, house)


def _beta(rng: np.random.Generator, mean: float, concentration: float, size: int) -> np.ndarray:
    """Beta draws with the given mean and concentration (a + b); degenerate at mean 0 or 1."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(size, float(mean))
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size=size)


class _Record:
    """Preallocated per-roll-call arrays of one run; the model fills them, the outcomes module reads them."""

    def __init__(self, roll_calls: int, party_rows: int, seats: int) -> None:
        self.session = np.zeros(roll_calls, dtype=np.int64)
        self.proposer = np.zeros(roll_calls, dtype=np.int64)
        self.kind = np.zeros(roll_calls, dtype=np.int64)
        self.moves = np.zeros((roll_calls, len(DIMENSIONS)), dtype=bool)  # the dimensions each bill moves
        self.stance = np.zeros(roll_calls, dtype=np.int64)
        self.passed = np.zeros(roll_calls, dtype=bool)
        self.coalition_seats = np.zeros(roll_calls, dtype=np.int64)
        self.coalition_power = np.zeros(roll_calls)
        self.lines = np.zeros((roll_calls, party_rows), dtype=np.int8)
        self.votes = np.zeros((roll_calls, seats), dtype=np.int8)
        self.counts = np.zeros((roll_calls, party_rows, 4), dtype=np.int64)
        # Who sat in each seat in each session (seats change hands only between sessions).
        self.occupant_ids: list[list[int | None]] = []
        self.span = slice(0, 0)

    def open_session(self, model: MajilisModel, proposer: np.ndarray, kind: np.ndarray, moves: np.ndarray) -> None:
        start = model.session * model.session_length
        self.span = span = slice(start, start + model.session_length)
        self.session[span], self.proposer[span], self.kind[span] = model.session, proposer, kind
        self.moves[span] = moves
        self.coalition_seats[span] = model.coalition_seats
        self.coalition_power[span] = model.coalition_power
        self.occupant_ids.append([d.unique_id if d is not None else None for d in model.occupant])

    def close_session(self, sitting: Sitting, house: int) -> None:
        span = self.span
        self.stance[span], self.passed[span] = sitting.stance[house], sitting.passed[house]
        self.lines[span], self.votes[span] = sitting.lines[house], sitting.votes[house]
        self.counts[span] = sitting.counts[house]


def _policy_terms(point: np.ndarray) -> np.ndarray:
    """[p^2, -2p] along the last axis, so that x[:6] = terms(status quo) - terms(proposal) = [a, b]
    of ODD 7.3."""
    return np.concatenate([point * point, -2.0 * point], axis=-1)
