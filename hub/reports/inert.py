"""Spreadsheet cells that would be read as formulas, made inert (CSV/formula injection)."""

from __future__ import annotations

from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """A string starting like a formula gets a leading apostrophe: shown as text, never run."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def _shared() -> Any:
    try:
        from hub.security.spreadsheet import inert as shared  # type: ignore[import-not-found]
    except ImportError:
        return inert
    return shared


cell_text = _shared()
