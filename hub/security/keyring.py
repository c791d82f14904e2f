"""The local keyring file: master keys with ids, the newest one active.

This is the default key provider; an external KMS would implement the same `KeyProvider`
protocol. The file is created with mode 0600 and the hub refuses a file others can read.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from hub.errors import ConfigError


class KeyProvider(Protocol):
    def active_key(self) -> tuple[str, bytes]: ...
    def key(self, key_id: str) -> bytes: ...


@dataclass
class Keyring:
    active_id: str
    keys: dict[str, bytes]

    def active_key(self) -> tuple[str, bytes]:
        return self.active_id, self.keys[self.active_id]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise ConfigError(f"密钥 {key_id} 不在密钥环中，无法解密") from None


def new_key_id() -> str:
    return f"k{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"


def create_keyring(path: Path) -> Keyring:
    """Write a new keyring with one 256-bit master key, readable by the owner only."""
    key_id = new_key_id()
    ring = Keyring(active_id=key_id, keys={key_id: secrets.token_bytes(32)})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(_to_json(ring), fh, indent=2)
    return ring


def load_keyring(path: Path) -> Keyring:
    if not path.exists():
        raise ConfigError(f"密钥环文件 {path} 不存在", hints=["运行 `hub keys init` 生成密钥"])
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"密钥环文件 {path} 的权限为 {mode:o}，其他用户可读；拒绝启动",
            hints=[f"chmod 600 {path}"],
        )
    data = json.loads(path.read_text())
    keys = {kid: base64.b64decode(entry["key"]) for kid, entry in data["keys"].items()}
    return Keyring(active_id=data["active"], keys=keys)


def ensure_keyring(path: Path) -> Keyring:
    return load_keyring(path) if path.exists() else create_keyring(path)


def _to_json(ring: Keyring) -> dict:
    now = datetime.now(UTC).isoformat()
    return {
        "version": 1,
        "active": ring.active_id,
        "keys": {
            kid: {"key": base64.b64encode(key).decode(), "created_at": now}
            for kid, key in ring.keys.items()
        },
    }
