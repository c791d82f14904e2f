"""办理结果回复: the verified outcome of a pulled clue, written back onto the partner's record.

When the office verifies the outcome of the lead hand-off of a clue that came from a partner
system taking replies (12345, 信访, 建议提案: `ConnectorSpec.reply`), one `ticket.reply`
delivery is put in the webhook outbox, addressed to `<connector URL>/records/{ref}/replies`
with the body in the partner's own field names. hub.notify's dispatcher sends it like any
push: signed, retried, listed in `hub webhooks failed` when it gives up, `hub webhooks retry`
sends it again. The key `ticket_reply:<reply id>` makes it one delivery per outcome, however
often the clue events are read (this reader keeps its own cursor, `ticket_replies`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import quote

from sqlalchemy.orm import Session

from connectors._common.reply import OutcomeReply
from connectors.registry import CONNECTORS
from hub.collect import repository
from hub.container import Hub
from hub.db.models import Clue, ClueEvent
from hub.db.types import utcnow
from hub.handoffs.schemas import OUTCOME_LABELS
from hub.intake.present import OFFICE_ZONE, clue_no
from hub.notify import repository as outbox
from hub.notify.models import WebhookDelivery
from hub.notify.sharing import summary_text
from hub.notify.webhooks import fill_past_cursor

CURSOR = "ticket_replies"


def reply_sources(session: Session) -> dict[int, tuple[str, str]]:
    """Agencies that are partner systems taking replies: agency id -> (connector, base URL)."""
    return {agency_id: (name, url) for agency_id, name, url in repository.reply_targets(session)
            if url and name in CONNECTORS and CONNECTORS[name].reply is not None}


def fill_ticket_replies(session: Session, now: datetime) -> int:
    """One `ticket.reply` delivery per outcome verified on a pulled clue since the cursor."""
    sources: dict[int, tuple[str, str]] = {}  # read once there are events to look at

    def pick(rows: list) -> list[tuple[str, ClueEvent, Clue]]:
        verified = [event_id for event_id, _, action, _, _ in rows if action == "handoff.verify"]
        if verified:
            sources.update(reply_sources(session))
        return [(f"ticket_reply:{event.detail['reply_id']}", event, clue)
                for event, clue in outbox.clue_events_of(session, verified, sources)
                if (event.detail or {}).get("reply_id") and (event.detail or {}).get("outcome")]

    def make(session: Session, key: str, event: ClueEvent, clue: Clue,
             now: datetime) -> WebhookDelivery | None:
        return _delivery(session, key, event, clue, sources[clue.agency_id], now)

    return fill_past_cursor(session, now, CURSOR, outbox.clue_event_marks, pick, make)


def _delivery(session: Session, key: str, event: ClueEvent, clue: Clue,
              source: tuple[str, str], now: datetime) -> WebhookDelivery | None:
    detail = event.detail or {}
    handoff, reply = outbox.handoff_and_reply(session, detail.get("handoff"), detail["reply_id"])
    if handoff is None or handoff.role != "lead" or reply is None or not reply.outcome:
        return None  # a co-handler's part: the lead's outcome is the one the source hears
    name, base_url = source
    spec = CONNECTORS[name]
    body = spec.reply(OutcomeReply(
        source_ref=clue.source_ref, clue=clue_no(clue.id, clue.received_at),
        handoff=handoff.number, outcome=reply.outcome,
        outcome_label=OUTCOME_LABELS.get(reply.outcome, reply.outcome),
        summary=summary_text(reply), handled_by=handoff.receiver_name,
        verified_at=event.at.astimezone(OFFICE_ZONE).isoformat(), persons=reply.persons))
    url = base_url.rstrip("/") + spec.reply_path.format(ref=quote(clue.source_ref, safe=""))
    return WebhookDelivery(delivery_id=str(uuid.uuid4()), event_key=key,
                           agency_id=clue.agency_id, handoff_id=handoff.id, event="ticket.reply",
                           payload=body, target_url=url, state="pending", attempts=0,
                           created_at=now, next_attempt_at=now)


def write_back(hub: Hub) -> int:
    """The job: put the replies owed in the outbox (hub.notify's dispatcher sends them)."""
    with hub.uow(write=False) as uow:
        waiting = outbox.clue_events_waiting(uow.session, CURSOR)
    if not waiting:
        return 0
    with hub.uow() as uow:
        made = fill_ticket_replies(uow.session, utcnow())
        uow.commit()
        return made
