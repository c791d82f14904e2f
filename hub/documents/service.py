"""Issuing documents (一事一文): one per hand-off, reminder letter, escalation, send-back and
closed matter, each numbered 十法督交〔2026〕12号 (prefix `HUB_DOCUMENT_PREFIX`, a letter per
kind, a sequence per kind and year), rendered from the kind's template and kept as issued with
its SHA-256. A listener of hand-off events issues them in the event's transaction, and the
event's key makes each one issued once.

    issue(session, kind="assign", event_key="handoff:12:create", handoff=h, values={…})
    set_template(session, "assign", content, filename, by="user:admin")

Services never commit; the caller's unit of work does.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.db.models import Clue
from hub.db.types import utcnow
from hub.errors import FieldError, Forbidden, InvalidInput
from hub.handoffs import present as handoff_present
from hub.handoffs import service as handoffs
from hub.handoffs.models import Handoff, HandoffEvent
from hub.handoffs.states import ACTION_LABELS
from hub.intake.present import clue_no
from hub.settings import get_settings
from hub.workdays import shanghai_today

from . import render, repository
from .models import DocumentTemplate, IssuedDocument

KIND_LABELS = {kind: title for kind, (title, _) in render.KINDS.items()}
SEE_ROLES = frozenset({"reviewer", "section_head", "leader", "auditor", "admin"})
OUTCOME_WORDS = {"case_opened": "已立案", "no_case": "不予立案/了结", "accountability": "追责问责",
                 "sanction": "党纪政务处分", "org_handling": "组织处理", "rectified": "整改完成",
                 "partially_rectified": "部分整改", "cannot_rectify": "无法整改",
                 "resolved": "问题已解决", "other": "其他"}


def require_see(user: OfficePrincipal) -> None:
    if user.role not in SEE_ROLES:
        raise Forbidden("只有办公室人员可以查看公文")


def require_admin(user: OfficePrincipal) -> None:
    if user.role != "admin":
        raise Forbidden("只有管理员可以更换公文模板")


def document_number(prefix: str, kind: str, year: int, seq: int) -> str:
    return f"{prefix}{render.KINDS[kind][1]}〔{year}〕{seq}号"


def next_number(session: Session, kind: str, day: date, settings: Any = None) -> tuple[int, str]:
    """The kind's next sequence number in the day's year and the document number it makes
    (the row stays locked until commit). Also for documents kept by other domains, such as
    the joint meeting's minutes (十法督纪〔2026〕1号)."""
    settings = settings or get_settings()
    seq = repository.next_seq(session, kind, day.year)
    return seq, document_number(settings.document_prefix, kind, day.year, seq)


def template_bytes(session: Session, kind: str) -> bytes:
    custom = repository.template(session, kind)
    return custom.content if custom is not None else render.builtin_template(kind)


def issue(session: Session, *, kind: str, event_key: str, clue: Clue, handoff: Handoff | None,
          values: dict[str, Any], actor: str, now: datetime, settings: Any = None,
          via: str = "system") -> IssuedDocument:
    """Issue the document for `event_key` (or return the one already issued for it)."""
    found = repository.by_event(session, event_key)
    if found is not None:
        return found
    today = shanghai_today(now)
    seq, number = next_number(session, kind, today, settings)
    settings = settings or get_settings()
    template = template_bytes(session, kind)
    filled = {k: "" if v is None else str(v) for k, v in values.items()}
    filled.update(number=number, office=settings.office_name,
                  date=f"{today.year}年{today.month}月{today.day}日",
                  clue=clue_no(clue.id, clue.received_at), clue_title=clue.title,
                  clue_content=clue.content)
    content = render.render(template, filled)
    title = f"{KIND_LABELS[kind]}（{number}）"
    made = IssuedDocument(
        kind=kind, year=today.year, seq=seq, number=number, event_key=event_key,
        clue_id=clue.id, handoff_id=handoff.id if handoff else None, title=title,
        filename=f"{number}{KIND_LABELS[kind]}.docx", content=content,
        sha256=hashlib.sha256(content).hexdigest(), size=len(content),
        template_sha256=hashlib.sha256(template).hexdigest(), issued_at=now, issued_by=actor)
    session.add(made)
    session.flush()
    audit.record(session, actor=actor, action="document.issued", target=f"clue:{clue.id}",
                 via=via, at=now, after={"document": number, "kind": kind,
                                          "sha256": made.sha256,
                                          "handoff": handoff.number if handoff else None})
    return made


def _handoff_values(handoff: Handoff) -> dict[str, Any]:
    return {"receiver": handoff.receiver_name, "handoff": handoff.number,
            "instructions": handoff.instructions or "请依法依规办理。",
            "reply_due_on": _day(handoff.reply_due_on), "due_on": _day(handoff.due_on)}


def _day(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "（未设期限）"


def _history(session: Session, clue_id: int) -> tuple[str, str]:
    rows = repository.handoffs_of_clue(session, clue_id)
    steps = [f"{h.number}（{h.receiver_name}，{ACTION_LABELS.get('create')}于"
             f"{_day(shanghai_today(h.sent_at or h.created_at))}，"
             f"{handoffs.state_label(h.state)}）" for h in rows]
    finals = repository.final_replies(session, [h.id for h in rows])
    outcomes = [f"{OUTCOME_WORDS.get(r.outcome or '', '已反馈')}：{r.outcome_text or r.text}"
                for r in finals]
    return "；".join(steps) or "—", "；".join(outcomes) or "—"


def on_handoff_event(session: Session, handoff: Handoff, event: HandoffEvent) -> None:
    """Listener: the document each step calls for, in the step's transaction."""
    detail = event.detail or {}
    kind: str | None = None
    values = _handoff_values(handoff)
    if event.action == "create" or (event.action == "resend"):
        kind = handoff.kind
    elif event.action == "remind" and (detail.get("reminder") in (None, "overdue")
                                       and (detail.get("overdue_days") or 1) == 1):
        kind = "reminder"  # the first overdue day (or the office's own 催办)
    elif event.action == "escalate":
        kind = "escalation"
        if detail.get("reminder") == "leader":
            values["reason"] = "经督办仍未办结，已报请领导介入。"
    elif event.action == "send_back":
        kind, values["reason"] = "rectification", detail.get("reason") or ""
    if kind in ("reminder", "escalation"):
        values["overdue_days"] = detail.get("overdue_days") or 0
        if detail.get("deadline_on"):
            values["due_on"] = _day(datetime.fromisoformat(detail["deadline_on"]).date())
    clue = session.get(Clue, handoff.clue_id)
    if kind is not None:
        issue(session, kind=kind, event_key=f"handoff_event:{event.id}", clue=clue,
              handoff=handoff, values=values, actor=event.actor, now=event.at, via=event.via)
    if event.action == "close" and clue.status == "closed":
        history, outcome = _history(session, clue.id)
        issue(session, kind="closing", event_key=f"handoff_event:{event.id}:closing", clue=clue,
              handoff=handoff, values={**values, "history": history, "outcome": outcome},
              actor=event.actor, now=event.at, via=event.via)


handoffs.add_listener(on_handoff_event)


def set_template(session: Session, by: OfficePrincipal, kind: str, content: bytes,
                 filename: str | None, now: datetime | None = None) -> DocumentTemplate:
    """Replace the kind's template with an uploaded .docx (checked: its fields must be known)."""
    require_admin(by)
    if kind not in render.KINDS:
        raise InvalidInput([FieldError(["kind"], f"公文种类应为以下之一：{'、'.join(render.KINDS)}")])
    try:
        render.check_template(content)
    except ValueError as exc:
        raise InvalidInput([FieldError(["file"], str(exc))]) from None
    now = now or utcnow()
    digest = hashlib.sha256(content).hexdigest()
    found = repository.template(session, kind)
    before = found.sha256 if found else None
    if found is None:
        found = DocumentTemplate(kind=kind)
        session.add(found)
    found.filename, found.content, found.sha256 = filename or f"{kind}.docx", content, digest
    found.updated_at, found.updated_by = now, f"user:{by.username}"
    audit.record(session, actor=f"user:{by.username}", action="document.template_replaced",
                 target=f"document_template:{kind}", via="page", at=now,
                 before={"sha256": before}, after={"sha256": digest})
    session.flush()
    return found


def reset_template(session: Session, by: OfficePrincipal, kind: str) -> None:
    require_admin(by)
    found = repository.template(session, kind)
    if found is not None:
        session.delete(found)
        audit.record(session, actor=f"user:{by.username}", action="document.template_reset",
                     target=f"document_template:{kind}", via="page",
                     before={"sha256": found.sha256})


def documents_json(session: Session, handoff_id: int, url_prefix: str) -> list[dict[str, Any]]:
    """The documents issued with a hand-off, for its receiver (and the office)."""
    return [{"id": d.id, "number": d.number, "kind": d.kind, "title": d.title,
             "filename": d.filename, "media_type": DOCX, "size": d.size, "sha256": d.sha256,
             "issued_at": d.issued_at.isoformat(), "url": f"{url_prefix}/{d.id}"}
            for d in repository.for_handoff(session, handoff_id)]


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
handoff_present.add_section("documents", lambda session, h: documents_json(
    session, h.id, f"/api/v1/handoffs/{h.number}/documents"))
