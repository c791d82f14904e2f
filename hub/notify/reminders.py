"""Sending what `plan` says is owed: a reminders row first, then the event and notifications.

The `reminders` row is inserted with ON CONFLICT DO NOTHING before anything else, in the same
transaction as the hand-off event and the office notifications: whoever inserts it sends it,
everyone else finds it there. So two schedulers, or a scheduler and `hub reminders run`, never
remind twice. The agency hears of it through the event (webhook `handoff.reminder` or
`handoff.escalated`, and its inbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub import log
from hub.container import Hub
from hub.db.models import ClueEvent
from hub.handoffs.models import Handoff, HandoffEvent, HandoffReply
from hub.handoffs.states import next_state
from hub.notify import office
from hub.notify.calendar import load_calendar
from hub.notify.models import Reminder
from hub.notify.plan import Due, Planned, describe, plan, receiver_working
from hub.workdays import WorkCalendar


@dataclass
class RunReport:
    today: date
    examined: int = 0
    sent: list[tuple[str, str, str, int]] = field(default_factory=list)  # number, deadline, kind, days

    @property
    def reminders(self) -> int:
        return sum(1 for s in self.sent if s[2] != "escalate")

    @property
    def escalations(self) -> int:
        return sum(1 for s in self.sent if s[2] == "escalate")


def _open_handoffs(session: Session) -> list[Handoff]:
    rows = session.scalars(select(Handoff).where(
        Handoff.state.in_(["sent", "acknowledged", "returned"]),
        (Handoff.reply_due_on.is_not(None)) | (Handoff.due_on.is_not(None))).order_by(Handoff.id))
    return [h for h in rows if receiver_working(h.state, h.returned_by)]


def _replied_once(session: Session, handoff: Handoff) -> bool:
    if handoff.first_replied_at is not None:
        return True
    return session.scalar(select(HandoffReply.id).where(HandoffReply.handoff_id == handoff.id)
                          .limit(1)) is not None


def _insert_once(session: Session, handoff: Handoff, item: Planned, now: datetime) -> bool:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"handoff_id": handoff.id, "deadline": item.deadline, "kind": item.kind,
              "on_date": item.on_date, "due_on": item.due_on, "overdue_days": item.overdue_days,
              "created_at": now}
    made = session.execute(insert(Reminder).values(**values).on_conflict_do_nothing()
                           .returning(Reminder.id)).scalar()
    return made is not None


def _record(session: Session, handoff: Handoff, item: Planned, now: datetime) -> None:
    action = "escalate" if item.kind == "escalate" else "remind"
    state = next_state(handoff.state, action, handoff.returned_by)
    detail = {"deadline": item.deadline, "kind": item.kind, "due_on": item.due_on.isoformat(),
              "on_date": item.on_date.isoformat(), "overdue_days": item.overdue_days}
    session.add(HandoffEvent(handoff_id=handoff.id, at=now, actor="system", via="system",
                             action=action, from_state=handoff.state, to_state=state,
                             detail=detail))
    session.add(ClueEvent(clue_id=handoff.clue_id, at=now, actor="system",
                          action=f"handoff.{action}", detail={"handoff": handoff.number, **detail}))
    handoff.version += 1
    handoff.updated_at = now
    title, body = describe(item, handoff.receiver_name, handoff.number)
    office.notify(session, office.recipients(session, handoff, escalate=action == "escalate"),
                  kind="escalation" if action == "escalate" else "reminder", title=title,
                  body=body, handoff_id=handoff.id, now=now)


def remind_one(session: Session, handoff: Handoff, today: date, calendar: WorkCalendar,
               escalate_after: int, now: datetime) -> list[Planned]:
    due = Due(handoff.state, handoff.returned_by, handoff.reply_due_on, handoff.due_on,
              _replied_once(session, handoff))
    sent = []
    for item in plan(due, today, calendar, escalate_after):
        if _insert_once(session, handoff, item, now):
            _record(session, handoff, item, now)
            sent.append(item)
    return sent


def run_reminders(hub: Hub, today: date, now: datetime) -> RunReport:
    """Send every reminder and escalation owed on `today`; one transaction per hand-off."""
    report = RunReport(today)
    with hub.uow(write=False) as uow:
        ids = [h.id for h in _open_handoffs(uow.session)]
        calendar = load_calendar(uow.session)
    for handoff_id in ids:
        with hub.uow() as uow:
            handoff = uow.session.get(Handoff, handoff_id)
            if handoff is None or not receiver_working(handoff.state, handoff.returned_by):
                continue
            report.examined += 1
            sent = remind_one(uow.session, handoff, today, calendar,
                              hub.settings.escalate_after_overdue_days, now)
            uow.commit()
        report.sent += [(handoff.number, s.deadline, s.kind, s.overdue_days) for s in sent]
    if report.sent:
        log.event("hub.notify.reminders_sent", today=today.isoformat(),
                  reminders=report.reminders, escalations=report.escalations)
    return report
