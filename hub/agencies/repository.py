"""The SQL of partner agencies, their API keys and request nonces."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select
from sqlalchemy.orm import Session

from hub.agencies.models import RequestNonce
from hub.db.models import Agency, ApiKey


def agency_names(session: Session) -> list[tuple[int, str]]:
    return [(row[0], row[1]) for row in session.execute(select(Agency.id, Agency.name)).all()]


def agency_by_name(session: Session, name: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.name == name))


def agency_by_id(session: Session, agency_id: int) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.id == agency_id))


def live_keys(session: Session, agency_id: int) -> Sequence[ApiKey]:
    return session.scalars(
        select(ApiKey).where(ApiKey.agency_id == agency_id, ApiKey.revoked_at.is_(None))
    ).all()


def all_agencies(session: Session) -> Sequence[Agency]:
    return session.scalars(select(Agency).order_by(Agency.id)).all()


def all_keys(session: Session) -> Sequence[ApiKey]:
    return session.scalars(select(ApiKey).order_by(ApiKey.created_at)).all()


def key_row(session: Session, key_id: str) -> Row[Any] | None:
    """One key and its agency, as authentication reads them (the order of `KeyRecord`)."""
    return session.execute(
        select(ApiKey.id, ApiKey.secret_sha256, ApiKey.scopes, ApiKey.revoked_at.is_not(None),
               ApiKey.expires_at, Agency.id, Agency.name, Agency.channel, Agency.active,
               ApiKey.allowed_ips, Agency.signing_public_key)
        .join(Agency, Agency.id == ApiKey.agency_id).where(ApiKey.id == key_id)
    ).first()


def delete_expired_nonces(session: Session, agency_id: int, now: datetime) -> None:
    session.execute(delete(RequestNonce).where(RequestNonce.agency_id == agency_id,
                                               RequestNonce.expires_at < now))
