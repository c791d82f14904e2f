"""Sending what `plan` says is owed: a reminders row first, then the event and notifications.

The `reminders` row is inserted with ON CONFLICT DO NOTHING, in the same transaction as the
hand-off event (`hub.handoffs.service.apply`, action remind / escalate: the state stays, the
event joins the hand-off's and the clue's history), the office notifications and the group
robots' messages (`hub.notify.robots`): whoever
inserts it sends it, everyone else finds it there. So two schedulers, or a scheduler and
`hub reminders run`, never remind twice. The agency hears of it through the event (webhook
`handoff.reminder` / `handoff.escalated`, and `reminders` in its inbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from hub import log
from hub.calendar.service import load_calendar
from hub.container import Hub
from hub.documents import service as _documents  # noqa: F401  (issues 催办函 and 督办函)
from hub.handoffs import repository, service
from hub.handoffs.deadlines import receiver_works
from hub.handoffs.models import Handoff
from hub.notify import office, robots
from hub.notify import repository as notify_repository
from hub.notify.plan import ESCALATIONS, Planned, describe, plan
from hub.review import models as _review_models  # noqa: F401  (hand-offs point at decisions)
from hub.workdays import WorkCalendar


@dataclass
class RunReport:
    today: date
    examined: int = 0
    sent: list[tuple[str, str, str, int]] = field(default_factory=list)  # number, deadline, kind, days

    @property
    def reminders(self) -> int:
        return sum(1 for s in self.sent if s[2] not in ESCALATIONS)

    @property
    def escalations(self) -> int:
        return sum(1 for s in self.sent if s[2] in ESCALATIONS)


def _candidates(session: Session) -> list[int]:
    """Ids of the hand-offs whose clocks run and that have a deadline at all."""
    ids, after = [], 0
    while page := repository.receiver_working(session, after_id=after):
        ids += [h.id for h in page if h.reply_due_on is not None or h.due_on is not None]
        after = page[-1].id
    return ids


def _lock(session: Session, handoff_id: int) -> Handoff | None:
    """The hand-off, locked (see `notify.repository.lock_handoff`)."""
    return notify_repository.lock_handoff(session, handoff_id)


def _insert_once(session: Session, handoff: Handoff, item: Planned, now: datetime) -> bool:
    values = {"handoff_id": handoff.id, "deadline": item.deadline, "kind": item.kind,
              "on_date": item.on_date, "due_on": item.due_on, "overdue_days": item.overdue_days,
              "created_at": now}
    return notify_repository.insert_reminder_once(session, values)


def _record(session: Session, handoff: Handoff, item: Planned, now: datetime) -> None:
    action = "escalate" if item.kind in ESCALATIONS else "remind"
    # Not `due_on`: apply() takes that key as a new deadline.
    service.apply(session, handoff, action, actor="system", via="system", now=now,
                  deadline=item.deadline, reminder=item.kind, deadline_on=item.due_on,
                  on_date=item.on_date, overdue_days=item.overdue_days)
    title, body = describe(item, handoff.receiver_name, handoff.number)
    kind = {"escalate": "escalation", "leader": "leader_escalation"}.get(item.kind, "reminder")
    office.notify(session, office.recipients(session, handoff, escalate=action == "escalate",
                                             leader=item.kind == "leader"),
                  kind=kind, title=title, body=body, handoff_id=handoff.id, now=now)
    robots.queue_for_reminder(session, handoff, item, title, body, now)


def remind_one(session: Session, handoff: Handoff, today: date, calendar: WorkCalendar,
               escalate_after: int, now: datetime,
               leader_after: int | None = None) -> list[Planned]:
    sent = []
    for item in plan(handoff, today, calendar, escalate_after, leader_after):
        if _insert_once(session, handoff, item, now):
            _record(session, handoff, item, now)
            sent.append(item)
    return sent


def run_reminders(hub: Hub, today: date, now: datetime) -> RunReport:
    """Send every reminder and escalation owed on `today`; one transaction per hand-off."""
    report = RunReport(today)
    with hub.uow(write=False) as uow:
        ids = _candidates(uow.session)
        calendar = load_calendar(uow.session)
    for handoff_id in ids:
        with hub.uow() as uow:
            handoff = _lock(uow.session, handoff_id)
            if handoff is None or not receiver_works(handoff):
                continue
            report.examined += 1
            sent = remind_one(uow.session, handoff, today, calendar,
                              hub.settings.escalate_after_overdue_days, now,
                              hub.settings.escalate_leader_after_overdue_days)
            uow.commit()
        report.sent += [(handoff.number, s.deadline, s.kind, s.overdue_days) for s in sent]
    if report.sent:
        log.event("hub.notify.reminders_sent", today=today.isoformat(),
                  reminders=report.reminders, escalations=report.escalations)
    return report
