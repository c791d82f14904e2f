"""一事一文: each step of a matter issues its document — numbered per kind and year, rendered
from the office's template with Chinese fonts set, issued once with its SHA-256, attached to
the hand-off and delivered to its receiver."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import timedelta

from docx import Document
from sqlalchemy import func, select

from hub.accounts.service import add_user
from hub.calendar.service import load_calendar
from hub.db.types import utcnow
from hub.documents.models import IssuedDocument
from hub.documents.render import text_of
from hub.notify.reminders import run_reminders
from hub.workdays import shanghai_today
from tests.handoffs.conftest import COMMISSION, PASSWORD, office_client
from tests.support.fonts import WQY, file_family

YEAR = shanghai_today().year


def _documents(client, number: str) -> list[dict]:
    seen = client.get(f"/api/v1/handoffs/{number}")
    assert seen.status_code == 200, seen.text
    return seen.json()["documents"]


def _docx(client, url: str) -> tuple[bytes, str]:
    got = client.get(url)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert hashlib.sha256(got.content).hexdigest() == got.headers["x-content-sha256"]
    return got.content, text_of(got.content)


def _east_asian_fonts(content: bytes) -> set[str]:
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    runs = re.findall(r"<w:r>.*?</w:r>|<w:r .*?</w:r>", xml, re.S)
    assert runs
    return {m for run in runs for m in re.findall(r'w:eastAsia="([^"]+)"', run)} | (
        {"<missing>"} if any("w:eastAsia" not in run for run in runs if "<w:t" in run) else set())


def test_a_matter_issues_its_documents_numbered_once_each_and_the_receiver_gets_them(desk):
    number = desk.handoff("assign", COMMISSION, instructions="请核实后依法整改")
    [letter] = _documents(desk.commission, number)
    assert letter["number"] == f"十法督交〔{YEAR}〕1号" and letter["kind"] == "assign"
    content, text = _docx(desk.commission, letter["url"])
    assert letter["sha256"] == hashlib.sha256(content).hexdigest()
    assert "交办函" in text and f"{COMMISSION}：" in text and letter["number"] in text
    assert "请核实后依法整改" in text and "十堰市委依法治市办" in text
    assert _east_asian_fonts(content) == {file_family(WQY)}  # the installed font, by its file
    # Another agency never sees it.
    assert desk.bureau.get(letter["url"]).status_code == 404

    second = desk.handoff("assign", COMMISSION)
    assert _documents(desk.commission, second)[0]["number"] == f"十法督交〔{YEAR}〕2号"

    # The office reminds (催办函), sends a reply back (整改通知书), then verifies: 办结报告.
    desk.office.post(f"/api/v1/office/handoffs/{number}/actions", json={"action": "remind"})
    desk.commission.post(f"/api/v1/handoffs/{number}/replies", json={
        "final": True, "text": "已整改", "outcome": {"kind": "rectified", "text": "已退还罚款"}})
    back = desk.office.post(f"/api/v1/office/handoffs/{number}/actions", json={
        "action": "send_back", "reason": "罚款尚未全部退还", "complete_days": 5})
    assert back.status_code == 200, back.text
    desk.commission.post(f"/api/v1/handoffs/{number}/replies", json={
        "final": True, "text": "已全部退还", "outcome": {"kind": "rectified", "text": "罚款已全部退还"}})
    verified = desk.office.post(f"/api/v1/office/handoffs/{number}/actions", json={"action": "verify"})
    assert verified.json()["status"] == "closed"
    docs = _documents(desk.commission, number)
    assert [d["number"] for d in docs] == [f"十法督交〔{YEAR}〕1号", f"十法督催〔{YEAR}〕1号",
                                           f"十法督整〔{YEAR}〕1号", f"十法督结〔{YEAR}〕1号"]
    _, notice = _docx(desk.commission, docs[2]["url"])
    assert "整改通知书" in notice and "罚款尚未全部退还" in notice
    _, report = _docx(desk.office, f"/office/documents/{docs[3]['id']}")
    assert "办结报告" in report and "罚款已全部退还" in report and number in report
    page = desk.office.get("/office/documents")
    assert page.status_code == 200 and f"十法督结〔{YEAR}〕1号" in page.text

    # The reminders job's escalations issue 督办函 — once each, however often it runs.
    with desk.hub.uow(write=False) as uow:  # a working day (the job sends nothing on a rest day)
        far = load_calendar(uow.session).next_working_day(shanghai_today() + timedelta(days=59))
    for _ in range(2):
        run_reminders(desk.hub, far, utcnow())
    letters = [d for d in _documents(desk.commission, second) if d["kind"] == "escalation"]
    # Both deadlines (initial reply, completion) overdue: 督办 and 领导介入 for each.
    assert sorted(d["number"] for d in letters) == [f"十法督督〔{YEAR}〕{n}号" for n in range(1, 5)]
    texts = [_docx(desk.commission, d["url"])[1] for d in letters]
    assert all("督办函" in t for t in texts) and sum("领导介入" in t for t in texts) == 2
    with desk.hub.uow(write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(IssuedDocument)) == 9


def test_the_administrator_replaces_a_template_and_the_next_letter_follows_it(desk):
    with desk.hub.uow() as uow:
        add_user(uow.session, username="admin", display_name="管理员", role="admin",
                 password=PASSWORD)
        uow.commit()
    admin = office_client(desk.url, "admin")
    csrf = admin.headers["X-CSRF-Token"]
    custom = Document()
    custom.add_paragraph("{{office}}专用交办函 {{number}}")
    custom.add_paragraph("致{{receiver}}：请于{{due_on}}前办结。")
    out = io.BytesIO()
    custom.save(out)
    bad = admin.post("/office/documents/templates/assign", data={"csrf": csrf},
                     files={"file": ("x.docx", b"not a word file", "application/octet-stream")})
    assert bad.status_code == 303 and "不是有效的 Word" in _unquoted(bad)
    unknown = Document()
    unknown.add_paragraph("{{secret_field}}")
    buf = io.BytesIO()
    unknown.save(buf)
    refused = admin.post("/office/documents/templates/assign", data={"csrf": csrf},
                         files={"file": ("y.docx", buf.getvalue(), "application/octet-stream")})
    assert "无法填写的字段：secret_field" in _unquoted(refused)
    ok = admin.post("/office/documents/templates/assign", data={"csrf": csrf},
                    files={"file": ("交办函.docx", out.getvalue(), "application/octet-stream")})
    assert "已更换交办函模板" in _unquoted(ok)
    assert desk.office.post("/office/documents/templates/assign",
                            data={"csrf": desk.office.headers["X-CSRF-Token"]},
                            files={"file": ("z.docx", out.getvalue())}).status_code == 403

    number = desk.handoff("assign", COMMISSION)
    [letter] = _documents(desk.commission, number)
    content, text = _docx(desk.commission, letter["url"])
    assert text.startswith(f"十堰市委依法治市办专用交办函 {letter['number']}")
    assert f"致{COMMISSION}：请于" in text
    assert _east_asian_fonts(content) == {file_family(WQY)}  # set on runs that had none


def _unquoted(response) -> str:
    from urllib.parse import unquote_plus

    return unquote_plus(response.headers.get("location", ""))
