"""Hand-offs (移交): a clue handed to another body, followed until it is closed (SPEC §5)."""
