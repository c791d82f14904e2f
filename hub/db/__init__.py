"""Persistence: engine, the ORM models, and the unit of work (the one place that commits)."""
