"""Hand-offs as the API shows them (the `HandoffOut` shape), times in the office's zone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.db.models import Clue
from hub.directory.subjects import sent_subjects
from hub.intake.present import OFFICE_ZONE, clue_no
from hub.security.crypto import Cipher

from . import repository
from .models import Handoff, HandoffAttachment, HandoffReply
from .service import reporter_of


def _t(value: datetime | None) -> str | None:
    return value.astimezone(OFFICE_ZONE).isoformat() if value else None


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def attachment_json(a: HandoffAttachment) -> dict[str, Any]:
    return {"id": a.id, "filename": a.filename, "media_type": a.media_type, "size": a.size,
            "sha256": a.sha256}


def reply_json(reply: HandoffReply, attachments: list[HandoffAttachment]) -> dict[str, Any]:
    outcome = None
    if reply.outcome:
        outcome = {"kind": reply.outcome, "persons": reply.persons,
                   "amount_yuan": str(reply.amount_yuan) if reply.amount_yuan is not None else None,
                   "text": reply.outcome_text}
    return {"id": reply.id, "source_ref": reply.source_ref, "final": reply.final,
            "text": reply.text, "outcome": outcome,
            "attachments": [attachment_json(a) for a in attachments if a.reply_id == reply.id],
            "received_at": _t(reply.received_at)}


def summary_json(h: Handoff) -> dict[str, Any]:
    return {"id": h.number, "kind": h.kind, "role": h.role, "status": h.state,
            "receiver": h.receiver_name, "instructions": h.instructions,
            "reply_due_on": _d(h.reply_due_on), "due_on": _d(h.due_on),
            "deadline_warning": h.deadline_warning, "sent_at": _t(h.sent_at),
            "acknowledged_at": _t(h.acknowledged_at), "replied_at": _t(h.replied_at),
            "updated_at": _t(h.updated_at), "version": h.version}


def clue_summary(clue: Clue) -> dict[str, Any]:
    return {"id": clue_no(clue.id, clue.received_at), "channel": clue.channel,
            "title": clue.title, "content": clue.content, "category": clue.category,
            "region_code": clue.region_code, "urgency": clue.urgency,
            "reported_at": _t(clue.reported_at), "subjects": sent_subjects(clue.subjects),
            "references": clue.references or []}


_sections: dict[str, Any] = {}


def add_section(name: str, section: Any) -> None:
    """A higher floor adds a part of the receiver's hand-off: `section(session, handoff)`."""
    _sections[name] = section


def handoff_json(session: Session, cipher: Cipher, h: Handoff) -> dict[str, Any]:
    """The full hand-off for its receiving agency: clue summary, reporter only if handed over."""
    data = summary_json(h)
    clue = session.get(Clue, h.clue_id)
    family = repository.family(session, h)
    lead = next((x for x in family if x.role == "lead"), None)
    replies = repository.replies(session, [h.id])
    attachments = repository.attachments(session, [h.id])
    data.update(
        clue=clue_summary(clue), reporter=reporter_of(cipher, h),
        lead=lead.number if lead else None,
        co_handlers=[{"id": x.number, "receiver": x.receiver_name, "role": x.role,
                      "state": x.state} for x in family if x.id != h.id],
        replies=[reply_json(r, attachments) for r in replies])
    data["reminders"] = reminders_json(session, h.id)
    for name, section in _sections.items():  # e.g. documents (hub.documents, a floor above)
        data[name] = section(session, h)
    return data


def reminders_json(session: Session, handoff_id: int) -> list[dict[str, Any]]:
    """The reminders and escalations (催办/督办, sent by hub.notify) a hand-off has had, oldest
    first: its inbox and its webhook payload show them."""
    return [{"kind": e.detail.get("reminder") or e.action, "deadline": e.detail.get("deadline"),
             "deadline_on": e.detail.get("deadline_on"), "on_date": e.detail.get("on_date"),
             "overdue_days": e.detail.get("overdue_days"),
             "at": e.at.astimezone(OFFICE_ZONE).isoformat()}
            for e in repository.reminder_events(session, handoff_id)]
