"""Appending to the trail, signing its head, verifying it (all of it, or quickly its newest
part), and reading it back."""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from hub.audit import repository
from hub.audit.chain import GENESIS, ChainCheck, entry_hash, first_changed, head_message, make_span
from hub.audit.models import AuditEntry, AuditHead
from hub.audit.repository import APPEND_LOCK_KEY, TrailFilter, entries
from hub.db.types import utcnow
from hub.normalize.codes.raw_masking import mask_record
from hub.security.signing import SigningKey, verify

__all__ = ["APPEND_LOCK_KEY", "TrailFilter", "Verdict", "agency_actor", "cli_actor", "entries",
           "record", "sign_head", "user_actor", "verify_recent", "verify_trail"]

ACTOR_KINDS = ("user", "agency", "system")
VIAS = ("api", "page", "cli", "system")
SECRET_WORDS = ("password", "secret", "api_key", "token", "key_material")
VERIFY_BATCH = 2000
# The auditor's page re-hashes at most this many entries (the head is signed within a minute
# of the last append).
TAIL_LIMIT = 5000
# A head records the hashes of at most this many entries since the previous head (more only
# when a trail from before heads carried them is signed for the first time).
SPAN_LIMIT = 200_000


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
    repository.lock_appends(session)
    last = repository.newest_entry(session)
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1, at=at or utcnow(), actor_kind=actor_kind,
        actor_id=actor_id or None, action=action, target_kind=target_kind or None,
        target_id=target_id or None, ip=ip, via=via, before=_clean(before), after=_clean(after),
        prev_hash=last.hash if last else GENESIS)
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


def _clean(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Masked, secret-free, and round-tripped through JSON so the hash covers what is stored."""
    if value is None:
        return None
    masked = mask_record({k: v for k, v in value.items()
                          if not any(w in k.lower() for w in SECRET_WORDS)}, )
    return _without_nul(orjson.loads(orjson.dumps(masked, default=str)))


def _without_nul(value: Any) -> Any:
    """NUL written as the text `\\u0000`: PostgreSQL's JSON cannot hold the character, and
    a refused login name carrying one must still be recorded."""
    if isinstance(value, str):
        return value.replace("\x00", "\\u0000")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def sign_head(session: Session, key: SigningKey, now: datetime | None = None) -> AuditHead | None:
    """Sign the newest entry's seq and hash, with the hashes of the entries since the previous
    head, unless that head is signed already. Signers are serialized (PostgreSQL: the append
    lock; SQLite: the write lock taken first), so one head is signed once."""
    repository.lock_appends(session)
    repository.write_lock_sqlite(session)
    last = repository.newest_entry(session)
    if last is None:
        return None
    signed = repository.newest_head_seq(session)
    if signed is not None and signed == last.seq:
        return None
    start = (signed or 0) + 1
    span = None
    if last.seq - start < SPAN_LIMIT:
        span = make_span(repository.hashes_between(session, start, last.seq))
    at = now or utcnow()
    head = AuditHead(seq=last.seq, hash=last.hash, signed_at=at, key_id=key.key_id,
                     span_start=start if span is not None else None, span=span,
                     signature=key.sign(head_message(last.seq, last.hash, at,
                                                     start if span is not None else None, span)))
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
    full: bool = True  # False: only the newest signed head and the entries after it
    unchecked: int = 0  # newer entries past the quick check's limit

    def summary(self) -> str:
        if not self.ok:
            where = f"第一条损坏的记录：#{self.broken_seq}；" if self.broken_seq else ""
            return f"审计记录已损坏：{where}{self.problem}"
        if not self.full:
            return self._quick_summary()
        signed = (f"，最新签名链头 #{self.last_signed_seq}" if self.last_signed_seq
                  else "，尚无签名链头")
        return f"审计记录完整：{self.entries} 条记录、{self.heads} 个签名链头均已校验{signed}"

    def _quick_summary(self) -> str:
        if self.last_signed_seq:
            checked = f"已校验最新签名链头 #{self.last_signed_seq} 及其后 {self.entries - 1} 条记录"
        else:
            checked = f"尚无签名链头，已从第一条起校验 {self.entries} 条记录"
        rest = f"，更新的 {self.unchecked} 条记录本页未校验" if self.unchecked else ""
        return (f"最近的审计记录完好：{checked}{rest}；"
                "完整校验请用 `hub audit verify` 或点击“完整校验”")


def verify_trail(session: Session, key: SigningKey) -> Verdict:
    """Check every entry's hash and link, and every signed head on the way: where the entries
    were changed and every later hash recomputed, the first changed entry is named (from the
    hashes the head recorded). Then the heads that point past the newest entry."""
    public, heads, bad = key.private.public_key(), [], None
    for head in repository.heads_in_order(session):  # signatures first: an unsigned head vouches for nothing
        if _signature_ok(head, public, key.key_id):
            heads.append((head.seq, head.hash))
        elif bad is None:
            bad = head
    check = ChainCheck(wanted={seq for seq, _ in heads}, signed=dict(heads))
    after = 0
    while True:
        batch = repository.entries_after(session, after, VERIFY_BATCH)
        if not batch or not check.feed(batch):
            break
        after = batch[-1].seq
    if check.broken_seq is not None:
        if check.recomputed:
            return _recomputed(session, check)
        return Verdict(False, check.checked, 0, check.broken_seq, check.problem)
    if bad is not None:
        return Verdict(False, check.checked, 0, *_head_broken(bad, check, key))
    for n, (seq, _hash) in enumerate(heads):
        if seq > check.last_seq:
            return Verdict(False, check.checked, n, check.last_seq + 1,
                           f"链头 #{seq} 已签名，但记录只到 #{check.last_seq}：其后的记录被删除")
    return Verdict(True, check.checked, len(heads), None, None, heads[-1][0] if heads else None)


def _signature_ok(head: Any, public: Any, key_id: str) -> bool:
    return head.key_id == key_id and verify(public, head_message(
        head.seq, head.hash, head.signed_at, head.span_start, head.span), head.signature)


def _recomputed(session: Session, check: ChainCheck) -> Verdict:
    """The entries disagree with a head at `check.broken_seq` though each links to the one
    before it: something at or before that seq was changed and the hashes after it redone.
    The head's recorded hashes name the first changed entry; a head without them (signed
    before they were kept) narrows it to the entries since the previous matching head."""
    head_seq, since = check.broken_seq, check.last_matched_head
    head = repository.head_with_span(session, head_seq)
    changed = None
    if head is not None and head.span_start is not None and head.span_start <= since + 1:
        changed = first_changed(head.span_start, head.span, repository.seq_hashes_between(
            session, head.span_start, head_seq))
    if changed is not None:
        return Verdict(False, check.checked, 0, changed,
                       f"记录 #{changed} 的内容被改动，其后各条记录的哈希被重新计算"
                       f"（链被重算过，与已签名链头 #{head_seq} 不符）")
    return Verdict(False, check.checked, 0, since + 1,
                   f"记录 #{since + 1} 至 #{head_seq} 之间有记录被改动，其后各条记录的哈希被重新计算"
                   f"（链被重算过，与已签名链头 #{head_seq} 不符）")


def _head_broken(head: Any, check: ChainCheck, key: SigningKey) -> tuple[int, str] | None:
    """The first broken seq and the problem, when the head does not vouch for the entries."""
    problem = _head_problem(head, check, key.private.public_key(), key.key_id)
    if problem is None:
        return None
    return (head.seq if head.seq <= check.last_seq else check.last_seq + 1), problem


def _head_problem(head: Any, check: ChainCheck, public: Any, key_id: str) -> str | None:
    if not _signature_ok(head, public, key_id):
        return f"链头 #{head.seq}（{head.signed_at:%Y-%m-%d %H:%M}）的签名无效"
    if head.seq > check.last_seq:
        return (f"链头 #{head.seq} 已签名，但记录只到 #{check.last_seq}："
                "其后的记录被删除")
    if check.hashes_at.get(head.seq) != head.hash:
        return f"记录 #{head.seq} 与已签名链头的哈希不符：链被重算过"
    return None


def verify_recent(session: Session, key: SigningKey, limit: int = TAIL_LIMIT) -> Verdict:
    """The quick check for the auditor's page: the newest signed head's signature and entry,
    then at most `limit` entries after it, chained from its hash. What lies before that head
    is `verify_trail`'s to check."""
    head = repository.newest_head(session)
    take = limit + 1 if head else limit  # the head's own entry, then `limit` after it
    rows = repository.entries_from(session, head.seq if head else 1, take + 1)
    check = _seeded_check(session, head, rows[:1])
    check.feed(rows[:take])
    signed = head.seq if head else None
    if check.broken_seq is not None:
        return Verdict(False, check.checked, 0, check.broken_seq, check.problem, signed, False)
    broken = _head_broken(head, check, key) if head else None
    if broken:
        return Verdict(False, check.checked, 0, *broken, signed, False)
    unchecked = repository.newest_seq(session) - check.last_seq if len(rows) > take else 0
    return Verdict(True, check.checked, 1 if head else 0, None, None, signed, False, unchecked)


def _seeded_check(session: Session, head: AuditHead | None,
                  first: list[AuditEntry]) -> ChainCheck:
    """A chain check that starts at the head's entry, taking the link into it on trust."""
    if head is None:
        return ChainCheck()
    if not first:  # the head points past the last entry: the newest entries were deleted
        return ChainCheck(last_seq=repository.newest_seq(session), wanted={head.seq})
    return ChainCheck(last_seq=head.seq - 1, last_hash=first[0].prev_hash, wanted={head.seq})

