"""Templates to .docx (pure): the built-in template of each kind, and filling `{{field}}`
placeholders in a template the office edited in Word (FACTS.md: Chinese needs the run's East
Asian font, not only `font.name`). The font named is the hub's one Chinese font
(hub/fonts.py): the family read from the installed file, so a document never names a font the
machine that renders or converts it does not have."""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from hub.fonts import cjk_font

PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")

# kind -> (title, number letter, what the body says); the letters make 十法督交〔2026〕12号.
KINDS: dict[str, tuple[str, str]] = {
    "assign": ("交办函", "交"), "refer": ("移送函", "移"), "transfer": ("转办函", "转"),
    "cc": ("抄送函", "抄"), "reminder": ("催办函", "催"), "escalation": ("督办函", "督"),
    "rectification": ("整改通知书", "整"), "closing": ("办结报告", "结"),
    "minutes": ("会议纪要", "纪"),  # the joint meeting's (hub.meetings)
}
FIELDS = {
    "number": "文号", "office": "办公室名称", "receiver": "受文单位", "date": "成文日期",
    "clue": "线索编号", "clue_title": "线索标题", "clue_content": "线索内容",
    "handoff": "移交编号", "instructions": "办理要求", "reply_due_on": "初步反馈期限",
    "due_on": "办结期限", "overdue_days": "逾期工作日数", "reason": "理由或意见",
    "outcome": "办理结果", "history": "办理经过",
    "meeting": "会议名称", "held_on": "会议日期", "place": "会议地点", "host": "主持人",
    "attendance": "出席单位", "agenda": "会议议程", "decisions": "议定事项",
}
BODIES: dict[str, list[str]] = {
    "assign": ["{{receiver}}：", "现将“{{clue_title}}”问题线索（{{clue}}）交由你单位办理，"
               "请依法依规核查处理，{{reply_due_on}}前反馈初步情况，{{due_on}}前反馈办理结果。",
               "线索内容：{{clue_content}}", "办理要求：{{instructions}}"],
    "refer": ["{{receiver}}：", "“{{clue_title}}”问题线索（{{clue}}）属你单位管辖，现依规移送，"
              "请依法处理，并于{{due_on}}前将办理结果反馈我办。", "线索内容：{{clue_content}}",
              "有关要求：{{instructions}}"],
    "transfer": ["{{receiver}}：", "“{{clue_title}}”问题（{{clue}}）不属法治督察范围，现转你单位"
                 "依职责办理，请于{{due_on}}前告知办理情况。", "问题内容：{{clue_content}}"],
    "cc": ["{{receiver}}：", "现将“{{clue_title}}”问题线索（{{clue}}）抄送你单位，供掌握情况、"
           "协同配合。", "线索内容：{{clue_content}}"],
    "reminder": ["{{receiver}}：", "我办于前期交由你单位办理的“{{clue_title}}”（移交编号"
                 "{{handoff}}），期限为{{due_on}}，现已逾期{{overdue_days}}个工作日。请抓紧办理，"
                 "尽快反馈。"],
    "escalation": ["{{receiver}}：", "我办交由你单位办理的“{{clue_title}}”（移交编号{{handoff}}），"
                   "期限为{{due_on}}，已逾期{{overdue_days}}个工作日，经催办仍未办结。现予督办，"
                   "请主要负责同志亲自过问，限期办结并书面报告。{{reason}}"],
    "rectification": ["{{receiver}}：", "经审核，你单位就“{{clue_title}}”（移交编号{{handoff}}）"
                      "反馈的整改情况未达到要求：{{reason}}", "请于{{due_on}}前整改到位，"
                      "并书面报告整改结果。"],
    "closing": ["“{{clue_title}}”问题线索（{{clue}}）已办结，情况报告如下。",
                "一、线索内容：{{clue_content}}", "二、办理经过：{{history}}",
                "三、办理结果：{{outcome}}"],
    "minutes": ["{{held_on}}，{{office}}在{{place}}召开{{meeting}}，{{host}}主持。"
                "现将会议议定事项纪要如下。", "一、出席单位", "{{attendance}}", "二、会议议程",
                "{{agenda}}", "三、议定事项", "{{decisions}}",
                "请各责任单位按议定事项抓好落实，并在期限内将办理情况反馈我办。"],
}


def font_family() -> str:
    """The family every document names: the installed Chinese font's own name."""
    return cjk_font().family


def east_asian(run: Any, size: float | None = None, *, keep_latin: bool = False) -> None:
    """Set the run's fonts to the hub's Chinese font: the East Asian slot always, the Latin
    slots too unless `keep_latin` and the run already names a Latin font (an office template's
    own choice)."""
    name = font_family()
    font = run.font
    latin = font.name if keep_latin and font.name else name
    font.name = latin
    if size:
        font.size = Pt(size)
    rpr = run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), latin)


def builtin_template(kind: str) -> bytes:
    """The template the hub uses until the office uploads its own (placeholders in {{}})."""
    title, _ = KINDS[kind]
    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    east_asian(head.add_run("{{office}}"), 22)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    east_asian(p.add_run("{{number}}"), 16)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    east_asian(p.add_run(title), 22)
    for line in BODIES[kind]:
        east_asian(doc.add_paragraph().add_run(line), 16)
    for line in ("{{office}}", "{{date}}"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        east_asian(p.add_run(line), 16)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _fill_paragraph(paragraph: Any, values: dict[str, str]) -> None:
    text = paragraph.text
    if "{{" not in text:
        return
    filled = PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), text)
    runs = paragraph.runs
    runs[0].text = filled
    for run in runs[1:]:
        run.text = ""


def _paragraphs(doc: Any):  # noqa: ANN202
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in doc.sections:
        for part in (section.header, section.footer):
            yield from part.paragraphs


def render(template: bytes, values: dict[str, str]) -> bytes:
    """The template with every {{field}} filled, every run with an East Asian font."""
    doc = Document(io.BytesIO(template))
    for paragraph in _paragraphs(doc):
        _fill_paragraph(paragraph, values)
        for run in paragraph.runs:
            rpr = run.element.rPr
            fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
            if fonts is None or fonts.get(qn("w:eastAsia")) is None:
                east_asian(run, keep_latin=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def text_of(content: bytes) -> str:
    """All paragraph text of a .docx (tests, search)."""
    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for p in _paragraphs(doc))


def check_template(content: bytes) -> list[str]:
    """The placeholders a template uses; ValueError in Chinese when it is no .docx at all or
    names a field the hub does not fill."""
    try:
        doc = Document(io.BytesIO(content))
    except Exception:  # python-docx raises several kinds for a file that is not .docx
        raise ValueError("上传的文件不是有效的 Word（.docx）文档") from None
    used = sorted({m.group(1) for p in _paragraphs(doc) for m in PLACEHOLDER.finditer(p.text)})
    unknown = [u for u in used if u not in FIELDS]
    if unknown:
        raise ValueError(f"模板中有无法填写的字段：{'、'.join(unknown)}（可用字段："
                         f"{'、'.join(FIELDS)}）")
    return used
