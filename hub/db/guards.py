"""Whether a clue may still be changed: the one check every service function that changes a
clue (or its hand-offs, replies, persons, attachments, notes, owner, decisions, subjects,
cluster) calls before it writes.

    check_editable(session, clue_id, "写内部备注")   -> None, or raises (a Conflict, 409)

Domains higher up register the rules (`add_guard`), as hand-off listeners are registered:
hub.archive refuses every change to a matter that is filed (立卷归档), except the new hand-off
a follow-up check's rebound (问题反弹) makes. `what` is the change in Chinese, for the message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

Guard = Callable[[Session, int, str], None]
_guards: list[Guard] = []


def add_guard(guard: Guard) -> None:
    if guard not in _guards:
        _guards.append(guard)


def check_editable(session: Session, clue_id: int, what: str) -> None:
    """Raise (a HubError, shown in Chinese) when a registered rule forbids changing the clue."""
    for guard in _guards:
        guard(session, clue_id, what)


def check_all_editable(session: Session, clue_ids: Iterable[int], what: str) -> None:
    for clue_id in clue_ids:
        check_editable(session, clue_id, what)
