"""The joint meeting (联席会议) end to end: the month's meeting created from the seeded month, its
agenda quoting the report's overdue items, attendance, a decision that becomes a hand-off the
receiver finds in its inbox, the minutes issued once as .docx, and the participating agencies'
API (an agency that did not take part gets 404)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote_plus

import jsonschema
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from hub.audit.models import AuditEntry
from hub.db.models import Clue
from hub.handoffs.models import Handoff
from hub.intake.present import clue_no
from hub.meetings.models import MeetingDecision
from hub.reports.build import build
from hub.reports.scope import Scope
from hub.workdays import shanghai_today

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "v1"


def _valid(answer: dict, name: str) -> dict:
    """The answer as the published contract (schemas/v1) describes it."""
    jsonschema.validate(answer, json.loads((SCHEMAS / name).read_text(encoding="utf-8")))
    return answer


def _said(response) -> str:  # noqa: ANN001
    """The notice or error a page action went back with."""
    assert response.status_code == 303, response.text
    return unquote_plus(response.headers["location"])


def _decisions(hub, meeting: int) -> list[MeetingDecision]:  # noqa: ANN001
    with hub.uow(write=False) as uow:
        return list(uow.session.scalars(select(MeetingDecision).where(
            MeetingDecision.meeting_id == meeting).order_by(MeetingDecision.position)))


def _clue_number(hub, clue_id: int) -> str:  # noqa: ANN001
    with hub.uow(write=False) as uow:
        clue = uow.session.get(Clue, clue_id)
        return clue_no(clue.id, clue.received_at)


def test_the_month_s_meeting_from_its_report_to_its_minutes(month):
    desk, hub = month.desk, month.desk.hub
    meeting = month.create(month.commission_id, month.bureau_id)

    # The agenda quotes the month's report: its overdue hand-offs, its referrals.
    with hub.uow(write=False) as uow:
        report = build(uow.session, Scope(2026, 10), office_name=hub.settings.office_name)
    overdue = [i["handoff"] for i in report["overdue"]]
    referred = next(g["value"] for g in report["figures"]["handoffs_sent"]["groups"]
                    if g["key"] == "refer")
    assert overdue and referred == 2
    page = desk.office.get(f"/office/meetings/{meeting}")
    assert page.status_code == 200
    assert f"超期未反馈事项（{len(overdue)} 件）" in page.text and "移送事项（2 件）" in page.text
    for number in overdue:
        assert number in page.text
    assert "2026年10月工作情况通报" in page.text and "回头看问题反弹（0 件）" in page.text
    assert "已经建立" in _said(month.form("/office/meetings", period="2026-10"))
    assert "尚未开始" in _said(month.form("/office/meetings", period="2099-01"))
    assert "YYYY-MM" in _said(month.form("/office/meetings", period="十月"))

    # Details and attendance; a present agency names its attendee.
    details = month.form(f"/office/meetings/{meeting}/details", place="市委依法治市办第一会议室",
                         held_on=shanghai_today().isoformat(), host="张主任")
    assert "已保存会议信息" in _said(details)
    assert "年-月-日" in _said(month.form(f"/office/meetings/{meeting}/details", held_on="明天"))
    people = f"/office/meetings/{meeting}/participants"
    assert "请填写出席人姓名" in _said(month.form(people, agency=str(month.commission_id),
                                                  attendance="present"))
    assert "出席情况应为" in _said(month.form(people, agency=str(month.commission_id),
                                              attendance="maybe"))
    assert "已登记出席情况" in _said(month.form(people, agency=str(month.commission_id),
                                                attendance="present", attendee="王建国",
                                                post="副主任"))
    assert "已登记出席情况" in _said(month.form(people, agency=str(month.bureau_id),
                                                attendance="leave"))
    page = desk.office.get(f"/office/meetings/{meeting}").text
    assert "出席（副主任 王建国）" in page and "请假" in page

    # Decisions: refused with the field named; the responsible agency must take part.
    due = (shanghai_today() + timedelta(days=30)).isoformat()
    decisions = f"/office/meetings/{meeting}/decisions"
    c6 = _clue_number(hub, month.ids["C6"])
    assert "请填写议定事项的内容" in _said(month.form(decisions, text="", agency=str(month.commission_id),
                                                      due_on=due))
    assert "须是本次会议的参会单位" in _said(month.form(decisions, text="督促", due_on=due,
                                                       agency=str(month.court_id)))
    assert "没有编号为 XS-2026-999999 的线索" in _said(month.form(
        decisions, text="督促", due_on=due, agency=str(month.commission_id), clue="XS-2026-999999"))
    assert "已增加议定事项" in _said(month.form(
        decisions, text="责成十堰市纪委监委对超期移送事项限期办结并书面报告", due_on=due,
        agency=str(month.commission_id), clue=c6))
    assert "已增加议定事项" in _said(month.form(
        decisions, text="茅箭区市场监管局规范涉企检查，杜绝重复检查", due_on=due,
        agency=str(month.bureau_id)))
    first, second = _decisions(hub, meeting)

    # A decision becomes a hand-off through the hand-off service; only a decided clue.
    handoff = f"/office/meetings/{meeting}/decisions/{first.id}/handoff"
    assert "尚未研判" in _said(month.form(handoff))
    assert "没有关联线索" in _said(month.form(
        f"/office/meetings/{meeting}/decisions/{second.id}/handoff"))
    month.decided("C6")
    made = _said(month.form(handoff))
    number = re.search(r"移交编号 (JB-\d{4}-\d{6})", made).group(1)
    assert "已转为交办" in _said(month.form(handoff))  # once only
    assert "不能再修改或删除" in _said(month.form(decisions, op="delete", decision=str(first.id)))
    with hub.uow(write=False) as uow:
        made_id = uow.session.scalar(select(Handoff.id).where(Handoff.number == number))
    assert _decisions(hub, meeting)[0].handoff_id == made_id

    inbox = desk.commission.get("/api/v1/handoffs")
    assert number in [h["id"] for h in inbox.json()["handoffs"]]
    seen = desk.commission.get(f"/api/v1/handoffs/{number}").json()
    assert seen["instructions"].startswith("根据2026年10月联席会议议定事项第一项：责成十堰市纪委监委")
    assert seen["due_on"] == due
    history = desk.office.get(f"/api/v1/office/handoffs/{number}").json()["events"]
    assert history[0]["action"] == "create"
    assert history[0]["detail"]["source"] == "2026年10月联席会议议定事项第一项"
    assert history[0]["detail"]["meeting"] == meeting
    assert "来自2026年10月联席会议议定事项第一项" in desk.office.get(f"/office/handoffs/{number}").text
    assert number in desk.office.get(f"/office/meetings/{meeting}").text

    # The participating agencies read the meeting: the shared agenda and their own decisions.
    assert desk.court.get("/api/v1/meetings").json() == {"meetings": []}
    for path in (f"/api/v1/meetings/{meeting}", f"/api/v1/meetings/{meeting}/minutes"):
        hidden = desk.court.get(path)
        assert hidden.status_code == 404 and "本单位未参加" in hidden.json()["message"]
    assert desk.court.get("/api/v1/meetings/999999").json()["message"] == \
        desk.court.get(f"/api/v1/meetings/{meeting}").json()["message"].replace(str(meeting), "999999")
    listed = desk.commission.get("/api/v1/meetings").json()["meetings"]
    assert [(m["id"], m["title"], m["minutes"]) for m in listed] == [
        (meeting, "2026年10月联席会议", None)]
    _valid(desk.commission.get("/api/v1/meetings").json(), "meeting-page.schema.json")
    own = _valid(desk.commission.get(f"/api/v1/meetings/{meeting}").json(), "meeting.schema.json")
    assert [d["text"] for d in own["decisions"]] == ["责成十堰市纪委监委对超期移送事项限期办结并书面报告"]
    assert own["decisions"][0]["handoff"] == number and own["decisions"][0]["position"] == 1
    assert own["attendance"] == {"attendance": "present", "attendee": "王建国", "post": "副主任"}
    assert {p["agency"]: p["attendance"] for p in own["participants"]} == {
        "十堰市纪委监委": "present", "郧西县自然资源和规划局": "leave"}
    titles = [a["title"] for a in own["agenda"]]
    assert f"超期未反馈事项（{len(overdue)} 件）" in titles
    assert not any(t.startswith("多渠道反映的问题") for t in titles)  # the office's own, unshared
    bureau = desk.bureau.get(f"/api/v1/meetings/{meeting}").json()
    assert [d["text"] for d in bureau["decisions"]] == ["茅箭区市场监管局规范涉企检查，杜绝重复检查"]
    assert "责成" not in str(bureau["decisions"]) and "王建国" not in str(bureau["attendance"])
    assert desk.commission.get(f"/api/v1/meetings/{meeting}/minutes").status_code == 404

    # Minutes: issued once, numbered, kept with their sha256; the record is final after.
    issued = _said(month.form(f"/office/meetings/{meeting}/minutes"))
    year = shanghai_today().year
    assert f"会议纪要已印发，文号 十法督纪〔{year}〕1号" in issued
    assert "纪要已印发" in _said(month.form(f"/office/meetings/{meeting}/minutes"))
    assert "不能再修改" in _said(month.form(f"/office/meetings/{meeting}/details", place="别处"))
    office_copy = desk.office.get(f"/office/meetings/{meeting}/minutes")
    assert office_copy.status_code == 200 and office_copy.headers["content-type"] == DOCX
    content = office_copy.content
    assert office_copy.headers["x-content-sha256"] == hashlib.sha256(content).hexdigest()
    shared = desk.commission.get(f"/api/v1/meetings/{meeting}/minutes")
    assert shared.status_code == 200 and shared.content == content
    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"十法督纪〔{year}〕1号" in text and "会议纪要" in text
    assert "2026年10月联席会议" in text and "市委依法治市办第一会议室" in text and "张主任" in text
    assert f"超期未反馈事项（{len(overdue)} 件）" in text and overdue[0] in text
    assert "十堰市纪委监委（副主任、王建国）出席" in text and "郧西县自然资源和规划局请假" in text
    assert "责成十堰市纪委监委对超期移送事项限期办结并书面报告（责任单位：十堰市纪委监委" in text
    assert f"已交办，移交编号 {number}" in text
    assert "多渠道反映的问题" not in text  # unshared items stay out of the minutes
    run = next(r for p in doc.paragraphs for r in p.runs if "超期未反馈" in r.text)
    assert run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
    listed = _valid(desk.commission.get("/api/v1/meetings").json(),
                    "meeting-page.schema.json")["meetings"][0]
    assert listed["state"] == "issued" and listed["minutes"]["sha256"] == \
        hashlib.sha256(content).hexdigest()

    with hub.uow(write=False) as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.target_kind == "meeting", AuditEntry.target_id == str(meeting))
            .order_by(AuditEntry.seq)))
    assert actions[0] == "meeting.created" and actions[-1] == "meeting.minutes_issued"
    assert {"meeting.details", "meeting.attendance", "meeting.decision_added",
            "meeting.decision_handed_off"} <= set(actions)


def test_the_office_edits_the_agenda_and_reviewers_only_read(month):
    desk = month.desk
    meeting = month.create(month.commission_id)
    page = desk.office.get(f"/office/meetings/{meeting}").text
    item = int(re.search(r'id="item-(\d+)"', page).group(1))
    agenda = f"/office/meetings/{meeting}/agenda"
    assert "请填写议程标题" in _said(month.form(agenda, op="save", item=str(item), title=" "))
    assert "已保存议程" in _said(month.form(agenda, op="save", item=str(item),
                                            title="十月工作情况通报（修改）", body="通报要点",
                                            public="1"))
    assert "已增加议程" in _said(month.form(agenda, op="add", title="研究2027年督察计划",
                                            body="讨论", public="1"))
    assert "已增加议程" in _said(month.form(agenda, op="add", title="内部：人员分工", body="—"))
    shared = desk.commission.get(f"/api/v1/meetings/{meeting}").json()["agenda"]
    assert shared[0] == {"position": 1, "title": "十月工作情况通报（修改）", "text": "通报要点"}
    assert shared[-1]["title"] == "研究2027年督察计划"
    assert "内部：人员分工" not in str(shared)
    # Drawn again from the report: the report's items come back, the office's own stay.
    assert "已按月报重新生成议程" in _said(month.form(agenda, op="regenerate"))
    titles = [a["title"] for a in desk.commission.get(f"/api/v1/meetings/{meeting}").json()["agenda"]]
    assert titles[0] == "2026年10月工作情况通报" and titles[-1] == "研究2027年督察计划"
    assert "已加入参会单位" in _said(month.form(f"/office/meetings/{meeting}/participants",
                                                op="add", agency=str(month.court_id)))
    assert desk.court.get(f"/api/v1/meetings/{meeting}").status_code == 200
    assert "已移出参会单位" in _said(month.form(f"/office/meetings/{meeting}/participants",
                                                op="remove", agency=str(month.court_id)))
    assert desk.court.get(f"/api/v1/meetings/{meeting}").status_code == 404

    reviewer = desk.user("zhao", "reviewer")
    seen = reviewer.get(f"/office/meetings/{meeting}")
    assert seen.status_code == 200 and "您只能查看" in seen.text and "保存会议信息" not in seen.text
    assert "建立会议并生成议程" not in reviewer.get("/office/meetings").text
    refused = reviewer.post(f"/office/meetings/{meeting}/details",
                            data={"csrf": reviewer.headers["X-CSRF-Token"], "place": "别处"})
    assert refused.status_code == 403 and "只有科长和领导可以编辑联席会议" in refused.text
    admin = desk.user("wang", "admin")
    assert admin.get("/office/meetings").status_code == 403
