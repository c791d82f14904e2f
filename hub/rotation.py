"""Master-key rotation: add a key, re-wrap every stored data key, retire the old key.

Every `*_enc` column of every table holds envelope blobs (hub.security.crypto). Re-wrapping
changes only the wrapped data key and the key id in front of it, row by row in batches that
commit on their own, each row updated only if it is still the blob that was read (so a
concurrent writer always wins). Running processes keep working throughout: they read the
keyring file again when it changes and when they meet a key id they do not know.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import LargeBinary, Table, select

from hub.container import Hub
from hub.errors import ConfigError
from hub.security.crypto import Cipher
from hub.security.keyring import KeyringFile, new_key_id, write_keyring
from hub.tables import metadata

Progress = Callable[[str, int, int], None]  # column, rows re-wrapped so far, rows looked at


def encrypted_columns() -> Iterator[tuple[Table, str]]:
    for table in metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_enc") and isinstance(column.type, LargeBinary):
                yield table, column.name


def _keyring(hub: Hub) -> KeyringFile:
    keys = hub.cipher._keys  # noqa: SLF001 - the provider this hub encrypts with
    if not isinstance(keys, KeyringFile):
        raise ConfigError("当前密钥提供方不是本地密钥环文件，请在密钥管理系统中轮换")
    return keys


def add_master_key(hub: Hub) -> str:
    """A new 256-bit master key, made active in the keyring file."""
    provider = _keyring(hub)
    ring = provider.ring()
    key_id = new_key_id()
    while key_id in ring.keys:
        key_id = f"{new_key_id()}{secrets.token_hex(1)}"
    ring.keys[key_id] = secrets.token_bytes(32)
    ring.created[key_id] = datetime.now(UTC).isoformat()
    ring.active_id = key_id
    write_keyring(provider.path, ring)
    provider.ring()  # this process encrypts with it from now on
    return key_id


@dataclass
class RewrapReport:
    rewrapped: int = 0
    looked_at: int = 0
    skipped_changed: int = 0


def rewrap_all(hub: Hub, batch: int = 500, progress: Progress | None = None,
               settle_seconds: float = 1.5, passes: int = 3) -> RewrapReport:
    """Re-wrap every blob not under the active key; pass again until one finds none (values
    written meanwhile by processes that had not yet seen the new key)."""
    report = RewrapReport()
    for n in range(passes):
        before = report.rewrapped
        for table, column in encrypted_columns():
            _rewrap_column(hub, table, column, batch, progress, report)
        if report.rewrapped == before or n == passes - 1:
            break
        time.sleep(settle_seconds)
    return report


def _rewrap_column(hub: Hub, table: Table, column: str, batch: int, progress: Progress | None,
                   report: RewrapReport) -> None:
    pk = next(iter(table.primary_key.columns))
    col = table.c[column]
    active, _ = hub.cipher._keys.active_key()  # noqa: SLF001
    after = None
    done = seen = 0
    while True:
        query = select(pk, col).where(col.is_not(None)).order_by(pk).limit(batch)
        if after is not None:
            query = query.where(pk > after)
        with hub.uow() as uow:
            rows = uow.session.execute(query).all()
            for row_id, blob in rows:
                seen += 1
                if not blob or Cipher.key_id_of(blob) == active:
                    continue
                changed = uow.session.execute(
                    table.update().where(pk == row_id, col == blob)
                    .values({column: hub.cipher.rewrap(blob)})).rowcount
                done += changed
                report.skipped_changed += 1 - changed
            uow.commit()
        if not rows:
            break
        after = rows[-1][0]
        if progress:
            progress(f"{table.name}.{column}", done, seen)
    report.rewrapped += done
    report.looked_at += seen


def key_usage(hub: Hub) -> Counter[str]:
    """How many stored values each master key wraps."""
    usage: Counter[str] = Counter()
    for table, column in encrypted_columns():
        col = table.c[column]
        with hub.uow(write=False) as uow:
            for (blob,) in uow.session.execute(select(col).where(col.is_not(None))):
                if blob:
                    usage[Cipher.key_id_of(blob)] += 1
    return usage


def retire_key(hub: Hub, key_id: str) -> None:
    """Remove a master key from the keyring, only once no stored value uses it."""
    provider = _keyring(hub)
    ring = provider.ring()
    if key_id not in ring.keys:
        raise ConfigError(f"密钥环中没有密钥 {key_id}")
    if key_id == ring.active_id:
        raise ConfigError(f"密钥 {key_id} 是当前主密钥，不能停用", hints=["先运行 `hub keys rotate`"])
    using = key_usage(hub).get(key_id, 0)
    if using:
        raise ConfigError(f"仍有 {using} 个加密值使用密钥 {key_id}，拒绝停用",
                          hints=["运行 `hub keys rewrap` 后再试"])
    del ring.keys[key_id]
    ring.retired[key_id] = datetime.now(UTC).isoformat()
    write_keyring(provider.path, ring)
    provider.ring()
