"""Signed requests from partner agencies (optional, per agency): Ed25519 over one string.

When an agency has registered a public key, every request it makes carries

    X-Hub-Timestamp: <unix seconds>
    X-Hub-Nonce:     <16–128 characters of A–Z a–z 0–9 - _>
    X-Hub-Signature: <base64 of the Ed25519 signature of the canonical string>

and the canonical string is these six lines joined by "\\n" (no "\\n" after the last):

    hub-request-v1
    <METHOD, upper case>
    <path exactly as sent, percent-encoding kept>[?<query exactly as sent>]
    <timestamp, as in the header>
    <nonce, as in the header>
    <SHA-256 of the body bytes, lower-case hex (of b"" when there is none)>

A timestamp further than HUB_CLOCK_SKEW_SECONDS from the hub's clock is refused, and so is a
nonce the agency used before (kept in `request_nonces` until its timestamp is stale, so the
check holds across processes).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.agencies import repository
from hub.agencies.models import RequestNonce
from hub.errors import FieldError, InvalidInput, Unauthorized

PREFIX = "hub-request-v1"
TIMESTAMP, NONCE, SIGNATURE = "x-hub-timestamp", "x-hub-nonce", "x-hub-signature"
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,128}")


def canonical(method: str, target: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """The bytes that are signed. `target` is the path, plus `?query` when there is one."""
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join([PREFIX, method.upper(), target, timestamp, nonce, digest]).encode()


def load_public_key(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput([FieldError(["public_key"],
                                       "公钥应为 PEM 格式的 Ed25519 公钥（-----BEGIN PUBLIC KEY-----）")])
    return key


@dataclass(frozen=True)
class SignedHeaders:
    timestamp: str
    nonce: str
    signature: str


def read_headers(headers: dict[str, str] | object) -> SignedHeaders:
    get = headers.get  # type: ignore[attr-defined]
    values = {name: get(name) for name in (TIMESTAMP, NONCE, SIGNATURE)}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise Unauthorized("本单位已登记请求签名公钥，请求必须签名：缺少请求头 "
                           + "、".join(n.title() for n in missing))
    return SignedHeaders(values[TIMESTAMP], values[NONCE], values[SIGNATURE])


def check_signed(public_pem: str, method: str, target: str, signed: SignedHeaders,
                 body: bytes, now: datetime, skew_seconds: int) -> datetime:
    """Pure: refuses a stale, malformed or wrongly signed request; gives the nonce's expiry."""
    if not signed.timestamp.isdigit():
        raise Unauthorized("X-Hub-Timestamp 应为 Unix 时间戳（秒）")
    drift = int(signed.timestamp) - now.timestamp()
    if abs(drift) > skew_seconds:
        raise Unauthorized(f"请求时间戳与平台时钟相差 {abs(int(drift))} 秒，超过允许的 "
                           f"{skew_seconds} 秒：请求已过期或时钟不准，请校准时钟后重新签名发送")
    if not _NONCE.fullmatch(signed.nonce):
        raise Unauthorized("X-Hub-Nonce 应为 16–128 个字母、数字、- 或 _")
    try:
        signature = base64.b64decode(signed.signature, validate=True)
        load_public_key(public_pem).verify(
            signature, canonical(method, target, signed.timestamp, signed.nonce, body))
    except (InvalidSignature, ValueError):
        raise Unauthorized("请求签名无效：请按 README 所述的规范字符串签名") from None
    return now + timedelta(seconds=2 * skew_seconds)


def remember_nonce(session: Session, agency_id: int, nonce: str, expires_at: datetime,
                   now: datetime) -> None:
    """Record a nonce; Unauthorized when the agency already used it (any process)."""
    repository.delete_expired_nonces(session, agency_id, now)
    session.add(RequestNonce(agency_id=agency_id, nonce=nonce, expires_at=expires_at))
    try:
        session.flush()
    except IntegrityError:
        raise Unauthorized("该 X-Hub-Nonce 已经用过：重放的请求被拒绝，每个请求请使用新的随机值") \
            from None
