"""The ledger (台账) as .xlsx, streamed (openpyxl write-only): a sheet of the figures, one row
per clue received in the month, one row per hand-off sent, closed or still open in it, and one
row per person an outcome received in the month names (the 人次 of the figures: the name
masked as everywhere, post, rank, kind and measure)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from copy import copy
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
from hub.handoffs.schemas import PERSON_KIND_LABELS, RANK_LABELS, measure_label
from hub.handoffs.states import LABELS as STATE_LABELS
from hub.intake.present import clue_no
from hub.normalize.classify import FIELD_LABELS
from hub.normalize.codes import load_divisions
from hub.review.decisions import KINDS as DECISION_KINDS
from hub.review.decisions import STATUS_LABELS
from hub.security.spreadsheet import inert as cell_text
from hub.workdays import SHANGHAI

from . import repository
from .build import subject_name
from .figures import HANDOFF_KINDS, OUTCOME_LABELS
from .registry import Ctx

DATE = "yyyy年m月d日"
DATETIME = "yyyy年m月d日 hh:mm"
Progress = Callable[[str], None]

CLUE_COLUMNS = ["线索编号", "收到时间", "来源渠道", "报送单位", "来源编号", "标题", "问题类别",
                "执法领域", "行政区划", "被反映单位", "紧急程度", "状态", "最新研判决定",
                "决定时间", "相似线索组"]
HANDOFF_COLUMNS = ["移交编号", "线索编号", "线索标题", "被反映单位", "移交方式", "主办/协办",
                   "受理单位", "状态", "发出时间", "签收时间", "初步反馈期限", "办结期限",
                   "首次反馈时间", "办结反馈时间", "验收时间", "销号时间", "是否按期反馈",
                   "超期工作日", "办理结果", "涉及人数", "金额（元）"]
PERSON_COLUMNS = ["线索编号", "线索标题", "移交编号", "受理单位", "办理结果", "姓名", "职务", "职级",
                  "处理类别", "处理措施", "反馈时间"]
URGENCY = {"normal": "一般", "important": "重要", "urgent": "紧急"}


def write_ledger(session: Session, scope_ctx: Ctx, report: dict[str, Any], path: Path,
                 progress: Progress | None = None) -> Path:
    say = progress or (lambda _m: None)
    book = Workbook(write_only=True)
    _figures_sheet(book, report)
    say("台账：线索")
    _sheet(book, "线索台账", CLUE_COLUMNS, _clue_rows(scope_ctx), say)
    say("台账：移交")
    _sheet(book, "移交台账", HANDOFF_COLUMNS, _handoff_rows(scope_ctx), say)
    say("台账：处理人员")
    _sheet(book, "处理人员台账", PERSON_COLUMNS, _person_rows(scope_ctx), say)
    book.save(path)
    return path


def _header(ws: Any, names: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        cells.append(cell)
    return cells


def _sheet(book: Workbook, title: str, columns: list[str], rows: Iterator[list[Any]],
           say: Progress) -> int:
    ws = book.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, len(name) * 2 + 2)
    ws.append(_header(ws, columns))
    n = 0
    for row in rows:
        ws.append([_cell(ws, v) for v in row])
        n += 1
        if n % 50_000 == 0:
            say(f"  已写 {n} 行")
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    return n


def _styled(ws: Any, value: Any, number_format: str) -> WriteOnlyCell:
    """A cell with a date format; the style is copied from one made per sheet (cheaper than
    looking the format up again for each of a few hundred thousand cells)."""
    templates = ws.__dict__.setdefault("_hub_formats", {})
    if number_format not in templates:
        template = WriteOnlyCell(ws)
        template.number_format = number_format
        templates[number_format] = template._style
    cell = WriteOnlyCell(ws, value=value)
    cell._style = copy(templates[number_format])
    return cell


def _cell(ws: Any, value: Any) -> Any:
    if isinstance(value, datetime):
        return _styled(ws, value.astimezone(SHANGHAI).replace(tzinfo=None), DATETIME)
    if isinstance(value, date):
        return _styled(ws, value, DATE)
    return cell_text(value)


def _figures_sheet(book: Workbook, report: dict[str, Any]) -> None:
    ws = book.create_sheet("月报数据")
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFG", (22, 26, 20, 10, 10, 10, 70), strict=True):
        ws.column_dimensions[col].width = width
    ws.append(_header(ws, ["部分", "指标", "分项", "本月", "上月", "去年同月", "口径"]))
    rows = 1
    for section in report["sections"]:
        for key in section["figures"]:
            f = report["figures"][key]
            ws.append([cell_text(x) for x in (section["title"], f["label"], "合计", f["total"],
                       f.get("previous_total"), f.get("last_year_total"), f["definition"])])
            rows += 1
            for g in f["groups"]:
                if g["key"] == "all":
                    continue
                ws.append([cell_text(x) for x in (section["title"], f["label"], g["label"],
                           g["value"], g.get("previous"), g.get("last_year"), None)])
                rows += 1
    for r in report["rates"].values():
        ws.append([cell_text(x) for x in ("四、办理质效", r["label"], f"{r['numerator']}/"
                   f"{r['denominator']}", r["percent"], None, None, r["definition"])])
        rows += 1
    for item in report["overdue"]:
        ws.append([cell_text(x) for x in ("超期未反馈明细", item["handoff"], item["receiver"],
                   item["days_overdue"], None, None, f"{item['subject']}：{item['title']}")])
        rows += 1
    ws.auto_filter.ref = f"A1:G{rows}"


def _clue_rows(ctx: Ctx) -> Iterator[list[Any]]:
    divisions = load_divisions()
    for row in repository.ledger_clues(ctx.session, ctx.scope):
        (id_, received, channel, agency, ref, title, category, field, region, subjects,
         urgency, status, decision, decided, cluster) = row
        yield [clue_no(id_, received), received, CHANNEL_LABELS.get(channel, channel), agency,
               ref, title, CATEGORY_LABELS.get(category, category or "未分类"),
               FIELD_LABELS.get(field, field or ""),
               (divisions.full_name(region) or region) if region else "",
               _subjects_text(subjects), URGENCY.get(urgency, urgency),
               STATUS_LABELS.get(status, status),
               DECISION_KINDS[decision][0] if decision in DECISION_KINDS else "",
               decided, f"第{cluster}组" if cluster else ""]


def _subjects_text(subjects: Any) -> str:
    name = subject_name(subjects)
    return "" if name == "—" else name


def _handoff_rows(ctx: Ctx) -> Iterator[list[Any]]:
    cal, cutoff_day = ctx.calendar, ctx.scope.cutoff_day
    for r in repository.ledger_handoffs(ctx.session, ctx.scope):
        replied_day = r.replied_at.astimezone(SHANGHAI).date() if r.replied_at else None
        on_time, late = "", None
        if r.due_on and replied_day:
            on_time = "是" if replied_day <= r.due_on else "否"
            late = cal.working_days_between(r.due_on, replied_day) if on_time == "否" else 0
        elif r.due_on and r.due_on < cutoff_day and r.state not in ("closed", "cancelled"):
            late = cal.working_days_between(r.due_on, cutoff_day)
        yield [r.number, clue_no(r.id, r.received_at), r.title, _subjects_text(r.subjects),
               HANDOFF_KINDS.get(r.kind, r.kind), "主办" if r.role == "lead" else "协办",
               r.receiver_name, STATE_LABELS.get(r.state, r.state), r.sent_at,
               r.acknowledged_at, r.reply_due_on, r.due_on, r.first_replied_at, r.replied_at,
               r.verified_at, r.closed_at, on_time, late,
               OUTCOME_LABELS.get(r.outcome, r.outcome or ""), r.persons,
               float(r.amount_yuan) if r.amount_yuan is not None else None]


def _person_rows(ctx: Ctx) -> Iterator[list[Any]]:
    """One row per person named in an outcome received in the month, as the 人次 figures count
    them; the name only in its masked form (the clear name is revealed by approval only)."""
    for r in repository.ledger_persons(ctx.session, ctx.scope):
        yield [clue_no(r.id, r.received_at), r.title, r.number, r.receiver_name,
               OUTCOME_LABELS.get(r.outcome, r.outcome or ""), r.name_masked, r.post or "",
               RANK_LABELS.get(r.rank, r.rank or ""), PERSON_KIND_LABELS.get(r.kind, r.kind),
               measure_label(r.kind, r.measure), r.replied_at]
