"""The minutes (会议纪要) of a joint meeting as words: the fields the documents' 会议纪要
template is filled with, and the issued file's name (pure: from the records the service has
read; numbering, rendering and keeping the file are the service's).

    fields(meeting, participants, items, decisions, names, handoffs)
      -> {"meeting": "2026年10月联席会议", "attendance": "某局（副局长、王某）出席", …}
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .agenda import numeral
from .models import AgendaItem, Meeting, MeetingAgency, MeetingDecision
from .present import ATTENDANCE


def written(day: date) -> str:
    """2026-11-06 -> 2026年11月6日."""
    return f"{day.year}年{day.month}月{day.day}日"


def fields(meeting: Meeting, participants: list[tuple[MeetingAgency, str]],
           items: list[AgendaItem], decisions: list[MeetingDecision], names: dict[int, str],
           handoffs: dict[int, Any]) -> dict[str, str]:
    """The minutes' fields: the shared agenda (`items`), attendance and every decision, with
    its responsible agency (`names`) and the hand-off it became (`handoffs` by id)."""
    present = []
    for row, name in participants:
        if row.attendance == "present":
            who = "、".join(x for x in (row.post, row.attendee) if x)
            present.append(f"{name}（{who}）出席" if who else f"{name}出席")
        else:
            present.append(f"{name}{ATTENDANCE.get(row.attendance or '', '（出席情况未登记）')}")
    agenda = [f"（{numeral(i)}）{item.title}\n{item.body}".rstrip()
              for i, item in enumerate(items, start=1)]
    lines = []
    for i, d in enumerate(decisions, start=1):
        tail = f"；已交办，移交编号 {handoffs[d.handoff_id].number}" if d.handoff_id else ""
        lines.append(f"（{numeral(i)}）{d.text}（责任单位：{names[d.agency_id]}；完成时限："
                     f"{written(d.due_on)}{tail}）")
    return {"meeting": meeting.title,
            "held_on": written(meeting.held_on) if meeting.held_on else "",
            "place": meeting.place or "（地点未填写）", "host": meeting.host or "（主持人未填写）",
            "attendance": "\n".join(present) or "无",
            "agenda": "\n".join(agenda) or "无", "decisions": "\n".join(lines) or "本次会议无议定事项。"}


def file_name(meeting: Meeting) -> str:
    """十法督纪〔2026〕1号2026年10月联席会议纪要.docx"""
    return f"{meeting.minutes_number}{meeting.title}纪要.docx"
