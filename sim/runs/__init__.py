"""Running things: replicates of a configuration, batches of parameter points, a Hydra job and a
sweep, reports from saved results, the resume fingerprint, and the Hydra glue."""
