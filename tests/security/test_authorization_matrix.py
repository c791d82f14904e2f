"""Who may call what: every route of the app × every kind of caller, against a live server.

The table below is the policy. It is checked against the app's route table, so a route
without a line fails the test: a new endpoint cannot be added without saying who may call
it. Outcomes:

    ok      the caller got past authorization (2xx, 3xx elsewhere than the login page,
            or a 4xx about its input: 400, 409, 422)
    deny    401 or 403, a redirect to the login page, or a page's "not allowed" notice
    hidden  404: the thing exists but belongs to another agency, which must not learn so

Callers: no credentials; agency A (owns the clue, is the hotline connector's agency);
agency B (another agency); a logged-in office user of each role; an anonymous browser.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import unquote

import httpx
import pytest
from sqlalchemy import select

from hub.accounts.models import OfficeUser
from hub.accounts.service import ROLES, add_user
from hub.agencies.service import new_key
from hub.collect.service import connector_agency, connector_spec
from hub.db.models import Clue
from hub.db.types import utcnow
from hub.directory.models import Body
from hub.directory.service import ensure_seeded
from hub.reports.figures import REGISTRY
from hub.reports.issue import issue, share
from hub.reports.scope import Scope
from tests.security.counts import tried
from tests.security.routes import route_table
from tests.security.support import agency_with
from tests.support import factories

CALLERS = ["none", "agency_a", "agency_b", *ROLES, "browser"]

MATRIX = """
method path                                                          none   agency_a agency_b reviewer section_head leader auditor admin  browser
GET    /                                                             ok     ok       ok       ok       ok           ok     ok      ok     ok
POST   /api/v1/clues                                                 deny   ok       ok       deny     deny         deny   deny    deny   deny
POST   /api/v1/clues/batch                                           deny   ok       ok       deny     deny         deny   deny    deny   deny
GET    /api/v1/clues                                                 deny   ok       ok       deny     deny         deny   deny    deny   deny
GET    /api/v1/clues/{clue_id}                                       deny   ok       hidden   deny     deny         deny   deny    deny   deny
POST   /api/v1/clues/{clue_id}/attachments                           deny   ok       hidden   deny     deny         deny   deny    deny   deny
GET    /api/v1/handoffs                                              deny   ok       ok       deny     deny         deny   deny    deny   deny
GET    /api/v1/handoffs/{number}/documents/{document_id}             deny   ok       hidden   deny     deny         deny   deny    deny   deny
GET    /api/v1/handoffs/{number}                                     deny   ok       hidden   deny     deny         deny   deny    deny   deny
POST   /api/v1/handoffs/{number}/ack                                 deny   ok       hidden   deny     deny         deny   deny    deny   deny
POST   /api/v1/handoffs/{number}/attachments                         deny   ok       hidden   deny     deny         deny   deny    deny   deny
POST   /api/v1/handoffs/{number}/replies                             deny   ok       hidden   deny     deny         deny   deny    deny   deny
POST   /api/v1/handoffs/{number}/return                              deny   ok       hidden   deny     deny         deny   deny    deny   deny
GET    /api/v1/keys                                                  ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /api/v1/meetings                                              deny   ok       ok       deny     deny         deny   deny    deny   deny
GET    /api/v1/meetings/{meeting_id}                                 deny   ok       hidden   deny     deny         deny   deny    deny   deny
GET    /api/v1/meetings/{meeting_id}/minutes                         deny   ok       hidden   deny     deny         deny   deny    deny   deny
GET    /api/v1/office/clues/{number}/cluster                         deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /api/v1/office/clues/{number}/cluster/detach                  deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /api/v1/office/clues/{number}/cluster/lead                    deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /api/v1/office/clues/{number}/cluster/merge                   deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /api/v1/office/clues/{number}/cluster/split                   deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /api/v1/office/clues/{number}/hold                            deny   deny     deny     deny     ok           ok     deny    ok     deny
POST   /api/v1/office/clues/{number}/hold/release                    deny   deny     deny     deny     ok           ok     deny    ok     deny
POST   /api/v1/office/clues/{number}/merge                           deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /api/v1/office/clues/{number}/reporter                        deny   deny     deny     deny     ok           deny   deny    deny   deny
POST   /api/v1/office/clues/{number}/persons                         deny   deny     deny     deny     ok           deny   deny    deny   deny
POST   /api/v1/office/clues/{number}/subjects/{index}                deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /api/v1/office/decisions                                      deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /api/v1/office/followups                                      deny   deny     deny     ok       ok           ok     ok      deny   deny
POST   /api/v1/office/followups/{followup_id}/finding                deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /api/v1/office/followups/{followup_id}/schedule               deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /api/v1/office/directory/search                               deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /api/v1/office/handoffs                                       deny   deny     deny     ok       ok           ok     ok      deny   deny
GET    /api/v1/office/handoffs/{number}                              deny   deny     deny     ok       ok           ok     ok      deny   deny
POST   /api/v1/office/handoffs/{number}/actions                      deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /api/v1/office/handoffs/{number}/attachments/{attachment_id}  deny   deny     deny     ok       ok           ok     ok      deny   deny
POST   /api/v1/office/handoffs/{number}/replies                      deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /api/v1/office/receivers                                      deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /api/v1/office/queue                                          deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /api/v1/office/reveals                                        deny   deny     deny     deny     deny         ok     deny    deny   deny
POST   /api/v1/office/reveals                                        deny   deny     deny     deny     ok           ok     deny    deny   deny
POST   /api/v1/office/reveals/{request_id}/approve                   deny   deny     deny     deny     deny         ok     deny    deny   deny
POST   /api/v1/office/reveals/{request_id}/refuse                    deny   deny     deny     deny     deny         ok     deny    deny   deny
POST   /api/v1/office/session                                        ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /api/v1/reports                                               deny   ok       ok       ok       ok           ok     ok      ok     deny
GET    /api/v1/reports/issued/{name}                                 deny   ok       hidden   ok       ok           ok     ok      ok     deny
GET    /api/v1/reports/monthly/{period}                              deny   ok       hidden   ok       ok           ok     ok      ok     deny
GET    /api/v1/reports/monthly/{period}/figures/{key}                deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /api/v1/sources/{connector}/records                           deny   ok       deny     deny     deny         deny   deny    deny   deny
GET    /docs                                                         ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /docs/oauth2-redirect                                         ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /healthz                                                      ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /metrics                                                      ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /office                                                       ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /office/                                                      deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/archive                                               deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/archive/{number}                                      deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/archive/{number}/export                               deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/admin                                                 deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/admin/                                                deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/admin/agencies                                        deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/admin/agencies                                        deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/admin/agencies/{agency_id}                            deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/admin/agencies/{agency_id}                            deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/admin/connectors                                      deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/admin/connectors/{name}                               deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/admin/deadletters                                     deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/admin/deadletters                                     deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/admin/deadletters/{dead_id}                           deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/admin/tasks                                           deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/admin/tasks/replay                                    deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/admin/users                                           deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/admin/users                                           deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/admin/users/{user_id}                                 deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/audit                                                 deny   deny     deny     deny     deny         deny   ok      deny   deny
GET    /office/calendar                                              deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /office/calendar/days                                         deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/clues                                                 deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/clues/export                                          deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /office/clues/new                                             deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/clues/new                                             deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /office/clues/{number}                                        deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/clues/{number}/attachments/{attachment_id}            deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /office/clues/{number}/cluster/detach                         deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/clues/{number}/cluster/lead                           deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/clues/{number}/cluster/merge                          deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/clues/{number}/cluster/split                          deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/clues/{number}/decide                                 deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/clues/{number}/notes                                  deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/clues/{number}/owner                                  deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/clues/{number}/hold                                   deny   deny     deny     deny     ok           ok     deny    ok     deny
POST   /office/clues/{number}/merge                                  deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/clues/{number}/reporter                               deny   deny     deny     deny     ok           deny   deny    deny   deny
POST   /office/clues/{number}/persons                                deny   deny     deny     deny     ok           deny   deny    deny   deny
POST   /office/clues/{number}/reveal-requests                        deny   deny     deny     deny     ok           ok     deny    deny   deny
POST   /office/clues/{number}/subjects/{index}                       deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /office/approvals                                             deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/approvals/{proposal_id}/approve                       deny   deny     deny     deny     ok           ok     deny    deny   deny
POST   /office/approvals/{proposal_id}/return                        deny   deny     deny     deny     ok           ok     deny    deny   deny
GET    /office/directory                                             deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/directory/import                                      deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/directory/{body_id}/alias                             deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/documents                                             deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/documents/templates/{kind}                            deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /office/documents/templates/{kind}                            deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/documents/{document_id}                               deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/followups                                             deny   deny     deny     ok       ok           ok     ok      deny   deny
POST   /office/followups/{followup_id}/finding                       deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/followups/{followup_id}/schedule                      deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /office/handoffs                                              deny   deny     deny     ok       ok           ok     ok      deny   deny
GET    /office/handoffs/export                                       deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /office/handoffs/{number}                                     deny   deny     deny     ok       ok           ok     ok      deny   deny
POST   /office/handoffs/{number}/action                              deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /office/handoffs/{number}/attachments/{attachment_id}         deny   deny     deny     ok       ok           ok     ok      deny   deny
POST   /office/handoffs/{number}/reply                               deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/handoffs/{number}/owner                               deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /office/login                                                 ok     ok       ok       ok       ok           ok     ok      ok     ok
POST   /office/login                                                 ok     ok       ok       ok       ok           ok     ok      ok     ok
POST   /office/logout                                                deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/meetings                                              deny   deny     deny     ok       ok           ok     ok      deny   deny
POST   /office/meetings                                              deny   deny     deny     deny     ok           ok     deny    deny   deny
GET    /office/meetings/{meeting_id}                                 deny   deny     deny     ok       ok           ok     ok      deny   deny
POST   /office/meetings/{meeting_id}/agenda                          deny   deny     deny     deny     ok           ok     deny    deny   deny
POST   /office/meetings/{meeting_id}/decisions                       deny   deny     deny     deny     ok           ok     deny    deny   deny
POST   /office/meetings/{meeting_id}/decisions/{decision_id}/handoff deny   deny     deny     deny     ok           ok     deny    deny   deny
POST   /office/meetings/{meeting_id}/details                         deny   deny     deny     deny     ok           ok     deny    deny   deny
GET    /office/meetings/{meeting_id}/minutes                         deny   deny     deny     ok       ok           ok     ok      deny   deny
POST   /office/meetings/{meeting_id}/minutes                         deny   deny     deny     deny     ok           ok     deny    deny   deny
POST   /office/meetings/{meeting_id}/participants                    deny   deny     deny     deny     ok           ok     deny    deny   deny
GET    /office/mine                                                  deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/notifications                                         deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /office/notifications/read                                    deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/queue                                                 deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /office/queue/decide                                          deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /office/queue/export                                          deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/queue/filters                                         deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /office/queue/filters/{filter_id}/delete                      deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/reports                                               deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /office/reports/issue                                         deny   deny     deny     deny     ok           ok     deny    deny   deny
GET    /office/reports/monthly/{period}                              deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/reports/monthly/{period}/figures/{key}                deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /office/reports/{report_id}/share                             deny   deny     deny     deny     ok           ok     deny    deny   deny
GET    /office/reveals                                               deny   deny     deny     deny     ok           ok     deny    deny   deny
POST   /office/reveals/{request_id}/decide                           deny   deny     deny     deny     deny         ok     deny    deny   deny
GET    /office/rules                                                 deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /office/rules/activate                                        deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/rules/dry-run                                         deny   deny     deny     deny     deny         deny   deny    ok     deny
POST   /office/rules/save                                            deny   deny     deny     deny     deny         deny   deny    ok     deny
GET    /office/static/{path}                                         ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /office/webhooks                                              deny   deny     deny     deny     ok           ok     deny    ok     deny
POST   /office/webhooks/retry                                        deny   deny     deny     deny     ok           ok     deny    ok     deny
GET    /openapi.json                                                 ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /readyz                                                       ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /redoc                                                        ok     ok       ok       ok       ok           ok     ok      ok     ok
"""
# Notes on the policy: /metrics carries counts only, never a clue or a name; put it behind
# the reverse proxy's allow-list in production. Auditors and administrators may read the
# queue and clues (masked) but never decide. /office redirects everyone to /office/, the overview
# (工作台), which every office role opens (each sees the figures of the lists it may open). GET /api/v1/keys is the hub's public key, public on purpose.
# Partner agencies: only their own clues (B's list of sent clues shows nothing of A's) and
# inbox (another agency's hand-off is `hidden`, its inbox lists nothing of A's) and reports shared with them (JSON only; figures' records never).
# Hand-offs: reviewers, section heads and leaders work them; auditors read them (and their
# attachments) but never act; administrators do not see them. Clusters and subject picks
# are clue work (reviewer, section head, leader). Reveals: section heads and leaders ask,
# a leader (not the asker) approves or refuses, and only the asker with an approved request
# reads the reporter (the section head's request on the second clue is approved in
# `world`); the names of the persons an outcome names likewise (agency A's reply on the second
# clue names one, the section head's request to see it is approved). Legal holds: section heads, leaders and administrators (retention is
# configuration, not a decision on the clue). Reports: every office role reads; only
# section heads and leaders issue and share them (sharing hands office data to an agency). Configuration (rules, directory,
# calendar changes) is the administrator's alone; everyone in the office may read the rules
# and the calendar. Webhook deliveries: administrators, section heads, leaders. The audit
# page is the auditor's alone. Joint meetings: reviewers and auditors read them, section
# heads and leaders edit them (a decision handed off is a hand-off); an agency reads only a
# meeting it takes part in (agency B does not: `hidden`), with the minutes once issued.
# Merging a duplicate is a decision (reviewer, section head,
# leader). Exports of the queue, all clues and hand-offs carry many clues at once: those who
# decide may export, auditors and administrators read on the pages only. Saved filters are
# each office user's own (any role that sees the queue; another's cannot be deleted).


def parse(table: str) -> dict[tuple[str, str], dict[str, str]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == CALLERS, "the table's columns must be the callers, in order"
    return {(row[0], row[1]): dict(zip(CALLERS, row[2:], strict=True)) for row in rows}


EXPECTED = parse(MATRIX)
# A page action refused for the caller's role goes back with the reason as its notice.
NOT_ALLOWED_NOTICES = ("只有科员、科长和领导可以研判线索", "只有管理员可以维护分办规则和单位名录",
                       "只有科员、科长和领导可以办理移交", "只有科长和领导可以",
                       "只有科员、科长和领导可以承办线索", "只有科员、科长和领导可以写内部备注",
                       "只有科长、领导和管理员可以设置或解除法律保留", "只有领导可以审批",
                       "只有管理员可以调整工作日历", "只有管理员、科长和领导可以查看和重发推送",
                       "只有审计人员可以查看审计记录", "只有科员、科长和领导可以办理回头看",
                       "只有科员、科长、领导和审计人员可以查看回头看", "须先提出申请并经领导批准",
                       "只有科长和领导经批准后可以查看反映人身份", "只有科员、科长和领导可以承办移交",
                       "只有科长和领导经批准后可以查看处理人员姓名")
PASSWORD = "matrix-password-1"
RECEIPT = "已收到来电，正在核实".encode()
ATTACHMENT = {"filename": "来电记录.txt", "media_type": "text/plain", "size": len(RECEIPT),
              "sha256": __import__("hashlib").sha256(RECEIPT).hexdigest()}


@dataclass
class Caller:
    name: str
    headers: dict[str, str] = field(default_factory=dict)
    csrf: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    base: str
    callers: dict[str, Caller]
    values: dict[str, str]


def outcome(response: httpx.Response) -> str:
    status = response.status_code
    if status in (401, 403):
        return "deny"
    if status == 404:
        return "hidden"
    if status >= 500:
        return f"error {status}"
    if status in (302, 303, 307):
        location = unquote(response.headers.get("location", ""))
        if location.startswith("/office/login?next="):  # sent to log in (logout goes to plain
            return "deny"                                # /office/login)
        if any(notice in location for notice in NOT_ALLOWED_NOTICES):
            return "deny"
    if status == 200 and response.request.method == "POST" and response.headers.get("content-type", "").startswith("text/html") \
            and any(notice in response.text for notice in NOT_ALLOWED_NOTICES[2:]):
        return "deny"  # a page answering with the refusal in place of its content
    return "ok"


def _wait_for_review(hub, n: int) -> None:  # noqa: ANN001
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with hub.uow(write=False) as uow:
            statuses = uow.session.scalars(select(Clue.status)).all()
        if statuses.count("pending_review") >= n:
            return
        time.sleep(0.1)


@pytest.fixture
def world(hub, live) -> World:
    spec = connector_spec("hotline")
    a_id = connector_agency(hub, spec)
    with hub.uow() as uow:
        key_a = new_key(uow.session, a_id)
        for role in ROLES:
            add_user(uow.session, username=role, display_name=role, role=role, password=PASSWORD)
        add_user(uow.session, username="matrix", display_name="m", role="reviewer",
                 password=PASSWORD)
        uow.commit()
    _, key_b = agency_with(hub, "十堰市中级人民法院")
    a = {"Authorization": f"Bearer {key_a}"}
    sent = httpx.post(f"{live.url}/api/v1/clues/batch", headers=a,
                      json={"clues": [factories.clue(attachments=[ATTACHMENT]),
                                      factories.clue()]}).json()
    clue, other = (r["clue"]["id"] for r in sent["results"])
    _wait_for_review(hub, 2)
    callers = {"none": Caller("none"), "browser": Caller("browser", {"Accept": "text/html"}),
               "agency_a": Caller("agency_a", a),
               "agency_b": Caller("agency_b", {"Authorization": f"Bearer {key_b}"})}
    for role in ROLES:
        session = httpx.post(f"{live.url}/api/v1/office/session",
                             json={"username": role, "password": PASSWORD})
        token = session.json()["csrf_token"]
        callers[role] = Caller(role, {"X-CSRF-Token": token}, token,
                               {"hub_session": session.cookies["hub_session"]})
    values = {"clue_id": clue, "number": clue, "connector": "hotline", "path": "hub.css",
              "other": other, "index": "0", "period": "2026-10", "proposal_id": "999999", "filter_id": "999999", "key": next(iter(REGISTRY.figures)),
              **_objects(hub, live.url, callers, a_id, clue, other)}
    return World(live.url, callers, values)


def _office(world_url: str, caller: Caller) -> httpx.Client:
    return httpx.Client(base_url=world_url, headers=caller.headers, cookies=caller.cookies,
                        timeout=30)


def _objects(hub, url: str, callers: dict[str, Caller], a_id: int, clue: str,  # noqa: ANN001
             other: str) -> dict:
    """Real objects behind the path parameters: a hand-off to agency A (from the second
    clue) with an attachment, reveal requests, a body of the directory, a report of
    October 2026 issued and shared with agency A."""
    with _office(url, callers["reviewer"]) as reviewer:
        made = reviewer.post("/api/v1/office/decisions", json={
            "clues": [other], "kind": "assign", "target": f"agency:{a_id}"})
        assert made.status_code == 201, made.text
        handoff = made.json()["decisions"][0]["handoffs"][0]
    with httpx.Client(base_url=url, headers=callers["agency_a"].headers, timeout=30) as agency:
        assert agency.post(f"/api/v1/handoffs/{handoff}/ack").status_code == 200
        upload = agency.post(f"/api/v1/handoffs/{handoff}/attachments",
                             files={"file": ("回执.txt", "已收到".encode(), "text/plain")})
        assert upload.status_code == 201, upload.text
        named = agency.post(f"/api/v1/handoffs/{handoff}/replies", json={
            "final": False, "text": "已给予一人政务处分", "outcome": {"kind": "sanction", "people": [
                {"name": "王建军", "post": "副局长", "kind": "government_sanction",
                 "measure": "demerit"}]}})
        assert named.status_code == 201, named.text
    # Reveals: the section head's request on the second clue approved, one on the first waiting.
    with _office(url, callers["section_head"]) as head, \
            _office(url, callers["leader"]) as leader:
        approved = head.post("/api/v1/office/reveals",
                             json={"clue": other, "reason": "核实身份"}).json()["id"]
        assert leader.post(f"/api/v1/office/reveals/{approved}/approve",
                           json={"note": "同意"}).status_code == 200
        asked = head.post("/api/v1/office/reveals", json={"clue": clue, "reason": "核实身份"})
        assert asked.status_code == 201, asked.text
        persons = head.post("/api/v1/office/reveals", json={
            "clue": other, "reason": "核对处分决定", "subject": "persons"}).json()["id"]
        assert leader.post(f"/api/v1/office/reveals/{persons}/approve",
                           json={"note": "同意"}).status_code == 200
    with httpx.Client(base_url=url, headers=callers["agency_a"].headers, timeout=30) as agency:
        clue_file = agency.post(f"/api/v1/clues/{clue}/attachments",
                                files={"file": ("来电记录.txt", RECEIPT, "text/plain")})
        assert clue_file.status_code == 201, clue_file.text
    with hub.uow() as uow:
        body_id = uow.session.scalar(select(Body.id).order_by(Body.id).limit(1))
        if body_id is None:
            ensure_seeded(uow.session, now=utcnow())
            body_id = uow.session.scalar(select(Body.id).order_by(Body.id).limit(1))
        dead_id = _dead_letter(uow.session, hub, a_id)
        user_id = uow.session.scalar(select(OfficeUser.id).where(OfficeUser.username == "matrix"))
        report = issue(uow.session, Scope(2026, 10, None), office_name="十堰市委依法治市办",
                       by="user:1")
        share(uow.session, report.id, a_id, "user:1")
        uow.commit()
        report_id = report.id
        followup_id = _followup(uow.session, handoff)
        uow.commit()
        document_id = _document(uow.session, handoff)
    archive = _archive(hub, clue)
    meeting_id, decision_id = _meeting(hub, a_id)
    return {"handoff": handoff, "attachment_id": str(upload.json()["id"]),
            "request_id": str(asked.json()["id"]), "body_id": str(body_id),
            "report_id": str(report_id), "name": str(report_id), "a_id": str(a_id),
            "followup_id": str(followup_id), "document_id": str(document_id), "kind": "assign",
            "archive": archive, "meeting_id": str(meeting_id), "decision_id": str(decision_id),
            "clue_attachment_id": str(clue_file.json()["id"]), "agency_id": str(a_id),
            "dead_id": str(dead_id), "user_id": str(user_id)}


def _archive(hub, clue: str) -> str:  # noqa: ANN001
    """An archive file of the first clue (no hand-offs of its own), filed."""
    from hub.archive.models import ArchiveFile
    from hub.archive.service import build_pending

    with hub.uow() as uow:
        made = ArchiveFile(number="DA-2026-900001", clue_id=int(clue.rsplit("-", 1)[1]),
                           title="矩阵测试案卷", state="pending", retention="10y", secrecy="内部")
        uow.session.add(made)
        uow.session.flush()
        build_pending(uow.session, hub.cipher, hub.signing_key, made.id)
        uow.commit()
        return made.number


def _meeting(hub, a_id: int) -> tuple[int, int]:  # noqa: ANN001
    """October 2026's meeting with agency A taking part, a decision for A, its minutes issued
    (so every change a page asks for is refused as final, whoever runs first)."""
    from datetime import date

    from hub.meetings import service as meetings
    from hub.meetings.decisions import add_decision

    meeting_id = meetings.create_apart(hub, "2026-10", [a_id], actor="system", via="system")
    with hub.uow() as uow:
        decision = add_decision(uow.session, meeting_id, text="限期办结", agency_id=a_id,
                                due_on=date(2099, 1, 5), actor="system", via="system")
        meetings.update_details(uow.session, meeting_id, held_on=date(2026, 11, 5),
                                place="第一会议室", host="主任", actor="system", via="system")
        meetings.issue_minutes(uow.session, meeting_id, actor="system", via="system",
                               settings=hub.settings)
        uow.commit()
        return meeting_id, decision.id


def _document(session, number: str) -> int:  # noqa: ANN001
    """The 交办函 issued with the hand-off."""
    from hub.documents.models import IssuedDocument
    from hub.handoffs.models import Handoff

    return session.scalar(select(IssuedDocument.id).join(
        Handoff, Handoff.id == IssuedDocument.handoff_id).where(Handoff.number == number))


def _followup(session, number: str) -> int:  # noqa: ANN001
    """A follow-up check of the hand-off's clue, scheduled (as if its matter had closed)."""
    from hub.followups.models import FollowUp
    from hub.handoffs.models import Handoff

    handoff = session.scalar(select(Handoff).where(Handoff.number == number))
    made = FollowUp(clue_id=handoff.clue_id, handoff_id=handoff.id, due_on=utcnow().date(),
                    rule="kind:assign", state="scheduled", created_by="system")
    session.add(made)
    session.flush()
    return made.id




def _dead_letter(session, hub, agency_id: int) -> int:  # noqa: ANN001
    """A hotline record that could not become a clue, for the dead letter's page."""
    from hub.collect.models import DeadLetter
    from hub.db.models import RawRecord
    from hub.intake.service import raw_aad

    body = "{\"工单编号\": \"RX-1\"}".encode()
    raw = RawRecord(agency_id=agency_id, origin="connector", connector="hotline",
                    received_at=utcnow(), sha256="0" * 64, size=len(body),
                    body_enc=hub.cipher.encrypt(body, raw_aad(agency_id)), outcome="rejected")
    session.add(raw)
    session.flush()
    dead = DeadLetter(connector="hotline", origin="pull", raw_record_id=raw.id,
                      record_ref="RX-1", field="标题", reason="缺少标题", state="open",
                      created_at=utcnow())
    session.add(dead)
    session.flush()
    return dead.id


def _login_form(client: httpx.Client) -> dict:
    page = client.get("/office/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return {"username": "matrix", "password": PASSWORD, "csrf": token}


def client_for(world: World, caller: Caller) -> httpx.Client:
    return httpx.Client(base_url=world.base, headers=caller.headers, cookies=caller.cookies,
                        follow_redirects=False, timeout=30)


def _url(world: World, path: str) -> str:
    values = dict(world.values)
    if "/handoffs/" in path:  # a hand-off's number, not a clue's
        values["number"] = values["handoff"]
    if path.startswith("/office/archive/"):
        values["number"] = values["archive"]
    if path.endswith(("/reporter", "/persons")):  # the clue whose reveals the head got approved
        values["number"] = values["other"]
    if path.startswith("/office/clues/{number}/attachments/"):
        values["attachment_id"] = values["clue_attachment_id"]
    if path.startswith("/office/admin/connectors/"):
        values["name"] = "hotline"
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def _json_body(world: World, path: str) -> dict | None:
    """A body that passes validation, so the route's own authorization decides."""
    v = world.values
    bodies = {
        "/api/v1/office/decisions": {"clues": [v["clue_id"]], "kind": "accept"},
        "/api/v1/office/clues/{number}/merge": {"into": "XS-2026-999999"},
        "/api/v1/sources/{connector}/records": {"records": []},
        "/api/v1/clues/batch": {"clues": [factories.clue()]},
        "/api/v1/clues": factories.clue(),
        "/api/v1/office/session": {},
        "/api/v1/handoffs/{number}/ack": {"note": "已签收"},
        "/api/v1/handoffs/{number}/replies": {"text": "正在办理"},
        "/api/v1/handoffs/{number}/return": {"reason": "不属于本单位职责"},
        "/api/v1/office/handoffs/{number}/actions": {"action": "remind"},
        "/api/v1/office/handoffs/{number}/replies": {"text": "电话反馈：正在办理"},
        "/api/v1/office/clues/{number}/cluster/merge": {"into_clue": v["other"]},
        "/api/v1/office/clues/{number}/cluster/detach": {"reason": "不是同一件事"},
        "/api/v1/office/clues/{number}/cluster/split": {"clues": [v["clue_id"], v["other"]]},
        "/api/v1/office/clues/{number}/cluster/lead": {"clue": v["clue_id"]},
        "/api/v1/office/clues/{number}/subjects/{index}": {"body_id": int(v["body_id"])},
        "/api/v1/office/reveals": {"clue": v["clue_id"], "reason": "核实反映人身份"},
        "/api/v1/office/reveals/{request_id}/approve": {"note": "同意"},
        "/api/v1/office/reveals/{request_id}/refuse": {"note": "不同意"},
        "/api/v1/office/clues/{number}/hold": {"reason": "诉讼保全"},
        "/api/v1/office/followups/{followup_id}/finding": {"finding": "consolidated",
                                                           "note": "整改巩固"},
        "/api/v1/office/followups/{followup_id}/schedule": {"due_on": "2099-03-02"},
    }
    return bodies.get(path)


def _form(world: World, caller: Caller, path: str, url: str) -> dict:
    """A complete form for the page action at `path`, with the caller's token."""
    v = world.values
    form = {"csrf": caller.csrf or ""}
    forms = {
        "/office/clues/{number}/decide": {"kind": "accept"},
        "/office/clues/{number}/merge": {"into": "XS-2026-999999"},
        "/office/queue/filters": {"name": "矩阵筛选", "params": "channel=court"},
        "/office/queue/decide": {"kind": "accept", "clue": str(int(v["number"].rsplit("-", 1)[1]))},
        "/office/clues/{number}/cluster/merge": {"into": v["other"]},
        "/office/clues/{number}/cluster/detach": {"reason": "不是同一件事"},
        "/office/clues/{number}/cluster/split": {"clues": v["other"]},
        "/office/clues/{number}/cluster/lead": {"lead": str(int(v["clue_id"].rsplit("-", 1)[1]))},
        "/office/directory/{body_id}/alias": {"alias": "别名单位"},
        "/office/clues/{number}/subjects/{index}": {"body_id": v["body_id"]},
        "/office/rules/dry-run": {"yaml_text": "rules: []\n"},
        "/office/rules/save": {"yaml_text": "rules: []\n"},
        "/office/rules/activate": {"version": "999999"},
        "/office/handoffs/{number}/action": {"action": "remind"},
        "/office/handoffs/{number}/reply": {"text": "电话反馈：正在办理"},
        "/office/calendar/days": {"day": "2026-12-31", "op": "set", "kind": "holiday",
                                  "note": "矩阵测试"},
        "/office/webhooks/retry": {"delivery": "999999"},
        "/office/clues/{number}/reveal-requests": {"reason": "核实反映人身份"},
        "/office/reveals/{request_id}/decide": {"decision": "approve", "note": "同意"},
        "/office/clues/{number}/hold": {"action": "place", "reason": "诉讼保全"},
        "/office/clues/{number}/owner": {"owner": ""},
        "/office/handoffs/{number}/owner": {"owner": ""},
        "/office/clues/{number}/notes": {"note": "矩阵测试备注"},
        "/office/approvals/{proposal_id}/return": {"note": "请补充材料"},
        "/office/reports/issue": {"period": "2026-09"},
        "/office/meetings": {"period": "2026-10", "agencies": v["a_id"]},
        "/office/meetings/{meeting_id}/details": {"place": "第二会议室"},
        "/office/meetings/{meeting_id}/participants": {"agency": v["a_id"], "attendance": "absent"},
        "/office/meetings/{meeting_id}/agenda": {"op": "add", "title": "矩阵测试议程"},
        "/office/meetings/{meeting_id}/decisions": {"text": "矩阵测试", "agency": v["a_id"],
                                                    "due_on": "2099-01-05"},
        "/office/reports/{report_id}/share": {"agency": v["a_id"]},
        "/office/followups/{followup_id}/finding": {"finding": "consolidated", "note": "巩固"},
        "/office/followups/{followup_id}/schedule": {"due_on": "2099-03-02"},
        "/office/admin/users/{user_id}": {"op": "unlock"},
        "/office/admin/agencies": {"name": ""},
        "/office/clues/new": {"title": ""},
    }
    return {**form, **forms.get(path, {})}


def call(world: World, caller: Caller, method: str, path: str,
         client: httpx.Client) -> httpx.Response:
    url = _url(world, path)
    if path == "/office/login" and method == "POST":  # logging in changes the cookie jar
        with client_for(world, caller) as fresh:
            return fresh.post(url, data=_login_form(fresh))
    if method == "GET":
        return client.get(url)
    if path == "/office/directory/import":  # a file that is not a directory: the answer
        return client.post(url, data={"csrf": caller.csrf or ""},  # is about the input
                           files={"file": ("名录.csv", b"not,a,directory\n", "text/csv")})
    if path == "/api/v1/handoffs/{number}/attachments":
        return client.post(url, files={"file": ("说明.txt", "补充材料".encode(), "text/plain")})
    if path == "/api/v1/clues/{clue_id}/attachments":  # the declared file, once more
        return client.post(url, files={"file": ("来电记录.txt", RECEIPT, "text/plain")})
    if path.startswith("/office/"):
        return client.post(url, data=_form(world, caller, path, url))
    body = _json_body(world, path)
    return client.post(url, json=body) if body is not None else client.post(url)


def test_every_route_has_a_line_in_the_matrix(app_routes):
    missing = [f"{m:<6} {p}" for m, p in app_routes if (m, p) not in EXPECTED]
    assert not missing, ("routes without a line in MATRIX (say who may call them):\n  "
                         + "\n  ".join(missing))


@pytest.fixture
def app_routes(hub):
    from hub.app import create_app

    return route_table(create_app(hub))


def test_every_caller_gets_what_the_matrix_says(world, app_routes):
    wrong = []
    # Logging out ends the session: those cells go last.
    ordered = sorted(app_routes, key=lambda r: r[1] == "/office/logout")
    clients = {name: client_for(world, world.callers[name]) for name in CALLERS}
    for method, path in ordered:
        for name in CALLERS:
            got = outcome(call(world, world.callers[name], method, path, clients[name]))
            tried("matrix_cell")
            if got != EXPECTED[(method, path)][name]:
                wrong.append(f"{method} {path} as {name}: expected "
                             f"{EXPECTED[(method, path)][name]}, got {got}")
    for client in clients.values():
        client.close()
    assert not wrong, "\n".join(wrong)


def test_an_agency_sees_only_its_own_clues(world):
    a, b = world.callers["agency_a"], world.callers["agency_b"]
    number = world.values["clue_id"]
    own = httpx.get(f"{world.base}/api/v1/clues/{number}", headers=a.headers)
    other = httpx.get(f"{world.base}/api/v1/clues/{number}", headers=b.headers)
    assert own.status_code == 200 and own.json()["id"] == number
    assert other.status_code == 404
    assert "不属于本单位" in other.json()["message"] and "张三" not in other.text
    # The same answer as for a number that does not exist: nothing to learn by probing.
    unknown = httpx.get(f"{world.base}/api/v1/clues/XS-2026-999999", headers=b.headers)
    assert unknown.status_code == 404 and unknown.json()["message"].endswith("（或不属于本单位）")
    # The list of sent clues (成果共享) holds the caller's own, never another agency's.
    listed = httpx.get(f"{world.base}/api/v1/clues", headers=a.headers).json()["clues"]
    assert number in [c["id"] for c in listed]
    assert httpx.get(f"{world.base}/api/v1/clues", headers=b.headers).json()["clues"] == []
