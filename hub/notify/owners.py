"""The office user who follows a hand-off (its owner, else its clue's: hub.review) is told
when a final reply waits for 验收. A hand-off listener: same transaction as the reply."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hub.db.types import utcnow
from hub.handoffs.models import Handoff, HandoffEvent
from hub.handoffs.service import add_listener
from hub.notify.office import notify
from hub.review.repository import handoff_owner


def final_reply_waits(session: Session, handoff: Handoff, event: HandoffEvent) -> None:
    if event.action != "reply_final":
        return
    owner = handoff_owner(session, handoff.id, handoff.clue_id)
    if owner is None:
        return
    notify(session, [owner], kind="awaiting_verify",
           title=f"待验收：{handoff.number} {handoff.receiver_name}已办结反馈",
           body="接收单位已提交办结反馈，请查看后验收或退回重办。", handoff_id=handoff.id,
           now=event.at or utcnow())


def register() -> None:
    add_listener(final_reply_waits)
