"""Study: does a more plural house (registered opposition, a free and fair election) or the
re-registration threat over two terms change whether a coalition can form?

    python experiments/elections.py [--replicates N] [--write-docs]

Draws elections.png (baseline, registered_opposition, free_and_fair) and two_terms.png (second term of
two_terms against two_terms_no_threat) into experiments/results/figures/, or with --write-docs into
the committed docs/figures/ (only at the documented 500 replicates), and prints both comparison tables
with the elected houses' fragmentation and disproportionality.
"""

from __future__ import annotations

import pandas as pd
from study import run_named, study_arguments

from sim.figures.results import comparison_figure
from sim.runs.report import comparison_table

HOUSE = ["seats_amanat", "seats_alga", "seats_namys", "seats_self_nominated", "enp_seats", "gallagher",
         "ruling_constitutional_majority", "parties_registered"]


# The documented study (README, docs/figures/): replicates an experiment.
REPLICATES = 500


def main(argv: list[str] | None = None) -> None:
    args, figures = study_arguments(__doc__.splitlines()[0], REPLICATES, argv)
    figures.mkdir(parents=True, exist_ok=True)

    plural = pd.concat([run_named(n, args.replicates) for n in ("baseline", "registered_opposition", "free_and_fair")],
                       ignore_index=True)
    print(comparison_table(plural).to_string(index=False))
    print(plural.groupby("name", sort=False)[[c for c in HOUSE if c in plural]].mean().round(2).T.to_string())
    comparison_figure(plural, figures / "elections.png",
                      "The 2023 house against simulated elections: opposition registered, free and fair")

    terms = pd.concat([run_named(n, args.replicates) for n in ("two_terms", "two_terms_no_threat")], ignore_index=True)
    second = terms[terms.term == 2]
    print("\nsecond term")
    print(comparison_table(second).to_string(index=False))
    print(terms.groupby(["name", "term"])[["parties_registered", "seats_osdp", "seats_qhp", "expulsions",
                                            "defections", "gov_defeats"]].mean().round(2).to_string())
    comparison_figure(second, figures / "two_terms.png",
                      "Second of two terms, the re-registration threat on and off")
    print(f"figures in {figures}/")


if __name__ == "__main__":
    main()
