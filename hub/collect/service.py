"""Accepting native records, the one way for pulls, pushes and spreadsheet imports.

Each native record is kept raw (encrypted, like every body intake receives), mapped by its
connector's pure mapper, checked against the shared schema, then:

- a clue goes through `hub.intake.recorder.record`, exactly as an API clue does
  (idempotent on (agency, source_ref), wakes the pipeline);
- a record that is not a clue is counted, its raw record kept;
- a record that cannot be mapped, or maps to an invalid clue, becomes a dead letter that
  names the field and the reason, and can be replayed after a fix.

A call records its records in ONE transaction; `then` runs inside it, just before the commit
(a pull saves its cursor there, so a page and its cursor commit together).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.base import ConnectorSpec, MappingError
from connectors.registry import CONNECTORS
from hub import log
from hub.collect import repository
from hub.collect.models import ConnectorState
from hub.container import Hub
from hub.contract import jsonbody
from hub.contract.v1 import ClueSubmission
from hub.db.models import Agency
from hub.db.types import utcnow
from hub.errors import FieldError, NotFound
from hub.intake.present import parse_clue_no
from hub.intake.recorder import record
from hub.intake.service import ItemOutcome, Received, receive_items, validate_clue

RAW_ORIGIN = {"pull": "connector", "push": "push", "import": "import", "replay": "replay"}
REF_MAX = 200


@dataclass(frozen=True)
class Mapped:
    """What the mapper and the shared schema make of one native record."""

    kind: str  # clue | not_clue | refused
    submission: ClueSubmission | None = None
    field: str | None = None  # refused: the field at fault (native, or the v1 field)
    reason: str | None = None  # refused: in plain Chinese
    errors: list[FieldError] | None = None


@dataclass
class RecordResult:
    """The answer for one native record."""

    index: int
    status: int  # 201 new clue, 200 already known, 204 not a clue, 422 refused
    clue: dict[str, Any] | None = None
    errors: list[FieldError] | None = None
    dead_letter_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "status": self.status}
        if self.clue is not None:
            out["clue"] = self.clue
        if self.errors is not None:
            out["errors"] = [e.as_dict() for e in self.errors]
        if self.dead_letter_id is not None:
            out["dead_letter_id"] = self.dead_letter_id
        return out


@dataclass
class Tally:
    seen: int = 0
    new: int = 0
    known: int = 0
    not_clue: int = 0
    dead_lettered: int = 0

    def add(self, results: list[RecordResult]) -> Tally:
        for result in results:
            self.seen += 1
            if result.status == 201:
                self.new += 1
            elif result.status == 200:
                self.known += 1
            elif result.status == 204:
                self.not_clue += 1
            else:
                self.dead_lettered += 1
        return self

    def counts(self) -> dict[str, int]:
        return dict(vars(self))


def connector_spec(name: str) -> ConnectorSpec:
    spec = CONNECTORS.get(name)
    if spec is None:
        raise NotFound(f"没有名为“{name}”的连接器，可用的有：{'、'.join(CONNECTORS)}")
    return spec


def map_record(spec: ConnectorSpec, native: Any) -> Mapped:
    """Pure: a native record as a checked submission, not a clue, or refused with the reason."""
    try:
        data = spec.to_clue(native)
    except MappingError as exc:
        return Mapped("refused", field=exc.field, reason=exc.message_zh, errors=[FieldError(
            loc=["record", exc.field], msg=f"{exc.field}：{exc.message_zh}", type="mapping_error")])
    except Exception as exc:  # a mapper bug: keep the record for replay once it is fixed
        log.warning("hub.collect.mapper_failed", connector=spec.name, error=type(exc).__name__)
        reason = f"映射程序出错（{type(exc).__name__}），修复后可重放"
        return Mapped("refused", reason=reason,
                      errors=[FieldError(loc=["record"], msg=reason, type="mapper_error")])
    if data is None:
        return Mapped("not_clue")
    checked = validate_clue(data, ("clue",))
    if isinstance(checked, list):
        where = ".".join(str(part) for part in checked[0].loc[1:]) or None
        return Mapped("refused", field=where, reason="；".join(e.msg for e in checked),
                      errors=checked)
    return Mapped("clue", submission=checked)


def record_ref(spec: ConnectorSpec, native: Any) -> str | None:
    """The record's native id as sent (for finding it again), if it has one."""
    value = native.get(spec.source_ref_field) if isinstance(native, dict) else None
    text = unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""
    return text[:REF_MAX] or None


@dataclass
class Prepared:
    """One native record, mapped, checked and encrypted, ready to record."""

    native: Any
    mapped: Mapped
    received: Received
    ref: str | None = None


def prepare(hub: Hub, spec: ConnectorSpec, agency_id: int, origin: str, native: Any,
            raw: bytes | None = None) -> Prepared:
    """Map, check and encrypt one record in the caller's thread, ready to record."""
    mapped = map_record(spec, native)
    items: list = ([mapped.submission] if mapped.kind == "clue"
                   else [mapped.errors] if mapped.kind == "refused" else [])
    raw = orjson.dumps(native) if raw is None else raw
    received = receive_items(hub.cipher, agency_id, RAW_ORIGIN[origin], raw, items,
                             connector=spec.name)
    if mapped.kind == "not_clue":
        received.raw_outcome = "not_clue"
    return Prepared(native, mapped, received, record_ref(spec, native))


def refused_record(hub: Hub, spec: ConnectorSpec, agency_id: int, origin: str, raw: bytes,
                   errors: list[FieldError], depth: int = 3) -> Prepared:
    """A record that is not JSON the hub will take (too deep, a key repeated): kept raw as
    sent and dead-lettered like one its mapper refused. `depth`: how many parts of each
    error's loc lead to the record (body.records.<i>)."""
    where = ".".join(str(part) for part in errors[0].loc[depth:]) or None
    mapped = Mapped("refused", field=where, reason="；".join(e.msg for e in errors), errors=errors)
    received = receive_items(hub.cipher, agency_id, RAW_ORIGIN[origin], raw, [errors],
                             connector=spec.name)
    return Prepared(None, mapped, received)


def prepare_raw(hub: Hub, spec: ConnectorSpec, agency_id: int, origin: str,
                raw: bytes) -> Prepared:
    """One record kept as bytes (a dead letter's), read with the same checks as a pushed one."""
    depth = hub.settings.max_json_depth
    try:
        native = jsonbody.loads(raw, depth - 2, ("record",), depth)
    except jsonbody.JsonRefused as refused:
        return refused_record(hub, spec, agency_id, origin, raw, refused.errors, depth=1)
    return prepare(hub, spec, agency_id, origin, native, raw=raw)


def accept_items(hub: Hub, spec: ConnectorSpec, agency_id: int, origin: str,
                 items: list[jsonbody.Item]) -> list[RecordResult]:
    """Pushed records as read from the body: one that could not be read is dead-lettered
    with its bytes as sent, and the others go on."""
    prepared = [prepare(hub, spec, agency_id, origin, item.value, raw=item.raw)
                if item.errors is None
                else refused_record(hub, spec, agency_id, origin, item.raw or b"", item.errors)
                for item in items]
    return record_prepared(hub, spec.name, origin, prepared)


def accept_records(hub: Hub, spec: ConnectorSpec, agency_id: int, origin: str,
                   records: list[Any], *,
                   then: Callable[[Session, Tally], None] | None = None) -> list[RecordResult]:
    """Keep, map and record native records in one transaction; one result per record."""
    prepared = prepare_records(hub, spec, agency_id, origin, records)
    return record_prepared(hub, spec.name, origin, prepared, then=then)


def prepare_records(hub: Hub, spec: ConnectorSpec, agency_id: int, origin: str,
                    records: list[Any]) -> list[Prepared]:
    """The CPU part (map, check, encrypt): needs no database, may run ahead in a thread."""
    return [prepare(hub, spec, agency_id, origin, native) for native in records]


def record_prepared(hub: Hub, connector: str, origin: str, prepared: list[Prepared], *,
                    then: Callable[[Session, Tally], None] | None = None,
                    lean: bool = False) -> list[RecordResult]:
    """Record prepared records in one transaction; `then` runs inside it, before the commit.
    `lean`: the results carry no clue as the API shows it (a pull answers nobody)."""
    results: list[RecordResult] = []

    def before_commit(session: Session, outcomes: list[list[ItemOutcome]]) -> None:
        results[:] = _results(session, connector, origin, prepared, outcomes)
        if then is not None:
            then(session, Tally().add(results))

    if prepared:
        record(hub, [p.received for p in prepared], before_commit, lean=lean)
    return results


def _results(session: Session, connector: str, origin: str, prepared: list[Prepared],
             outcomes: list[list[ItemOutcome]]) -> list[RecordResult]:
    dead_ids = _dead_letters(session, connector, origin, prepared)
    results, clue_by_ref = [], {}
    for i, (one, outcome) in enumerate(zip(prepared, outcomes, strict=True)):
        if one.mapped.kind == "not_clue":
            results.append(RecordResult(i, 204))
        elif one.mapped.kind == "refused":
            results.append(RecordResult(i, 422, errors=one.mapped.errors,
                                        dead_letter_id=dead_ids[i]))
        else:
            results.append(RecordResult(i, outcome[0].status, clue=outcome[0].clue))
            if one.ref:
                clue_by_ref[one.ref] = outcome[0].clue_id
    repository.resolve_by_ref(session, connector, clue_by_ref, utcnow())
    return results


def _dead_letters(session: Session, connector: str, origin: str,
                  prepared: list[Prepared]) -> dict[int, int]:
    """A dead letter per refused record; one already open for the same bytes is reused."""
    refused = {i: p for i, p in enumerate(prepared) if p.mapped.kind == "refused"}
    existing = repository.open_by_sha(session, connector,
                                      (p.received.raw_sha256 for p in refused.values()))
    fresh: dict[str, int] = {}  # sha -> index of the first refused record with those bytes
    for i, one in refused.items():
        if one.received.raw_sha256 not in existing:
            fresh.setdefault(one.received.raw_sha256, i)
    now = utcnow()
    ids = repository.insert_dead_letters(session, [
        {"connector": connector, "origin": origin,
         "raw_record_id": refused[i].received.raw_record_id, "record_ref": refused[i].ref,
         "field": refused[i].mapped.field and refused[i].mapped.field[:REF_MAX],
         "reason": refused[i].mapped.reason, "state": "open", "created_at": now}
        for i in fresh.values()])
    existing.update(zip(fresh, ids, strict=True))
    return {i: existing[one.received.raw_sha256] for i, one in refused.items()}


def clue_id(clue: dict[str, Any] | None) -> int | None:
    parsed = parse_clue_no(clue["id"]) if clue else None
    return parsed[1] if parsed else None


def connector_agency(hub: Hub, spec: ConnectorSpec) -> int:
    """The agency a connector's records belong to, created with its state on first use."""
    with hub.uow(write=False) as uow:
        state = repository.get_state(uow.session, spec.name)
        if state is not None:
            return state.agency_id
    try:
        return _ensure_state(hub, spec).agency_id
    except IntegrityError:  # another process created it at the same moment
        return _ensure_state(hub, spec).agency_id


def _ensure_state(hub: Hub, spec: ConnectorSpec) -> ConnectorState:
    with hub.uow() as uow:
        state = ensure_state(uow.session, spec, hub.settings.office_region)
        uow.commit()
    return state


def ensure_state(session: Session, spec: ConnectorSpec, region: str | None) -> ConnectorState:
    """The connector's state row, and its agency (named after the partner system)."""
    state = repository.get_state(session, spec.name)
    if state is not None:
        return state
    now = utcnow()
    agency = repository.agency_named(session, spec.display_name_zh)
    if agency is None:
        agency = Agency(name=spec.display_name_zh, channel=spec.channel, region_code=region,
                        active=True, created_at=now)
        session.add(agency)
        session.flush()
    state = ConnectorState(name=spec.name, agency_id=agency.id, interval_seconds=300,
                           page_size=100, enabled=False, health="healthy",
                           consecutive_failures=0, updated_at=now)
    session.add(state)
    session.flush()
    return state
