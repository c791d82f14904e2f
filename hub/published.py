"""The published JSON Schema files (`hub schemas export`): the clue contract v1 and the
partner agencies' inbox of hand-offs, the form partner engineers build against."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from hub.contract.v1 import (
    BatchResult,
    BatchSubmission,
    ClueAttachmentOut,
    ClueOut,
    ClueSubmission,
)
from hub.handoffs.schemas import (
    AckSubmission,
    AttachmentOut,
    CluePage,
    HandoffOut,
    HandoffPage,
    ReplyOut,
    ReplySubmission,
    ReturnSubmission,
    SharedClueOut,
)
from hub.meetings.schemas import MeetingOut, MeetingPage

PUBLISHED: dict[str, type[BaseModel]] = {
    "clue-submission.schema.json": ClueSubmission,
    "clue-batch-submission.schema.json": BatchSubmission,
    "clue.schema.json": ClueOut,
    "clue-batch-result.schema.json": BatchResult,
    # The bytes of a clue's declared attachments, uploaded after the clue (SPEC §4).
    "clue-attachment.schema.json": ClueAttachmentOut,
    # The partner agencies' inbox of hand-offs (SPEC §4).
    "handoff.schema.json": HandoffOut,
    "handoff-page.schema.json": HandoffPage,
    "handoff-ack.schema.json": AckSubmission,
    "handoff-reply-submission.schema.json": ReplySubmission,
    "handoff-reply.schema.json": ReplyOut,
    "handoff-return-submission.schema.json": ReturnSubmission,
    "handoff-attachment.schema.json": AttachmentOut,
    # 成果共享: the sender reads its clues back with what came of them (issue 14).
    "clue-shared.schema.json": SharedClueOut,
    "clue-page.schema.json": CluePage,
    # The joint meetings an agency takes part in (联席会议, issue 14).
    "meeting.schema.json": MeetingOut,
    "meeting-page.schema.json": MeetingPage,
}


def schema_text(model: type[BaseModel]) -> str:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://hub.example/schemas/v1/{model.__name__}",
        **model.model_json_schema(),
    }
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(out: str | Path) -> list[Path]:
    folder = Path(out) / "v1"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in PUBLISHED.items():
        path = folder / name
        path.write_text(schema_text(model), encoding="utf-8")
        written.append(path)
    return written
