"""Appending to the trail, signing its head, verifying all of it, and reading it back."""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hub.audit.chain import GENESIS, ChainCheck, entry_hash, head_message
from hub.audit.models import AuditEntry, AuditHead
from hub.db.types import utcnow
from hub.review.masking import mask_record
from hub.security.signing import SigningKey, verify

# Distinct from the scheduler's leader lock; held until the caller's transaction ends.
APPEND_LOCK_KEY = 0x68756241  # "hubA"
ACTOR_KINDS = ("user", "agency", "system")
VIAS = ("api", "page", "cli", "system")
SECRET_WORDS = ("password", "secret", "api_key", "token", "key_material")
VERIFY_BATCH = 2000


def user_actor(user: Any) -> str:
    """`user:<id>` for an office principal or user row."""
    return f"user:{getattr(user, 'user_id', None) or user.id}"


def agency_actor(agency_id: int) -> str:
    return f"agency:{agency_id}"


def cli_actor() -> str:
    """The operating-system account that ran a `hub` command."""
    return f"system:{getpass.getuser()}"


def record(session: Session, *, actor: str, action: str, target: str | None = None,
           via: str = "system", ip: str | None = None, before: Mapping[str, Any] | None = None,
           after: Mapping[str, Any] | None = None, at: datetime | None = None) -> AuditEntry:
    """Append one entry inside the caller's transaction (the caller commits).

    `actor` is "user:3", "agency:2", "system" or "system:<name>"; `target` is "<kind>:<id>"
    such as "clue:17". Personal fields in `before`/`after` are masked and secrets dropped.
    Appends are serialized (PostgreSQL: a transaction-level advisory lock; SQLite: its one
    writer), so the seq and previous hash read here stay the newest until commit.
    """
    actor_kind, _, actor_id = actor.partition(":")
    if actor_kind not in ACTOR_KINDS:
        raise ValueError(f"unknown actor kind in {actor!r}")
    if via not in VIAS:
        raise ValueError(f"unknown via {via!r}")
    target_kind, _, target_id = (target or "").partition(":")
    _lock(session)
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1, at=at or utcnow(), actor_kind=actor_kind,
        actor_id=actor_id or None, action=action, target_kind=target_kind or None,
        target_id=target_id or None, ip=ip, via=via, before=_clean(before), after=_clean(after),
        prev_hash=last.hash if last else GENESIS)
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": APPEND_LOCK_KEY})


def _clean(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Masked, secret-free, and round-tripped through JSON so the hash covers what is stored."""
    if value is None:
        return None
    masked = mask_record({k: v for k, v in value.items()
                          if not any(w in k.lower() for w in SECRET_WORDS)}, )
    return _no_nul(orjson.loads(orjson.dumps(masked, default=str)))


def _no_nul(value: Any) -> Any:
    """NUL shown as U+FFFD: PostgreSQL's JSONB cannot hold \\u0000 (a refused login's name may)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_no_nul(k): _no_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nul(v) for v in value]
    return value


def sign_head(session: Session, key: SigningKey, now: datetime | None = None) -> AuditHead | None:
    """Sign the newest entry's seq and hash, unless that head is signed already."""
    _lock(session)
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    if last is None:
        return None
    signed = session.scalar(select(AuditHead).order_by(AuditHead.seq.desc()).limit(1))
    if signed is not None and signed.seq == last.seq:
        return None
    at = now or utcnow()
    head = AuditHead(seq=last.seq, hash=last.hash, signed_at=at, key_id=key.key_id,
                     signature=key.sign(head_message(last.seq, last.hash, at)))
    session.add(head)
    session.flush()
    return head


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    heads: int
    broken_seq: int | None = None
    problem: str | None = None
    last_signed_seq: int | None = None

    def summary(self) -> str:
        if self.ok:
            signed = (f"，最新签名链头 #{self.last_signed_seq}" if self.last_signed_seq
                      else "，尚无签名链头")
            return f"审计记录完整：{self.entries} 条记录、{self.heads} 个签名链头均已校验{signed}"
        where = f"第一条损坏的记录：#{self.broken_seq}；" if self.broken_seq else ""
        return f"审计记录已损坏：{where}{self.problem}"


def verify_trail(session: Session, key: SigningKey) -> Verdict:
    """Check every entry's hash and link, then every signed head against the entries."""
    heads = list(session.scalars(select(AuditHead).order_by(AuditHead.seq, AuditHead.id)))
    check = ChainCheck(wanted={h.seq for h in heads})
    after = 0
    while True:
        batch = list(session.scalars(select(AuditEntry).where(AuditEntry.seq > after)
                                     .order_by(AuditEntry.seq).limit(VERIFY_BATCH)))
        if not batch or not check.feed(batch):
            break
        after = batch[-1].seq
    if check.broken_seq is not None:
        return Verdict(False, check.checked, 0, check.broken_seq, check.problem)
    public = key.private.public_key()
    for n, head in enumerate(heads):
        problem = _head_problem(head, check, public, key.key_id)
        if problem:
            broken = head.seq if head.seq <= check.last_seq else check.last_seq + 1
            return Verdict(False, check.checked, n, broken, problem)
    return Verdict(True, check.checked, len(heads), None, None,
                   heads[-1].seq if heads else None)


def _head_problem(head: AuditHead, check: ChainCheck, public: Any, key_id: str) -> str | None:
    if head.key_id != key_id or not verify(public, head_message(head.seq, head.hash,
                                                                head.signed_at), head.signature):
        return f"链头 #{head.seq}（{head.signed_at:%Y-%m-%d %H:%M}）的签名无效"
    if head.seq > check.last_seq:
        return (f"链头 #{head.seq} 已签名，但记录只到 #{check.last_seq}："
                "其后的记录被删除")
    if check.hashes_at.get(head.seq) != head.hash:
        return f"记录 #{head.seq} 与已签名链头的哈希不符：链被重算过"
    return None


@dataclass(frozen=True)
class TrailFilter:
    actor: str | None = None  # "user:3", "user", "agency:2", "system"
    action: str | None = None  # prefix, e.g. "reporter."
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    target: str | None = None


def entries(session: Session, f: TrailFilter, before_seq: int | None = None,
            limit: int = 100) -> list[AuditEntry]:
    """Newest first, `limit` at a time, older ones after `before_seq`."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if before_seq:
        query = query.where(AuditEntry.seq < before_seq)
    if f.actor:
        kind, _, ident = f.actor.partition(":")
        query = query.where(AuditEntry.actor_kind == kind)
        if ident:
            query = query.where(AuditEntry.actor_id == ident)
    if f.action:
        query = query.where(AuditEntry.action.startswith(f.action, autoescape=True))
    if f.target:
        kind, _, ident = f.target.partition(":")
        query = query.where(AuditEntry.target_kind == kind, AuditEntry.target_id == ident)
    if f.since:
        query = query.where(AuditEntry.at >= f.since)
    if f.until:
        query = query.where(AuditEntry.at < f.until)
    return list(session.scalars(query))
