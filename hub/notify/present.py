"""A hand-off as its receiving agency sees it in the webhook payload.

The inbox's own shape (`hub.handoffs.present`), less the reporter's contact data: a payload is
stored in `webhook_deliveries` in the clear, so personal data stays in the encrypted hand-off
and the receiver reads it through `GET /api/v1/handoffs/{id}` (`reporter_shared` says so).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hub.db.models import Clue
from hub.documents.service import documents_json
from hub.handoffs.models import Handoff
from hub.handoffs.present import clue_summary, reminders_json, summary_json


def handoff_payload(session: Session, handoff: Handoff) -> dict[str, Any]:
    data = summary_json(handoff)
    clue = session.get(Clue, handoff.clue_id)
    data.update(clue=clue_summary(clue) if clue else None,
                reporter_shared=handoff.reporter_enc is not None,
                reminders=reminders_json(session, handoff.id),
                documents=documents_json(session, handoff.id,
                                         f"/api/v1/handoffs/{handoff.number}/documents"))
    return data

