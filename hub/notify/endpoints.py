"""`GET /api/v1/keys`: the hub's public key, for partners verifying webhook signatures."""

from __future__ import annotations

import base64

from fastapi import APIRouter

from hub.api.deps import HubDep

router = APIRouter(prefix="/api/v1", tags=["keys 公钥"])


@router.get("/keys", summary="平台签名公钥（Ed25519），用于校验回调签名；无需认证")
def keys(hub: HubDep) -> dict:
    key = hub.signing_key
    return {"keys": [{
        "key_id": key.key_id, "algorithm": "Ed25519",
        "public_key_pem": key.public_pem(),
        "public_key_raw_b64": base64.b64encode(key.public_raw).decode(),
        "signed_message": "X-Hub-Timestamp + '.' + body",
    }]}
