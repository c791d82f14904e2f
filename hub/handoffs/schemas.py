"""The partner agencies' hand-off contract (SPEC §4): requests and answers, published as
JSON Schema in schemas/v1 beside the clue contract. Field names are the contract."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator


class OutcomeKind(StrEnum):
    case_opened = "case_opened"
    no_case = "no_case"
    accountability = "accountability"
    sanction = "sanction"
    org_handling = "org_handling"
    rectified = "rectified"
    partially_rectified = "partially_rectified"
    cannot_rectify = "cannot_rectify"
    resolved = "resolved"
    other = "other"


OUTCOME_LABELS = {
    "case_opened": "立案", "no_case": "不予立案/了结", "accountability": "追责问责",
    "sanction": "党纪政务处分", "org_handling": "组织处理", "rectified": "整改完成",
    "partially_rectified": "部分整改", "cannot_rectify": "无法整改", "resolved": "问题已解决",
    "other": "其他",
}
NEEDS_PERSONS = frozenset({"accountability", "sanction", "org_handling"})


class Outcome(BaseModel):
    """办理结果. `persons` is required for accountability, sanction and org_handling;
    `text` (the reason) for cannot_rectify."""

    model_config = ConfigDict(extra="forbid")
    kind: OutcomeKind
    persons: int | None = Field(None, ge=0, le=100000, strict=True, description="涉及人数")
    amount_yuan: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2,
                                        description="金额（元），如挽回的经济损失")
    text: str | None = Field(None, max_length=5000)

    @model_validator(mode="after")
    def _required_by_kind(self) -> Outcome:
        if self.kind in NEEDS_PERSONS and self.persons is None:
            raise ValueError(f"办理结果为“{OUTCOME_LABELS[self.kind]}”时必须填写涉及人数（persons）")
        if self.kind == "cannot_rectify" and not (self.text or "").strip():
            raise ValueError("办理结果为“无法整改”时必须在 text 中说明理由")
        return self


class ReplySubmission(BaseModel):
    """`POST /api/v1/handoffs/{id}/replies`: a progress (final=false) or final reply."""

    model_config = ConfigDict(extra="forbid")
    source_ref: str | None = Field(None, min_length=1, max_length=128,
                                   description="发送方的回复编号：重复发送返回已有回复")
    final: bool = Field(False, strict=True)
    text: str = Field(min_length=1, max_length=20000)
    outcome: Outcome | None = None
    attachments: list[StrictInt] = Field(default_factory=list, max_length=50,
                                   description="先上传附件得到的编号")


class ReturnSubmission(BaseModel):
    """`POST /api/v1/handoffs/{id}/return`: not ours, with the reason."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class AckSubmission(BaseModel):
    """`POST /api/v1/handoffs/{id}/ack` (the body is optional)."""

    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, max_length=2000)


class AttachmentOut(BaseModel):
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str


class ReplyOut(BaseModel):
    id: int
    source_ref: str | None
    final: bool
    text: str
    outcome: Outcome | None
    attachments: list[AttachmentOut]
    received_at: datetime


class CoHandler(BaseModel):
    id: str
    receiver: str
    role: Literal["lead", "co"]
    state: str


class ClueSummary(BaseModel):
    """The clue as the receiver sees it: no reporter data (that is on the hand-off, if given)."""

    id: str
    channel: str
    title: str
    content: str
    category: str | None
    region_code: str | None
    urgency: str
    reported_at: datetime
    subjects: list[dict]
    references: list[dict]


class ReminderOut(BaseModel):
    """A reminder (催办) or escalation (督办) the hand-off has had (hub.notify)."""

    kind: Literal["before", "overdue", "escalate", "leader"] = Field(
        description="before 到期前提醒 / overdue 逾期催办 / escalate 逾期督办 / leader 领导介入")
    deadline: Literal["reply", "complete"] = Field(description="reply 初步反馈 / complete 办结")
    deadline_on: date
    on_date: date
    overdue_days: int = Field(description="逾期工作日数")
    at: datetime


class DocumentOut(BaseModel):
    """A document the office issued with the hand-off (一事一文): 交办函, 催办函, 督办函…"""

    id: int
    number: str = Field(description="文号，如 十法督交〔2026〕12号")
    kind: Literal["assign", "refer", "transfer", "cc", "reminder", "escalation",
                  "rectification", "closing"]
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    issued_at: datetime
    url: str = Field(description="下载地址（GET，同一 API 密钥）")


class HandoffOut(BaseModel):
    """A hand-off as its receiver sees it."""

    id: str = Field(description="移交编号，如 JB-2026-000001")
    kind: Literal["assign", "refer", "transfer", "cc"]
    role: Literal["lead", "co"]
    status: str
    receiver: str
    instructions: str | None
    reply_due_on: date | None
    due_on: date | None
    deadline_warning: str | None
    sent_at: datetime | None
    acknowledged_at: datetime | None
    replied_at: datetime | None
    updated_at: datetime
    version: int
    clue: ClueSummary | None = None
    reporter: dict | None = Field(None, description="仅当办公室随移交提供时才有")
    lead: str | None = None
    co_handlers: list[CoHandler] = Field(default_factory=list)
    replies: list[ReplyOut] = Field(default_factory=list)
    reminders: list[ReminderOut] = Field(default_factory=list)
    documents: list[DocumentOut] = Field(default_factory=list)


class HandoffPage(BaseModel):
    """`GET /api/v1/handoffs`: ordered by (updated_at, id); pass `next_cursor` back as `cursor`.
    `updated_since` is inclusive (changed at or after it): compare `version` to skip repeats."""

    handoffs: list[HandoffOut]
    next_cursor: str | None
