"""Keyword rules (rules.json) and the labelled evaluation set for hub.normalize.classify."""
