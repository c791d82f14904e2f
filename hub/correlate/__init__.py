"""Correlate: the same problem through several channels becomes one cluster."""
