"""The meeting's agenda drawn from the month's report (hub.reports): the same figures, the same
overdue list, the same members behind a figure; nothing is counted here.

    draft(session, Scope(2026, 10), office_name="…") -> Draft(items=[…], as_of="…")

Each item names hand-offs and clues by number, subject unit and receiver, never a clue's title
(a title can carry a name, as the report's partner form drops it): the agenda is shared with
the participating agencies. The clusters' item quotes each cluster's lead title, so it starts
as the office's own (not shared) until the office marks it shared.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from hub.handoffs.states import LABELS as STATE_LABELS
from hub.intake.present import clue_no
from hub.reports import registry
from hub.reports import repository as reports
from hub.reports.build import build, context, pinned, subject_name
from hub.reports.figures import HANDOFF_KINDS, REGISTRY
from hub.reports.scope import Scope

KINDS = {"overview": "工作情况通报", "overdue": "超期未反馈事项", "referrals": "移送事项",
         "clusters": "多渠道反映的问题", "rebounds": "回头看问题反弹", "other": "其他事项"}
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Draft:
    items: list[dict[str, Any]]
    as_of: str  # the report's cutoff (Beijing time), quoted on the meeting page


def numeral(n: int) -> str:
    """1 -> 一, 12 -> 十二 (agenda and decisions stay well under a hundred)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def draft(session: Session, scope: Scope, *, office_name: str) -> Draft:
    """The agenda of the month's meeting, from one reading of the month's report."""
    scope = pinned(replace(scope, region=None))
    report = build(session, scope, office_name=office_name)
    ctx = context(session, scope)
    figures = report["figures"]
    items = [_overview(report), _overdue(report),
             _referrals(session, ctx, figures["handoffs_sent"]),
             _clusters(figures["multi_channel_clusters"]),
             _rebounds(session, ctx, figures["followups_rebound"])]
    return Draft(items=items, as_of=report["as_of"])


def _group(figure: dict[str, Any], key: str) -> int:
    return next((int(g["value"]) for g in figure["groups"] if g["key"] == key), 0)


def _overview(report: dict[str, Any]) -> dict[str, Any]:
    f, rates = report["figures"], report["rates"]
    sent = f["handoffs_sent"]
    kinds = "、".join(f"{g['label']} {g['value']} 件" for g in sent["groups"]) or "无"
    lines = [f"{report['label']}共收到问题线索 {f['received_total']['total']} 条，"
             f"发出移交 {sent['total']} 件（{kinds}），办结 {f['handoffs_closed']['total']} 件；"
             f"截至月末在办 {f['handoffs_open']['total']} 件，其中超期未反馈 "
             f"{f['handoffs_overdue']['total']} 件。",
             "；".join(f"{r['label']} {r['percent']}" for r in rates.values()) + "。",
             f"回头看：本月到期 {f['followups_due']['total']} 件，完成 "
             f"{f['followups_done']['total']} 件，发现问题反弹 {f['followups_rebound']['total']} 件。"]
    figures = ("received_total", "handoffs_sent", "handoffs_closed", "handoffs_open",
               "handoffs_overdue", "followups_due", "followups_done", "followups_rebound")
    return _item("overview", f"{report['label']}工作情况通报", lines,
                 {"figures": {k: f[k]["total"] for k in figures},
                  "rates": {k: r["percent"] for k, r in rates.items()}})


def _overdue(report: dict[str, Any]) -> dict[str, Any]:
    items = report["overdue"]
    lines = [f"{i['handoff']}（{i['kind']}）被反映单位：{i['subject']}；受理单位：{i['receiver']}；"
             f"办结期限 {i['due_on']}，截至月末已超期 {i['days_overdue']} 个工作日。" for i in items]
    return _item("overdue", f"超期未反馈事项（{len(items)} 件）",
                 lines or ["本月无超期未反馈的移交事项。"],
                 {"figure": "handoffs_overdue", "total": report["figures"]["handoffs_overdue"]["total"],
                  "handoffs": [i["handoff"] for i in items]})


def _referrals(session: Session, ctx: registry.Ctx, sent: dict[str, Any]) -> dict[str, Any]:
    ids = registry.ids(REGISTRY["handoffs_sent"], ctx, "refer")
    rows = list(reports.handoffs_with_clues(session, ids))
    lines = [f"{h.number}（{HANDOFF_KINDS['refer']}）被反映单位：{subject_name(c.subjects)}；"
             f"移送至：{h.receiver_name}；当前状态：{STATE_LABELS.get(h.state, h.state)}。"
             for h, c in rows]
    total = _group(sent, "refer")
    return _item("referrals", f"移送事项（{total} 件）", lines or ["本月未移送问题线索。"],
                 {"figure": "handoffs_sent", "group": "refer", "total": total,
                  "handoffs": [h.number for h, _ in rows]})


def _clusters(figure: dict[str, Any]) -> dict[str, Any]:
    groups = figure["groups"]
    lines = [f"问题组 {g['key']}：{g['label']}，本组线索 {g['value']} 条。" for g in groups]
    return _item("clusters", f"多渠道反映的问题（{figure['total']} 组）",
                 lines or ["本月没有两个及以上渠道反映的同一问题。"],
                 {"figure": "multi_channel_clusters", "total": figure["total"],
                  "clusters": [g["key"] for g in groups]}, public=False)


def _rebounds(session: Session, ctx: registry.Ctx, figure: dict[str, Any]) -> dict[str, Any]:
    ids = registry.ids(REGISTRY["followups_rebound"], ctx)
    clues = list(reports.clues(session, ids))
    lines = [f"{clue_no(c.id, c.received_at)} 被反映单位：{subject_name(c.subjects)}；"
             "回头看发现问题反弹，已重新交办。" for c in clues]
    return _item("rebounds", f"回头看问题反弹（{figure['total']} 件）",
                 lines or ["本月回头看未发现问题反弹。"],
                 {"figure": "followups_rebound", "total": figure["total"],
                  "clues": [clue_no(c.id, c.received_at) for c in clues]})


def _item(kind: str, title: str, lines: list[str], source: dict[str, Any],
          public: bool = True) -> dict[str, Any]:
    return {"kind": kind, "title": title, "body": "\n".join(lines), "public": public,
            "source": source}
