"""Collect: pull connectors with saved cursors, push receivers, spreadsheet drops, dead letters."""
