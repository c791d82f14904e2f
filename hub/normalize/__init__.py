"""Normalize: every record into the shared shape, with codes checked and gaps filled."""
