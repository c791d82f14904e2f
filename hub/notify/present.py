"""A hand-off as its receiving agency sees it (the webhook payload).

Kept to the fields the partner inbox shows; never the reporter's identity (that travels only
through the inbox API to the receiver, decrypted per request).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hub.db.models import Clue
from hub.handoffs.models import Handoff
from hub.handoffs.states import LABELS
from hub.intake.present import OFFICE_ZONE, clue_no


def _time(value) -> str | None:  # noqa: ANN001
    return value.astimezone(OFFICE_ZONE).isoformat() if value else None


def handoff_payload(session: Session, handoff: Handoff) -> dict[str, Any]:
    clue = session.get(Clue, handoff.clue_id)
    return {
        "id": handoff.number,
        "clue": clue_no(clue.id, clue.received_at) if clue else None,
        "title": clue.title if clue else None,
        "kind": handoff.kind,
        "role": handoff.role,
        "status": handoff.state,
        "status_label": LABELS.get(handoff.state, handoff.state),
        "receiver": handoff.receiver_name,
        "instructions": handoff.instructions,
        "reply_due_on": handoff.reply_due_on.isoformat() if handoff.reply_due_on else None,
        "due_on": handoff.due_on.isoformat() if handoff.due_on else None,
        "sent_at": _time(handoff.sent_at),
        "updated_at": _time(handoff.updated_at),
        "version": handoff.version,
    }
