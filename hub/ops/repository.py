"""The SQL of the operators' views: counts for /metrics."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.db.models import Clue, RawRecord
from hub.notify.models import WebhookDelivery


def clues_by_status(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Clue.status, func.count()).group_by(Clue.status)).all())


def raw_records_by_outcome(session: Session) -> dict[str, int]:
    return dict(session.execute(select(RawRecord.outcome, func.count())
                                .group_by(RawRecord.outcome)).all())


def deliveries_by_state(session: Session) -> dict[str, int]:
    return dict(session.execute(select(WebhookDelivery.state, func.count())
                                .group_by(WebhookDelivery.state)).all())


def clue_numbers(session: Session, ids: set[int]) -> dict[int, str]:
    """clue id → its number (XS-…), for the audit list's targets."""
    from hub.intake.present import clue_no

    if not ids:
        return {}
    return {row.id: clue_no(row.id, row.received_at) for row in session.execute(
        select(Clue.id, Clue.received_at).where(Clue.id.in_(ids)))}


def handoff_numbers(session: Session, ids: set[int]) -> dict[int, str]:
    """hand-off id → its number (JB-…), for the audit list's targets."""
    from hub.handoffs.models import Handoff

    if not ids:
        return {}
    return dict(session.execute(select(Handoff.id, Handoff.number).where(Handoff.id.in_(ids)))
                .tuples().all())
