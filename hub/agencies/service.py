"""Registering agencies and managing their API keys.

A key reads `hub_<key id>_<secret>`. The secret is 256 random bits, so a plain SHA-256 of
it is as good as a slow password hash and costs microseconds per request.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from hub.agencies import repository
from hub.db.models import Agency, ApiKey
from hub.db.types import utcnow
from hub.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, Unauthorized
from hub.security.names import same_name

# What a key may do (`require_scope` in hub/api/deps.py checks them per route).
SCOPES = {
    "clues:write": "推送线索", "clues:read": "读取本单位推送的线索",
    "handoffs:read": "读取交给本单位的移交事项", "handoffs:write": "签收、反馈、退回移交事项",
    "reports:read": "读取共享给本单位的报告",
    "meetings:read": "读取本单位参加的联席会议（议程、本单位的议定事项、纪要）",
}
# Keys issued without --scopes get every partner scope; keys issued before scopes existed
# keep the two they were stored with ("clues:write clues:read").
DEFAULT_SCOPES = " ".join(SCOPES)
OFFICE_TZ = ZoneInfo("Asia/Shanghai")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class AgencyPrincipal:
    """The agency behind an authenticated request."""

    agency_id: int
    name: str
    channel: str
    key_id: str
    scopes: frozenset[str]
    allowed_networks: tuple[Network, ...] = ()
    signing_public_key: str | None = field(default=None, repr=False)


def parse_scopes(text: str | Iterable[str]) -> str:
    """`clues:write,clues:read` (commas or spaces) -> the stored form; unknown ones refused."""
    words = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    unknown = [w for w in words if w not in SCOPES]
    if unknown or not words:
        raise InvalidInput([FieldError(["scopes"], f"权限范围应为以下之一：{'、'.join(SCOPES)}"
                                       f"（收到：{'、'.join(unknown) or '空'}）")])
    return " ".join(dict.fromkeys(words))


def parse_networks(values: Iterable[str]) -> str | None:
    """CIDRs (or single addresses) -> the stored form, None for no restriction."""
    networks = []
    for value in values:
        try:
            networks.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError:
            raise InvalidInput([FieldError(["allow_ip"], f"“{value}”不是 IP 地址或 CIDR 网段")]) \
                from None
    return " ".join(networks) or None


def check_ip(agency: AgencyPrincipal, ip: str | None) -> None:
    """Pure: Forbidden unless the key may be used from `ip`."""
    if not agency.allowed_networks:
        return
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        address = None
    if address is None or not any(address in net for net in agency.allowed_networks):
        raise Forbidden(f"来源 IP {ip or '未知'} 不在该 API 密钥允许的地址范围内")


def parse_expiry(text: str, now: datetime | None = None) -> datetime | None:
    """`2027-06-30` (the end of that day, Beijing time), a time with its offset, or `90d`;
    empty for a key that never expires."""
    from datetime import date, time, timedelta

    text = text.strip()
    if not text:
        return None
    try:
        if text.endswith("d") and text[:-1].isdigit():
            return (now or utcnow()) + timedelta(days=int(text[:-1]))
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text) + timedelta(days=1), time(),
                                    OFFICE_TZ)
        when = datetime.fromisoformat(text)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise InvalidInput([FieldError(["expires"], f"到期时间“{text}”不是日期（2027-06-30）、"
                                       "带时区的时间或天数（90d）")])
    if when <= (now or utcnow()):
        raise InvalidInput([FieldError(["expires"], f"到期时间“{text}”已经过去")])
    return when


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class KeyPolicy:
    """What a new key may do: scopes, until when, from where."""

    scopes: str = DEFAULT_SCOPES
    expires_at: datetime | None = None
    allowed_ips: str | None = None


def new_key(session: Session, agency_id: int, policy: KeyPolicy | None = None) -> str:
    policy = policy or KeyPolicy()
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    session.add(ApiKey(id=key_id, agency_id=agency_id, secret_sha256=_hash(secret),
                       scopes=policy.scopes, expires_at=policy.expires_at,
                       allowed_ips=policy.allowed_ips, created_at=utcnow()))
    return f"hub_{key_id}_{secret}"


def _check_name(session: Session, name: str, except_id: int | None = None) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput([FieldError(["name"], "单位名称应为 1–200 个字符")])
    for agency_id, existing in repository.agency_names(session):
        if agency_id == except_id:
            continue
        if existing == name:
            raise Conflict(f"协作单位“{name}”已经登记")
        if same_name(existing, name):
            raise Conflict(f"协作单位“{name}”与已登记的“{existing}”看起来相同"
                           "（含形近字符或不可见字符），不能重复登记")
    return name


def _check_channel(channel: str) -> str:
    from hub.contract.v1 import CHANNEL_LABELS

    if channel not in CHANNEL_LABELS:
        raise InvalidInput([FieldError(["channel"], f"渠道应为以下之一：{'、'.join(CHANNEL_LABELS)}")])
    return channel


def _check_region(region_code: str | None) -> str | None:
    from hub.normalize.codes import CodeError, check_region_code

    if not region_code:
        return None
    try:
        return check_region_code(region_code.strip())
    except CodeError as exc:
        raise InvalidInput([FieldError(["region_code"], str(exc))]) from None


def add_agency(
    session: Session, *, name: str, channel: str, region_code: str | None,
    policy: KeyPolicy | None = None,
) -> tuple[Agency, str]:
    name = _check_name(session, name)
    agency = Agency(name=name, channel=_check_channel(channel),
                    region_code=_check_region(region_code), created_at=utcnow())
    session.add(agency)
    session.flush()
    return agency, new_key(session, agency.id, policy)


def update_agency(session: Session, agency: Agency, *, name: str, channel: str,
                  region_code: str | None) -> dict:
    """Change an agency's name, channel or region; answers what it was before."""
    before = {"name": agency.name, "channel": agency.channel, "region_code": agency.region_code}
    agency.name = _check_name(session, name, except_id=agency.id)
    agency.channel = _check_channel(channel)
    agency.region_code = _check_region(region_code)
    return before


def set_agency_active(session: Session, agency: Agency, active: bool) -> None:
    """A disabled agency's keys stop working at once (the guard checks `active`)."""
    agency.active = active


def office_agency(session: Session, name: str, region_code: str | None) -> Agency:
    """The office itself as a sending agency: what it registers by hand (立项登记) is its
    own submission. Created on first use, without a key: nothing logs in as the office."""
    agency = repository.agency_by_name(session, name)
    if agency is None:
        agency = Agency(name=name, channel="other", region_code=region_code, active=True,
                        created_at=utcnow())
        session.add(agency)
        session.flush()
    return agency


def find_agency(session: Session, ref: str) -> Agency:
    agency = (repository.agency_by_id(session, int(ref)) if ref.isdigit()
              else repository.agency_by_name(session, ref))
    if agency is None:
        raise NotFound(f"没有找到协作单位 {ref}")
    return agency


def revoke_key(session: Session, key_id: str, agency_id: int | None = None) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None or (agency_id is not None and key.agency_id != agency_id):
        raise NotFound(f"没有找到密钥 {key_id}")
    key.revoked_at = key.revoked_at or utcnow()
    return key


def rotate_key(session: Session, agency: Agency,
               policy: KeyPolicy | None = None) -> tuple[str, list[str]]:
    """Issue a new key and revoke the agency's other live keys."""
    live = repository.live_keys(session, agency.id)
    for key in live:
        key.revoked_at = utcnow()
    return new_key(session, agency.id, policy), [key.id for key in live]


def set_signing_key(session: Session, agency: Agency, public_pem: str | None) -> None:
    """Register (or with None remove) the agency's Ed25519 public key for request signing."""
    if public_pem is not None:
        from hub.agencies.signing import load_public_key

        public_pem = public_pem.strip() + "\n"
        load_public_key(public_pem)  # refuses anything that is not an Ed25519 public key
    agency.signing_public_key = public_pem


def list_agencies(session: Session) -> list[tuple[Agency, list[ApiKey]]]:
    agencies = repository.all_agencies(session)
    keys = repository.all_keys(session)
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
    allowed_ips: str | None = None
    signing_public_key: str | None = None


def load_key(session: Session, key_id: str) -> KeyRecord | None:
    row = repository.key_row(session, key_id)
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
        when = record.expires_at.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M")
        raise Unauthorized(f"API 密钥已于 {when}（北京时间）过期，请联系办公室更换密钥")
    if not record.agency_active:
        raise Unauthorized("协作单位已停用")
    networks = tuple(ipaddress.ip_network(n) for n in (record.allowed_ips or "").split())
    return AgencyPrincipal(record.agency_id, record.agency_name, record.agency_channel,
                           record.key_id, frozenset(record.scopes.split()), networks,
                           record.signing_public_key)


def authenticate(session: Session, token: str | None, now: datetime) -> AgencyPrincipal:
    key_id, secret = split_token(token)
    return check_key(load_key(session, key_id), secret, now)
