"""The office's side of hand-offs: the list (overdue first), one hand-off's page, and the
actions reviewers take (verify, close, send back, cancel, resend, reopen, remind).

Services never commit; the caller's unit of work does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from hub.accounts.service import OfficePrincipal
from hub.calendar.service import load_calendar
from hub.db.models import Clue
from hub.db.types import utcnow
from hub.errors import FieldError, Forbidden, InvalidInput
from hub.intake.present import clue_no
from hub.security.crypto import Cipher
from hub.workdays import WorkCalendar, shanghai_today

from . import deadlines, repository
from .models import Handoff, HandoffAttachment, HandoffEvent, HandoffReply, HandoffReplyPerson
from .replies import add_reply
from .schemas import (
    MEASURES_BY_KIND,
    OUTCOME_LABELS,
    PERSON_KIND_LABELS,
    RANK_LABELS,
    ReplySubmission,
)
from .service import CLOSING_OUTCOMES, apply, create_handoffs, default_deadline_days

OFFICE_ACTIONS = ("verify", "close", "send_back", "cancel", "resend", "reopen", "remind",
                  "acknowledge", "redirect")
NEEDS_REASON = frozenset({"send_back", "cancel", "reopen", "redirect"})
NEEDS_DEADLINE = frozenset({"send_back", "reopen"})
SEE_ROLES = frozenset({"reviewer", "section_head", "leader", "auditor"})


def can_see(user: OfficePrincipal) -> bool:
    return user.role in SEE_ROLES


def require_see(user: OfficePrincipal) -> None:
    if not can_see(user):
        raise Forbidden("只有科员、科长、领导和审计人员可以查看移交")


@dataclass
class ListedHandoff:
    handoff: Handoff
    days_overdue: int
    next_due: date | None
    clue_number: str = ""
    clue_title: str = ""
    subjects: tuple[str, ...] = ()


class Listing(list):
    """The rows of the office's hand-off list; `more`: the query found more than the list
    shows (repository.LIST_LIMIT, the most urgent kept): narrow it, or export them all."""

    more: bool = False


def listing(session: Session, f: repository.OfficeFilter, *, today: date | None = None,
            calendar: WorkCalendar | None = None) -> Listing:
    """Overdue first (most working days first), then by the nearest deadline.

    `f.overdue`: only those past a running deadline; `f.due_within`: only those not overdue
    whose next deadline falls within that many working days from today (today included);
    `f.subject`: only those whose clue names that subject unit. The overview counts these
    same rows, so its numbers and the lists they link to agree."""
    calendar = calendar or load_calendar(session)
    today = today or shanghai_today()
    soon, due_by, due_from = _window(f, today, calendar)
    handoffs = repository.office_list(session, f, repository.LIST_LIMIT + 1, due_by=due_by,
                                      due_from=due_from)
    more = len(handoffs) > repository.LIST_LIMIT
    rows = Listing(r for r in _listed(session, handoffs[:repository.LIST_LIMIT], today, calendar)
                   if _wanted(f, r, today, soon))
    rows.sort(key=lambda r: (-r.days_overdue, r.next_due or date.max, -r.handoff.id))
    rows.more = more
    return rows


def _window(f: repository.OfficeFilter, today: date,
            calendar: WorkCalendar) -> tuple[date | None, date | None, date | None]:
    """(the last day of `due_within`; the bounds the query narrows by: a running deadline on
    or before `due_by`, the earliest one on or after `due_from`, today for those due soon)."""
    soon = calendar.add_working_days(today, f.due_within) if f.due_within else None
    due_by = soon if soon is not None else (today - timedelta(days=1) if f.overdue else None)
    return soon, due_by, today if soon is not None else None


def _listed(session: Session, handoffs: list[Handoff], today: date,
            calendar: WorkCalendar) -> list[ListedHandoff]:
    clues = repository.clues_by_id(session, {h.clue_id for h in handoffs})
    return [ListedHandoff(h, deadlines.days_overdue(h, today, calendar), deadlines.next_due(h),
                          clue_no(h.clue_id, clues[h.clue_id].received_at),
                          clues[h.clue_id].title, subject_names(clues[h.clue_id]))
            for h in handoffs]


def _wanted(f: repository.OfficeFilter, r: ListedHandoff, today: date, soon: date | None) -> bool:
    """The filters as the page means them: working days, which the query cannot count, and
    the clue's subjects by name (the query narrows by them too, as SQL reads the JSON)."""
    if f.overdue and not r.days_overdue:
        return False
    if soon is not None and (r.days_overdue or r.next_due is None
                             or not today <= r.next_due <= soon):
        return False
    return not f.subject or f.subject in r.subjects


def subject_names(clue: Clue) -> tuple[str, ...]:
    """The clue's subject units by name: the directory's name when resolved, else as sent."""
    names = []
    for subject in clue.subjects or []:
        if isinstance(subject, dict):
            name = subject.get("resolved_name") or subject.get("name")
            if name and name not in names:
                names.append(str(name))
    return tuple(names)


@dataclass
class HandoffView:
    handoff: Handoff
    clue: Clue
    family: list[Handoff]
    events: list[HandoffEvent]
    replies: list[HandoffReply]
    attachments: list[HandoffAttachment]
    days_overdue: int
    final_reply: HandoffReply | None
    persons: list[HandoffReplyPerson] = field(default_factory=list)  # named in outcomes

    @property
    def closes_on_verify(self) -> bool:
        return bool(self.final_reply and self.final_reply.outcome in CLOSING_OUTCOMES)


def view(session: Session, number: str, *, today: date | None = None) -> HandoffView:
    handoff = repository.by_number(session, number)
    replies = repository.replies(session, [handoff.id])
    final = next((r for r in reversed(replies) if r.final), None)
    return HandoffView(
        handoff, session.get(Clue, handoff.clue_id), repository.family(session, handoff),
        repository.events(session, handoff.id), replies,
        repository.attachments(session, [handoff.id]),
        deadlines.days_overdue(handoff, today or shanghai_today(), load_calendar(session)), final,
        repository.persons(session, [r.id for r in replies]))


def act(session: Session, by: OfficePrincipal, number: str, action: str, *, via: str,
        reason: str | None = None, due_on: date | None = None, complete_days: int | None = None,
        target: str | None = None, cipher: Cipher | None = None, settings: Any = None,
        now: datetime | None = None, followup_on: date | None = None,
        no_followup: bool = False) -> Handoff:
    """One office action on a hand-off; the transition table decides whether it is allowed.

    `acknowledge` records a receiver's acknowledgement on its behalf (a body without an
    inbox); `redirect` cancels the hand-off and hands the clue to `target` instead (after
    the receiver returned it as not theirs). Returns the hand-off acted on (or the new one).
    """
    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以办理移交")
    reason = (reason or "").strip() or None
    _check(action, reason, due_on, complete_days)
    if action == "redirect":
        return _redirect(session, by, number, target, reason or "", via=via, cipher=cipher,
                         settings=settings, now=now)
    now = now or utcnow()
    handoff = repository.by_number(session, number, for_update=True)
    calendar = load_calendar(session)
    actor = f"user:{by.username}"
    detail: dict[str, Any] = {"reason": reason} if reason else {}
    new_due = _deadline(calendar, now, due_on, complete_days, settings, action)
    if new_due is not None:
        detail["due_on"] = new_due
    closing = _followup_detail(now, followup_on, no_followup)
    if action == "close":
        detail.update(closing)
    if action == "verify":
        final = next((r for r in reversed(repository.replies(session, [handoff.id])) if r.final),
                     None)
        detail.update(reply_id=final.id if final else None, outcome=final.outcome if final else None)
    apply(session, handoff, action, actor=actor, via=via, now=now, calendar=calendar, **detail)
    if action == "verify" and detail.get("outcome") in CLOSING_OUTCOMES:
        apply(session, handoff, "close", actor=actor, via=via, now=now,
              reason=f"验收通过，办理结果为“{OUTCOME_LABELS[detail['outcome']]}”，直接销号",
              **closing)
    return handoff


def _followup_detail(now: datetime, followup_on: date | None, none: bool) -> dict[str, Any]:
    """What the close says about the follow-up check (hub.followups listens)."""
    if none:
        return {"followup": "none"}
    if followup_on is None:
        return {}
    if followup_on <= shanghai_today(now):
        raise InvalidInput([FieldError(["followup_on"],
                                       f"回头看日期 {followup_on.isoformat()} 应晚于今天")])
    return {"followup_on": followup_on}


def _check(action: str, reason: str | None, due_on: date | None,
           complete_days: int | None) -> None:
    errors = []
    if action not in OFFICE_ACTIONS:
        errors.append(FieldError(["action"], f"操作应为以下之一：{'、'.join(OFFICE_ACTIONS)}"))
    if action in NEEDS_REASON and not reason:
        errors.append(FieldError(["reason"], "此操作必须填写理由或意见"))
    if action in NEEDS_DEADLINE and due_on is None and not complete_days:
        errors.append(FieldError(["due_on"], "此操作必须给出新的办结期限（日期或工作日数）"))
    if complete_days is not None and not 1 <= complete_days <= 365:
        errors.append(FieldError(["complete_days"], "办结期限（工作日）应在 1 到 365 之间"))
    if errors:
        raise InvalidInput(errors)


def _deadline(calendar: WorkCalendar, now: datetime, due_on: date | None,
              complete_days: int | None, settings: Any, action: str) -> date | None:
    today = shanghai_today(now)
    if due_on is not None:
        if due_on <= today:
            raise InvalidInput([FieldError(["due_on"], f"新期限 {due_on.isoformat()} 应晚于今天")])
        return due_on
    if complete_days:
        return calendar.add_working_days(today, complete_days)
    if action == "resend" and settings is not None:
        return calendar.add_working_days(today, settings.handoff_complete_days)
    return None


_RANKS_BY_LABEL = {**{label: key for key, label in RANK_LABELS.items()}, "处级": "division",
                   "科级": "section", "厅级": "bureau", "局级": "bureau", "部级": "provincial"}
_KINDS_BY_LABEL = {label: key for key, label in PERSON_KIND_LABELS.items()}


def parse_people(text: str) -> list[dict[str, Any]]:
    """The persons an office user typed, one a line: 姓名，职务，职级，类别，措施 (Chinese labels,
    e.g. `王建军，副局长，科级，政务处分，记过`; 职务 and 职级 may be left empty)."""
    people, errors = [], []
    for number, line in enumerate((x for x in text.splitlines() if x.strip()), start=1):
        parts = [p.strip() for p in line.replace(",", "，").split("，")]
        if len(parts) != 5:
            errors.append(FieldError(["people", number - 1], f"逐人登记第 {number} 行应为“姓名，"
                                     f"职务，职级，类别，措施”五项，用逗号分隔"))
            continue
        name, post, rank, kind, measure = parts
        kind_key = _KINDS_BY_LABEL.get(kind)
        measures = {label: key for key, label in MEASURES_BY_KIND.get(kind_key or "", {}).items()}
        if kind_key is None or measure not in measures or (rank and rank not in _RANKS_BY_LABEL):
            errors.append(FieldError(["people", number - 1], f"逐人登记第 {number} 行：类别应为"
                                     f"{'、'.join(_KINDS_BY_LABEL)}之一，措施须属于该类别"
                                     + (f"（{'、'.join(measures)}）" if measures else "")
                                     + f"，职级应为{'、'.join(RANK_LABELS.values())}之一或留空"))
            continue
        people.append({"name": name, "post": post or None,
                       "rank": _RANKS_BY_LABEL[rank] if rank else None, "kind": kind_key,
                       "measure": measures[measure]})
    if errors:
        raise InvalidInput(errors)
    return people


def record_reply(session: Session, by: OfficePrincipal, number: str, body: ReplySubmission, *,
                 via: str, now: datetime | None = None,
                 cipher: Cipher | None = None) -> tuple[HandoffReply, bool]:
    """A reply the receiver gave outside the API (letter, phone), recorded by a reviewer."""
    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以办理移交")
    handoff = repository.by_number(session, number, for_update=True)
    return add_reply(session, handoff, body, actor=f"user:{by.username}", via=via, now=now,
                     cipher=cipher)


def _redirect(session: Session, by: OfficePrincipal, number: str, target: str | None,
              reason: str, *, via: str, cipher: Cipher | None, settings: Any,
              now: datetime | None) -> Handoff:
    from .receivers import resolve_receiver
    now = now or utcnow()
    handoff = repository.by_number(session, number, for_update=True)
    receiver = resolve_receiver(session, target or "", ["target"])
    if receiver.name == handoff.receiver_name:
        raise InvalidInput([FieldError(["target"], "改送的单位与原接收单位相同，请用“重新移交”")])
    actor = f"user:{by.username}"
    apply(session, handoff, "cancel", actor=actor, via=via, now=now,
          reason=f"改送{receiver.name}：{reason}")
    reply_days, complete_days = default_deadline_days(handoff.kind, settings)
    made = create_handoffs(
        session, clue=session.get(Clue, handoff.clue_id), kind=handoff.kind, receivers=[receiver],
        calendar=load_calendar(session), actor=actor, via=via, cipher=cipher,
        instructions=handoff.instructions, reply_days=reply_days, complete_days=complete_days,
        share_reporter=handoff.reporter_enc is not None, decision_id=handoff.decision_id,
        created_by=by.user_id, now=now)
    return made[0]


HANDOFF_EXPORT_HEADERS = ["移交编号", "线索编号", "线索标题", "类型", "主办/协办", "接收单位",
                          "状态", "反馈期限", "办结期限", "逾期工作日", "涉及人员", "更新时间"]
HANDOFF_EXPORT_WIDTHS = [18, 18, 36, 8, 10, 28, 10, 12, 12, 10, 20, 18]


def export(session: Session, by: OfficePrincipal, f: repository.OfficeFilter, target: Any, *,
           via: str, ip: str | None = None, today: date | None = None) -> int:
    """The hand-off list under `f` into an .xlsx at `target`, streamed; persons named in
    outcomes masked as on the pages; the export in the audit trail. Returns the rows."""
    from dataclasses import asdict

    from hub import audit
    from hub.security.spreadsheet import write_xlsx

    from .kinds import KIND_LABELS
    from .states import LABELS

    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以导出线索和移交")
    calendar = load_calendar(session)
    today = today or shanghai_today()

    soon, due_by, due_from = _window(f, today, calendar)

    def rows() -> Any:
        for handoffs in repository.office_batches(session, f, due_by=due_by, due_from=due_from):
            persons = repository.persons_of(session, [h.id for h in handoffs])
            for r in _listed(session, handoffs, today, calendar):
                if not _wanted(f, r, today, soon):
                    continue
                h = r.handoff
                yield [h.number, r.clue_number, r.clue_title, KIND_LABELS.get(h.kind, h.kind),
                       "协办" if h.role == "co" else "主办", h.receiver_name,
                       LABELS.get(h.state, h.state), h.reply_due_on, h.due_on,
                       r.days_overdue or "", "、".join(persons.get(h.id, [])), h.updated_at]

    written = write_xlsx(target, "移交跟踪", HANDOFF_EXPORT_HEADERS, rows(), HANDOFF_EXPORT_WIDTHS)
    audit.record(session, actor=audit.user_actor(by), action="handoffs.exported",
                 target="list:handoffs", via=via, ip=ip, at=utcnow(),
                 after={"filters": {k: v for k, v in asdict(f).items() if v}, "rows": written,
                        "format": "xlsx"})
    return written
