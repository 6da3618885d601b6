"""What a run produced, read from a finished model: the outcome registry (each outcome declared once),
the per-term rows, the per-session features the analyses read, the recorded tables, the summary, and
Mesa's DataCollector."""
