"""Hand-off deadlines in Chinese working days (pure; SPEC §5).

"Within N working days" counts from the first working day after the day of sending:
`WorkCalendar.add_working_days(sent_on, n)` never counts the start day, so a hand-off sent on
2026-09-30 with 5 days is due 2026-10-13 (National Day and the make-up Saturday 10-10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from hub.workdays import WorkCalendar

from .states import RECEIVER_WORKING


@dataclass(frozen=True)
class Deadlines:
    reply_due_on: date | None  # initial feedback (初步反馈)
    due_on: date | None  # completion (办结)
    warning: str | None  # the calendar's coverage warning, plain Chinese


def default_days(kind: str, reply_days: int, complete_days: int,
                 by_kind: dict[str, Any] | None = None) -> tuple[int, int]:
    """The (reply, complete) working days for a kind: per-kind setting, else the defaults."""
    days = (by_kind or {}).get(kind)
    if days:
        return int(days[0]), int(days[1])
    return reply_days, complete_days


def compute(calendar: WorkCalendar, sent_on: date, *, reply_days: int = 0,
            complete_days: int = 0, reply_due_on: date | None = None,
            due_on: date | None = None) -> Deadlines:
    """The deadlines from day counts (0 = none) unless explicit dates are given."""
    if reply_due_on is None and reply_days > 0:
        reply_due_on = calendar.add_working_days(sent_on, reply_days)
    if due_on is None and complete_days > 0:
        due_on = calendar.add_working_days(sent_on, complete_days)
    return Deadlines(reply_due_on, due_on, warning_for(calendar, sent_on, reply_due_on, due_on))


def warning_for(calendar: WorkCalendar, start: date, *dues: date | None) -> str | None:
    last = max((d for d in dues if d is not None), default=None)
    return calendar.coverage_warning(start, last) if last is not None else None


class HasDeadlines(Protocol):
    state: str
    returned_by: str | None
    reply_due_on: date | None
    due_on: date | None
    first_replied_at: Any


def receiver_works(handoff: HasDeadlines) -> bool:
    """Whether the receiver owes work now (the clocks run): sent, acknowledged, or sent back."""
    return handoff.state in RECEIVER_WORKING or (
        handoff.state == "returned" and handoff.returned_by == "office")


def running_deadlines(handoff: HasDeadlines) -> list[tuple[str, date]]:
    """The deadlines still running: ("reply", day) before the first reply, ("complete", day)."""
    if not receiver_works(handoff):
        return []
    out = []
    if handoff.reply_due_on is not None and handoff.first_replied_at is None:
        out.append(("reply", handoff.reply_due_on))
    if handoff.due_on is not None:
        out.append(("complete", handoff.due_on))
    return out


def days_overdue(handoff: HasDeadlines, today: date, calendar: WorkCalendar) -> int:
    """Working days past the most overdue running deadline (0 when none is passed).

    Counted in (due, today]: due 2026-10-13, today 10-14 is 1 day overdue.
    """
    late = [calendar.working_days_between(due, today) for _, due in running_deadlines(handoff)
            if due < today]
    return max(late, default=0)


def next_due(handoff: HasDeadlines) -> date | None:
    """The earliest running deadline (what reminders look at)."""
    return min((d for _, d in running_deadlines(handoff)), default=None)
