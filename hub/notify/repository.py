"""SQL of outcome sharing: a sending agency's clues by change (keyset paging), what the
sender may see of one clue (its decisions, hand-offs, the verified outcome), and what the
outbox reads to share it (clue events past a cursor, the verified reply)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.accounts.models import OfficeUser
from hub.contract.cursor import decode_cursor, encode_cursor
from hub.db.models import Agency, Clue, ClueEvent
from hub.db.paging import page_by_change
from hub.handoffs.models import Handoff, HandoffEvent, HandoffReply
from hub.notify.models import (
    AgencyWebhook,
    GroupRobot,
    Notification,
    NotifyContact,
    OutboxCursor,
    Reminder,
    RobotMessage,
    WebhookAttempt,
    WebhookDelivery,
)
from hub.review.models import Decision


@dataclass(frozen=True)
class CluePage:
    clues: list[Clue]
    next_cursor: str | None


def sent_clues(session: Session, agency_id: int, *, updated_since: datetime | None = None,
               cursor: str | None = None, limit: int = 50) -> CluePage:
    """The agency's own clues in (updated_at, id) order; the cursor is opaque to callers."""
    query = select(Clue).where(Clue.agency_id == agency_id)
    rows, last = page_by_change(session, query, Clue, updated_since=updated_since,
                                after=decode_cursor(cursor) if cursor else None, limit=limit)
    return CluePage(rows, encode_cursor(last.updated_at, last.id) if last else None)




def last_decision(session: Session, clue_id: int) -> Decision | None:
    return session.scalar(select(Decision).where(Decision.clue_id == clue_id)
                          .order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(1))


def handoffs_of(session: Session, clue_id: int) -> list[Handoff]:
    return list(session.scalars(select(Handoff).where(Handoff.clue_id == clue_id)
                                .order_by(Handoff.id)))


def verified_reply(session: Session, handoffs: list[Handoff]
                   ) -> tuple[Handoff, HandoffReply, HandoffEvent] | None:
    """The outcome the office verified last on a lead hand-off still verified or closed
    (a reopened one's outcome no longer stands)."""
    leads = {h.id: h for h in handoffs if h.role == "lead" and h.state in ("verified", "closed")}
    if not leads:
        return None
    events = session.scalars(select(HandoffEvent).where(
        HandoffEvent.handoff_id.in_(leads), HandoffEvent.action == "verify")
        .order_by(HandoffEvent.at.desc(), HandoffEvent.id.desc()))
    for event in events:
        reply_id = (event.detail or {}).get("reply_id")
        reply = session.get(HandoffReply, reply_id) if reply_id else None
        if reply is not None and reply.outcome:
            return leads[event.handoff_id], reply, event
    return None


def clue_event_marks(session: Session, position: int, limit: int) -> list[tuple]:
    """The clue events after `position` in id order, as narrow rows of (id, at, action,
    actor, clue_id): enough to settle a cursor and pick the few owed a delivery, without
    loading (and decrypting) a clue per event."""
    return list(session.execute(
        select(ClueEvent.id, ClueEvent.at, ClueEvent.action, ClueEvent.actor, ClueEvent.clue_id)
        .where(ClueEvent.id > position).order_by(ClueEvent.id).limit(limit)).tuples())


def clue_events_of(session: Session, ids: list[int],
                   agency_ids: Collection[int]) -> list[tuple[ClueEvent, Clue]]:
    """The clue events among `ids` whose clue was sent by one of `agency_ids`, in id order,
    with their clues (whole objects: what a delivery is made of)."""
    if not ids or not agency_ids:
        return []
    return list(session.execute(
        select(ClueEvent, Clue).join(Clue, Clue.id == ClueEvent.clue_id)
        .where(ClueEvent.id.in_(ids), Clue.agency_id.in_(list(agency_ids)))
        .order_by(ClueEvent.id)).tuples())


def known_event_keys(session: Session, keys: list[str]) -> set[str]:
    from hub.notify.models import WebhookDelivery

    if not keys:
        return set()
    return set(session.scalars(select(WebhookDelivery.event_key)
                               .where(WebhookDelivery.event_key.in_(keys))))


def handoff_and_reply(session: Session, number: str | None, reply_id: int
                      ) -> tuple[Handoff | None, HandoffReply | None]:
    handoff = session.scalar(select(Handoff).where(Handoff.number == number)) if number else None
    return handoff, session.get(HandoffReply, reply_id)


def clue_events_waiting(session: Session, cursor_name: str) -> bool:
    """Whether a clue event lies past the named outbox cursor (a read)."""
    from sqlalchemy import func

    from hub.notify.models import OutboxCursor

    position = session.scalar(select(OutboxCursor.position)
                              .where(OutboxCursor.name == cursor_name))
    newest = session.scalar(select(func.max(ClueEvent.id)))
    return newest is not None and newest > (position or 0)


def lock_handoff(session: Session, handoff_id: int) -> Handoff | None:
    """The hand-off, locked: a write first (SQLite then holds its write lock for the whole
    transaction), which on PostgreSQL also waits for anyone changing the same hand-off."""
    session.execute(update(Handoff).where(Handoff.id == handoff_id)
                    .values(version=Handoff.version).execution_options(synchronize_session=False))
    return session.get(Handoff, handoff_id, populate_existing=True)


def insert_reminder_once(session: Session, values: dict) -> bool:
    """Insert a `reminders` row unless its unique key is there: True when this call made it."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    made = session.execute(insert(Reminder).values(**values).on_conflict_do_nothing()
                           .returning(Reminder.id)).scalar()
    return made is not None


# Office notifications (office.py, mail.py)

def active_users_with_role(session: Session, role: str) -> list[int]:
    return list(session.scalars(select(OfficeUser.id).where(OfficeUser.active.is_(True),
                                                            OfficeUser.role == role)))


def handoff_number(session: Session, handoff_id: int) -> str | None:
    return session.scalar(select(Handoff.number).where(Handoff.id == handoff_id))


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def notifications_of(session: Session, user_id: int, limit: int) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.id.desc()).limit(limit)))


def mark_read(session: Session, user_id: int, now: datetime, ids: list[int] | None) -> int:
    query = update(Notification).where(Notification.user_id == user_id,
                                       Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    return session.execute(query.values(read_at=now)).rowcount


def unmailed(session: Session, limit: int) -> list[tuple[Notification, str]]:
    """Notifications not yet mailed to users with an address, oldest first."""
    return list(session.execute(
        select(Notification, NotifyContact.email)
        .join(NotifyContact, NotifyContact.user_id == Notification.user_id)
        .where(Notification.emailed.is_(False)).order_by(Notification.id).limit(limit)).tuples())


def take_for_mail(session: Session, notification_id: int) -> bool:
    """Mark one notification mailed unless another process did: True when this call took it."""
    return bool(session.execute(
        update(Notification).where(Notification.id == notification_id,
                                   Notification.emailed.is_(False))
        .values(emailed=True)).rowcount)


def release_for_mail(session: Session, ids: list[int]) -> None:
    session.execute(update(Notification).where(Notification.id.in_(ids)).values(emailed=False))


# The webhook outbox (webhooks.py)

def webhook_urls(session: Session) -> dict[int, str]:
    rows = session.execute(select(AgencyWebhook.agency_id, AgencyWebhook.url)).all()
    return {agency_id: url for agency_id, url in rows}


def _insert(session: Session):  # noqa: ANN202
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def lock_cursor(session: Session, name: str, now: datetime) -> OutboxCursor:
    """The cursor row, locked: its first statement writes, so on SQLite this transaction holds
    the write lock from the start, and on PostgreSQL other readers wait for the row."""
    session.execute(_insert(session)(OutboxCursor).values(name=name, position=0, updated_at=now)
                    .on_conflict_do_nothing())
    session.execute(update(OutboxCursor).where(OutboxCursor.name == name).values(updated_at=now))
    return session.scalars(select(OutboxCursor).where(OutboxCursor.name == name)
                           .execution_options(populate_existing=True)).one()


def cursor_positions(session: Session, names: list[str]) -> dict[str, int]:
    return dict(session.execute(select(OutboxCursor.name, OutboxCursor.position)
                                .where(OutboxCursor.name.in_(names))).all())


def newest_handoff_event_id(session: Session) -> int | None:
    return session.scalar(select(func.max(HandoffEvent.id)))


def newest_clue_event_id(session: Session) -> int | None:
    return session.scalar(select(func.max(ClueEvent.id)))


def handoff_event_marks(session: Session, position: int, limit: int) -> list[tuple]:
    """The hand-off events after `position` in id order, as narrow rows of (id, at, actor,
    the hand-off's receiving agency id)."""
    return list(session.execute(
        select(HandoffEvent.id, HandoffEvent.at, HandoffEvent.actor, Handoff.agency_id)
        .join(Handoff, Handoff.id == HandoffEvent.handoff_id)
        .where(HandoffEvent.id > position).order_by(HandoffEvent.id).limit(limit)).tuples())


def handoff_events_of(session: Session, ids: list[int]) -> list[tuple[HandoffEvent, Handoff]]:
    """The hand-off events among `ids`, in id order, with their hand-offs."""
    if not ids:
        return []
    return list(session.execute(
        select(HandoffEvent, Handoff).join(Handoff, Handoff.id == HandoffEvent.handoff_id)
        .where(HandoffEvent.id.in_(ids)).order_by(HandoffEvent.id)).tuples())


def purge_delivered(session: Session, delivered_before: datetime) -> int:
    old = select(WebhookDelivery.id).where(WebhookDelivery.state == "delivered",
                                          WebhookDelivery.delivered_at < delivered_before)
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(old)))
    return session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(old))).rowcount


# Sending deliveries (dispatch.py)

PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"


def _due(now: datetime, stale: datetime):  # noqa: ANN202
    return (or_(WebhookDelivery.state == PENDING,
                (WebhookDelivery.state == SENDING) & (WebhookDelivery.claimed_at < stale)),
            WebhookDelivery.next_attempt_at <= now)


def any_delivery_due(session: Session, now: datetime, stale: datetime) -> bool:
    return session.scalar(select(WebhookDelivery.id).where(*_due(now, stale)).limit(1)) is not None


def claim_due(session: Session, now: datetime, stale: datetime, limit: int) -> list[tuple]:
    """Due deliveries marked sending, in one statement (a write first, so SQLite holds its
    write lock throughout; PostgreSQL skips rows another dispatcher has locked): rows of
    (id, delivery_id, event, payload, attempts, agency_id, target_url)."""
    due = (select(WebhookDelivery.id).where(*_due(now, stale))
           .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return list(session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id.in_(due.scalar_subquery()))
        .values(state=SENDING, claimed_at=now, attempts=WebhookDelivery.attempts + 1)
        .returning(WebhookDelivery.id, WebhookDelivery.delivery_id, WebhookDelivery.event,
                   WebhookDelivery.payload, WebhookDelivery.attempts, WebhookDelivery.agency_id,
                   WebhookDelivery.target_url)
        .execution_options(synchronize_session=False)
    ).tuples())


def webhook_urls_of(session: Session, agency_ids: set[int]) -> dict[int, str]:
    return {agency_id: url for agency_id, url in session.execute(
        select(AgencyWebhook.agency_id, AgencyWebhook.url)
        .where(AgencyWebhook.agency_id.in_(agency_ids))).all()}


def set_delivery(session: Session, delivery_id: int, values: dict) -> None:
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(**values))


def delivery_agency_name(session: Session, delivery_id: int) -> str | None:
    return session.scalar(select(Agency.name).join(WebhookDelivery,
                                                   WebhookDelivery.agency_id == Agency.id)
                          .where(WebhookDelivery.id == delivery_id))


def active_users_with_roles(session: Session, roles: list[str]) -> list[int]:
    return list(session.scalars(select(OfficeUser.id).where(
        OfficeUser.active.is_(True), OfficeUser.role.in_(roles))))


def failed_deliveries(session: Session, limit: int) -> list[tuple[WebhookDelivery, str]]:
    return list(session.execute(
        select(WebhookDelivery, Agency.name).join(Agency, Agency.id == WebhookDelivery.agency_id)
        .where(WebhookDelivery.state == FAILED)
        .order_by(WebhookDelivery.id.desc()).limit(limit)).tuples())


def count_failed_deliveries(session: Session) -> int:
    """Failed deliveries whose agency exists (what `failed_deliveries` lists)."""
    return session.scalar(
        select(func.count()).select_from(WebhookDelivery)
        .join(Agency, Agency.id == WebhookDelivery.agency_id)
        .where(WebhookDelivery.state == FAILED)) or 0


def retry_failed(session: Session, now: datetime, ids: list[int] | None) -> int:
    query = update(WebhookDelivery).where(WebhookDelivery.state == FAILED)
    if ids is not None:
        query = query.where(WebhookDelivery.id.in_(ids))
    return session.execute(query.values(state=PENDING, attempts=0, next_attempt_at=now,
                                        claimed_at=None)).rowcount


def attempts_of(session: Session, delivery_id: int) -> list[WebhookAttempt]:
    return list(session.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id)
                                .order_by(WebhookAttempt.id)))


# Group robots' messages (robots.py)

def active_robots(session: Session) -> list[GroupRobot]:
    return list(session.scalars(select(GroupRobot).where(GroupRobot.active.is_(True))
                                .order_by(GroupRobot.id)))


def robots_for(session: Session, agency_id: int | None) -> list[GroupRobot]:
    """Active robots of a section, or of the given receiving agency."""
    return list(session.scalars(select(GroupRobot).where(
        GroupRobot.active.is_(True),
        or_(GroupRobot.section.is_not(None),
            (GroupRobot.agency_id == agency_id) if agency_id else False))))


def insert_robot_message_once(session: Session, values: dict) -> bool:
    """A message row unless the robot has the event already: True when this call made it."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return session.execute(insert(RobotMessage).values(**values)
                           .on_conflict_do_nothing().returning(RobotMessage.id)).scalar() is not None


def claim_robot_messages(session: Session, now: datetime, stale: datetime,
                         limit: int) -> list[tuple]:
    """Due messages marked sending in one statement: (id, robot_id, text, attempts)."""
    due = (select(RobotMessage.id)
           .where(or_(RobotMessage.state == "pending",
                      (RobotMessage.state == "sending") & (RobotMessage.claimed_at < stale)),
                  RobotMessage.next_attempt_at <= now)
           .order_by(RobotMessage.next_attempt_at, RobotMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return list(session.execute(
        update(RobotMessage).where(RobotMessage.id.in_(due.scalar_subquery()))
        .values(state="sending", claimed_at=now, attempts=RobotMessage.attempts + 1)
        .returning(RobotMessage.id, RobotMessage.robot_id, RobotMessage.text,
                   RobotMessage.attempts)
        .execution_options(synchronize_session=False)).all())


def set_robot_message(session: Session, message_id: int, values: dict) -> None:
    session.execute(update(RobotMessage).where(RobotMessage.id == message_id).values(**values))
