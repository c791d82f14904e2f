"""Shared schema v1: a clue as partner agencies submit it, and as the hub answers it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from hub.normalize import codes

SCHEMA_VERSION = "v1"
CLOCK_SKEW = timedelta(minutes=5)

# RFC 3339 date-time with a mandatory offset; pydantic alone would also take unix
# timestamps and dates without an offset, which the contract refuses.
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"
)


class Channel(StrEnum):
    hotline = "hotline"
    petition = "petition"
    discipline = "discipline"
    court = "court"
    procuratorate = "procuratorate"
    admin_review = "admin_review"
    enforcement_supervision = "enforcement_supervision"
    proposal = "proposal"
    mailbox = "mailbox"
    media = "media"
    inspection = "inspection"
    other = "other"


CHANNEL_LABELS = {
    "hotline": "12345热线", "petition": "信访", "discipline": "纪委监委", "court": "法院",
    "procuratorate": "检察院", "admin_review": "行政复议", "enforcement_supervision": "行政执法监督",
    "proposal": "建议提案", "mailbox": "投诉举报信箱", "media": "舆情", "inspection": "督察中发现",
    "other": "其他",
}


class Category(StrEnum):
    enforcement = "enforcement"
    decision = "decision"
    public_service = "public_service"
    business_environment = "business_environment"
    judgment_compliance = "judgment_compliance"
    review_correction = "review_correction"
    recommendation_compliance = "recommendation_compliance"
    official_conduct = "official_conduct"
    legislation = "legislation"
    other = "other"


CATEGORY_LABELS = {
    "enforcement": "行政执法", "decision": "行政决策", "public_service": "政务服务",
    "business_environment": "营商环境", "judgment_compliance": "履行生效裁判",
    "review_correction": "行政复议纠错", "recommendation_compliance": "落实检察/司法建议",
    "official_conduct": "不作为慢作为乱作为", "legislation": "立法/规范性文件", "other": "其他",
}


class Urgency(StrEnum):
    normal = "normal"
    important = "important"
    urgent = "urgent"


class ReferenceKind(StrEnum):
    case_number = "case_number"
    document_number = "document_number"
    ticket = "ticket"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Subject(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=200, description="被反映单位名称")]
    credit_code: str | None = Field(None, description="统一社会信用代码（18位，GB 32100）")
    region_code: str | None = Field(None, description="行政区划代码（6位，GB/T 2260）")

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, value: str | None) -> str | None:
        return None if value is None else codes.check_credit_code(value)

    @field_validator("region_code")
    @classmethod
    def _region_code(cls, value: str | None) -> str | None:
        return None if value is None else codes.check_region_code(value)


class Reference(_Strict):
    kind: ReferenceKind
    value: Annotated[str, Field(min_length=1, max_length=100)]

    @field_validator("value")
    @classmethod
    def _value(cls, value: str, info: Any) -> str:
        kind = info.data.get("kind")
        return codes.check_reference(str(kind), value) if kind else value


class Reporter(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=50)] | None = None
    phone: Annotated[str, Field(max_length=30)] | None = None
    id_number: Annotated[str, Field(max_length=30)] | None = None
    anonymous: Annotated[bool, Field(strict=True)] = False

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else codes.check_phone(value)

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None) -> str | None:
        return None if value is None else codes.check_id_number(value)


class Attachment(_Strict):
    filename: Annotated[str, Field(min_length=1, max_length=255)]
    media_type: Annotated[str, Field(min_length=3, max_length=127, pattern=r"^[\w.+-]+/[\w.+-]+$")]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")]
    size: Annotated[int, Field(ge=0, le=1024 * 1024 * 1024, strict=True)]


EARLIEST_REPORTED_AT = datetime(1949, 9, 30, 16, tzinfo=UTC)  # 1949-10-01 00:00 +08:00


class ClueSubmission(_Strict):
    """A clue as a partner agency pushes it (`POST /api/v1/clues`)."""

    source_ref: Annotated[str, Field(min_length=1, max_length=128, description="来源系统中的记录编号")]
    channel: Channel
    reported_at: AwareDatetime = Field(description="来源系统受理时间，RFC 3339，须带时区")
    title: Annotated[str, Field(min_length=1, max_length=200)]
    content: Annotated[str, Field(min_length=1, max_length=20000)]
    category: Category | None = None
    region_code: str | None = Field(None, description="行政区划代码（6位，GB/T 2260）")
    subjects: Annotated[list[Subject], Field(max_length=50)] = []
    references: Annotated[list[Reference], Field(max_length=50)] = []
    reporter: Reporter | None = None
    urgency: Urgency = Urgency.normal
    attachments: Annotated[list[Attachment], Field(max_length=50)] = []
    extra: dict[str, Any] = Field(default_factory=dict, description="来源系统特有字段，原样保存")

    @field_validator("reported_at", mode="before")
    @classmethod
    def _rfc3339(cls, value: Any) -> Any:
        if not isinstance(value, str) or not _RFC3339.match(value.strip()):
            raise ValueError("reported_at 应为带时区的 RFC 3339 时间，例如 2026-10-08T09:30:00+08:00")
        return value.strip()

    @field_validator("reported_at")
    @classmethod
    def _not_future(cls, value: datetime) -> datetime:
        if value > datetime.now(UTC) + CLOCK_SKEW:
            raise ValueError("reported_at 不能晚于当前时间")
        # Found by schemathesis: before 1901 the office's zone has no rule, so "0175-…" came
        # back in local mean time (+08:05:43), which is not RFC 3339.
        if value < EARLIEST_REPORTED_AT:
            raise ValueError("reported_at 不能早于 1949-10-01")
        return value

    @field_validator("region_code")
    @classmethod
    def _region_code(cls, value: str | None) -> str | None:
        return None if value is None else codes.check_region_code(value)


class BatchSubmission(BaseModel):
    """`POST /api/v1/clues/batch`: items are validated one by one, so each is `Any` here."""

    model_config = ConfigDict(extra="forbid")
    clues: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=500)]


class ReporterMasked(BaseModel):
    name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    anonymous: bool = False


class ClueAttachmentOut(BaseModel):
    """An attachment's bytes as the hub stored them (`POST /api/v1/clues/{id}/attachments`).
    `media_type` is what the hub found in the bytes, not what was sent."""

    id: int
    filename: str
    media_type: str
    size: int = Field(description="字节数，与声明一致")
    sha256: str = Field(description="文件内容的 SHA-256（十六进制小写），与声明一致")
    received_at: datetime


class ClueOut(BaseModel):
    """A clue as the hub answers it. Reporter data is always masked here."""

    id: str = Field(description="线索编号，如 XS-2026-000123")
    status: str
    received_at: datetime
    source_ref: str
    channel: Channel
    reported_at: datetime
    title: str
    content: str
    category: Category | None
    category_source: Literal["sent", "classified"] | None = None
    region_code: str | None
    region_source: Literal["sent", "text", "subject"] | None = None
    subjects: list[Subject]
    references: list[Reference]
    reporter: ReporterMasked | None
    urgency: Urgency
    attachments: list[Attachment]
    extra: dict[str, Any]


class FieldErrorOut(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class BatchItemResult(BaseModel):
    index: int
    status: int
    clue: ClueOut | None = None
    errors: list[FieldErrorOut] | None = None


class BatchResult(BaseModel):
    results: list[BatchItemResult]
