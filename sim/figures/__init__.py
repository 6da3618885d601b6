"""Figures drawn from outcome tables and analysis results; nothing here runs the model."""
