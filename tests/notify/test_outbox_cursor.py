"""The outbox readers past their cursors: thousands of pipeline events (never shared) before
one shared event still give that event its one delivery, and the cursor moves past every
event read, owed or not, once it is older than SETTLE_SECONDS."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, insert, select

from hub.agencies.service import add_agency
from hub.collect.writeback import CURSOR as TICKET_CURSOR
from hub.collect.writeback import fill_ticket_replies
from hub.container import Hub
from hub.db.models import Clue, ClueEvent
from hub.db.types import utcnow
from hub.handoffs.models import Handoff
from hub.notify.models import OutboxCursor, WebhookDelivery
from hub.notify.webhooks import CLUE_CURSOR, SCAN_LIMIT, SETTLE_SECONDS, fill_outbox, set_webhook
from tests.notify.support import make_handoff

PIPELINE = ("normalized", "correlated", "routed")


def _clue_of_sender_with_webhook(hub: Hub) -> int:
    with hub.uow() as uow:
        court, _ = add_agency(uow.session, name="十堰市中级人民法院", channel="court",
                              region_code="420300")
        bureau, _ = add_agency(uow.session, name="郧西县自然资源和规划局", channel="court",
                               region_code="420300")
        set_webhook(uow.session, court.id, "http://127.0.0.1:9/hook", utcnow())
        uow.commit()
        court_id, bureau_id = court.id, bureau.id
    handoff = make_handoff(hub, bureau_id)
    with hub.uow() as uow:
        clue = uow.session.get(Clue, uow.session.get(Handoff, handoff).clue_id)
        clue.agency_id = court_id
        uow.commit()
        return clue.id


def _pipeline_events(hub: Hub, clue_id: int, n: int, at) -> None:  # noqa: ANN001
    with hub.uow() as uow:
        uow.session.execute(insert(ClueEvent), [
            {"clue_id": clue_id, "at": at, "actor": "system", "action": PIPELINE[i % 3],
             "detail": {}} for i in range(n)])
        uow.commit()


def _event(hub: Hub, clue_id: int, action: str, at, actor: str = "user:li") -> int:  # noqa: ANN001
    with hub.uow() as uow:
        event = ClueEvent(clue_id=clue_id, at=at, actor=actor, action=action, detail={})
        uow.session.add(event)
        uow.commit()
        return event.id


def _fill(hub: Hub, now) -> int:  # noqa: ANN001
    with hub.uow() as uow:
        made = fill_outbox(uow.session, now)
        uow.commit()
        return made


def _position(hub: Hub, name: str) -> int:
    with hub.uow(write=False) as uow:
        return uow.session.scalar(select(OutboxCursor.position)
                                  .where(OutboxCursor.name == name)) or 0


def _keys(hub: Hub) -> list[str]:
    with hub.uow(write=False) as uow:
        return list(uow.session.scalars(select(WebhookDelivery.event_key)
                                        .where(WebhookDelivery.event.like("clue.%"))
                                        .order_by(WebhookDelivery.event_key)))


def test_one_shared_event_after_thousands_of_pipeline_events_is_delivered_once(hub):
    clue_id = _clue_of_sender_with_webhook(hub)
    later = utcnow() + timedelta(days=1)  # every event settled
    while _fill(hub, later):
        pass
    before = set(_keys(hub))

    old = utcnow() - timedelta(hours=1)
    _pipeline_events(hub, clue_id, 2 * SCAN_LIMIT + 500, old)
    shared = _event(hub, clue_id, "decision.assign", old)
    _event(hub, clue_id, "handoff.acknowledge", old, actor="agency:999999")  # not the sender: shared
    _pipeline_events(hub, clue_id, 10, old)

    made = [_fill(hub, later) for _ in range(4)]
    assert sum(made) == 2 and made[-1] == 0
    assert set(_keys(hub)) - before == {f"clue_event:{shared}", f"clue_event:{shared + 1}"}
    with hub.uow(write=False) as uow:
        newest = uow.session.scalar(select(func.max(ClueEvent.id)))
    assert _position(hub, CLUE_CURSOR) == newest


def test_the_senders_own_action_and_young_events_hold_the_cursor_not_the_delivery(hub):
    clue_id = _clue_of_sender_with_webhook(hub)
    with hub.uow(write=False) as uow:
        sender = uow.session.get(Clue, clue_id).agency_id
    later = utcnow() + timedelta(days=1)
    while _fill(hub, later):
        pass
    before = set(_keys(hub))

    now = utcnow()
    old = now - timedelta(seconds=SETTLE_SECONDS + 60)
    _pipeline_events(hub, clue_id, SCAN_LIMIT // 2, old)
    own = _event(hub, clue_id, "handoff.reply_final", old, actor=f"agency:{sender}")
    _pipeline_events(hub, clue_id, 20, old)
    with hub.uow(write=False) as uow:
        last_settled = uow.session.scalar(select(func.max(ClueEvent.id)))
    young = _event(hub, clue_id, "closed", now)
    _pipeline_events(hub, clue_id, 20, old)  # committed after a young one: read again later

    assert _fill(hub, now) == 1
    assert set(_keys(hub)) - before == {f"clue_event:{young}"}
    assert own not in {int(k.split(":")[1]) for k in _keys(hub)}
    assert _position(hub, CLUE_CURSOR) == last_settled
    assert _fill(hub, now) == 0  # read again, delivered once
    assert _fill(hub, now + timedelta(seconds=SETTLE_SECONDS + 1)) == 0
    with hub.uow(write=False) as uow:
        assert _position(hub, CLUE_CURSOR) == uow.session.scalar(select(func.max(ClueEvent.id)))


def test_the_write_back_cursor_moves_past_pipeline_events_without_a_reply_source(hub):
    clue_id = _clue_of_sender_with_webhook(hub)
    old = utcnow() - timedelta(hours=1)
    _pipeline_events(hub, clue_id, SCAN_LIMIT + 5, old)
    _event(hub, clue_id, "handoff.verify", old)
    later = utcnow() + timedelta(days=1)
    for _ in range(3):
        with hub.uow() as uow:
            assert fill_ticket_replies(uow.session, later) == 0
            uow.commit()
    with hub.uow(write=False) as uow:
        newest = uow.session.scalar(select(func.max(ClueEvent.id)))
    assert _position(hub, TICKET_CURSOR) == newest
