"""The joint meeting as a participating agency reads it (`GET /api/v1/meetings…`), published
as JSON Schema in schemas/v1 beside the clue and hand-off contracts. Field names are the
contract; v1 only ever adds."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class MeetingState(StrEnum):
    draft = "draft"  # 筹备中: agenda, attendance and decisions may still change
    issued = "issued"  # 纪要已印发: the record is final


class Attendance(StrEnum):
    present = "present"  # 出席
    leave = "leave"  # 请假
    absent = "absent"  # 缺席


class MinutesOut(BaseModel):
    """The minutes (会议纪要) as issued: download them at `url` (.docx), check with `sha256`."""

    number: str = Field(description="文号，如 十法督纪〔2026〕1号")
    sha256: str = Field(description="纪要文件（.docx）的 SHA-256")
    issued_at: datetime
    url: str = Field(description="下载地址：GET，返回 .docx")


class MeetingSummaryOut(BaseModel):
    id: int
    period: str = Field(description="会议所议月份，YYYY-MM（议程取自该月月报）")
    title: str = Field(description="会议名称，如 2026年10月联席会议")
    held_on: date | None = Field(description="会议日期；未定为 null")
    place: str | None = Field(description="会议地点")
    host: str | None = Field(description="主持人")
    state: MeetingState
    state_label: str
    minutes: MinutesOut | None = Field(description="纪要印发后才有")
    url: str


class MeetingPage(BaseModel):
    """`GET /api/v1/meetings`: the meetings the calling agency takes part in, newest first."""

    meetings: list[MeetingSummaryOut]


class ParticipantOut(BaseModel):
    agency: str = Field(description="参会单位名称")
    attendance: Attendance | None = Field(description="出席情况；未登记为 null")


class OwnAttendanceOut(BaseModel):
    attendance: Attendance | None
    attendee: str | None = Field(description="本单位出席人姓名")
    post: str | None = Field(description="本单位出席人职务")


class AgendaItemOut(BaseModel):
    position: int = Field(description="议程序号，从 1 起")
    title: str
    text: str = Field(description="议程内容，每行一项")


class MeetingDecisionOut(BaseModel):
    """A decision (议定事项) the calling agency is responsible for."""

    id: int
    position: int = Field(description="在本次会议议定事项中的序号，从 1 起")
    text: str
    due_on: date = Field(description="完成时限")
    handoff: str | None = Field(description="已转为交办时的移交编号（在本单位收件箱 "
                                            "/api/v1/handoffs 中办理）")


class MeetingOut(MeetingSummaryOut):
    """One meeting as a participating agency sees it: who takes part, its own attendance, the
    shared agenda, and only the decisions it is responsible for."""

    participants: list[ParticipantOut]
    attendance: OwnAttendanceOut
    agenda: list[AgendaItemOut]
    decisions: list[MeetingDecisionOut]
