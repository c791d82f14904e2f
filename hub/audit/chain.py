"""The chain's arithmetic, pure: canonical encoding, hashes, and checking a run of entries."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS = "0" * 64


def canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_fields(entry: Any) -> dict[str, Any]:
    """What the hash covers: every column of the entry except the hash itself."""
    return {
        "seq": entry.seq, "at": canonical_time(entry.at), "actor_kind": entry.actor_kind,
        "actor_id": entry.actor_id, "action": entry.action, "target_kind": entry.target_kind,
        "target_id": entry.target_id, "ip": entry.ip, "via": entry.via,
        "before": entry.before, "after": entry.after, "prev_hash": entry.prev_hash,
    }


def canonical(data: dict[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same bytes for the same entry on any backend."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def entry_hash(entry: Any) -> str:
    return hashlib.sha256(canonical(entry_fields(entry))).hexdigest()


def head_message(seq: int, hash_: str, signed_at: datetime) -> bytes:
    return canonical({"seq": seq, "hash": hash_, "signed_at": canonical_time(signed_at)})


@dataclass
class ChainCheck:
    """Walks entries in seq order and stops at the first one that breaks the chain."""

    checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    broken_seq: int | None = None
    problem: str | None = None
    hashes_at: dict[int, str] = field(default_factory=dict)  # seqs a head points at
    wanted: set[int] = field(default_factory=set)

    def feed(self, entries: Iterable[Any]) -> bool:
        """False once broken (the caller stops reading)."""
        for entry in entries:
            if self.broken_seq is not None:
                return False
            expected = self.last_seq + 1
            if entry.seq != expected:
                self._break(expected, f"记录 #{expected} 缺失（#{self.last_seq} 之后是 #{entry.seq}），"
                                      "记录被删除")
            elif entry.prev_hash != self.last_hash:
                self._break(entry.seq, f"记录 #{entry.seq} 的前一哈希与 #{self.last_seq} 不符")
            elif entry_hash(entry) != entry.hash:
                self._break(entry.seq, f"记录 #{entry.seq} 的内容与其哈希不符，记录被改动")
            else:
                self.checked += 1
                self.last_seq, self.last_hash = entry.seq, entry.hash
                if entry.seq in self.wanted:
                    self.hashes_at[entry.seq] = entry.hash
        return self.broken_seq is None

    def _break(self, seq: int, problem: str) -> None:
        self.broken_seq, self.problem = seq, problem
