"""`hub meeting`: create the month's meeting from its report, list, show, write the minutes."""

from __future__ import annotations

import hashlib
import io
from datetime import date

from docx import Document

from hub.meetings import service
from hub.reports.build import build
from hub.reports.scope import Scope
from tests.reports.month import insert_month
from tests.support.cli import run_hub


def test_create_list_show_and_minutes_from_the_command_line(hub, settings, tmp_path):
    with hub.uow() as uow:
        insert_month(uow.session)
        uow.commit()
    with hub.uow(write=False) as uow:
        overdue = [i["handoff"] for i in build(uow.session, Scope(2026, 10),
                                                  office_name=hub.settings.office_name)["overdue"]]

    unknown = run_hub(settings, "meeting", "create", "--month", "2026-10", "--agency", "没有的单位")
    assert unknown.returncode == 1 and "没有名为“没有的单位”的在用协作单位" in unknown.stderr
    made = run_hub(settings, "meeting", "create", "--month", "2026-10", "--agency",
                   "月报测试来源单位", "--place", "第一会议室", "--host", "张主任")
    assert made.returncode == 0, made.stderr
    assert "已建立2026年10月联席会议（编号 1），参会单位 1 家，议程 5 项" in made.stdout
    again = run_hub(settings, "meeting", "create", "--month", "2026-10")
    assert again.returncode == 1 and "已经建立" in again.stderr

    listed = run_hub(settings, "meeting", "list")
    assert "2026年10月联席会议  筹备中  参会单位 1 家  日期未定" in listed.stdout
    shown = run_hub(settings, "meeting", "show", "2026-10")
    assert shown.returncode == 0 and "月报测试来源单位：未登记" in shown.stdout
    assert f"超期未反馈事项（{len(overdue)} 件）" in shown.stdout
    assert all(number in shown.stdout for number in overdue)
    assert "多渠道反映的问题" in shown.stdout and "（仅办公室）" in shown.stdout

    out = tmp_path / "纪要.docx"
    undated = run_hub(settings, "meeting", "minutes", "1", "--out", str(out))
    assert undated.returncode == 1 and "请先填写会议日期" in undated.stderr and not out.exists()
    missing = run_hub(settings, "meeting", "show", "2026-09")
    assert missing.returncode == 1 and "2026-09 还没有联席会议" in missing.stderr

    with hub.uow() as uow:
        service.update_details(uow.session, 1, held_on=date(2026, 11, 6), place="第一会议室",
                               host="张主任", actor="system", via="system")
        uow.commit()
    written = run_hub(settings, "meeting", "minutes", "2026-10", "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert "已印发会议纪要 十法督纪〔" in written.stdout
    content = out.read_bytes()
    assert hashlib.sha256(content).hexdigest() in written.stdout
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "2026年11月6日" in text and overdue[0] in text and "本次会议无议定事项" in text
    # Written again: the same minutes, not issued twice.
    again = run_hub(settings, "meeting", "minutes", "1", "--out", str(tmp_path / "again.docx"))
    assert "已印发" not in again.stdout and (tmp_path / "again.docx").read_bytes() == content
