"""Stored records of hub.directory (tables join Base.metadata by being imported in hub.db.registry)."""

from __future__ import annotations

from hub.db.models import Base  # noqa: F401
