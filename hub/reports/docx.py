"""The meeting packet (.docx): cover, sections with tables, charts, page numbers in the footer.

Chinese needs the East Asian font set on each run and style, not only `font.name` (FACTS.md);
the font is the hub's one Chinese font (hub/fonts.py), as in the office's documents.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from hub.documents.render import east_asian

from .charts import charts

OVERDUE_SHOWN = 30  # the longest overdue; the ledger lists every one




def _para(doc: Any, text: str, size: float = 14, bold: bool = False,
          align: Any = None) -> Any:
    p = doc.add_paragraph()
    run = p.add_run(text)
    east_asian(run, size)
    run.bold = bold
    if align is not None:
        p.alignment = align
    return p


def _heading(doc: Any, text: str) -> None:
    _para(doc, text, 16, bold=False)


def _page_number_footer(section: Any) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    east_asian(p.add_run("第 "), 10.5)
    run = p.add_run()
    east_asian(run, 10.5)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    east_asian(p.add_run(" 页"), 10.5)


def _table(doc: Any, header: list[str], rows: list[list[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell_text(cell, text, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            _cell_text(cell, "" if value is None else str(value))
    doc.add_paragraph()


def _cell_text(cell: Any, text: str, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(text)
    east_asian(run, 10.5)
    run.bold = bold


def _cover(doc: Any, report: dict[str, Any]) -> None:
    for _ in range(5):
        doc.add_paragraph()
    _para(doc, report["office"], 22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "法治督察问题线索联席会议月报", 26, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"（{report['label']}）", 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(6):
        doc.add_paragraph()
    _para(doc, f"统计范围：{report['area']}", 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"统计截至：{report.get('as_of_day') or report['as_of'][:10]}（北京时间）", 14,
          align=WD_ALIGN_PARAGRAPH.CENTER)


def _figure_rows(f: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    compare = "previous_total" in f
    header = ["分项", f"本月（{f['unit']}）"] + (["上月", "去年同月"] if compare else [])
    rows = [[g["label"], g["value"]] + ([g["previous"], g["last_year"]] if compare else [])
            for g in f["groups"] if g["key"] != "all"]
    total = ["合计", f["total"]] + ([f["previous_total"], f["last_year_total"]] if compare else [])
    return header, rows + [total]


def write_docx(report: dict[str, Any], path: Path | IO[bytes]) -> Path | IO[bytes]:
    doc = Document()
    normal = doc.styles["Normal"]
    east_asian(normal, 14)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.6)
    _cover(doc, report)
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    body.footer.is_linked_to_previous = False
    _page_number_footer(body)
    images = charts(report)
    _para(doc, f"{report['area']}{report['label']}问题线索工作情况", 18, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    _summary(doc, report)
    for sec in report["sections"]:
        _heading(doc, sec["title"])
        if sec["title"].startswith("一"):
            doc.add_picture(io.BytesIO(images["channel"]), width=Cm(15))
        for key in sec["figures"]:
            f = report["figures"][key]
            _para(doc, f"{f['label']}：{f['total']}{f['unit']}", 14, bold=True)
            _para(doc, f"口径：{f['definition']}", 12)
            if any(g["key"] != "all" for g in f["groups"]) or "previous_total" in f:
                header, rows = _figure_rows(f)
                _table(doc, header, rows)
        if sec["title"].startswith("三"):
            _overdue(doc, report)
            _rates(doc, report)
    _heading(doc, "七、近十二个月趋势")
    doc.add_picture(io.BytesIO(images["trend"]), width=Cm(15.5))
    t = report["trend"]
    _table(doc, ["月份", t["labels"]["received"], t["labels"]["closed"], t["labels"]["overdue"]],
           [[m, r, c, o] for m, r, c, o in zip(t["months"], t["received"], t["closed"],
                                                t["overdue"], strict=True)])
    doc.save(path)
    return path


def _summary(doc: Any, report: dict[str, Any]) -> None:
    f, r = report["figures"], report["rates"]
    _para(doc, (f"本月共收到问题线索{f['received_total']['total']}条（上月"
                f"{f['received_total']['previous_total']}条，去年同月"
                f"{f['received_total']['last_year_total']}条）；发出移交"
                f"{f['handoffs_sent']['total']}件，办结{f['handoffs_closed']['total']}件，"
                f"月末超期未反馈{f['handoffs_overdue']['total']}件；办结率"
                f"{r['completion_rate']['percent']}，按期办结率{r['on_time_rate']['percent']}，"
                f"整改率{r['rectification_rate']['percent']}。"), 14)


def _overdue(doc: Any, report: dict[str, Any]) -> None:
    _para(doc, "超期未反馈明细", 14)
    items = report["overdue"]
    rows = [[i["handoff"], i["subject"], i["receiver"], i["kind"], i["due_on"], i["days_overdue"]]
            for i in items[:OVERDUE_SHOWN]]
    _table(doc, ["移交编号", "被反映单位", "受理单位", "方式", "办结期限", "超期工作日"],
           rows or [["—", "本月无超期件", "", "", "", ""]])
    if len(items) > OVERDUE_SHOWN:
        _para(doc, f"以上为超期时间最长的 {OVERDUE_SHOWN} 件，共 {len(items)} 件，完整清单见台账。", 12)


def _rates(doc: Any, report: dict[str, Any]) -> None:
    _heading(doc, "四、办理质效")
    _table(doc, ["指标", "数值", "计算", "口径"],
           [[r["label"], r["percent"], f"{r['numerator']}/{r['denominator']}", r["definition"]]
            for r in report["rates"].values()])
