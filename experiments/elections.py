"""Study: does a more plural house (registered opposition, a free and fair election) or the
re-registration threat over two terms change whether a coalition can form?

    python experiments/elections.py [--replicates N]

Draws docs/figures/elections.png (baseline, registered_opposition, free_and_fair) and
docs/figures/two_terms.png (second term of two_terms against two_terms_no_threat), and prints both
comparison tables with the elected houses' fragmentation and disproportionality.
"""

from __future__ import annotations

import argparse

import pandas as pd
from study import FIGURES, run_named

from sim.figures.results import comparison_figure
from sim.runs.report import comparison_table

HOUSE = ["seats_amanat", "seats_alga", "seats_namys", "seats_self_nominated", "enp_seats", "gallagher",
         "ruling_constitutional_majority", "parties_registered"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=500)
    args = parser.parse_args()
    FIGURES.mkdir(parents=True, exist_ok=True)

    plural = pd.concat([run_named(n, args.replicates) for n in ("baseline", "registered_opposition", "free_and_fair")],
                       ignore_index=True)
    print(comparison_table(plural).to_string(index=False))
    print(plural.groupby("name", sort=False)[[c for c in HOUSE if c in plural]].mean().round(2).T.to_string())
    comparison_figure(plural, FIGURES / "elections.png",
                      "The 2023 house against simulated elections: opposition registered, free and fair")

    terms = pd.concat([run_named(n, args.replicates) for n in ("two_terms", "two_terms_no_threat")], ignore_index=True)
    second = terms[terms.term == 2]
    print("\nsecond term")
    print(comparison_table(second).to_string(index=False))
    print(terms.groupby(["name", "term"])[["parties_registered", "seats_osdp", "seats_qhp", "expulsions",
                                            "defections", "gov_defeats"]].mean().round(2).to_string())
    comparison_figure(second, FIGURES / "two_terms.png",
                      "Second of two terms: re-registration threat on (two_terms) and off (two_terms_no_threat)")


if __name__ == "__main__":
    main()
