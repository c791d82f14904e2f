"""回头看 (follow-up checks): scheduled when a matter closes, found due on its working day,
its finding recorded; a rebound (问题反弹) reopens the matter with a new hand-off.

    schedule_on_close  (a hand-off listener: the close that closes the clue)
    record_finding(session, by, 7, "rebound", note="…", via="page", settings=…)
    reschedule(session, by, 7, due_on=date(…) | None)
    count_due(session, today, owner_id=None)   (the overview's figure)

The date comes from the office at closing (`followup_on` on the close / verify action), else
from the rule: `HUB_FOLLOWUP_MONTHS` months after closing per hand-off kind (assign, i.e.
rectification, three months by default), moved to the next working day. Services never
commit; the caller's unit of work does.
"""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.calendar.service import load_calendar
from hub.db.models import Clue, ClueEvent
from hub.db.types import utcnow
from hub.errors import Conflict, FieldError, Forbidden, InvalidInput
from hub.handoffs import service as handoffs
from hub.handoffs.models import Handoff, HandoffEvent
from hub.handoffs.receivers import Receiver
from hub.handoffs.service import default_deadline_days
from hub.settings import get_settings
from hub.workdays import WorkCalendar, shanghai_today

from . import repository
from .models import FollowUp

FINDINGS = {"consolidated": "整改巩固", "rebound": "问题反弹"}
STATE_LABELS = {"scheduled": "待回头看", "done": "已回头看", "cancelled": "已取消"}
SEE_ROLES = frozenset({"reviewer", "section_head", "leader", "auditor"})


def require_see(user: OfficePrincipal) -> None:
    if user.role not in SEE_ROLES:
        raise Forbidden("只有科员、科长、领导和审计人员可以查看回头看")


def require_work(user: OfficePrincipal) -> None:
    if not user.can_review:
        raise Forbidden("只有科员、科长和领导可以办理回头看")


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def rule_date(calendar: WorkCalendar, closed_on: date, kind: str,
              settings: Any = None) -> date | None:
    """The follow-up day the rule gives a matter closed on `closed_on` (None: no follow-up)."""
    settings = settings or get_settings()
    months = int((settings.followup_months or {}).get(kind, 0))
    if months <= 0:
        return None
    return working_day_on_or_after(calendar, add_months(closed_on, months))


def working_day_on_or_after(calendar: WorkCalendar, day: date) -> date:
    return day if calendar.is_workday(day) else calendar.next_working_day(day)


def _user_id(session: Session, actor: str) -> int | None:
    kind, _, name = actor.partition(":")
    if kind != "user":
        return None
    return repository.user_id_named(session, name)


def schedule_on_close(session: Session, handoff: Handoff, event: HandoffEvent) -> None:
    """Listener of hand-off actions: the close that closes the matter schedules its follow-up
    (unless the office said none); a reopen by hand cancels the one scheduled."""
    if event.action == "reopen":
        for found in repository.scheduled_for_clue(session, handoff.clue_id):
            found.state = "cancelled"
            found.note = "线索已重新打开，本次回头看取消"
        return
    if event.action != "close":
        return
    clue = session.get(Clue, handoff.clue_id)
    if clue is None or clue.status != "closed":
        return
    detail = event.detail or {}
    if detail.get("followup") == "none":
        return
    calendar = load_calendar(session)
    closed_on = shanghai_today(event.at)
    asked = detail.get("followup_on")
    if asked:
        due, rule = working_day_on_or_after(calendar, date.fromisoformat(asked)), "office"
    else:
        lead = session.get(Handoff, handoff.lead_id) if handoff.lead_id else handoff
        due, rule = rule_date(calendar, closed_on, lead.kind), f"kind:{lead.kind}"
    if due is None or repository.scheduled_for_clue(session, clue.id):
        return
    owner = handoff.created_by or _user_id(session, event.actor)
    made = FollowUp(clue_id=clue.id, handoff_id=handoff.id, due_on=due, rule=rule,
                    owner_id=owner, state="scheduled", created_at=event.at,
                    created_by=event.actor)
    session.add(made)
    session.flush()
    session.add(ClueEvent(clue_id=clue.id, at=event.at, actor=event.actor,
                          action="followup.scheduled",
                          detail={"followup": made.id, "due_on": due.isoformat(), "rule": rule}))
    audit.record(session, actor=event.actor, action="followup.scheduled",
                 target=f"clue:{clue.id}", via=event.via, at=event.at,
                 after={"followup": made.id, "due_on": due.isoformat(), "rule": rule})


handoffs.add_listener(schedule_on_close)


def check_followup_on(value: date | None, today: date) -> None:
    if value is not None and value <= today:
        raise InvalidInput([FieldError(["followup_on"],
                                       f"回头看日期 {value.isoformat()} 应晚于今天")])


def record_finding(session: Session, by: OfficePrincipal, followup_id: int, finding: str, *,
                   note: str | None, via: str, settings: Any = None,
                   complete_days: int | None = None, now: datetime | None = None) -> FollowUp:
    """The follow-up's finding. 问题反弹 opens a new hand-off of the same kind to the same
    receiver (the clue leaves 办结), with the note as its instructions."""
    require_work(by)
    note = (note or "").strip()
    errors = []
    if finding not in FINDINGS:
        errors.append(FieldError(["finding"], "回头看结论应为“整改巩固”（consolidated）或"
                                              "“问题反弹”（rebound）"))
    if not note:
        errors.append(FieldError(["note"], "请填写回头看的情况说明"))
    if complete_days is not None and not 1 <= complete_days <= 365:
        errors.append(FieldError(["complete_days"], "办结期限（工作日）应在 1 到 365 之间"))
    if errors:
        raise InvalidInput(errors)
    now = now or utcnow()
    found = repository.get(session, followup_id, for_update=True)
    if found.state != "scheduled":
        raise Conflict(f"这次回头看{STATE_LABELS[found.state]}，不能再记录结论")
    actor = f"user:{by.username}"
    found.state, found.finding, found.note = "done", finding, note
    found.done_at, found.done_by = now, actor
    clue = session.get(Clue, found.clue_id)
    if finding == "rebound":
        found.new_handoff_id = _reopen(session, by, found, clue, note, via=via,
                                       settings=settings, complete_days=complete_days, now=now)
    detail = {"followup": found.id, "finding": finding, "note": note,
              "new_handoff_id": found.new_handoff_id}
    session.add(ClueEvent(clue_id=clue.id, at=now, actor=actor, action=f"followup.{finding}",
                          detail=detail))
    audit.record(session, actor=actor, action=f"followup.{finding}", target=f"clue:{clue.id}",
                 via=via, at=now, after=detail)
    session.flush()
    return found


def _reopen(session: Session, by: OfficePrincipal, found: FollowUp, clue: Clue, note: str, *,
            via: str, settings: Any, complete_days: int | None, now: datetime) -> int:
    before = session.get(Handoff, found.handoff_id)
    lead = session.get(Handoff, before.lead_id) if before.lead_id else before
    reply_days, default_complete = default_deadline_days(lead.kind, settings)
    made = handoffs.create_handoffs(
        session, clue=clue, kind=lead.kind,
        receivers=[Receiver(lead.receiver_name, lead.agency_id, lead.body_id)],
        calendar=load_calendar(session), actor=f"user:{by.username}", via=via,
        instructions=f"回头看发现问题反弹，请重新整改：{note}", reply_days=reply_days,
        complete_days=complete_days or default_complete, decision_id=lead.decision_id,
        created_by=by.user_id, now=now)
    handoffs.sync_clue(session, made[0], f"user:{by.username}", now)
    return made[0].id


def reschedule(session: Session, by: OfficePrincipal, followup_id: int, *,
               due_on: date | None, via: str, now: datetime | None = None) -> FollowUp:
    """Move a scheduled follow-up to another working day, or call it off (due_on None)."""
    require_work(by)
    now = now or utcnow()
    found = repository.get(session, followup_id, for_update=True)
    if found.state != "scheduled":
        raise Conflict(f"这次回头看{STATE_LABELS[found.state]}，不能再改期")
    before = found.due_on.isoformat()
    actor = f"user:{by.username}"
    if due_on is None:
        found.state, found.done_at, found.done_by = "cancelled", now, actor
        after: dict[str, Any] = {"state": "cancelled"}
    else:
        check_followup_on(due_on, shanghai_today(now))
        found.due_on = working_day_on_or_after(load_calendar(session), due_on)
        found.rule, found.notified_on = "office", None
        after = {"due_on": found.due_on.isoformat()}
    audit.record(session, actor=actor, action="followup.rescheduled",
                 target=f"clue:{found.clue_id}", via=via, at=now,
                 before={"due_on": before}, after={"followup": found.id, **after})
    session.flush()
    return found


def count_due(session: Session, today: date | None = None, owner_id: int | None = None) -> int:
    """Follow-ups due on or before `today` (the office's day) and not yet done: the overview's
    figure (the whole office, or one owner's)."""
    return repository.count_due(session, today or shanghai_today(), owner_id)


def listing(session: Session, by: OfficePrincipal, *, view: str = "due", mine: bool = False,
            today: date | None = None) -> list[dict[str, Any]]:
    """Rows for the list page and the JSON endpoint."""
    require_see(by)
    if view not in ("due", "scheduled", "done", "cancelled", "all"):
        raise InvalidInput([FieldError(["query", "view"],
                                       "view 应为 due、scheduled、done、cancelled 或 all")])
    today = today or shanghai_today()
    rows = repository.listing(session, view=view, today=today,
                              owner_id=by.user_id if mine else None)
    return present(session, rows, today)


def present(session: Session, rows: list[FollowUp], today: date) -> list[dict[str, Any]]:
    from hub.intake.present import clue_no

    if not rows:
        return []
    clues = repository.clues_by_id(session, {r.clue_id for r in rows})
    ids = {r.handoff_id for r in rows} | {r.new_handoff_id for r in rows if r.new_handoff_id}
    numbers, receivers = repository.handoff_numbers_and_receivers(session, ids)
    owners = repository.display_names(session, {r.owner_id for r in rows if r.owner_id})
    out = []
    for r in rows:
        clue = clues[r.clue_id]
        out.append({
            "id": r.id, "clue": clue_no(clue.id, clue.received_at), "clue_title": clue.title,
            "handoff": numbers.get(r.handoff_id), "receiver": receivers.get(r.handoff_id),
            "due_on": r.due_on.isoformat(), "due": r.state == "scheduled" and r.due_on <= today,
            "rule": r.rule, "owner": owners.get(r.owner_id), "state": r.state,
            "state_label": STATE_LABELS[r.state], "finding": r.finding,
            "finding_label": FINDINGS.get(r.finding or ""), "note": r.note,
            "new_handoff": numbers.get(r.new_handoff_id) if r.new_handoff_id else None,
            "done_at": r.done_at.isoformat() if r.done_at else None})
    return out


def notify_due(session: Session, today: date, now: datetime) -> int:
    """Tell each owner, once, of the follow-ups due today (a notification in the pages)."""
    from hub.notify.office import notify

    made = repository.claim_to_notify(session, today)
    for followup_id, owner_id, clue_id, due_on in made:
        users = [owner_id] if owner_id else repository.active_reviewers(session)
        title = repository.clue_title(session, clue_id) or ""
        notify(session, users, kind="followup", title=f"回头看到期：{title[:60]}",
               body=f"线索“{title}”办结后的回头看定于 {due_on.isoformat()}，请核查整改是否巩固，"
                    f"并记录回头看结论。", handoff_id=None, now=now,
               link=f"/office/followups?view=due#followup-{followup_id}")
    return len(made)
