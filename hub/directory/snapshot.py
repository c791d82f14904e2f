"""The directory index each process keeps, rebuilt when the stored directory changes.

Every caller first reads the directory's version (count and newest `updated_at`: one small
aggregate query), and gets the cached index while that has not moved. Rebuilding takes tens
of milliseconds for a few thousand bodies, so any process may do it after an import.
"""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from . import repository
from .index import DirectoryIndex, build_index

_cache: dict[tuple[str, str], DirectoryIndex] = {}
_lock = threading.Lock()
_MAX_CACHED = 8  # one per database a process talks to; tests open many


def current_index(session: Session, home: str = "420300") -> DirectoryIndex:
    """The index of the active bodies as stored now; `home` is the office's city code."""
    version = repository.version(session)
    key = (session.get_bind().url.render_as_string(hide_password=True), home)
    cached = _cache.get(key)
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached.version != version:
            cached = build_index(repository.active_records(session), home=home,
                                 version=version)
            if len(_cache) >= _MAX_CACHED:
                _cache.pop(next(iter(_cache)))
            _cache[key] = cached
    return cached


def home_of(prefer_prefix: str | None) -> str:
    """The office's city code from a division prefix: 4203 -> 420300."""
    return (prefer_prefix or "4203").ljust(6, "0")[:6]
