"""What a reader is shown instead of an identifier: parties, houses, experiments and configuration keys
in words. The configuration's names are identifiers (`ak_zhol`, `two_terms_no_threat`,
`behavior.fear_scale`); every figure, page and table caption says them through these functions."""

from __future__ import annotations

import numpy as np

# Parties as a reader knows them.
PARTY_NAMES = {
    "amanat": "Amanat", "auyl": "Auyl", "respublica": "Respublica", "ak_zhol": "Ak Zhol",
    "qhp": "People's Party (QHP)", "osdp": "Social Democrats (OSDP)", "baitak": "Baitak", "alga": "Alga",
    "namys": "Namys", "apk": "Assembly of the People (APK)", "self_nominated": "self-nominated",
}
# Short names where many parties share a legend (a hemicycle's, a stacked histogram's).
PARTY_SHORT = {**PARTY_NAMES, "qhp": "QHP", "osdp": "OSDP", "apk": "Assembly (APK)"}
# The houses of configs/parliament/.
PARLIAMENT_NAMES = {
    "majilis_2023": "the Majilis elected in 2023",
    "majilis_2021": "the Majilis elected in 2021",
    "ruling_minority": "a hung house (ruling party 46 of 98)",
    "simulated_election": "a house drawn by a simulated election",
}
# The experiments of configs/experiment/, as a legend or a title names them.
EXPERIMENT_NAMES = {
    "baseline": "2023 house",
    "convocation_2021": "2021 house",
    "no_registration_threat": "no re-registration threat",
    "weak_whip": "whips halved",
    "ruling_minority": "hung house (ruling party 46 of 98)",
    "registered_opposition": "election with Alga and Namys registered",
    "free_and_fair": "free and fair election",
    "two_terms": "two terms, threat on",
    "two_terms_no_threat": "two terms, threat off",
}
# What a group of configuration keys applies to, in a parameter's name (see parameter_label); a
# party's own keys are named by the party alone.
PARAMETER_SCOPES = {"minor": "every non-ruling player", "independents": "self-nominated deputies",
                    "behavior": "deputies", "coalition": "coalition game", "parties": "", "parliament": "house"}


def _spaced(name: str) -> str:
    return name.replace("_", " ")


def party_label(name: str, short: bool = False) -> str:
    """A party's name in words: 'ak_zhol' is 'Ak Zhol'; `short`, 'qhp' is 'QHP'."""
    return (PARTY_SHORT if short else PARTY_NAMES).get(name, _spaced(name))


def experiment_label(name: str) -> str:
    """An experiment's name in words: 'weak_whip' is 'whips halved'."""
    return EXPERIMENT_NAMES.get(name, _spaced(name))


def parameter_label(key: str) -> str:
    """A configuration key in words, for axes and legends: 'minor.opposition_intent' is
    'opposition intent (every non-ruling player)', 'parties.qhp.whip_strength' 'whip strength (QHP)'."""
    *path, name = key.split(".")
    if name.isdigit() and path:  # an entry of a list ('executive.ideal.1'): the list's name and the position
        name = f"{path.pop()} {name}"
    scope = [PARAMETER_SCOPES.get(part, party_label(part, short=True)) for part in path]
    scope = [words for words in scope if words]
    return _spaced(name) + (f" ({', '.join(scope)})" if scope else "")


def value_text(value: object) -> str:
    """A swept value as a tick or legend shows it: 0.5, not 0.5000000001."""
    return f"{value:g}" if isinstance(value, (int, float, np.number)) else str(value)


def _override_text(override: str) -> str:
    key, equals, value = override.partition("=")
    if not equals:  # a key removed (`~key`, its sign stripped by run_name)
        return f"{parameter_label(key)} unset"
    if key == "parliament":
        return PARLIAMENT_NAMES.get(value, _spaced(value))
    try:
        value = value_text(float(value))
    except ValueError:
        value = _spaced(value)
    return f"{parameter_label(key)} = {value}"


def run_label(name: str) -> str:
    """A run's name (sim.runs.compose.run_name: the experiment, then the overrides that change the model,
    perhaps with where it ran in brackets) in words: 'weak_whip behavior.fear_scale=0.5' is 'whips
    halved, fear scale (deputies) = 0.5'; 'baseline parliament=ruling_minority' is 'the baseline
    calibration, a hung house (ruling party 46 of 98)'."""
    name, bracket, where = str(name).strip().partition(" (")
    if not name:
        return "an unnamed run"
    experiment, *overrides = name.split()
    house_chosen = any(o.startswith("parliament=") for o in overrides)
    words = "the baseline calibration" if experiment == "baseline" and house_chosen else experiment_label(experiment)
    return ", ".join([words, *map(_override_text, overrides)]) + (bracket + where if bracket else "")
