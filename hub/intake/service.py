"""Receiving clues: validate, keep the raw body, record new clues, answer item by item.

Everything received from an authenticated agency is kept as a raw record, even when it is
refused, so nothing is lost. The API answers only after the commit, and wakes the first
pipeline stage after it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from hub import log
from hub.agencies.service import AgencyPrincipal
from hub.container import Hub
from hub.contract.messages import body_error, field_errors
from hub.contract.v1 import BatchSubmission, ClueSubmission
from hub.db.models import Clue
from hub.db.types import utcnow
from hub.errors import FieldError
from hub.intake import repository
from hub.intake.present import clue_json
from hub.normalize.codes import mask_id_number, mask_name, mask_phone
from hub.pipeline import tasks
from hub.pipeline.stages import FIRST_STAGE


@dataclass
class ItemOutcome:
    status: int  # 201 new, 200 already received, 422 refused
    clue: dict[str, Any] | None = None
    errors: list[FieldError] | None = None


class _Refused(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors


def submit(hub: Hub, agency: AgencyPrincipal, raw: bytes) -> ItemOutcome:
    """One clue (`POST /api/v1/clues`)."""
    try:
        checked = _validate(_parse(raw), ("body",))
    except _Refused as refused:
        return _refuse(hub, agency, raw, "api", refused.errors)
    return _record(hub, agency, raw, "api", [checked])[0]


def submit_batch(hub: Hub, agency: AgencyPrincipal, raw: bytes) -> list[ItemOutcome] | ItemOutcome:
    """Up to 500 clues (`POST /api/v1/clues/batch`): one bad item never sinks the rest.

    A body that is not `{"clues": [...]}` at all is refused as a whole (one ItemOutcome).
    """
    try:
        envelope = BatchSubmission.model_validate(_parse(raw))
    except ValidationError as exc:
        return _refuse(hub, agency, raw, "api_batch", field_errors(exc))
    except _Refused as refused:
        return _refuse(hub, agency, raw, "api_batch", refused.errors)
    checked: list[ClueSubmission | list[FieldError]] = []
    for i, item in enumerate(envelope.clues):
        try:
            checked.append(_validate(item, ("body", "clues", i)))
        except _Refused as refused:
            checked.append(refused.errors)
    return _record(hub, agency, raw, "api_batch", checked)


def _parse(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _Refused([body_error("请求体不是合法的 UTF-8 JSON", ("body",), "json_invalid")]) from None


def _validate(data: Any, prefix: tuple) -> ClueSubmission:
    if not isinstance(data, dict):
        raise _Refused([body_error("线索应为 JSON 对象", prefix, "model_type")])
    try:
        return ClueSubmission.model_validate(data)
    except ValidationError as exc:
        raise _Refused(field_errors(exc, prefix)) from None


def _refuse(hub: Hub, agency: AgencyPrincipal, raw: bytes, origin: str,
            errors: list[FieldError]) -> ItemOutcome:
    with hub.uow() as uow:
        repository.insert_raw(uow.session, **_raw_values(hub, agency, raw, origin, "rejected",
                                                         [e.as_dict() for e in errors]))
        uow.commit()
    log.event("hub.intake.refused", agency=agency.agency_id, origin=origin, errors=len(errors))
    return ItemOutcome(422, errors=errors)


def _record(hub: Hub, agency: AgencyPrincipal, raw: bytes, origin: str,
            items: list[ClueSubmission | list[FieldError]]) -> list[ItemOutcome]:
    valid = {i: item for i, item in enumerate(items) if isinstance(item, ClueSubmission)}
    prepared = {i: _clue_row(hub, agency, item, i if origin == "api_batch" else None)
                for i, item in valid.items()}
    try:
        return _store(hub, agency, raw, origin, items, prepared)
    except IntegrityError:
        # Another request recorded the same source_ref between our read and our insert;
        # the second attempt finds it and answers 200 with it.
        return _store(hub, agency, raw, origin, items, prepared)


def _store(hub: Hub, agency: AgencyPrincipal, raw: bytes, origin: str, items: list,
           prepared: dict[int, dict[str, Any]]) -> list[ItemOutcome]:
    now = utcnow()
    refused = [e.as_dict() for item in items if isinstance(item, list) for e in item]
    with hub.uow() as uow:
        existing = repository.existing_by_source_ref(
            uow.session, agency.agency_id, list({row["source_ref"] for row in prepared.values()})
        )
        fresh: dict[str, int] = {}  # source_ref -> index of its first new occurrence
        for i, row in prepared.items():
            if row["source_ref"] not in existing:
                fresh.setdefault(row["source_ref"], i)
        outcome = _raw_outcome(len(items), len(prepared), len(fresh))
        raw_id = repository.insert_raw(
            uow.session, **_raw_values(hub, agency, raw, origin, outcome, refused or None, now)
        )
        new_rows = [{**prepared[i], "raw_record_id": raw_id, "received_at": now, "updated_at": now}
                    for i in fresh.values()]
        ids = repository.insert_clues(uow.session, new_rows, now) if new_rows else []
        uow.wake(FIRST_STAGE, tasks.create(uow.session, FIRST_STAGE, ids, now))
        uow.commit()
    created = {row["source_ref"]: Clue(id=clue_id, **row)
               for clue_id, row in zip(ids, new_rows, strict=True)}
    log.event("hub.intake.recorded", agency=agency.agency_id, origin=origin, new=len(ids),
              known=len(prepared) - len(ids), refused=len(items) - len(prepared))
    return [_item_outcome(i, item, prepared, existing, created, fresh)
            for i, item in enumerate(items)]


def _item_outcome(i: int, item: Any, prepared: dict, existing: dict, created: dict,
                  fresh: dict) -> ItemOutcome:
    if isinstance(item, list):
        return ItemOutcome(422, errors=item)
    ref = prepared[i]["source_ref"]
    if ref in created:
        return ItemOutcome(201 if fresh[ref] == i else 200, clue=clue_json(created[ref]))
    return ItemOutcome(200, clue=clue_json(existing[ref]))


def _raw_outcome(total: int, valid: int, new: int) -> str:
    if valid < total:
        return "partial" if valid else "rejected"
    return "accepted" if new else "duplicate"


def _raw_values(hub: Hub, agency: AgencyPrincipal, raw: bytes, origin: str, outcome: str,
                errors: list | None, now=None) -> dict[str, Any]:  # noqa: ANN001
    return {
        "agency_id": agency.agency_id, "origin": origin, "received_at": now or utcnow(),
        "sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw),
        "body_enc": hub.cipher.encrypt(raw, raw_aad(agency.agency_id)),
        "outcome": outcome, "errors": errors,
    }


def raw_aad(agency_id: int | None) -> bytes:
    return f"raw:{agency_id}".encode()


def reporter_aad(agency_id: int, source_ref: str) -> bytes:
    return f"reporter:{agency_id}:{source_ref}".encode()


def _clue_row(hub: Hub, agency: AgencyPrincipal, item: ClueSubmission,
              raw_index: int | None) -> dict[str, Any]:
    data = item.model_dump(mode="json", exclude={"reporter"})
    reporter = item.reporter
    return {
        "agency_id": agency.agency_id, "source_ref": item.source_ref, "raw_index": raw_index,
        "status": "received", "channel": data["channel"], "reported_at": item.reported_at,
        "title": item.title, "content": item.content, "category": data["category"],
        "category_source": "sent" if item.category else None,
        "region_code": item.region_code, "region_source": "sent" if item.region_code else None,
        "urgency": data["urgency"], "subjects": data["subjects"], "references": data["references"],
        "attachments": data["attachments"], "extra": data["extra"],
        "reporter_enc": None if reporter is None else hub.cipher.encrypt(
            orjson.dumps(reporter.model_dump()), reporter_aad(agency.agency_id, item.source_ref)),
        "reporter_masked": None if reporter is None else {
            "name": reporter.name and mask_name(reporter.name),
            "phone": reporter.phone and mask_phone(reporter.phone),
            "id_number": reporter.id_number and mask_id_number(reporter.id_number),
            "anonymous": reporter.anonymous,
        },
    }
