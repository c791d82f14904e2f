"""Closing the loop (issue 14, 成果共享 and persons in outcomes), over real HTTP on loopback.

A 12345 work order pulled from the hotline simulator is reviewed, assigned, answered with two
persons sanctioned, verified and closed; the hotline's own ticket then holds the outcome reply
exactly once, the hotline (as the sending agency) reads the outcome on its clue, the receiver
does not, and the month's report counts the two 人次 by measure; the closed matter's archive
file verifies, and the follow-up check (回头看) is in its owner's list on its working day."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import httpx
import openpyxl
import pytest
from sqlalchemy import select

from connectors.registry import CONNECTORS
from hub.accounts.service import add_user
from hub.agencies.service import add_agency, new_key
from hub.archive import service as archive
from hub.calendar.service import load_calendar
from hub.collect.config import configure
from hub.collect.runner import run_connector
from hub.collect.service import connector_agency, connector_spec
from hub.collect.writeback import write_back
from hub.db.models import Clue
from hub.db.types import utcnow
from hub.handoffs.models import HandoffReplyPerson
from hub.notify.dispatch import Dispatcher
from hub.notify.models import WebhookDelivery
from hub.reports.build import build, context
from hub.reports.figures import REGISTRY
from hub.reports.issue import xlsx_bytes
from hub.reports.registry import count
from hub.reports.scope import Scope, local_day
from tests.connectors.conftest import serving
from tests.support.live import LiveHub

PASSWORD = "correct-horse-9"
BUREAU = "郧西县市场监督管理局"
PEOPLE = [
    {"name": "王建军", "post": "副局长", "rank": "section", "kind": "government_sanction",
     "measure": "demerit"},
    {"name": "刘明", "post": "执法大队队长", "rank": "staff", "kind": "party_discipline",
     "measure": "warning"},
]


def _wait(condition: Callable[[], object], what: str, seconds: float = 60.0) -> object:
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return found


def _tick(hub) -> dict:  # noqa: ANN001
    """What the scheduler's jobs do: replies owed onto pulled records into the outbox
    (hub.collect), then the dispatcher fills and sends (hub.notify)."""
    write_back(hub)
    dispatcher = Dispatcher(hub)
    try:
        return dispatcher.tick()
    finally:
        dispatcher.close()


@pytest.fixture
def world(hub) -> Iterator[dict]:
    """The hub (API and a worker; the test runs the dispatcher), the hotline simulator on
    loopback, a reviewer, the bureau as a receiving agency, and a key for the hotline."""
    with LiveHub(hub, workers=1, with_scheduler=False) as live, \
            serving(CONNECTORS["hotline"].simulator(seed=5, total=12, page_size=12)) as sim:
        configure(hub, "hotline", url=sim)
        hotline_id = connector_agency(hub, connector_spec("hotline"))
        with hub.uow() as uow:
            add_user(uow.session, username="li", display_name="李科员", role="reviewer",
                     password=PASSWORD)
            hotline_key = new_key(uow.session, hotline_id)
            bureau, bureau_key = add_agency(uow.session, name=BUREAU, channel="other",
                                            region_code="420322")
            bureau_id = bureau.id
            uow.commit()
        def agency(key: str) -> httpx.Client:
            return httpx.Client(base_url=live.url, timeout=30,
                                headers={"Authorization": f"Bearer {key}"})

        with httpx.Client(base_url=live.url, timeout=30) as office, \
                agency(hotline_key) as hotline, agency(bureau_key) as bureau, \
                httpx.Client(base_url=sim, timeout=10) as ticket_system:
            opened = office.post("/api/v1/office/session", json={"username": "li",
                                                                 "password": PASSWORD})
            office.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
            yield {"hub": hub, "office": office, "hotline": hotline, "bureau": bureau,
                   "bureau_id": bureau_id, "sim": ticket_system, "hotline_id": hotline_id}


def _pulled_clue(hub, hotline_id: int) -> tuple[str, str]:  # noqa: ANN001
    """Pull the simulator once; the first work order that reached review: (XS-…, 工单编号)."""
    report = run_connector(hub, "hotline")
    assert report.status == "ok" and report.tally.new >= 3, report

    def reviewable() -> Clue | None:
        with hub.uow(write=False) as uow:
            return uow.session.scalar(select(Clue).where(
                Clue.agency_id == hotline_id, Clue.status == "pending_review").order_by(Clue.id))

    clue = _wait(reviewable, "a pulled work order to reach review")
    return f"XS-{local_day(clue.received_at).year}-{clue.id:06d}", clue.source_ref


def test_a_12345_ticket_goes_round_the_loop_and_gets_its_answer_once(world):
    hub, office, hotline, bureau = (world[k] for k in ("hub", "office", "hotline", "bureau"))
    number, ticket = _pulled_clue(hub, world["hotline_id"])
    world["ticket"] = ticket
    seen = hotline.get(f"/api/v1/clues/{number}").json()
    assert seen["disposition"] is None and seen["handoffs"] == [] and seen["outcome"] is None

    # Review: assigned to the bureau, which acknowledges and answers with two persons.
    made = office.post("/api/v1/office/decisions", json={
        "clues": [number], "kind": "assign", "target": f"agency:{world['bureau_id']}",
        "instructions": "请核查处理并反馈"})
    assert made.status_code == 201, made.text
    handoff = made.json()["decisions"][0]["handoffs"][0]
    assert bureau.post(f"/api/v1/handoffs/{handoff}/ack").status_code == 200
    reply = bureau.post(f"/api/v1/handoffs/{handoff}/replies", json={
        "source_ref": "HF-1", "final": True,
        "text": "经查，执法人员当场罚款未出具决定书属实，已退还罚款并追责。",
        "outcome": {"kind": "sanction", "people": PEOPLE}})
    assert reply.status_code == 201, reply.text
    outcome = reply.json()["outcome"]
    assert outcome["persons"] == 2
    assert [(p["name"], p["kind"], p["measure"]) for p in outcome["people"]] == [
        ("王**", "government_sanction", "demerit"), ("刘*", "party_discipline", "warning")]
    with hub.uow(write=False) as uow:  # names encrypted at rest, masked copy beside
        stored = list(uow.session.scalars(select(HandoffReplyPerson)))
    assert [p.name_masked for p in stored] == ["王**", "刘*"]
    assert all("王建军".encode() not in p.name_enc for p in stored)

    # Before the office verifies, the sender sees the state, never the outcome.
    seen = hotline.get(f"/api/v1/clues/{number}").json()
    assert seen["disposition"]["kind"] == "assign" and seen["outcome"] is None
    assert [(h["id"], h["status"]) for h in seen["handoffs"]] == [(handoff, "replied")]
    assert "instructions" not in seen["handoffs"][0]

    verified = office.post(f"/api/v1/office/handoffs/{handoff}/actions", json={"action": "verify"})
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "closed"  # a sanction closes on verification (销号)

    # 成果共享 by API: the sender reads the verified outcome; the receiver cannot read the clue.
    seen = hotline.get(f"/api/v1/clues/{number}").json()
    assert seen["status"] == "closed" and seen["handoffs"][0]["status"] == "closed"
    shared = seen["outcome"]
    assert (shared["kind"], shared["kind_label"], shared["persons"]) == ("sanction", "党纪政务处分", 2)
    assert [(p["name"], p["post"], p["kind_label"], p["measure_label"]) for p in shared["people"]] \
        == [("王**", "副局长", "政务处分", "记过"), ("刘*", "执法大队队长", "党纪处分", "警告")]
    assert shared["summary"].startswith("经查") and shared["receiver"] == BUREAU
    assert "王建军" not in str(seen) and "刘明" not in str(seen)
    assert bureau.get(f"/api/v1/clues/{number}").status_code == 404
    listed = hotline.get("/api/v1/clues", params={"updated_since": seen["updated_at"]}).json()
    assert [c["id"] for c in listed["clues"]] == [number]
    assert listed["clues"][0]["outcome"] == shared

    # Write-back: the outcome reply lands on the 12345 ticket, exactly once however often the
    # dispatcher runs.
    for _ in range(3):
        _tick(hub)
    held = world["sim"].get(f"/records/{ticket}/replies").json()["replies"]
    assert len(held) == 1, held
    body = held[0]["body"]
    assert body["工单编号"] == ticket and body["办理结果"] == "党纪政务处分"
    assert body["回复内容"].startswith(f"经依法治市办交{BUREAU}办理") and "涉及 2 人" in body["回复内容"]
    assert body["平台线索编号"] == number and "王建军" not in str(body)
    assert body["办结时间"].endswith("+08:00")  # office time, as the ticket system keeps it
    with hub.uow(write=False) as uow:
        replies = list(uow.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.event == "ticket.reply")))
    assert [(d.state, d.attempts) for d in replies] == [("delivered", 1)]

    # The month's report counts the two 人次 by kind and by measure.
    today = local_day(utcnow())
    with hub.uow(write=False) as uow:
        ctx = context(uow.session, Scope(today.year, today.month))
        by_measure = count(REGISTRY["outcome_persons_by_measure"], ctx)
        by_kind = count(REGISTRY["outcome_persons_by_kind"], ctx)
    assert by_measure.total == 2
    assert {by_measure.labels[g]: v for g, v in by_measure.by_group.items()} == {
        "政务处分·记过": 1, "党纪处分·警告": 1}
    assert by_kind.by_group == {"government_sanction": 1, "party_discipline": 1}
    # The ledger lists the two persons of the clue, masked as everywhere, not only a count.
    with hub.uow(write=False) as uow:
        scope = Scope(today.year, today.month)
        month = build(uow.session, scope, office_name="十堰市委依法治市办")
        book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(uow.session, scope, month)))
        title = uow.session.scalar(select(Clue.title).where(Clue.source_ref == ticket))
    persons = [r[:4] + r[5:10] for r in book["处理人员台账"].iter_rows(min_row=2, values_only=True)]
    assert persons == [
        (number, title, handoff, BUREAU, "王**", "副局长", "乡科级", "政务处分", "记过"),
        (number, title, handoff, BUREAU, "刘*", "执法大队队长", "科员及以下", "党纪处分",
         "警告")]
    assert "王建军" not in str(list(book["处理人员台账"].values))

    # Issue 14's items 4 and 5 continue this story here: the closed matter's archive file
    # verifies, and the follow-up check (回头看) appears on its day.
    _archive_and_follow_up(world, number, handoff)


def _archive_and_follow_up(world: dict, number: str, handoff: str) -> None:
    """The closed matter's archive file verifies (what `hub archive verify` runs), and the
    follow-up check is in its owner's list on its working day, not the day before."""
    hub, office = world["hub"], world["office"]
    assert archive.build_all(hub) == 1
    listed = office.get("/office/archive", params={"q": number})
    assert listed.status_code == 200 and number in listed.text
    with hub.uow(write=False) as uow:
        [row] = archive.listing(uow.session, world["ticket"])
        assert row["clue_number"] == number and row["retention_label"] == "永久"
        verdict = archive.verify_file(uow.session, hub.cipher, hub.signing_key,
                                      row["file"].number)
    assert verdict.ok, verdict.problems
    assert verdict.summary().startswith(f"案卷 {row['file'].number} 校验通过")

    def mine() -> dict:
        got = office.get("/api/v1/office/followups", params={"view": "due", "mine": "true"})
        assert got.status_code == 200, got.text
        return got.json()

    [scheduled] = office.get("/api/v1/office/followups",
                             params={"view": "scheduled", "mine": "true"}).json()["followups"]
    assert (scheduled["clue"], scheduled["handoff"], scheduled["owner"]) == (number, handoff,
                                                                             "李科员")
    due_on = date.fromisoformat(scheduled["due_on"])
    with hub.uow(write=False) as uow:
        assert load_calendar(uow.session).is_workday(due_on)
    # The office's clock moves to the day before, then to the follow-up's working day.
    hub.settings.reminders_today = (due_on - timedelta(days=1)).isoformat()
    assert mine() == {"today": hub.settings.reminders_today, "due": 0, "followups": []}
    hub.settings.reminders_today = due_on.isoformat()
    due = mine()
    assert due["due"] == 1 and [(f["clue"], f["due_on"], f["due"]) for f in due["followups"]] \
        == [(number, due_on.isoformat(), True)]
