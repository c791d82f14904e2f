"""Intake: receive a partner's clue, keep the raw body, record the clue, wake the pipeline."""
