"""The chain's arithmetic, pure: canonical encoding, hashes, and checking a run of entries."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS = "0" * 64
SPAN_HEX = 16  # leading hex digits of each entry's hash a head keeps (64 bits)


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


def head_message(seq: int, hash_: str, signed_at: datetime, span_start: int | None = None,
                 span: str | None = None) -> bytes:
    """What a head's signature covers; with a span, its start and its digest too (heads
    signed before spans existed keep verifying)."""
    message: dict[str, Any] = {"seq": seq, "hash": hash_, "signed_at": canonical_time(signed_at)}
    if span is not None:
        message["span_start"] = span_start
        message["span"] = hashlib.sha256(span.encode()).hexdigest()
    return canonical(message)


def make_span(hashes: Iterable[str]) -> str:
    return ",".join(h[:SPAN_HEX] for h in hashes)


def first_changed(span_start: int, span: str, stored: Iterable[tuple[int, str]]) -> int | None:
    """The first seq whose stored hash differs from the one the head recorded (or that the
    head recorded and is gone), None when all agree."""
    recorded = span.split(",") if span else []
    seen = 0
    for seq, hash_ in stored:
        index = seq - span_start
        if not 0 <= index < len(recorded) or hash_[:SPAN_HEX] != recorded[index]:
            return seq
        seen += 1
    return span_start + seen if seen < len(recorded) else None


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
    # Checked on the way: seq -> the hash a validly signed head vouches for at that seq.
    signed: dict[int, str] = field(default_factory=dict)
    last_matched_head: int = 0  # the newest head whose hash the entries matched
    recomputed: bool = False  # broken where a head's hash differs: the chain was recomputed

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
            elif entry.seq in self.signed and self.signed[entry.seq] != entry.hash:
                self.recomputed = True
                self._break(entry.seq, f"记录 #{entry.seq} 与已签名链头的哈希不符：链被重算过")
            else:
                self.checked += 1
                self.last_seq, self.last_hash = entry.seq, entry.hash
                if entry.seq in self.wanted:
                    self.hashes_at[entry.seq] = entry.hash
                if entry.seq in self.signed:
                    self.last_matched_head = entry.seq
        return self.broken_seq is None

    def _break(self, seq: int, problem: str) -> None:
        self.broken_seq, self.problem = seq, problem
