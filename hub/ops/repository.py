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
