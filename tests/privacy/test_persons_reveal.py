"""The persons an outcome names get the reporter's treatment: names encrypted and masked
everywhere; a section head or leader asks with a reason, another leader approves, every reveal
is audited (API and page); retention erases the names (a legal hold keeps them)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hub.audit.models import AuditEntry
from hub.db.models import ClueEvent
from hub.db.types import utcnow
from hub.handoffs.models import HandoffReplyPerson
from hub.intake.present import parse_clue_no
from hub.privacy.retention import run_retention
from hub.privacy.reveal import Where
from hub.privacy.service import release_hold, set_hold
from tests.privacy.conftest import office_client

PEOPLE = [
    {"name": "王建军", "post": "副局长", "rank": "section", "kind": "government_sanction",
     "measure": "demerit"},
    {"name": "刘明", "post": "执法大队队长", "rank": "staff", "kind": "party_discipline",
     "measure": "warning"},
]


def _with_persons(office, agencies) -> str:
    """The first clue assigned to the commission, which replies naming two persons."""
    number = office["first"]
    agency_id, key = agencies.add("十堰市纪委监委", "other")
    reviewer, csrf = office_client(office["url"], "li")
    made = reviewer.post("/api/v1/office/decisions", headers={"X-CSRF-Token": csrf}, json={
        "clues": [number], "kind": "assign", "target": f"agency:{agency_id}",
        "instructions": "请核查处理"})
    assert made.status_code == 201, made.text
    handoff = made.json()["decisions"][0]["handoffs"][0]
    commission = agencies.client(key)
    replied = commission.post(f"/api/v1/handoffs/{handoff}/replies", json={
        "final": True, "text": "已处理", "outcome": {"kind": "sanction", "people": PEOPLE}})
    assert replied.status_code == 201, replied.text
    reviewer.close()
    return number


def _audited(hub, action: str) -> list[AuditEntry]:
    with hub.uow(write=False) as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_persons_names_are_revealed_only_by_approval_and_every_reveal_is_audited(
        hub, office, agencies):
    number = _with_persons(office, agencies)
    reviewer, reviewer_csrf = office_client(office["url"], "li")
    head, head_csrf = office_client(office["url"], "wang")
    leader, leader_csrf = office_client(office["url"], "zhao")

    refused = reviewer.post("/api/v1/office/reveals", headers={"X-CSRF-Token": reviewer_csrf},
                            json={"clue": number, "reason": "核对处分", "subject": "persons"})
    assert refused.status_code == 403 and "只有科长和领导可以申请查看处理人员姓名" in refused.text
    no_reason = head.post("/api/v1/office/reveals", headers={"X-CSRF-Token": head_csrf},
                          json={"clue": number, "reason": "", "subject": "persons"})
    assert no_reason.status_code == 422 and "请写明查看处理人员姓名的理由" in no_reason.text

    # An approval to see the reporter does not open the persons' names.
    asked = head.post("/api/v1/office/reveals", headers={"X-CSRF-Token": head_csrf},
                      json={"clue": number, "reason": "需当面核实反映情况"})
    assert asked.json()["subject"] == "reporter"
    leader.post(f"/api/v1/office/reveals/{asked.json()['id']}/approve", json={},
                headers={"X-CSRF-Token": leader_csrf})
    early = head.post(f"/api/v1/office/clues/{number}/persons",
                      headers={"X-CSRF-Token": head_csrf})
    assert early.status_code == 403 and "查看处理人员姓名须先提出申请并经领导批准" in early.text

    asked = head.post("/api/v1/office/reveals", headers={"X-CSRF-Token": head_csrf},
                      json={"clue": number, "reason": "核对处分决定文书", "subject": "persons"})
    assert asked.status_code == 201 and asked.json()["subject"] == "persons"
    listed = leader.get("/api/v1/office/reveals").json()["requests"]
    assert [(r["id"], r["subject"]) for r in listed] == [(asked.json()["id"], "persons")]
    page = leader.get("/office/reveals")
    assert "处理人员姓名" in page.text and "核对处分决定文书" in page.text
    approved = leader.post(f"/api/v1/office/reveals/{asked.json()['id']}/approve",
                           json={"note": "同意"}, headers={"X-CSRF-Token": leader_csrf})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"

    shown = head.post(f"/api/v1/office/clues/{number}/persons",
                      headers={"X-CSRF-Token": head_csrf})
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert [(p["name"], p["name_masked"], p["post"], p["measure"])
            for p in shown.json()["persons"]] == [("王建军", "王**", "副局长", "demerit"),
                                                  ("刘明", "刘*", "执法大队队长", "warning")]
    # The leader who approved did not ask: still refused for them.
    assert leader.post(f"/api/v1/office/clues/{number}/persons",
                       headers={"X-CSRF-Token": leader_csrf}).status_code == 403

    # The page: the clue offers the view to the approved head; the view shows the names.
    clue_page = head.get(f"/office/clues/{number}")
    assert "查看处理人员姓名" in clue_page.text and "王建军" not in clue_page.text
    viewed = head.post(f"/office/clues/{number}/persons", data={"csrf": head_csrf})
    assert viewed.status_code == 200 and viewed.headers["cache-control"] == "no-store"
    assert "王建军" in viewed.text and "政务处分" in viewed.text and "记过" in viewed.text
    assert "记入审计记录" in viewed.text

    assert len(_audited(hub, "persons.reveal_requested")) == 1
    assert len(_audited(hub, "persons.reveal_approved")) == 1
    revealed = _audited(hub, "persons.revealed")
    assert [(e.via, e.after["persons"]) for e in revealed] == [("api", 2), ("page", 2)]
    with hub.uow(write=False) as uow:
        history = list(uow.session.scalars(select(ClueEvent.action).where(
            ClueEvent.clue_id == parse_clue_no(number)[1],
            ClueEvent.action.startswith("persons."))))
    assert history == ["persons.reveal_requested", "persons.reveal_approved",
                       "persons.revealed", "persons.revealed"]
    for client in (reviewer, head, leader):
        client.close()


def test_retention_erases_the_persons_names_unless_a_legal_hold_keeps_them(hub, office, agencies):
    number = _with_persons(office, agencies)
    clue_id = parse_clue_no(number)[1]

    def names() -> list[tuple[bool, str]]:
        with hub.uow(write=False) as uow:
            return [(p.name_enc is not None, p.name_masked) for p in uow.session.scalars(
                select(HandoffReplyPerson).order_by(HandoffReplyPerson.position))]

    later = utcnow() + timedelta(days=5000)  # past every channel's period
    with hub.uow() as uow:
        set_hold(uow.session, clue_id, "诉讼中", actor="user:wang", by_name="user:wang",
                 where=Where(), now=utcnow())
        uow.commit()
    assert run_retention(hub, now=later).person_names_erased == 0
    assert names() == [(True, "王**"), (True, "刘*")]
    with hub.uow() as uow:
        release_hold(uow.session, clue_id, actor="user:wang", by_name="user:wang",
                     where=Where(), now=utcnow())
        uow.commit()
    report = run_retention(hub, now=later)
    assert report.person_names_erased == 2 and "清除处理人员姓名 2 个" in report.summary()
    assert names() == [(False, "王**"), (False, "刘*")]
    assert run_retention(hub, now=later).person_names_erased == 0  # nothing twice

    head, head_csrf = office_client(office["url"], "wang")
    asked = head.post("/api/v1/office/reveals", headers={"X-CSRF-Token": head_csrf},
                      json={"clue": number, "reason": "核对处分决定文书", "subject": "persons"})
    assert asked.status_code == 409 and "已按保存期限清除" in asked.json()["message"]
    head.close()
