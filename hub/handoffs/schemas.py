"""The partner agencies' hand-off contract (SPEC §4): requests and answers, published as
JSON Schema in schemas/v1 beside the clue contract. Field names are the contract."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from hub.contract.v1 import ClueOut


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


class PersonKind(StrEnum):
    """How a person was dealt with (处理类别)."""

    party_discipline = "party_discipline"
    government_sanction = "government_sanction"
    accountability = "accountability"
    org_handling = "org_handling"


class PersonMeasure(StrEnum):
    """The measure taken (处理措施); which measures go with which kind: `MEASURES_BY_KIND`."""

    # 党纪处分
    warning = "warning"
    serious_warning = "serious_warning"
    removal_from_party_posts = "removal_from_party_posts"
    party_probation = "party_probation"
    party_expulsion = "party_expulsion"
    # 政务处分 (warning as above)
    demerit = "demerit"
    major_demerit = "major_demerit"
    demotion = "demotion"
    removal_from_office = "removal_from_office"
    dismissal = "dismissal"
    # 问责
    self_criticism = "self_criticism"
    circulated_criticism = "circulated_criticism"
    admonishment = "admonishment"
    org_adjustment = "org_adjustment"
    disciplinary_action = "disciplinary_action"
    # 组织处理
    suspension_for_review = "suspension_for_review"
    reassignment = "reassignment"
    ordered_resignation = "ordered_resignation"
    removal_from_post = "removal_from_post"
    post_demotion = "post_demotion"


class PersonRank(StrEnum):
    """职级: 省部级 / 厅局级 / 县处级 / 乡科级 / 科员及以下 / 其他 (e.g. 村干部、国企人员)."""

    provincial = "provincial"
    bureau = "bureau"
    division = "division"
    section = "section"
    staff = "staff"
    other = "other"


PERSON_KIND_LABELS = {"party_discipline": "党纪处分", "government_sanction": "政务处分",
                      "accountability": "问责", "org_handling": "组织处理"}
RANK_LABELS = {"provincial": "省部级", "bureau": "厅局级", "division": "县处级",
               "section": "乡科级", "staff": "科员及以下", "other": "其他"}
MEASURES_BY_KIND: dict[str, dict[str, str]] = {
    "party_discipline": {"warning": "警告", "serious_warning": "严重警告",
                         "removal_from_party_posts": "撤销党内职务",
                         "party_probation": "留党察看", "party_expulsion": "开除党籍"},
    "government_sanction": {"warning": "警告", "demerit": "记过", "major_demerit": "记大过",
                            "demotion": "降级", "removal_from_office": "撤职",
                            "dismissal": "开除"},
    "accountability": {"self_criticism": "检查", "circulated_criticism": "通报",
                       "admonishment": "诫勉", "org_adjustment": "组织调整",
                       "disciplinary_action": "纪律处分"},
    "org_handling": {"suspension_for_review": "停职检查", "reassignment": "调整职务",
                     "ordered_resignation": "责令辞职", "removal_from_post": "免职",
                     "post_demotion": "降职"},
}


def measure_label(kind: str, measure: str) -> str:
    return MEASURES_BY_KIND.get(kind, {}).get(measure, measure)


class Person(BaseModel):
    """One person held accountable, sanctioned or handled. The name is personal data:
    encrypted at rest and masked in every answer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=50, description="姓名（加密保存，答复中脱敏）")
    post: str | None = Field(None, max_length=100, description="职务")
    rank: PersonRank | None = Field(None, description="职级")
    kind: PersonKind = Field(description="处理类别：党纪处分、政务处分、问责、组织处理")
    measure: PersonMeasure = Field(description="处理措施，须属于该处理类别")

    @model_validator(mode="after")
    def _measure_of_kind(self) -> Person:
        allowed = MEASURES_BY_KIND[self.kind]
        if self.measure not in allowed:
            raise ValueError(f"处理措施（measure）“{self.measure}”不属于"
                             f"“{PERSON_KIND_LABELS[self.kind]}”，应为以下之一："
                             + "、".join(f"{k}（{v}）" for k, v in allowed.items()))
        return self


class PersonOut(BaseModel):
    """A person as answers show it: the name masked (`张*`), with the labels in Chinese."""

    name: str
    post: str | None
    rank: PersonRank | None
    kind: PersonKind
    measure: PersonMeasure
    kind_label: str
    measure_label: str


class Outcome(BaseModel):
    """办理结果. For accountability, sanction and org_handling either `persons` (how many) or
    `people` (each person, one by one; `persons` then defaults to their number);
    `text` (the reason) for cannot_rectify."""

    model_config = ConfigDict(extra="forbid")
    kind: OutcomeKind
    persons: int | None = Field(None, ge=0, le=100000, strict=True, description="涉及人数")
    people: list[Person] = Field(default_factory=list, max_length=200,
                                 description="逐人登记：姓名、职务、职级、处理类别与措施")
    amount_yuan: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2,
                                        description="金额（元），如挽回的经济损失")
    text: str | None = Field(None, max_length=5000)

    @model_validator(mode="after")
    def _required_by_kind(self) -> Outcome:
        if self.people and self.persons is None:
            self.persons = len(self.people)
        if self.people and self.persons < len(self.people):
            raise ValueError(f"涉及人数（persons）为 {self.persons}，少于逐人登记的 "
                             f"{len(self.people)} 人（people）")
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
    outcome: Outcome | None = Field(description="答复中 people 的姓名已脱敏；没有逐人登记时不含 people")
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


# -- 成果共享: what the agency that sent a clue sees of it (GET /api/v1/clues…) --------------


class Disposition(BaseModel):
    """The office's decision on the clue (研判结果): 受理、不予受理、交办、移送、转交、抄送、合并."""

    kind: Literal["accept", "decline", "assign", "refer", "transfer", "cc", "merge"]
    label: str
    decided_at: datetime


class SharedHandoff(BaseModel):
    """A hand-off of the clue as its sender sees it: state and dates, never instructions,
    replies or the receiver's own data."""

    id: str = Field(description="移交编号，如 JB-2026-000001")
    kind: Literal["assign", "refer", "transfer", "cc"]
    role: Literal["lead", "co"]
    status: str
    status_label: str
    receiver: str
    sent_at: datetime | None
    acknowledged_at: datetime | None
    replied_at: datetime | None
    verified_at: datetime | None
    closed_at: datetime | None
    reply_due_on: date | None
    due_on: date | None


class SharedOutcome(BaseModel):
    """The outcome once the office verified it (验收): its kind, the persons dealt with (names
    masked) and a summary the sender can pass on (e.g. to answer a 12345 caller)."""

    kind: OutcomeKind
    kind_label: str
    persons: int | None
    people: list[PersonOut] = Field(default_factory=list)
    amount_yuan: Decimal | None = None
    summary: str
    handoff: str = Field(description="给出此结果的移交编号")
    receiver: str
    verified_at: datetime


class SharedClueOut(ClueOut):
    """`GET /api/v1/clues/{id}` and the items of `GET /api/v1/clues`: the clue as sent (the
    fields of `clue.schema.json`) plus what came of it. Reporter data stays masked."""

    updated_at: datetime = Field(description="最近一次对发送方可见的变更时间")
    disposition: Disposition | None = None
    handoffs: list[SharedHandoff] = Field(default_factory=list)
    outcome: SharedOutcome | None = Field(None, description="办公室验收后才出现")


class CluePage(BaseModel):
    """`GET /api/v1/clues`: the caller's clues in (updated_at, id) order; pass `next_cursor`
    back as `cursor`. `updated_since` is inclusive (changed at or after it)."""

    clues: list[SharedClueOut]
    next_cursor: str | None
