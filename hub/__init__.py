"""The clue-sharing hub: partner clues in, one shared shape, followed to an outcome.

The path a clue takes is the layout of this package:
intake -> normalize -> (correlate -> route) -> review -> handoffs -> outcomes -> reports,
with security, audit and ops beside them. `pipeline` moves work between stages.
"""
