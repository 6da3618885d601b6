"""The model: the Mesa Majilis (model.py) and what it is made of: seats and parties, the agenda, the
roll calls, the majority rules, the coalition game and its voting power, elections. It knows nothing
of Hydra, files, outcomes or figures."""
