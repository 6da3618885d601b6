"""The configuration schema: plain dataclasses, with the checks that run before any work.

Defaults here mirror configs/ (where each value's source or reason is given); the YAML files are what
a run composes.

Hydra registers these classes as its structured-config schema (see run.py), so unknown keys and
wrong types fail at composition; `validate` then checks ranges and cross-field rules. The model
takes a `Config` instance and knows nothing of Hydra.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass
from fractions import Fraction
from typing import Any, get_args, get_origin, get_type_hints

# The Majilis's policy space and bill kinds, as configs/config.yaml and configs/rules/majilis.yaml give
# them; a configuration may declare others (Config.dimensions, RulesConfig.kinds).
DIMENSIONS = ("russia", "energy", "agriculture")


def _bounded(default: Any, lo: float | None = None, hi: float | None = None) -> Any:
    """A field whose numeric value (or every element) must lie in [lo, hi]."""
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"range": (lo, hi)})
    return field(default=default, metadata={"range": (lo, hi)})


UNIT = (0.0, 1.0)
SPACE = (-1.0, 1.0)
# Declared bounds on what is otherwise unbounded. A weight or scale past a million is a typo, not a
# setting: the vote rule squares and sums such numbers, and float arithmetic overflows long before 1e308.
MAX_SCALE = 1e6
# A house of ten thousand seats is a hundred Majilises; the power indices and the per-seat arrays grow
# with it, and 5,000,000 seats would exhaust memory after minutes of work.
MAX_SEATS = 10_000
# Roll calls a session and sessions a term, terms a run: far past any parliament's calendar.
MAX_SESSION_LENGTH = 100_000
MAX_SESSIONS = 1_000
# What one house holds in memory: a session's shocks (roll calls x seats, float64, for each of the 50
# houses of a lockstep batch) and the run's votes (roll calls x seats); beyond these a run needs GiBs.
MAX_SESSION_CELLS = 2_000_000
MAX_RUN_CELLS = 50_000_000


@dataclass
class PartyConfig:
    platform: list[float] = _bounded([0.0, 0.0, 0.0], *SPACE)
    salience: list[float] = _bounded([1.0, 1.0, 1.0], 0.0, MAX_SCALE)
    regime_alignment: float = _bounded(0.5, *UNIT)
    whip_strength: float = _bounded(0.8, *UNIT)
    registration_security: float = _bounded(0.5, *UNIT)
    opposition_intent: float = _bounded(0.2, *UNIT)
    rivals: list[str] = field(default_factory=list)
    reserve: int = _bounded(10, 0, MAX_SEATS)
    imperative_mandate: bool = True
    ruling: bool = False


@dataclass
class IndependentsConfig:
    regime_alignment: float = _bounded(0.6, *UNIT)
    opposition_intent: float = _bounded(0.3, *UNIT)
    position_sd: float = _bounded(0.5, 0.0, MAX_SCALE)
    fear_base: float = _bounded(0.3, *UNIT)


@dataclass
class MinorConfig:
    """Sweep handles: when set, the value for every non-ruling party and (but for the whip, which they
    do not have) the self-nominated deputies."""

    regime_alignment: float | None = _bounded(None, *UNIT)
    opposition_intent: float | None = _bounded(None, *UNIT)
    whip_strength: float | None = _bounded(None, *UNIT)


@dataclass
class DistrictConfig:
    seats: int = _bounded(29, 0, MAX_SEATS)
    ruling_advantage: float = _bounded(0.69, *UNIT)
    candidate_denial: float = _bounded(0.22, *UNIT)
    self_nominated_share: float = _bounded(0.825, *UNIT)


@dataclass
class ElectionConfig:
    list_seats: int = _bounded(69, 0, MAX_SEATS)
    threshold: float = _bounded(0.05, *UNIT)
    turnout: int = _bounded(6366441, 1, 10**10)  # a hundred times the world's largest electorate
    support: dict[str, float] = field(default_factory=dict)
    concentration: float = _bounded(300.0, 0.001, MAX_SCALE)
    manipulation: float = _bounded(0.03, *UNIT)
    contestants: list[str] = field(default_factory=list)
    denial_base: float = _bounded(0.0, *UNIT)
    denial_bias: float = _bounded(1.0, *UNIT)
    tolerated_intent: float = _bounded(0.5, 0.0, 0.999)
    threat_level: float = _bounded(1.0, 0.0, MAX_SCALE)
    threat_denial: float = _bounded(0.5, *UNIT)
    districts: DistrictConfig = field(default_factory=DistrictConfig)


@dataclass
class ParliamentConfig:
    name: str = "majilis_2023"
    list_seats: dict[str, int] = field(default_factory=dict)
    district_seats: dict[str, int] = field(default_factory=dict)
    independents: int = _bounded(0, 0, MAX_SEATS)
    # When set, every term's house is drawn by a simulated election and the seats above are unused.
    election: ElectionConfig | None = None


@dataclass
class ExecutiveConfig:
    ideal: list[float] = _bounded([0.0, 0.3, 0.5], *SPACE)
    agenda_share: float = _bounded(0.52, *UNIT)
    accept_loss: float = _bounded(0.02, 0.0, MAX_SCALE)
    sanction_rate: float = _bounded(0.3, 0.0, MAX_SCALE)
    threat_decay: float = _bounded(0.5, *UNIT)


@dataclass
class BehaviorConfig:
    loyalty_mean: float = _bounded(0.8, *UNIT)
    loyalty_concentration: float = _bounded(20.0, 0.1, MAX_SCALE)
    fear_scale: float = _bounded(1.0, 0.0, MAX_SCALE)
    fear_sd: float = _bounded(0.1, 0.0, MAX_SCALE)
    position_sd: float = _bounded(0.25, 0.0, MAX_SCALE)
    salience_concentration: float = _bounded(10.0, 0.0, MAX_SCALE)
    policy_weight: float = _bounded(20.0, 0.0, MAX_SCALE)
    noise_sd: float = _bounded(0.3, 0.0, MAX_SCALE)
    abstain_band: float = _bounded(0.25, 0.0, MAX_SCALE)
    dissent_tolerance: float = _bounded(0.005, *UNIT)
    expel_rate: float = _bounded(1.5, 0.0, MAX_SCALE)
    speech_rate: float = _bounded(2.0, 0.0, MAX_SCALE)
    speech_silence: float = _bounded(0.8, *UNIT)
    speech_weight: float = _bounded(0.1, 0.0, MAX_SCALE)


@dataclass
class CoalitionConfig:
    enabled: bool = True
    weight: float = _bounded(1.0, 0.0, MAX_SCALE)
    distance_weight: float = _bounded(0.5, 0.0, MAX_SCALE)
    rivalry_cost: float = _bounded(0.3, 0.0, MAX_SCALE)
    risk_weight: float = _bounded(0.3, 0.0, MAX_SCALE)
    party_cost: float = _bounded(0.05, 0.0, MAX_SCALE)
    independent_cost: float = _bounded(0.2, 0.0, MAX_SCALE)
    cooptation_rent: float = _bounded(0.05, 0.0, MAX_SCALE)
    visibility: float = _bounded(0.02, 0.0, MAX_SCALE)
    choice_noise: float = _bounded(0.05, 0.0, MAX_SCALE)


@dataclass
class AgendaConfig:
    session_length: int = _bounded(100, 1, MAX_SESSION_LENGTH)
    sessions_per_term: int = _bounded(5, 1, MAX_SESSIONS)
    terms: int = _bounded(1, 1, MAX_SESSIONS)
    two_dimension_prob: float = _bounded(0.3, *UNIT)
    bill_sd: float = _bounded(0.3, 0.0, MAX_SCALE)
    drift_sd: float = _bounded(0.15, 0.0, MAX_SCALE)
    warm_up_sessions: int = _bounded(5, 0, MAX_SESSIONS)


@dataclass
class BillKind:
    """A kind of bill: the share of all deputies whose yes votes pass it ("more than" the share when
    strict, else "at least"), and how often the Government's bills and the deputies' are of it."""

    kind: str = "ordinary"
    share: str = "1/2"
    strict: bool = True
    government: float = _bounded(1.0, *UNIT)
    deputies: float = _bounded(1.0, *UNIT)


def _majilis_kinds() -> list[BillKind]:
    return [BillKind("ordinary", "1/2", True, 0.85, 0.97), BillKind("constitutional", "2/3", False, 0.12, 0.03),
            BillKind("amendment", "3/4", False, 0.03, 0.0)]


@dataclass
class RulesConfig:
    """The bill kinds, the first being the ordinary law (its threshold is the house's majority). A list:
    a rules file replaces every kind, never merges with the defaults."""

    kinds: list[BillKind] = field(default_factory=_majilis_kinds)

    @property
    def names(self) -> list[str]:
        return [k.kind for k in self.kinds]


# The runs table holds one row per replicate and term in memory (about 1 KB a row) and stores seeds as
# Parquet int64: a million replicates is already over an hour of computing here.
MAX_REPLICATES = 1_000_000
MAX_SEED = 2**63 - 1
# run.export: every table as Parquet only, or as Parquet and CSV (for tools without a Parquet reader).
EXPORTS = ("parquet", "csv")


@dataclass
class RunConfig:
    replicates: int = _bounded(200, 1, MAX_REPLICATES)
    seed: int = _bounded(20230319, 0, MAX_SEED)
    workers: int = _bounded(0, 0, 4096)
    record_roll_calls: bool = False
    progress: bool = True
    figures: bool = True
    export: str = "parquet"


@dataclass
class Config:
    name: str = "baseline"
    # The policy dimensions, in the order of every platform, salience and ideal point (+1 / -1 poles in
    # configs/config.yaml). A list: a file that sets it replaces it.
    dimensions: list[str] = field(default_factory=lambda: list(DIMENSIONS))
    parliament: ParliamentConfig = field(default_factory=ParliamentConfig)
    parties: dict[str, PartyConfig] = field(default_factory=dict)
    independents: IndependentsConfig = field(default_factory=IndependentsConfig)
    minor: MinorConfig = field(default_factory=MinorConfig)
    executive: ExecutiveConfig = field(default_factory=ExecutiveConfig)
    behavior: BehaviorConfig = field(default_factory=BehaviorConfig)
    coalition: CoalitionConfig = field(default_factory=CoalitionConfig)
    agenda: AgendaConfig = field(default_factory=AgendaConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    run: RunConfig = field(default_factory=RunConfig)


class ConfigError(ValueError):
    """A configuration value outside what the model accepts; the message names key, value and rule."""


def _check_numbers(node: Any, path: str, errors: list[str], bounds: tuple = (None, None)) -> None:
    """Every number must be finite (a range test with < and > is false for NaN), and within the
    field's declared range, if any."""
    if isinstance(node, dict):
        for key, value in node.items():
            _check_numbers(value, f"{path}.{key}", errors)
        return
    if is_dataclass(node):
        for f in fields(node):
            key = f"{path}.{f.name}" if path else f.name
            _check_numbers(getattr(node, f.name), key, errors, f.metadata.get("range", (None, None)))
        return
    lo, hi = bounds
    for v in node if isinstance(node, list) else [node]:
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            continue
        if not math.isfinite(v):
            errors.append(f"{path} = {node}: must be a finite number")
            return
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            allowed = f"[{lo if lo is not None else '-inf'}, {hi if hi is not None else 'inf'}]"
            errors.append(f"{path} = {node}: must be in {allowed}")
            return


def unknown_keys(node: Any, schema: Any, path: str = "") -> list[str]:
    """Keys of a mapping (a composed config) that `schema`, a dataclass, does not declare; Hydra's
    `+key=value` adds such keys past the schema, and the dataclass conversion would drop them."""
    hints = get_type_hints(schema)
    found = []
    for key, value in node.items():
        name = f"{path}.{key}" if path else str(key)
        if key not in hints:
            known = ", ".join(f.name for f in fields(schema))
            found.append(f"{name}: not a configuration key; {path or 'the top level'} has: {known}")
            continue
        hint = hints[key]
        if get_origin(hint) is dict:  # a mapping of named entries (parties): each entry has the schema
            entry_schema = get_args(hint)[1]
            if is_dataclass(entry_schema) and hasattr(value, "items"):
                for item, entry in value.items():
                    if hasattr(entry, "items"):
                        found += unknown_keys(entry, entry_schema, f"{name}.{item}")
            continue
        nested = next((k for k in (hint, *get_args(hint)) if is_dataclass(k)), None)  # X or Optional[X]
        if nested is not None and hasattr(value, "items"):
            found += unknown_keys(value, nested, name)
    return found


def _check_length(value: list, n: int, key: str, errors: list[str]) -> None:
    if len(value) != n:
        errors.append(f"{key} = {value}: must have {n} entries")


def validate(cfg: Config) -> None:
    """Raise ConfigError listing every bad value; return silently when the config is usable."""
    errors: list[str] = []
    _check_numbers(cfg, "", errors)
    names = list(cfg.parties)
    n_dim = len(cfg.dimensions)
    if n_dim < 1 or len(set(cfg.dimensions)) != n_dim:
        errors.append(f"dimensions = {cfg.dimensions}: must name at least one dimension, each once")
    for name, party in cfg.parties.items():
        _check_length(party.platform, n_dim, f"parties.{name}.platform", errors)
        _check_length(party.salience, n_dim, f"parties.{name}.salience", errors)
        if sum(party.salience) <= 0:
            errors.append(f"parties.{name}.salience = {party.salience}: needs a positive entry")
        for rival in party.rivals:
            if rival == name:
                errors.append(f"parties.{name}.rivals: '{rival}' is the party itself; list other parties")
            elif rival not in cfg.parties:
                errors.append(f"parties.{name}.rivals: '{rival}' is not a party; known: {names}")
    ruling = [n for n, p in cfg.parties.items() if p.ruling]
    if len(ruling) != 1:
        errors.append(f"parties.*.ruling: exactly one party must be ruling, found {ruling}")
    for tier in ("list_seats", "district_seats"):
        for name, seats in getattr(cfg.parliament, tier).items():
            key = f"parliament.{tier}.{name}"
            if name not in cfg.parties:
                errors.append(f"{key}: '{name}' is not a party; known: {names}")
            if seats < 0:
                errors.append(f"{key} = {seats}: must be >= 0")
    election = cfg.parliament.election
    if election is not None:
        _check_election(cfg, election, errors)
    else:
        if cfg.agenda.terms > 1:
            errors.append(f"agenda.terms = {cfg.agenda.terms}: more than one term needs parliament.election "
                          "(a later term's house comes from an election); use parliament=simulated_election")
        for name in ruling:
            seats = cfg.parliament.list_seats.get(name, 0) + cfg.parliament.district_seats.get(name, 0)
            if seats < 1:
                errors.append(f"parliament: the ruling party '{name}' holds {seats} seats; it must hold at least 1")
    size = house_size(cfg.parliament)
    if size < 1:
        errors.append(f"parliament: the house has {size} seats; it needs at least 1")
    if size > MAX_SEATS:
        errors.append(f"parliament: the house has {size} seats; at most {MAX_SEATS:,} are allowed")
    a = cfg.agenda
    if a.session_length * size > MAX_SESSION_CELLS:
        errors.append(f"agenda.session_length = {a.session_length}: with {size} seats a session holds "
                      f"{a.session_length * size:,} votes; at most {MAX_SESSION_CELLS:,} fit in memory")
    elif a.session_length * a.sessions_per_term * a.terms * size > MAX_RUN_CELLS:
        errors.append(f"agenda: {a.terms} term(s) of {a.sessions_per_term} sessions of {a.session_length} roll calls "
                      f"in a house of {size} is {a.session_length * a.sessions_per_term * a.terms * size:,} votes a "
                      f"run; at most {MAX_RUN_CELLS:,} fit in memory")
    _check_length(cfg.executive.ideal, n_dim, "executive.ideal", errors)
    _check_rules(cfg.rules, errors)
    if cfg.run.export not in EXPORTS:
        errors.append(f"run.export = {cfg.run.export!r}: must be one of {', '.join(EXPORTS)}")
    if errors:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(errors))


def _check_rules(rules: RulesConfig, errors: list[str]) -> None:
    kinds = rules.names
    if not kinds or len(set(kinds)) != len(kinds) or not all(kinds):
        errors.append(f"rules.kinds: {kinds}: must name at least one bill kind, each once")
    shares = []
    for i, kind in enumerate(rules.kinds):
        try:
            frac = Fraction(kind.share)
        except (ValueError, ZeroDivisionError):
            errors.append(f"rules.kinds.{i}.share = {kind.share!r} ({kind.kind}): must be a fraction like '2/3'")
            continue
        if not 0 < frac < 1:
            errors.append(f"rules.kinds.{i}.share = {kind.share!r} ({kind.kind}): must lie strictly between 0 and 1")
        shares.append(frac)
    if shares and shares[0] < Fraction(1, 2):
        errors.append(f"rules.kinds.0.share = {rules.kinds[0].share!r} ({rules.kinds[0].kind}): the ordinary law needs "
                      "at least half the house ('1/2'); below it a bill and its opposite could both pass")
    # The first kind is the ordinary law: a qualified majority above it keeps every other threshold at or
    # above the ordinary one in a house of any size.
    if len(shares) == len(rules.kinds) > 1 and not all(s > shares[0] for s in shares[1:]):
        errors.append(f"rules.kinds: shares {[k.share for k in rules.kinds]}: every kind after the first (the "
                      "ordinary law) must need a larger share (a qualified majority is never below the ordinary one)")
    for proposer, bills in (("government", "the Government's bills"), ("deputies", "deputies' bills")):
        probs = [getattr(k, proposer) for k in rules.kinds]
        if abs(sum(probs) - 1.0) > 1e-9:
            errors.append(f"rules.kinds.*.{proposer} = {probs}: the shares of {kinds} among {bills} must sum to 1")


def _check_election(cfg: Config, election: ElectionConfig, errors: list[str]) -> None:
    names = list(cfg.parties)
    for name in election.contestants:
        if name not in cfg.parties:
            errors.append(f"parliament.election.contestants: '{name}' is not a party; known: {names}")
    for name, share in election.support.items():
        if name not in cfg.parties and name != "against_all":
            errors.append(f"parliament.election.support.{name}: not a party or 'against_all'; known: {names}")
        if share < 0:
            errors.append(f"parliament.election.support.{name} = {share}: must be >= 0")
    ruling = [n for n, p in cfg.parties.items() if p.ruling]
    for name in ruling:
        if name not in election.contestants or election.support.get(name, 0) <= 0:
            errors.append(f"parliament.election: the ruling party '{name}' must be a contestant with support > 0")
    if election.support.get("against_all", 0) <= 0:
        errors.append("parliament.election.support.against_all: must be > 0 (the line is on every ballot)")


def apply_minor(cfg: Config) -> Config:
    """Copy `minor`'s set values onto every non-ruling party and the self-nominated deputies."""
    for f in fields(cfg.minor):
        value = getattr(cfg.minor, f.name)
        if value is None:
            continue
        for party in cfg.parties.values():
            if not party.ruling:
                setattr(party, f.name, value)
        if hasattr(cfg.independents, f.name):
            setattr(cfg.independents, f.name, value)
    return cfg


def house_size(parliament: ParliamentConfig) -> int:
    """Total membership: every list and district seat plus the self-nominated deputies (or, for an
    elected house, the list and district seats of the election)."""
    if parliament.election is not None:
        return parliament.election.list_seats + parliament.election.districts.seats
    return (
        sum(parliament.list_seats.values())
        + sum(parliament.district_seats.values())
        + parliament.independents
    )
