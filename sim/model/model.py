"""The Mesa model of the Majilis: one step is one roll call; a session is `session_length` roll calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mesa
import numpy as np

from sim.config import Config, validate
from sim.model import closing, coalition
from sim.model.agenda import GOVERNMENT, draw_sessions
from sim.model.agents import Deputy, Executive
from sim.model.coalition import Coalition
from sim.model.composition import Composition, compose
from sim.model.electoral import ElectionResult, simulate_election
from sim.model.given import GivenExpulsions, expel_given
from sim.model.parties import PartyTable, equal_salience, gain_rows
from sim.model.record import Expulsion, RollCallRecord, Term
from sim.model.rollcall import Bill, Chamber, Sitting
from sim.model.rules import blocking_minority, thresholds
from sim.model.seats import Seats

# The id of nobody: a vacant seat's (deputies' ids count from 1).
NOBODY = 0


class MajilisModel(mesa.Model):
    """The 98-seat Majilis (or any configured house) voting on a term of bills."""

    def __init__(
        self,
        cfg: Config,
        rng: np.random.Generator | int | None = None,
        composition: Composition | None = None,
        warm: bool = True,
        given: GivenExpulsions | None = None,
        validated: bool = False,
    ) -> None:
        """The house of `composition` (else the configured or elected one), warmed up now (ODD 5.1), or,
        with warm=False, at its first step or by run_lockstep together with the houses beside it. With
        `given`, the expulsions of its first sessions are those given (sim.model.given), and
        `log_likelihood` is the log-probability that its own draws would have made them. The
        configuration is checked (sim.config.validate) unless the caller says it was (`validated`)."""
        if not validated:
            validate(cfg)
        super().__init__(rng=rng)
        self.cfg, self.behavior = cfg, cfg.behavior
        self.dimensions = len(cfg.dimensions)
        # The house of the first term: given, drawn by an election, or the configured seats.
        self.elections: list[ElectionResult] = []
        if composition is None and cfg.parliament.election is not None:
            self.elections.append(simulate_election(cfg, self.rng))
            composition = self.elections[0].composition
        comp = composition if composition is not None else compose(cfg)
        self.parties = PartyTable(cfg)
        e = cfg.executive
        self.executive = Executive(np.array(e.ideal, dtype=float), e.agenda_share, e.accept_loss,
                                   e.sanction_rate, e.threat_decay)
        self.members = comp.size
        self.bill_kinds = cfg.rules.names
        self.thresholds = np.array(list(thresholds(cfg.rules, self.members).values()))
        self.majority = int(self.thresholds[0])
        self.blocking = blocking_minority(cfg.rules, self.members)
        # How often each bill kind comes up: the Government's share of the agenda and the deputies'.
        a = cfg.agenda
        share = e.agenda_share
        kinds = cfg.rules.kinds
        self.kind_frequency = (share * np.array([k.government for k in kinds])
                               + (1 - share) * np.array([k.deputies for k in kinds]))
        self.session_length = a.session_length
        self.term_length = self.session_length * a.sessions_per_term
        self.roll_calls = self.term_length * a.terms
        self.executive_terms = _policy_terms(self.executive.ideal)
        self.chamber = Chamber(exec_gain=gain_rows(equal_salience(self.dimensions), self.executive.ideal),
                               executive_terms=self.executive_terms, independent=self.parties.independent)
        self.seats = Seats(comp, self.parties, cfg)
        # Who sits in each seat, by id. The Mesa agent of a deputy is made only when
        # something asks for it (`agents`, `occupant`: a DataCollector, the browser view, a test): a
        # run that reads its arrays alone makes none, and 100 agents made and removed cost a term 1 ms.
        self.deputy_ids = np.full(self.members, NOBODY, dtype=np.int64)
        self.last_id = NOBODY  # ids count from 1 in the order deputies sit down, as Mesa's own do
        self._agents: dict[int, Deputy] = {}  # the agents made so far, by seat
        # Every deputy who ever sat, by id, as seated: party row, district seat or not, true position.
        self.seated_as: dict[int, tuple[int, bool, np.ndarray]] = {}
        self._seat_new_deputies(np.arange(self.members))

        self.status_quo_terms = self.executive_terms.copy()
        self.coalition: Coalition | None = None
        self.kept_game = coalition.Kept()  # the coalition game's players and values, kept between sessions
        self.margin = float("nan")  # the best bloc's margin at the session's start (sim.model.coalition)
        self.session = 0
        # Roll calls held so far. Mesa's own `steps` counts step() calls, which lockstep runs bypass.
        self.held = 0
        # The session's roll calls, and the last bill voted on (step() by step() only).
        self.sitting: Sitting | None = None
        self.last_bill: Bill | None = None
        # Each term's house as it sat down, and every expulsion (sim.outcomes.tables.expulsions_table).
        self.terms: list[Term] = [Term(comp.seats())]
        self.expelled: list[Expulsion] = []
        self.given = given
        self.log_likelihood = 0.0
        self.record = RollCallRecord(self.roll_calls, self.roll_calls // self.session_length,
                                     len(self.parties.names), self.members, self.dimensions)
        self.cold_sessions = cfg.agenda.warm_up_sessions  # warm-up sessions still to play
        if warm:
            warm_up([self])

    def release(self) -> None:
        """Let the model be garbage collected. Mesa before 3.4.2 counts agent ids in a class-level
        dict keyed by model (`Agent._ids`), which keeps every model (and its arrays) alive for the
        life of the process: 10,000 replicates would then need ~5 GB. Later Mesas count ids on the
        model and have no such dict, so there is nothing to do."""
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Mesa's set of the model's agents: a Deputy for each seated deputy, made now if not yet."""
        self._make_agents()
        return super().agents

    @property
    def agents_by_type(self) -> dict:
        """Mesa's agent sets by type (what a DataCollector's agenttype_reporters read), every Deputy made."""
        self._make_agents()
        return super().agents_by_type

    def _make_agents(self) -> None:
        if hasattr(self, "deputy_ids"):  # Mesa's own __init__ may ask before the house is built
            for seat in np.flatnonzero(self.deputy_ids != NOBODY):
                self.deputy(int(seat))

    @property
    def occupant(self) -> list[Deputy | None]:
        """The Deputy in each seat (None: vacant)."""
        return [None if i == NOBODY else self.deputy(seat) for seat, i in enumerate(self.deputy_ids)]

    def deputy(self, seat: int) -> Deputy:
        """The Mesa agent of the deputy who sits in `seat`, made if not yet."""
        agent = self._agents.get(seat)
        if agent is None:
            agent = self._agents[seat] = Deputy(self, seat)
            agent.unique_id = int(self.deputy_ids[seat])
        return agent

    def _unseat(self, seat: int) -> None:
        """The deputy of `seat` leaves it (and the model: its agent, if made, too)."""
        self.deputy_ids[seat] = NOBODY
        agent = self._agents.pop(seat, None)
        if agent is not None:
            agent.remove()

    @property
    def expulsions(self) -> int:
        """Expulsions under the imperative mandate so far, over all terms."""
        return len(self.expelled)

    @property
    def coalition_seats(self) -> int:
        """Seats of the coalition formed for the session under way (0 without one)."""
        return self.coalition.seats if self.coalition else 0

    @property
    def status_quo(self) -> np.ndarray:
        """Current policy on (russia, energy, agriculture)."""
        return self.status_quo_terms[self.dimensions:] / -2.0

    # -- the procedure -------------------------------------------------------------------------

    def step(self) -> None:
        """One roll call: the next bill of the session, party lines, votes, tally (sim.model.rollcall). After
        the last roll call of the last term there is nothing to hold (a viewer may step past it)."""
        if self.held >= self.roll_calls:
            self.running = False
            return
        warm_up([self])
        i = self.held % self.session_length
        if i == 0:
            self.sitting = self.open_session()
        sitting = self.sitting
        assert sitting is not None  # opened at the session's first roll call
        status_quo = sitting.status_quo_terms[0].copy()
        sitting.roll_call(i)
        self.last_bill = sitting.bill(0, i, status_quo)
        self.held += 1
        if i == self.session_length - 1:
            self.close_session(sitting)

    def open_session(self, keep: bool = True) -> Sitting:
        """This house's next session opened alone (open_sessions)."""
        return open_sessions([self], keep)

    def _prepare_session(self, keep: bool) -> None:
        """A session's start before its bills: the status quo drifts, and the coalition game is played
        (with the best bloc's margin for a session kept in the record)."""
        drift = self.rng.normal(0.0, self.cfg.agenda.drift_sd, size=self.dimensions)
        self.status_quo_terms = _policy_terms(np.clip(self.status_quo + drift, -1.0, 1.0))
        self._form_coalition(margin=keep)

    def _record_opening(self, proposer: np.ndarray, kind: np.ndarray, moves: np.ndarray) -> None:
        start = self.session * self.session_length
        c = self.coalition
        self.record.open_session(
            slice(start, start + self.session_length), self.session, proposer=proposer, kind=kind, moves=moves,
            coalition_seats=self.coalition_seats, coalition_power=c.power if c else 0.0, margin=self.margin,
            occupant_ids=[None if i == NOBODY else i for i in self.deputy_ids.tolist()],
        )

    def close_session(self, sitting: Sitting) -> None:
        """This house's session closed alone (close_sessions)."""
        close_sessions([self], sitting)

    def session_closed(self) -> None:
        """Called when a kept session has closed, the house as it enters the next (a DataCollector
        collects here: sim.outcomes.collect)."""

    # -- between sessions ----------------------------------------------------------------------

    def _end_session(self) -> None:
        """After a kept session's sanctions, expulsions and fading: record the house, count the session,
        elect at a term's end."""
        self.record.house_after(self.session, self.seats.fear, self.seats.seated, self.seats.party_of,
                                self.seats.speech)
        self.session += 1
        if self.session % self.cfg.agenda.sessions_per_term == 0:
            self._close_term()
        # Mesa's run_model() steps while running: stop after the last roll call of the last term.
        self.running = self.held < self.roll_calls
        self.session_closed()

    def _vet(self, hazard: np.ndarray) -> None:
        """A warm-up session's close: a deputy its party would have expelled (at `hazard`, by seat:
        closing.hazards) is replaced by another candidate of the same party in the same seat (ODD 5.1)."""
        vetted = np.flatnonzero(self.rng.random(self.members) < -np.expm1(-hazard))
        for seat in vetted:
            del self.seated_as[int(self.deputy_ids[seat])]
            self._unseat(int(seat))
        if len(vetted):  # most sessions vet nobody: the vote rule stands
            self._seat_new_deputies(vetted)

    def _close_term(self) -> None:
        """If another term follows, elect and seat its house. Parties under a high registration threat
        risk being refused registration at that election."""
        if self.held >= self.roll_calls:
            return
        self.elections.append(simulate_election(self.cfg, self.rng, self.parties.threat_by_name()))
        for seat in range(self.members):
            self._unseat(seat)
        comp = self.elections[-1].composition
        self.seats.new_term(comp)
        self.parties.new_term()
        self._seat_new_deputies(np.arange(self.members))
        self.terms.append(Term(comp.seats()))

    def _seat_new_deputies(self, seats: np.ndarray) -> None:
        """Draw traits for new deputies in `seats` (around their party's platform) and seat them."""
        s = self.seats
        s.draw(seats, self.rng)
        ids = self.last_id + 1 + np.arange(len(seats))
        self.deputy_ids[seats] = ids
        self.last_id += len(seats)
        self.seated_as.update(zip(ids.tolist(), zip(s.party_of[seats].tolist(), s.district[seats].tolist(),
                                                    s.ideal[seats], strict=True), strict=True))
        s.refresh()

    def _expel(self, hazard: np.ndarray, vote_share: np.ndarray) -> None:
        """Imperative mandate: a party expels the dissent that endangers it (ODD 7.9), voted or said, each
        seat at its `hazard` (closing.hazards), its votes carrying `vote_share` of it. A list seat goes to
        the next on the list (or falls vacant when the list is exhausted); a district deputy keeps the
        seat as a self-nominated deputy. In the sessions a record gives, the expulsions are the given
        ones (sim.model.given)."""
        s, p = self.seats, self.parties
        if self.given is not None and self.given.covers(self.session):
            events = self.given.of_session(self.session)
            candidates = [(s.seated & (s.party_of == p.names.index(e.party)), e.trigger) for e in events]
            chosen, log_p = expel_given(hazard, vote_share, candidates, self.rng)
            self.log_likelihood += log_p
            if len(chosen) < len(events):  # impossible along this path: the run's weight is 0
                return
            seats, triggers = np.array(chosen, dtype=np.int64), [e.trigger for e in events]
        else:
            draw, chance = self.rng.random(self.members), -np.expm1(-hazard)
            seats = np.flatnonzero(draw < chance)
            if not len(seats):
                return
            # Given that draw < p, draw / p is uniform on [0, 1): it draws the trigger with no draw of its own.
            by_vote = draw[seats] / chance[seats] < vote_share[seats]
            triggers = ["vote" if v else "speech" for v in by_vote]
        refill = []
        for seat, trigger in zip(seats, triggers, strict=True):
            party = s.party_of[seat]
            self.expelled.append(Expulsion(
                term=len(self.terms), session=self.session, seat=int(seat), deputy=int(self.deputy_ids[seat]),
                party=p.names[party], seat_kind="district" if s.district[seat] else "list",
                position=tuple(float(x) for x in s.ideal[seat]), roll_calls_sat=int(s.sat[seat]),
                with_executive=int(s.defections[seat] - s.defections_against[seat]),
                against_executive=int(s.defections_against[seat]), speech_acts=int(s.speech_acts[seat]),
                trigger=trigger, from_executive=tuple(float(x) for x in s.ideal[seat] - self.executive.ideal),
            ))
            if s.expel(int(seat)):
                continue  # a district deputy sits on without a party
            self._unseat(int(seat))
            if p.take_from_list(party):
                refill.append(seat)
            else:
                s.vacate(int(seat))
        # Also rebuilds the vote rule of district deputies who now sit without a party.
        self._seat_new_deputies(np.array(refill, dtype=np.int64))

    def _form_coalition(self, margin: bool) -> None:
        """Non-ruling parties and self-nominated deputies play the coalition game (sim.model.coalition);
        with `margin`, the best bloc's margin is worked out for the record."""
        c = self.cfg.coalition
        self.coalition, self.margin = coalition.play(self.parties, self.seats, self.thresholds, self.kind_frequency,
                                                     c, self.rng, margin, self.kept_game
                                                     ) if c.enabled else (None, float("nan"))
        self.parties.set_coalition(self.coalition.parties if self.coalition else None)
        self.seats.set_coalition(self.coalition.deputies if self.coalition else None)


def open_sessions(models: list[MajilisModel], keep: bool = True) -> Sitting:
    """Open the next session of every house: drift its status quo, play its coalition game, draw its
    agenda (each house from its own generator), and return the session's roll calls stacked over the
    houses. Bills centre on the proposer's ideal pulled towards the executive's by the proposer's regime
    alignment: deputies draft what the Government's conclusion will accept (ODD 7.2). A session not
    kept (the warm-up's) leaves no record."""
    for model in models:
        model._prepare_session(keep)
    first = models[0]
    if not all(first.chamber.same_as(model.chamber) for model in models):
        raise ValueError("houses run in lockstep must share the executive's ideal point and the party list")
    seats, parties = [model.seats for model in models], [model.parties for model in models]
    seated = _stack(seats, "seated")
    a = draw_sessions([model.rng for model in models], [model.cfg.agenda for model in models],
                      [model.cfg.rules for model in models], first.dimensions,
                      np.array([model.executive.agenda_share for model in models]), seated,
                      np.array([model.behavior.noise_sd for model in models]))
    government = a.proposer_seat == GOVERNMENT
    seat = np.where(government, 0, a.proposer_seat)
    party_of = _stack(seats, "party_of")
    own = np.take_along_axis(_stack(seats, "ideal"), seat[:, :, None], axis=1)
    alignment = np.take_along_axis(_stack(parties, "alignment"),
                                   np.take_along_axis(party_of, seat, axis=1), axis=1)
    pull = np.where(government, 1.0, alignment)[:, :, None]
    candidates = np.clip(own + pull * (first.executive.ideal - own) + a.offset, -1.0, 1.0)  # one ideal: same_as
    proposer = np.where(government, GOVERNMENT, np.take_along_axis(party_of, seat, axis=1))
    thresholds = np.take_along_axis(_stack(models, "thresholds"), a.kind, axis=1)
    if keep:
        for h, model in enumerate(models):
            model._record_opening(proposer[h], a.kind[h], a.moves[h])
    coalitions = [model.coalition for model in models]
    return Sitting(
        first.chamber,
        candidate_terms=_policy_terms(candidates),
        moves=np.concatenate([a.moves, a.moves], axis=2),
        government=government,
        thresholds=thresholds,
        noise=a.noise,
        deputy_matrix=_stack(seats, "rule"),
        party_matrix=_stack(parties, "line_matrix"),
        coalition_gain=np.stack([model.behavior.policy_weight * c.gain if c else np.zeros(2 * first.dimensions)
                                 for model, c in zip(models, coalitions, strict=True)]),
        coalition_intent=np.array([c.intent if c else 0.0 for c in coalitions]),
        vacant=~seated,
        party_of=party_of,
        status_quo_terms=_stack(models, "status_quo_terms"),
        band=np.array([model.behavior.abstain_band for model in models]),
        accept_loss=np.array([model.executive.accept_loss for model in models]),
    )


def warm_up(models: list[MajilisModel]) -> None:
    """Play the houses' warm-up sessions not yet played (ODD 5.1), their roll calls stacked as in
    run_lockstep: a convocation starts with the threats, fear and records its parties carry out of the
    previous one, and with vetted deputies. None of it is kept in the record."""
    while cold := [model for model in models if model.cold_sessions > 0]:
        sitting = open_sessions(cold, keep=False)
        sitting.run()
        close_sessions(cold, sitting, keep=False)


def close_sessions(models: list[MajilisModel], sitting: Sitting, keep: bool = True) -> None:
    """Close the session just held in every house (row h of `sitting` is house h's): add its votes to the
    records, the executive sanctions what was voted and said (ODD 7.7, 7.9a), parties expel the dissent
    that endangers them (7.9; a warm-up session vets its deputies instead, 5.1), threats fade and fear
    with them. The arithmetic is over arrays of all the houses (sim.model.closing); each house draws its
    acts of public dissent and its expulsions from its own generator. A warm-up session leaves no record."""
    seats, parties = [m.seats for m in models], [m.parties for m in models]
    for h, m in enumerate(models):
        m.status_quo_terms = sitting.status_quo_terms[h]
        if keep:
            m.record.close_session(sitting, h, m.session)
    independent, ruling = parties[0].independent, [p.ruling for p in parties]  # one party list: same_as
    rate = _each(models, lambda m: m.executive.sanction_rate)
    party_of, seated = _stack(seats, "party_of"), _stack(seats, "seated")
    alone = party_of == independent
    sat = _stack(seats, "sat") + sitting.sat
    defections = _stack(seats, "defections") + sitting.defections
    against = _stack(seats, "defections_against") + sitting.defections_against_executive
    mandate = _stack(seats, "mandate_threat")
    mandate = np.where(alone, mandate + rate * sitting.against_executive, mandate)
    threat = closing.unregistered(_stack(parties, "threat") + closing.vote_sanction(sitting, rate), ruling, independent)
    mean = closing.speech_means(_each(models, lambda m: m.behavior.speech_rate * m.session_length / 100),
                                _each(models, lambda m: m.behavior.speech_silence), _stack(seats, "salience"),
                                _stack(seats, "ideal"), np.stack([m.executive.ideal for m in models]),
                                _stack(seats, "fear"), seated)
    speech = np.stack([m.rng.poisson(row) for m, row in zip(models, mean, strict=True)])
    mandate = np.where(alone, mandate + rate * speech, mandate)
    threat = closing.unregistered(threat + closing.speech_sanction(speech, party_of, seated, threat.shape[1], rate),
                                  ruling, independent)
    speech_acts = _stack(seats, "speech_acts") + speech
    for h, (s, p) in enumerate(zip(seats, parties, strict=True)):
        s.sat, s.defections, s.defections_against = sat[h], defections[h], against[h]
        s.mandate_threat, s.speech, s.speech_acts, p.threat = mandate[h], speech[h], speech_acts[h], threat[h]

    exposed = seated & np.take_along_axis(_stack(parties, "imperative"), party_of, axis=1)
    danger = np.take_along_axis(np.minimum(threat, 1.0) * _stack(parties, "whip"), party_of, axis=1)
    hazard, vote_share = closing.hazards(
        _each(models, lambda m: m.behavior.dissent_tolerance), _each(models, lambda m: m.behavior.speech_weight),
        _each(models, lambda m: m.behavior.expel_rate), exposed, danger, sitting.sat, speech, sat, defections,
        against)
    for h, m in enumerate(models):
        if keep:
            m._expel(hazard[h], vote_share[h])
        else:
            m._vet(hazard[h])

    _fade(models)
    for m in models:
        if keep:
            m._end_session()
        else:
            m.cold_sessions -= 1


def _fade(models: list[MajilisModel]) -> None:
    """Threats fade at threat_decay per 100 roll calls, so a session's length does not matter; fear
    follows them (ODD 7.7). After the expulsions: who sits for which party as they left it."""
    seats, parties = [m.seats for m in models], [m.parties for m in models]
    factor = _each(models, lambda m: (1.0 - m.executive.threat_decay) ** (m.session_length / 100))
    threat, mandate = _stack(parties, "threat") * factor, _stack(seats, "mandate_threat") * factor
    fear = closing.fear_of(_each(models, lambda m: m.behavior.fear_scale), _stack(seats, "fear_base"), mandate,
                           threat, _stack(seats, "party_of"), parties[0].independent)
    for h, (s, p) in enumerate(zip(seats, parties, strict=True)):
        p.threat, s.mandate_threat = threat[h], mandate[h]
        s.set_fear(fear[h])


def _stack(objects: Sequence[object], name: str) -> np.ndarray:
    """Attribute `name` of each object, stacked over houses."""
    return np.stack([getattr(o, name) for o in objects])


def _each(models: list[MajilisModel], value: Callable[[MajilisModel], float]) -> np.ndarray:
    """(H, 1): a number of each house, to broadcast over its seats or parties."""
    return np.array([value(m) for m in models])[:, None]


def run_lockstep(models: list[MajilisModel]) -> None:
    """Run houses to the end, session by session, their roll calls stacked into one Sitting; each house
    ends exactly as `run_model()` would have left it. Their configurations may differ in everything but
    the shapes (house size, party list, session length and count) and the executive's ideal point."""
    warm_up(models)
    while models and models[0].running:
        sitting = open_sessions(models)
        sitting.run()
        for model in models:
            model.held += model.session_length
        close_sessions(models, sitting)


def _policy_terms(point: np.ndarray) -> np.ndarray:
    """[p^2, -2p] along the last axis, so that x[:6] = terms(status quo) - terms(proposal) = [a, b]
    of ODD 7.3."""
    return np.concatenate([point * point, -2.0 * point], axis=-1)
