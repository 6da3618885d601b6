"""Analyses over many runs: the declared uncertainty, global sensitivity (Morris, Sobol), ABC on the
observed record, and ideal-point scaling of recorded roll calls."""
