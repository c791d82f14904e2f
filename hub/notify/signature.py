"""How a webhook is signed, and how a receiver checks it (pure; receivers may copy this).

    X-Hub-Delivery:  the delivery's uuid (the same on every retry: receivers dedupe on it)
    X-Hub-Event:     handoff.created | handoff.updated | handoff.reminder | handoff.escalated
    X-Hub-Timestamp: Unix seconds when this attempt was signed
    X-Hub-Key-Id:    which of the hub's keys signed (see GET /api/v1/keys)
    X-Hub-Signature: base64 Ed25519 signature of  timestamp + "." + body  (body as bytes)

A receiver verifies the signature with the published public key and refuses timestamps
further than a few minutes from its clock, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hub.security.signing import SigningKey

TOLERANCE_SECONDS = 300


def signed_message(timestamp: str, body: bytes) -> bytes:
    return timestamp.encode() + b"." + body


def signature_headers(key: SigningKey, *, delivery_id: str, event: str, body: bytes,
                      timestamp: int) -> dict[str, str]:
    stamp = str(timestamp)
    return {
        "Content-Type": "application/json",
        "X-Hub-Delivery": delivery_id,
        "X-Hub-Event": event,
        "X-Hub-Timestamp": stamp,
        "X-Hub-Key-Id": key.key_id,
        "X-Hub-Signature": key.sign(signed_message(stamp, body)),
    }


def verify_request(public_raw_b64: str, headers: Mapping[str, str], body: bytes, *,
                   now: float, tolerance: float = TOLERANCE_SECONDS) -> str | None:
    """None when the request is the hub's and fresh; otherwise why not (plain words)."""
    stamp = headers.get("x-hub-timestamp") or headers.get("X-Hub-Timestamp")
    signature = headers.get("x-hub-signature") or headers.get("X-Hub-Signature")
    if not stamp or not signature:
        return "缺少签名头 X-Hub-Timestamp / X-Hub-Signature"
    if not stamp.isdigit() or abs(now - int(stamp)) > tolerance:
        return "时间戳过期或无效"
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_raw_b64))
    try:
        public.verify(base64.b64decode(signature), signed_message(stamp, body))
    except (InvalidSignature, ValueError):
        return "签名无效"
    return None
