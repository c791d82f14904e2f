"""The .docx meeting packet and the .xlsx ledger, opened again, show the report's numbers."""

from __future__ import annotations

import io

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from hub.reports.issue import docx_bytes, xlsx_bytes
from hub.security.spreadsheet import inert
from tests.reports.conftest import OFFICE, october
from tests.support.fonts import WQY, file_family


@pytest.fixture(scope="module")
def docx(report):
    return Document(io.BytesIO(docx_bytes(report)))


@pytest.fixture(scope="module")
def xlsx(month_hub, report):
    with month_hub.uow(write=False) as uow:
        data = xlsx_bytes(uow.session, october(), report)
    return openpyxl.load_workbook(io.BytesIO(data))


def _tables(doc):
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def test_docx_has_a_cover_with_the_office_and_period(docx):
    text = "\n".join(p.text for p in docx.paragraphs[:20])
    assert OFFICE in text and "2026年10月" in text and "联席会议月报" in text


def test_docx_tables_carry_the_same_numbers(docx, report):
    tables = _tables(docx)
    channel = next(t for t in tables if any(r[0] == "12345热线" for r in t))
    assert ["12345热线", "3", "1", "1"] in channel
    assert ["合计", "8", "2", "1"] in channel
    overdue = next(t for t in tables if t[0][0] == "移交编号")
    assert ["JB-2026-000008", "茅箭区市场监督管理局", "茅箭区市场监督管理局", "交办", "2026-09-15",
            "29"] in overdue
    rates = next(t for t in tables if t[0][:2] == ["指标", "数值"])
    assert any(r[0] == "按期办结率" and r[1] == "50.0%" and "期限当日" in r[3] for r in rates)
    body = "\n".join(p.text for p in docx.paragraphs)
    assert "收到问题线索8条" in body and "月末超期未反馈2件" in body


def test_docx_embeds_charts_sets_east_asian_fonts_and_numbers_pages(docx):
    assert len(docx.inline_shapes) >= 2
    fonts = docx.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == file_family(WQY)  # the installed font, by its file
    run = next(r for p in docx.paragraphs for r in p.runs if "线索" in r.text)
    assert run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
    footer_xml = docx.sections[1].footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml


def test_xlsx_figures_sheet_matches_the_report(xlsx):
    rows = list(xlsx["月报数据"].iter_rows(values_only=True))
    assert rows[1][:6] == ("一、线索受理情况", "收到线索总数", "合计", 8, 2, 1)
    channel = {r[2]: r[3:6] for r in rows if r[1] == "按来源渠道"}
    assert channel["12345热线"] == (3, 1, 1)
    rates = {r[1]: r[3] for r in rows if r[0] == "四、办理质效"}
    assert rates["办结率"] == "50.0%" and rates["及时签收率"] == "57.1%"


def test_xlsx_ledger_has_one_row_per_clue_and_handoff_with_chinese_dates(xlsx, month):
    clues, handoffs = xlsx["线索台账"], xlsx["移交台账"]
    assert clues.max_row == 1 + 8 and handoffs.max_row == 1 + 8
    for ws in (clues, handoffs, xlsx["月报数据"]):
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
    assert clues["B2"].number_format.startswith("yyyy年m月d日")
    header = [c.value for c in handoffs[1]]
    row = {h: c for h, c in zip(header, handoffs[2], strict=True)}
    assert row["移交编号"].value == "JB-2026-000001" and row["是否按期反馈"].value == "是"
    assert row["办结期限"].number_format == "yyyy年m月d日"
    late = next(r for r in handoffs.iter_rows(min_row=2, values_only=True)
                if r[0] == "JB-2026-000002")
    assert late[header.index("超期工作日")] == 1


def test_xlsx_cells_that_look_like_formulas_are_inert(xlsx):
    titles = [r[5] for r in xlsx["线索台账"].iter_rows(min_row=2, values_only=True)]
    formula = next(t for t in titles if "HYPERLINK" in t)
    assert formula.startswith("'=")
    assert all(inert(s).startswith("'") for s in ("=1+1", "+1", "-1", "@SUM(A1)"))
    assert inert("正常标题") == "正常标题" and inert(12) == 12


def test_the_cover_dates_the_report_in_beijing_time_before_8am(month_hub):
    """At 01:30 on 5 November in Beijing (17:30 on the 4th in UTC) the running month's report
    is counted to 5 November, on the cover, the page data and the JSON."""
    from datetime import datetime

    from hub.reports.build import build
    from hub.reports.scope import Scope
    from hub.workdays import SHANGHAI

    early = datetime(2026, 11, 5, 1, 30, tzinfo=SHANGHAI)
    with month_hub.uow(write=False) as uow:
        report = build(uow.session, Scope(2026, 11, None, as_of=early), office_name=OFFICE)
    cover = "\n".join(p.text for p in Document(io.BytesIO(docx_bytes(report))).paragraphs[:20])
    assert "统计截至：2026-11-05（北京时间）" in cover
    assert report["as_of_day"] == "2026-11-05"
    assert report["as_of"].startswith("2026-11-05T01:30:00") and report["as_of"].endswith("+08:00")
    assert report["generated_at"].endswith("+08:00")


def test_a_finished_months_cover_is_dated_its_last_day(docx, report):
    assert "统计截至：2026-10-31（北京时间）" in "\n".join(p.text for p in docx.paragraphs[:20])
    assert report["as_of_day"] == "2026-10-31"
