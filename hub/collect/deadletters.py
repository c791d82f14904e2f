"""Dead letters: native records that could not become clues, kept for a second try.

Replay decrypts the raw record, maps it again with the connector's mapper as it is now (fixed,
perhaps) and checks it again. One that passes is recorded like any clue and the dead letter
is marked replayed with the clue's id, in the same transaction; one that still fails stays
open with the new reason; one that now maps to "not a clue" is resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.orm import Session

from connectors.registry import CONNECTORS
from hub.collect import repository
from hub.collect.masking import masked_native, unmask
from hub.collect.models import DeadLetter
from hub.collect.service import clue_id, prepare_raw
from hub.container import Hub
from hub.contract import jsonbody
from hub.db.models import RawRecord
from hub.db.types import utcnow
from hub.errors import NotFound
from hub.intake.recorder import record
from hub.intake.service import ItemOutcome, raw_aad
from hub.workdays import SHANGHAI

BATCH = 100


@dataclass(frozen=True)
class ReplayResult:
    dead_letter_id: int
    state: str  # replayed | resolved | open (still failing) | the state it already had
    clue: dict[str, Any] | None = None
    field: str | None = None
    reason: str | None = None
    skipped: bool = False  # it was not open


def list_dead_letters(hub: Hub, connector: str | None = None,
                      state: str | None = "open") -> list[DeadLetter]:
    with hub.uow(write=False) as uow:
        return repository.list_dead_letters(uow.session, connector, state)


def replay(hub: Hub, ids: list[int] | None = None, *,
           connector: str | None = None) -> list[ReplayResult]:
    """Replay the dead letters `ids`, or every open one (of `connector`) when None."""
    with hub.uow(write=False) as uow:
        targets = ids if ids is not None else repository.open_ids(uow.session, connector)
    results: list[ReplayResult] = []
    for start in range(0, len(targets), BATCH):
        results += _replay_batch(hub, targets[start:start + BATCH])
    return results


def _replay_batch(hub: Hub, ids: list[int]) -> list[ReplayResult]:
    with hub.uow(write=False) as uow:
        pairs = repository.dead_letters_with_raw(uow.session, ids)
    missing = sorted(set(ids) - {dead.id for dead, _ in pairs})
    if missing:
        raise NotFound(f"没有找到死信 {'、'.join(map(str, missing))}")
    skipped = [ReplayResult(dead.id, dead.state, skipped=True)
               for dead, _ in pairs if dead.state != "open"]
    attempts = [(dead, _prepare(hub, dead, raw)) for dead, raw in pairs if dead.state == "open"]
    clues = [(dead, one) for dead, one in attempts
             if not isinstance(one, str) and one.mapped.kind == "clue"]
    results: list[ReplayResult] = []

    def before_commit(session: Session, outcomes: list[list[ItemOutcome]]) -> None:
        by_dead = {dead.id: outcome[0].clue for (dead, _), outcome in zip(clues, outcomes,
                                                                        strict=True)}
        results[:] = _settle(session, attempts, by_dead)

    if clues:
        record(hub, [one.received for _, one in clues], before_commit)
    else:
        with hub.uow() as uow:
            before_commit(uow.session, [])
            uow.commit()
    return skipped + results


def _prepare(hub: Hub, dead: DeadLetter, raw: RawRecord):  # noqa: ANN202
    """The record mapped again, or why it cannot be replayed (a string)."""
    spec = CONNECTORS.get(dead.connector)
    if spec is None:
        return f"连接器“{dead.connector}”已不存在，无法重放"
    if raw.purged_at is not None:
        purged_on = raw.purged_at.astimezone(SHANGHAI).date().isoformat()
        return f"原始记录已于 {purged_on} 按保存期限清除，无法重放"
    plain = hub.cipher.decrypt(raw.body_enc, raw_aad(raw.agency_id))
    return prepare_raw(hub, spec, raw.agency_id, "replay", plain)


def _settle(session: Session, attempts: list, clue_by_dead: dict[int, dict]) -> list[ReplayResult]:
    now = utcnow()
    results = []
    for dead, one in attempts:
        if isinstance(one, str):
            repository.update_dead_letter(session, dead.id, reason=one)
            results.append(ReplayResult(dead.id, "open", reason=one))
        elif one.mapped.kind == "clue":
            clue = clue_by_dead[dead.id]
            repository.update_dead_letter(session, dead.id, state="replayed", replayed_at=now,
                                          clue_id=clue_id(clue))
            results.append(ReplayResult(dead.id, "replayed", clue=clue))
        elif one.mapped.kind == "not_clue":
            repository.update_dead_letter(session, dead.id, state="resolved", replayed_at=now)
            results.append(ReplayResult(dead.id, "resolved"))
        else:
            field = one.mapped.field and one.mapped.field[:200]
            repository.update_dead_letter(session, dead.id, field=field,
                                          reason=one.mapped.reason)
            results.append(ReplayResult(dead.id, "open", field=field, reason=one.mapped.reason))
    return results


def _native(hub: Hub, raw: RawRecord | None) -> Any:
    if raw is None or raw.purged_at is not None:
        return None
    plain = hub.cipher.decrypt(raw.body_enc, raw_aad(raw.agency_id))
    try:
        return jsonbody.loads(plain, hub.settings.max_json_depth)
    except jsonbody.JsonRefused:  # kept as sent (too deep, a key repeated): shown as text
        return plain.decode("utf-8", "replace")


def native_records(hub: Hub, dead_id: int) -> tuple[Any, Any, DeadLetter]:
    """The native record as received, the administrator's correction (or None), the letter."""
    with hub.uow(write=False) as uow:
        dead = repository.get_dead_letter(uow.session, dead_id)
        if dead is None:
            raise NotFound(f"没有找到死信 {dead_id}")
        original = _native(hub, repository.get_raw(uow.session, dead.raw_record_id))
        corrected = None
        if dead.corrected_raw_record_id is not None:
            corrected = _native(hub, repository.get_raw(uow.session, dead.corrected_raw_record_id))
    return original, corrected, dead


def discard(hub: Hub, ids: list[int], reason: str, *, actor: str, via: str,
            ip: str | None = None) -> int:
    """Open dead letters set aside for good, with the reason (kept, never deleted)."""
    from hub import audit
    from hub.errors import FieldError, InvalidInput

    reason = reason.strip()
    if not reason:
        raise InvalidInput([FieldError(["reason"], "请填写放弃处理的理由")])
    with hub.uow() as uow:
        pairs = repository.dead_letters_with_raw(uow.session, ids)
        missing = sorted(set(ids) - {dead.id for dead, _ in pairs})
        if missing:
            raise NotFound(f"没有找到死信 {'、'.join(map(str, missing))}")
        n = 0
        for dead, _ in pairs:
            if dead.state != "open":
                continue
            repository.update_dead_letter(uow.session, dead.id, state="discarded",
                                          discard_reason=reason[:2000], replayed_at=utcnow())
            audit.record(uow.session, actor=actor, action="dead_letter.discarded",
                         target=f"dead_letter:{dead.id}", via=via, ip=ip,
                         after={"reason": reason[:200]})
            n += 1
        uow.commit()
    return n


def correct(hub: Hub, dead_id: int, edited: Any, *, actor: str, via: str,
            ip: str | None = None) -> int:
    """Keep a corrected native record beside the original (which stays as received): a raw
    record of its own, which replay maps from now on. Personal fields the administrator saw
    masked and left as they were keep their original values."""
    import hashlib

    from hub import audit
    from hub.errors import Conflict

    original, _, dead = native_records(hub, dead_id)
    if dead.state != "open":
        raise Conflict(f"死信 {dead_id} 已处理（{dead.state}），不能再更正")
    if original is None:
        raise Conflict(f"死信 {dead_id} 的原始记录已按保存期限清除，无法更正")
    body = orjson.dumps(unmask(edited, masked_native(original), original))
    with hub.uow() as uow:
        raw = repository.get_raw(uow.session, dead.raw_record_id)
        agency_id = raw.agency_id if raw else None
        raw_id = repository.add_raw(uow.session, RawRecord(
            agency_id=agency_id, origin="correction", connector=dead.connector,
            received_at=utcnow(), sha256=hashlib.sha256(body).hexdigest(), size=len(body),
            body_enc=hub.cipher.encrypt(body, raw_aad(agency_id)), outcome="correction"))
        repository.update_dead_letter(uow.session, dead.id, corrected_raw_record_id=raw_id)
        audit.record(uow.session, actor=actor, action="dead_letter.corrected",
                     target=f"dead_letter:{dead.id}", via=via, ip=ip,
                     after={"original_raw_record": dead.raw_record_id,
                            "corrected_raw_record": raw_id})
        uow.commit()
    return raw_id
