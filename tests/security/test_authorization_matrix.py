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

from hub.accounts.service import ROLES, add_user
from hub.agencies.service import new_key
from hub.collect.service import connector_agency, connector_spec
from hub.db.models import Clue
from tests.security.counts import tried
from tests.security.routes import route_table
from tests.security.support import agency_with
from tests.support import factories

CALLERS = ["none", "agency_a", "agency_b", *ROLES, "browser"]

MATRIX = """
method path                                    none   agency_a agency_b reviewer section_head leader auditor admin  browser
GET    /openapi.json                           ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /docs                                   ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /docs/oauth2-redirect                   ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /redoc                                  ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /healthz                                ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /readyz                                 ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /metrics                                ok     ok       ok       ok       ok           ok     ok      ok     ok
POST   /api/v1/clues                           deny   ok       ok       deny     deny         deny   deny    deny   deny
POST   /api/v1/clues/batch                     deny   ok       ok       deny     deny         deny   deny    deny   deny
GET    /api/v1/clues/{clue_id}                 deny   ok       hidden   deny     deny         deny   deny    deny   deny
POST   /api/v1/sources/{connector}/records     deny   ok       deny     deny     deny         deny   deny    deny   deny
POST   /api/v1/office/session                  ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /api/v1/office/queue                    deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /api/v1/office/decisions                deny   deny     deny     ok       ok           ok     deny    deny   deny
GET    /office                                 ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /office/                                ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /office/login                           ok     ok       ok       ok       ok           ok     ok      ok     ok
POST   /office/login                           ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /office/static/{path}                   ok     ok       ok       ok       ok           ok     ok      ok     ok
GET    /office/queue                           deny   deny     deny     ok       ok           ok     ok      ok     deny
GET    /office/clues/{number}                  deny   deny     deny     ok       ok           ok     ok      ok     deny
POST   /office/clues/{number}/decide           deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/queue/decide                    deny   deny     deny     ok       ok           ok     deny    deny   deny
POST   /office/logout                          deny   deny     deny     ok       ok           ok     ok      ok     deny
"""
# Notes on the policy: /metrics carries counts only, never a clue or a name; put it behind
# the reverse proxy's allow-list in production. Auditors and administrators may read the
# queue and clues (masked) but never decide. /office redirects everyone to the queue, whose
# own line says who gets in.


def parse(table: str) -> dict[tuple[str, str], dict[str, str]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == CALLERS, "the table's columns must be the callers, in order"
    return {(row[0], row[1]): dict(zip(CALLERS, row[2:], strict=True)) for row in rows}


EXPECTED = parse(MATRIX)
NOT_ALLOWED_NOTICES = ("只有科员、科长和领导可以研判线索",)
PASSWORD = "matrix-password-1"


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
    clue = httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(),
                      headers={"Authorization": f"Bearer {key_a}"}).json()
    _wait_for_review(hub, 1)
    callers = {"none": Caller("none"), "browser": Caller("browser", {"Accept": "text/html"}),
               "agency_a": Caller("agency_a", {"Authorization": f"Bearer {key_a}"}),
               "agency_b": Caller("agency_b", {"Authorization": f"Bearer {key_b}"})}
    for role in ROLES:
        session = httpx.post(f"{live.url}/api/v1/office/session",
                             json={"username": role, "password": PASSWORD})
        token = session.json()["csrf_token"]
        callers[role] = Caller(role, {"X-CSRF-Token": token}, token,
                               {"hub_session": session.cookies["hub_session"]})
    values = {"clue_id": clue["id"], "number": clue["id"], "connector": "hotline",
              "path": "hub.css"}
    return World(live.url, callers, values)


def _login_form(client: httpx.Client) -> dict:
    page = client.get("/office/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return {"username": "matrix", "password": PASSWORD, "csrf": token}


def client_for(world: World, caller: Caller) -> httpx.Client:
    return httpx.Client(base_url=world.base, headers=caller.headers, cookies=caller.cookies,
                        follow_redirects=False, timeout=30)


def call(world: World, caller: Caller, method: str, path: str,
         client: httpx.Client) -> httpx.Response:
    url = re.sub(r"\{(\w+)\}", lambda m: world.values[m.group(1)], path)
    if path == "/office/login" and method == "POST":  # logging in changes the cookie jar
        with client_for(world, caller) as fresh:
            return fresh.post(url, data=_login_form(fresh))
    if method == "GET":
        return client.get(url)
    if path.startswith("/office/"):  # forms: a complete decision, with the caller's token
        form = {"csrf": caller.csrf or "", "kind": "accept", "target": "", "reason": "",
                "clue": url.split("/")[3] if "{number}" in path else ""}
        if path == "/office/queue/decide":
            form["clue"] = str(int(world.values["number"].rsplit("-", 1)[1]))
        return client.post(url, data=form)
    if path == "/api/v1/office/decisions":
        return client.post(url, json={"clues": [world.values["clue_id"]], "kind": "accept"})
    if path == "/api/v1/sources/{connector}/records":
        return client.post(url, json={"records": []})
    if path == "/api/v1/clues/batch":
        return client.post(url, json={"clues": [factories.clue()]})
    if path == "/api/v1/clues":
        return client.post(url, json=factories.clue())
    return client.post(url, json={})


def test_every_route_has_a_line_in_the_matrix(app_routes):
    missing = [f"{m:<6} {p}" for m, p in app_routes if (m, p) not in EXPECTED]
    assert not missing, ("routes without a line in MATRIX (say who may call them):\n  "
                         + "\n  ".join(missing))


@pytest.fixture
def app_routes(hub):
    from hub.api.app import create_app

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
