"""The local keyring file: master keys with ids, the newest one active, and a blind-index key.

This is the default key provider; an external KMS would implement the same `KeyProvider`
protocol. The file is created with mode 0600 and the hub refuses a file others can read.
`KeyringFile` reads the file again when it changes, so `hub keys rotate` in another process
reaches running API and worker processes without a restart.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import secrets
import stat
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from hub.errors import ConfigError
from hub.security.secret_files import load_or_make, write_new

RELOAD_CHECK_SECONDS = 1.0


class KeyProvider(Protocol):
    def active_key(self) -> tuple[str, bytes]: ...
    def key(self, key_id: str) -> bytes: ...
    def index_key(self) -> bytes: ...


@dataclass
class Keyring:
    active_id: str
    keys: dict[str, bytes]
    # A separate key, for one purpose only: blind indexes (HMAC) of phone and ID numbers.
    blind_index_key: bytes = b""
    created: dict[str, str] = field(default_factory=dict)
    retired: dict[str, str] = field(default_factory=dict)  # key id -> when it was retired

    def active_key(self) -> tuple[str, bytes]:
        return self.active_id, self.keys[self.active_id]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise ConfigError(f"密钥 {key_id} 不在密钥环中，无法解密") from None

    def index_key(self) -> bytes:
        return self.blind_index_key


class KeyringFile:
    """The keyring file as a provider that notices rotations made by other processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._ring = load_keyring(path)
        self._mtime = path.stat().st_mtime_ns
        self._checked = time.monotonic()

    def _fresh(self, force: bool = False) -> Keyring:
        now = time.monotonic()
        if force or now - self._checked >= RELOAD_CHECK_SECONDS:
            with self._lock:
                self._checked = now
                mtime = self.path.stat().st_mtime_ns
                if mtime != self._mtime:
                    self._ring, self._mtime = load_keyring(self.path), mtime
        return self._ring

    def active_key(self) -> tuple[str, bytes]:
        return self._fresh().active_key()

    def key(self, key_id: str) -> bytes:
        ring = self._fresh()
        if key_id not in ring.keys:
            ring = self._fresh(force=True)  # a key added since the last look
        return ring.key(key_id)

    def index_key(self) -> bytes:
        return self._fresh().index_key()

    def ring(self) -> Keyring:
        return self._fresh(force=True)


def new_key_id() -> str:
    return f"k{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"


def create_keyring(path: Path) -> Keyring:
    """Write a new keyring with one 256-bit master key, readable by the owner only."""
    key_id = new_key_id()
    ring = Keyring(active_id=key_id, keys={key_id: secrets.token_bytes(32)},
                   blind_index_key=secrets.token_bytes(32))
    write_new(path, json.dumps(_to_json(ring), indent=2).encode())
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
    ring = _parse(json.loads(path.read_text()))
    if not ring.blind_index_key:  # a keyring written before blind indexes existed
        ring = _add_blind_index_key(path)
    return ring


def _parse(data: dict) -> Keyring:
    keys = {kid: base64.b64decode(entry["key"]) for kid, entry in data["keys"].items()}
    return Keyring(active_id=data["active"], keys=keys,
                   blind_index_key=base64.b64decode(data.get("blind_index_key", "")),
                   created={kid: e.get("created_at", "") for kid, e in data["keys"].items()},
                   retired=data.get("retired", {}))


def _add_blind_index_key(path: Path) -> Keyring:
    """Once, under a lock: processes starting together must all end up with the same key."""
    with path.with_name(f".{path.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ring = _parse(json.loads(path.read_text()))
        if not ring.blind_index_key:
            ring.blind_index_key = secrets.token_bytes(32)
            write_keyring(path, ring)
        return ring


def write_keyring(path: Path, ring: Keyring) -> None:
    """Replace the file atomically (a new file, mode 0600, renamed over the old one)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(_to_json(ring), fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def ensure_keyring(path: Path) -> Keyring:
    return load_or_make(path, load_keyring, create_keyring)


def _to_json(ring: Keyring) -> dict:
    now = datetime.now(UTC).isoformat()
    return {
        "version": 1,
        "active": ring.active_id,
        "keys": {
            kid: {"key": base64.b64encode(key).decode(), "created_at": ring.created.get(kid) or now}
            for kid, key in ring.keys.items()
        },
        "blind_index_key": base64.b64encode(ring.blind_index_key).decode(),
        "retired": ring.retired,
    }
