"""A hand-off as its receiving agency sees it in the webhook payload.

The inbox's own shape (`hub.handoffs.present`), less the reporter's contact data: a payload is
stored in `webhook_deliveries` in the clear, so personal data stays in the encrypted hand-off
and the receiver reads it through `GET /api/v1/handoffs/{id}` (`reporter_shared` says so).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.db.models import Clue
from hub.documents.service import documents_json
from hub.handoffs.models import Handoff, HandoffEvent
from hub.handoffs.present import clue_summary, summary_json
from hub.intake.present import OFFICE_ZONE


def handoff_payload(session: Session, handoff: Handoff) -> dict[str, Any]:
    data = summary_json(handoff)
    clue = session.get(Clue, handoff.clue_id)
    data.update(clue=clue_summary(clue) if clue else None,
                reporter_shared=handoff.reporter_enc is not None,
                reminders=reminders_json(session, handoff.id),
                documents=documents_json(session, handoff.id,
                                         f"/api/v1/handoffs/{handoff.number}/documents"))
    return data


def reminders_json(session: Session, handoff_id: int) -> list[dict[str, Any]]:
    """The reminders and escalations a hand-off has had, oldest first (its inbox shows them)."""
    events = session.scalars(select(HandoffEvent).where(
        HandoffEvent.handoff_id == handoff_id, HandoffEvent.action.in_(["remind", "escalate"]))
        .order_by(HandoffEvent.id))
    return [{"kind": e.detail.get("reminder") or e.action, "deadline": e.detail.get("deadline"),
             "deadline_on": e.detail.get("deadline_on"), "on_date": e.detail.get("on_date"),
             "overdue_days": e.detail.get("overdue_days"),
             "at": e.at.astimezone(OFFICE_ZONE).isoformat()} for e in events]
