"""Receiving clues: parse and validate in the caller's thread, then hand to the recorder.

Everything received from an authenticated agency is kept as a raw record, even when it is
refused, so nothing is lost. The answer is given only after the recorder's commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import ValidationError

from hub.contract import jsonbody
from hub.contract.messages import body_error, field_errors, nul_errors
from hub.contract.v1 import BatchSubmission, ClueSubmission
from hub.errors import FieldError, NotFound
from hub.intake import repository
from hub.intake.present import parse_clue_no
from hub.normalize.codes import mask_id_number, mask_name, mask_phone
from hub.security.blind import checked_index
from hub.security.crypto import Cipher
from hub.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass
class ItemOutcome:
    status: int  # 201 new, 200 already received, 422 refused
    clue: dict[str, Any] | None = None  # as the API shows it (not made when recorded `lean`)
    errors: list[FieldError] | None = None
    clue_id: int | None = None


@dataclass
class Received:
    """One body as received, checked and ready to record."""

    agency_id: int
    origin: str  # api | api_batch | connector | import | office
    raw: bytes
    items: list[ClueSubmission | list[FieldError]] = field(default_factory=list)
    refused_whole: list[FieldError] | None = None  # the body as a whole is not acceptable
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)  # index -> clue row
    connector: str | None = None
    raw_enc: bytes = b""
    raw_sha256: str = ""
    raw_outcome: str | None = None  # set by the caller, e.g. "not_clue" for a connector record
    raw_record_id: int | None = None  # set by the recorder once the raw record is inserted


DEFAULT_DEPTH = Settings.model_fields["max_json_depth"].default
PRIORITY = {"normal": 0, "important": 1, "urgent": 2}


class _Refused(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors


def receive_one(cipher: Cipher, agency_id: int, raw: bytes,
                max_depth: int = DEFAULT_DEPTH) -> Received:
    """`POST /api/v1/clues`."""
    try:
        items: list = [_validate(jsonbody.loads(raw, max_depth), ("body",))]
    except (_Refused, jsonbody.JsonRefused) as refused:
        items = [refused.errors]
    return _prepare(cipher, Received(agency_id, "api", raw, items))


def receive_office(cipher: Cipher, agency_id: int, raw: bytes) -> Received:
    """A clue the office registers by hand (立项登记): one submission, checked as
    `POST /api/v1/clues` checks it, kept as a raw record like any other."""
    received = receive_one(cipher, agency_id, raw)
    received.origin = "office"
    return received


def receive_batch(cipher: Cipher, agency_id: int, raw: bytes,
                  max_depth: int = DEFAULT_DEPTH) -> Received:
    """`POST /api/v1/clues/batch`: items are checked one by one (one too deep, or repeating a
    key, is refused alone); a body that is not `{"clues": [...]}` at all is refused whole."""
    received = Received(agency_id, "api_batch", raw)
    try:
        body, items = jsonbody.loads_items(raw, "clues", max_depth)
        # The envelope's shape and length; each item is judged below, on its own.
        BatchSubmission.model_validate(
            {**body, "clues": [{}] * len(items)} if isinstance(body, dict)
            and isinstance(body.get("clues"), list) else body)
    except ValidationError as exc:
        received.refused_whole = field_errors(exc)
        return _prepare(cipher, received)
    except jsonbody.JsonRefused as refused:
        received.refused_whole = refused.errors
        return _prepare(cipher, received)
    for i, item in enumerate(items):
        if item.errors is not None:
            received.items.append(item.errors)
            continue
        try:
            received.items.append(_validate(item.value, ("body", "clues", i)))
        except _Refused as refused:
            received.items.append(refused.errors)
    return _prepare(cipher, received)


def receive_items(cipher: Cipher, agency_id: int, origin: str, raw: bytes,
                  items: list[ClueSubmission | list[FieldError]], connector: str | None = None
                  ) -> Received:
    """Records already checked elsewhere (connectors, spreadsheet imports)."""
    return _prepare(cipher, Received(agency_id, origin, raw, items, connector=connector))


def _validate(data: Any, prefix: tuple) -> ClueSubmission:
    if not isinstance(data, dict):
        raise _Refused([body_error("线索应为 JSON 对象", prefix, "model_type")])
    nul = nul_errors(data, prefix)
    if nul:  # PostgreSQL cannot store NUL in text or JSON; nobody means to send one
        raise _Refused(nul)
    try:
        return ClueSubmission.model_validate(data)
    except ValidationError as exc:
        raise _Refused(field_errors(exc, prefix)) from None


def validate_clue(data: Any, prefix: tuple = ("body",)) -> ClueSubmission | list[FieldError]:
    """A submission, or its errors in plain words (for callers outside the API)."""
    try:
        return _validate(data, prefix)
    except _Refused as refused:
        return refused.errors


def _prepare(cipher: Cipher, received: Received) -> Received:
    """Encrypt and shape everything here, in the caller's thread, so recording stays short."""
    received.raw_sha256 = hashlib.sha256(received.raw).hexdigest()
    # one data key for the body and its reporters
    encrypt = cipher.encrypter(1 + len(received.items))
    received.raw_enc = encrypt(received.raw, raw_aad(received.agency_id))
    indexed = received.origin != "api"
    received.rows = {
        i: clue_row(cipher, received.agency_id, item, i if indexed else None, encrypt)
        for i, item in enumerate(received.items) if isinstance(item, ClueSubmission)
    }
    return received


def raw_aad(agency_id: int | None) -> bytes:
    return f"raw:{agency_id}".encode()


def reporter_aad(agency_id: int, source_ref: str) -> bytes:
    return f"reporter:{agency_id}:{source_ref}".encode()


def clue_row(cipher: Cipher, agency_id: int, item: ClueSubmission, raw_index: int | None,
             encrypt: Callable[[bytes, bytes], bytes] | None = None) -> dict[str, Any]:
    """The stored form of a submission: reporter encrypted (by `encrypt`, the body's
    `cipher.encrypter()`, when given), its masked form beside it."""
    data = item.model_dump(mode="json", exclude={"reporter"})
    reporter = item.reporter
    return {
        "agency_id": agency_id, "source_ref": item.source_ref, "raw_index": raw_index,
        "status": "received", "channel": data["channel"], "reported_at": item.reported_at,
        "title": item.title, "content": item.content, "category": data["category"],
        "category_source": "sent" if item.category else None,
        "region_code": item.region_code, "region_source": "sent" if item.region_code else None,
        "urgency": data["urgency"], "priority": PRIORITY[data["urgency"]],
        "subjects": data["subjects"], "references": data["references"],
        "attachments": data["attachments"], "extra": data["extra"],
        "reporter_enc": None if reporter is None else (encrypt or cipher.encrypt)(
            orjson.dumps(reporter.model_dump()), reporter_aad(agency_id, item.source_ref)),
        # The contract's validators already normalized both (check_phone, check_id_number).
        "reporter_phone_index": checked_index(cipher, "phone", reporter and reporter.phone),
        "reporter_id_index": checked_index(cipher, "id_number", reporter and reporter.id_number),
        "reporter_masked": None if reporter is None else {
            "name": reporter.name and mask_name(reporter.name),
            "phone": reporter.phone and mask_phone(reporter.phone),
            "id_number": reporter.id_number and mask_id_number(reporter.id_number),
            "anonymous": reporter.anonymous,
        },
    }


def clue_id_of(session: Session, number: str) -> int:
    """`XS-2026-000123` → 123, checking that such a clue exists."""
    parsed = parse_clue_no(number.strip())
    received_at = repository.clue_received_at(session, parsed[1]) if parsed else None
    if parsed is None or received_at is None or received_at.year != parsed[0]:
        raise NotFound(f"没有找到线索 {number}（编号形如 XS-2026-000123）")
    return parsed[1]
