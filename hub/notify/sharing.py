"""成果共享: what the agency that sent a clue sees of it, and what a pulled source gets back.

    shared_clue(session, clue) -> the `SharedClueOut` shape (hub.handoffs.schemas)

The sender sees its clue as sent, the office's decision, each hand-off's public state and,
once the office verified it, the outcome: kind, persons (names masked) and a summary. Never
the office's instructions or internal notes, never a receiver's reporter data or replies.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.db.models import Clue
from hub.handoffs import repository as handoff_repository
from hub.handoffs.models import Handoff, HandoffEvent, HandoffReply
from hub.handoffs.present import person_json
from hub.handoffs.schemas import OUTCOME_LABELS
from hub.handoffs.states import LABELS as STATE_LABELS
from hub.intake.present import OFFICE_ZONE, clue_json
from hub.review.decisions import KINDS as DECISION_KINDS

from . import repository


def _t(value: datetime | None) -> str | None:
    return value.astimezone(OFFICE_ZONE).isoformat() if value else None


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def shared_handoff(h: Handoff) -> dict[str, Any]:
    return {"id": h.number, "kind": h.kind, "role": h.role, "status": h.state,
            "status_label": STATE_LABELS.get(h.state, h.state), "receiver": h.receiver_name,
            "sent_at": _t(h.sent_at), "acknowledged_at": _t(h.acknowledged_at),
            "replied_at": _t(h.replied_at), "verified_at": _t(h.verified_at),
            "closed_at": _t(h.closed_at), "reply_due_on": _d(h.reply_due_on),
            "due_on": _d(h.due_on)}


def outcome_of(session: Session, handoffs: list[Handoff]) -> dict[str, Any] | None:
    found = repository.verified_reply(session, handoffs)
    if found is None:
        return None
    handoff, reply, event = found
    return outcome_json(session, handoff, reply, event)


def outcome_json(session: Session, handoff: Handoff, reply: HandoffReply,
                 event: HandoffEvent) -> dict[str, Any]:
    people = handoff_repository.persons(session, [reply.id])
    return {"kind": reply.outcome, "kind_label": OUTCOME_LABELS.get(reply.outcome, reply.outcome),
            "persons": reply.persons, "people": [person_json(p) for p in people],
            "amount_yuan": str(reply.amount_yuan) if reply.amount_yuan is not None else None,
            "summary": summary_text(reply), "handoff": handoff.number,
            "receiver": handoff.receiver_name, "verified_at": _t(event.at)}


def summary_text(reply: HandoffReply) -> str:
    """The reply's words, then the outcome's own note when it adds something."""
    parts = [reply.text.strip()]
    if reply.outcome_text and reply.outcome_text.strip() not in parts[0]:
        parts.append(reply.outcome_text.strip())
    return "\n".join(p for p in parts if p)


def shared_clue(session: Session, clue: Clue) -> dict[str, Any]:
    data = clue_json(clue)
    decision = repository.last_decision(session, clue.id)
    handoffs = repository.handoffs_of(session, clue.id)
    data.update(
        updated_at=_t(clue.updated_at),
        disposition={"kind": decision.kind, "label": DECISION_KINDS[decision.kind][0],
                     "decided_at": _t(decision.decided_at)} if decision else None,
        handoffs=[shared_handoff(h) for h in handoffs],
        outcome=outcome_of(session, handoffs))
    return data
