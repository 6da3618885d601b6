"""Hydra finds plugins only under the hydra_plugins namespace: the project's sweeper lives here."""
