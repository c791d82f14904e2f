"""Search actions the pages and the CLI share."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hub.search import repository


def rebuild(session: Session) -> int:
    """Index every clue again; how many. (The index is otherwise written with each clue.)"""
    return repository.rebuild(session)
