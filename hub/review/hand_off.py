"""A review decision hands a clue off (hub.handoffs): its target and co-handlers resolved to
receivers, the kind's default deadlines, the hand-offs created."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.accounts.service import OfficePrincipal
from hub.db.models import Clue
from hub.handoffs.models import Handoff
from hub.handoffs.receivers import Receiver, resolve_receiver
from hub.handoffs.service import create_handoffs, default_deadline_days
from hub.review.decisions import DecisionRequest
from hub.review.models import Decision
from hub.security.crypto import Cipher
from hub.workdays import WorkCalendar


def receivers_for(session: Session, request: DecisionRequest) -> list[Receiver]:
    """The lead from `target`, then each co-handler; 422 naming the one that matches nothing."""
    lead = resolve_receiver(session, request.target or "", ["target"])
    co = [resolve_receiver(session, name, ["co_handlers", i])
          for i, name in enumerate(request.co_handlers)]
    return [lead, *co]


def create_for_decision(session: Session, *, clue: Clue, decision: Decision,
                        request: DecisionRequest, receivers: list[Receiver],
                        calendar: WorkCalendar, by: OfficePrincipal, via: str,
                        cipher: Cipher | None, settings: Any = None,
                        now: datetime | None = None) -> list[Handoff]:
    reply_days, complete_days = default_deadline_days(request.kind, settings)
    return create_handoffs(
        session, clue=clue, kind=request.kind, receivers=receivers, calendar=calendar,
        actor=f"user:{by.username}", via=via, cipher=cipher, instructions=request.instructions,
        reply_days=reply_days if request.reply_days is None else request.reply_days,
        complete_days=complete_days if request.complete_days is None else request.complete_days,
        reply_due_on=request.reply_due_on, due_on=request.due_on,
        share_reporter=request.share_reporter, decision_id=decision.id, created_by=by.user_id,
        now=now)
