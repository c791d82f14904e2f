"""Registering agencies and managing their API keys.

A key reads `hub_<key id>_<secret>`. The secret is 256 random bits, so a plain SHA-256 of
it is as good as a slow password hash and costs microseconds per request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.db.models import Agency, ApiKey
from hub.db.types import utcnow
from hub.errors import Conflict, NotFound, Unauthorized

DEFAULT_SCOPES = "clues:write clues:read"


@dataclass(frozen=True)
class AgencyPrincipal:
    """The agency behind an authenticated request."""

    agency_id: int
    name: str
    channel: str
    key_id: str
    scopes: frozenset[str]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key(session: Session, agency_id: int, expires_at: datetime | None = None) -> str:
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    session.add(ApiKey(id=key_id, agency_id=agency_id, secret_sha256=_hash(secret),
                       scopes=DEFAULT_SCOPES, expires_at=expires_at, created_at=utcnow()))
    return f"hub_{key_id}_{secret}"


def add_agency(
    session: Session, *, name: str, channel: str, region_code: str | None
) -> tuple[Agency, str]:
    if session.scalar(select(Agency).where(Agency.name == name)):
        raise Conflict(f"协作单位“{name}”已经登记")
    agency = Agency(name=name, channel=channel, region_code=region_code, created_at=utcnow())
    session.add(agency)
    session.flush()
    return agency, new_key(session, agency.id)


def find_agency(session: Session, ref: str) -> Agency:
    query = select(Agency).where(Agency.id == int(ref)) if ref.isdigit() else select(Agency).where(
        Agency.name == ref
    )
    agency = session.scalar(query)
    if agency is None:
        raise NotFound(f"没有找到协作单位 {ref}")
    return agency


def revoke_key(session: Session, key_id: str) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"没有找到密钥 {key_id}")
    key.revoked_at = key.revoked_at or utcnow()
    return key


def rotate_key(session: Session, agency: Agency) -> tuple[str, list[str]]:
    """Issue a new key and revoke the agency's other live keys."""
    live = session.scalars(
        select(ApiKey).where(ApiKey.agency_id == agency.id, ApiKey.revoked_at.is_(None))
    ).all()
    for key in live:
        key.revoked_at = utcnow()
    return new_key(session, agency.id), [key.id for key in live]


def list_agencies(session: Session) -> list[tuple[Agency, list[ApiKey]]]:
    agencies = session.scalars(select(Agency).order_by(Agency.id)).all()
    keys = session.scalars(select(ApiKey).order_by(ApiKey.created_at)).all()
    return [(a, [k for k in keys if k.agency_id == a.id]) for a in agencies]


@dataclass(frozen=True)
class KeyRecord:
    """What authentication needs to know of one API key, read in one query."""

    key_id: str
    secret_sha256: str
    scopes: str
    revoked: bool
    expires_at: datetime | None
    agency_id: int
    agency_name: str
    agency_channel: str
    agency_active: bool


def load_key(session: Session, key_id: str) -> KeyRecord | None:
    row = session.execute(
        select(ApiKey.id, ApiKey.secret_sha256, ApiKey.scopes, ApiKey.revoked_at.is_not(None),
               ApiKey.expires_at, Agency.id, Agency.name, Agency.channel, Agency.active)
        .join(Agency, Agency.id == ApiKey.agency_id).where(ApiKey.id == key_id)
    ).first()
    return KeyRecord(*row) if row is not None else None


def split_token(token: str | None) -> tuple[str, str]:
    """`hub_<key id>_<secret>` -> (key id, secret)."""
    if not token or not token.startswith("hub_") or token.count("_") < 2:
        raise Unauthorized("缺少或无法识别的 API 密钥（Authorization: Bearer <key>）")
    _, key_id, secret = token.split("_", 2)
    return key_id, secret


def check_key(record: KeyRecord | None, secret: str, now: datetime) -> AgencyPrincipal:
    """Pure: the principal behind a presented secret, or Unauthorized saying why."""
    if record is None or not hmac.compare_digest(record.secret_sha256, _hash(secret)):
        raise Unauthorized("API 密钥无效")
    if record.revoked:
        raise Unauthorized("API 密钥已被吊销")
    if record.expires_at is not None and record.expires_at <= now:
        raise Unauthorized("API 密钥已过期")
    if not record.agency_active:
        raise Unauthorized("协作单位已停用")
    return AgencyPrincipal(record.agency_id, record.agency_name, record.agency_channel,
                           record.key_id, frozenset(record.scopes.split()))


def authenticate(session: Session, token: str | None, now: datetime) -> AgencyPrincipal:
    key_id, secret = split_token(token)
    return check_key(load_key(session, key_id), secret, now)
