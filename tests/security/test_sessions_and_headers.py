"""Office sessions and the headers every answer carries, over a live server.

The CSRF checks are generated from the route table (every state-changing office route) and
from the pages themselves (every form they render must carry its token).
"""

from __future__ import annotations

import re
import time

import httpx
import pytest
from sqlalchemy import select

from hub.accounts.service import add_user
from hub.agencies.service import add_agency
from hub.app import create_app
from hub.container import Hub
from hub.db.models import Clue
from hub.pipeline.stages import pipeline
from hub.security.keyring import create_keyring
from tests.conftest import make_settings
from tests.security.counts import tried
from tests.security.routes import route_table
from tests.support import backends, factories
from tests.support.live import LiveHub

PASSWORD = "correct-horse-9"
# State-changing office routes and the one that is not: logging in has its own token
# (a cookie bound to the login page), checked below.
LOGIN_ROUTES = {("POST", "/office/login"), ("POST", "/api/v1/office/session")}


@pytest.fixture(scope="module", params=backends.backend_names())
def shared(request, tmp_path_factory):
    """One live hub for the module: a reviewer and one clue waiting for review."""
    tmp = tmp_path_factory.mktemp("sessions")
    backend = (backends.sqlite_backend(tmp) if request.param == "embedded"
               else backends.postgres_backend())
    settings = make_settings(backend, tmp)
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    with hub.uow() as uow:
        add_user(uow.session, username="li", display_name="李科员", role="reviewer",
                 password=PASSWORD)
        _, key = add_agency(uow.session, name="十堰市中级人民法院", channel="court",
                            region_code="420300")
        uow.commit()
    with LiveHub(hub) as live:
        number = httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(),
                            headers={"Authorization": f"Bearer {key}"}).json()["id"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with hub.uow(write=False) as uow:
                if uow.session.scalars(select(Clue.status)).all() == ["pending_review"]:
                    break
            time.sleep(0.1)
        yield hub, live.url, number
    hub.close()
    backends.delete_queues(settings.broker_url, settings.queue_prefix, list(pipeline(settings)))
    backend.drop()


@pytest.fixture
def office(shared):
    return shared[1], shared[2]


@pytest.fixture
def hub(shared):
    return shared[0]


def login(base: str, client: httpx.Client | None = None) -> httpx.Client:
    client = client or httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    page = client.get("/office/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    answer = client.post("/office/login", data={"username": "li", "password": PASSWORD,
                                                "csrf": token, "next": "/office/queue"})
    assert answer.status_code == 303 and answer.headers["location"] == "/office/queue"
    return client


def csrf_of(client: httpx.Client) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/office/queue").text).group(1)


def state_changing_office_routes(hub: Hub) -> list[tuple[str, str]]:
    return [(m, p) for m, p in route_table(create_app(hub))
            if m in ("POST", "PUT", "PATCH", "DELETE") and "/office" in p
            and (m, p) not in LOGIN_ROUTES]


def test_every_state_changing_office_route_refuses_a_missing_or_wrong_token(hub, office):
    base, number = office
    routes = state_changing_office_routes(hub)
    assert len(routes) >= 4
    client = login(base)
    numeric = str(int(number.rsplit("-", 1)[1]))
    for method, path in routes:
        url = path.replace("{number}", number)
        for token in (None, "forged-token"):
            tried("csrf")
            form = {"kind": "accept", "clue": numeric, "everywhere": "true"}
            headers = {}
            if token:
                form["csrf"] = token
                headers["X-CSRF-Token"] = token
            if path.startswith("/api/"):
                answer = client.request(method, url, json={"clues": [number], "kind": "accept"},
                                        headers=headers)
            else:
                answer = client.request(method, url, data=form)
            assert answer.status_code in (403, 422), f"{method} {path} with {token}: " \
                                                     f"{answer.status_code}"
    with hub.uow(write=False) as uow:  # nothing was decided, nobody was logged out
        assert uow.session.scalars(select(Clue.status)).all() == ["pending_review"]
    assert client.get("/office/queue").status_code == 200
    client.close()


def test_every_form_on_every_page_carries_its_csrf_token(office):
    base, number = office
    client = login(base)
    pages = ["/office/queue", f"/office/clues/{number}", "/office/login"]
    forms = 0
    for page in pages:
        text = client.get(page).text
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", text, re.S):
            forms += 1
            tried("csrf")
            assert 'name="csrf"' in form, f"a form on {page} has no CSRF token:\n{form[:300]}"
    assert forms >= 4
    client.close()


def test_logging_in_without_the_login_pages_token_is_refused(office):
    base, _ = office
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        answer = client.post("/office/login", data={"username": "li", "password": PASSWORD,
                                                     "csrf": "guessed"})
        assert answer.status_code == 303 and "hub_session" not in answer.cookies
        assert "页面已过期" in httpx.URL(answer.headers["location"]).params["error"]


def _set_cookie(answer: httpx.Response, name: str) -> str:
    return next(v for v in answer.headers.get_list("set-cookie") if v.startswith(f"{name}="))


def test_session_cookie_is_httponly_and_samesite_and_secure_behind_tls(office):
    base, _ = office
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        page = client.get("/office/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        answer = client.post("/office/login", data={"username": "li", "password": PASSWORD,
                                                     "csrf": token})
        cookie = _set_cookie(answer, "hub_session").lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    tls = {"X-Forwarded-Proto": "https"}  # a TLS-terminating proxy on the same host
    with httpx.Client(base_url=base, follow_redirects=False, headers=tls) as client:
        answer = client.post("/api/v1/office/session", json={"username": "li",
                                                              "password": PASSWORD})
        cookie = _set_cookie(answer, "hub_session").lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "; secure" in cookie


def test_outside_development_the_cookie_is_always_secure(backend, tmp_path):
    settings = make_settings(backend, tmp_path, environment="production")
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    try:
        with hub.uow() as uow:
            add_user(uow.session, username="li", display_name="李", role="reviewer",
                     password=PASSWORD)
            uow.commit()
        with LiveHub(hub, workers=0, with_scheduler=False) as live:
            answer = httpx.post(f"{live.url}/api/v1/office/session",
                                json={"username": "li", "password": PASSWORD})
        assert "; secure" in _set_cookie(answer, "hub_session").lower()
    finally:
        hub.close()


def test_a_session_id_planted_before_login_is_replaced_and_worthless(office):
    base, _ = office
    planted = "attacker-chosen-session-id"
    with httpx.Client(base_url=base, follow_redirects=False,
                      cookies={"hub_session": planted}) as victim:
        page = victim.get("/office/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        answer = victim.post("/office/login", data={"username": "li", "password": PASSWORD,
                                                     "csrf": token})
        issued = _set_cookie(answer, "hub_session").split(";")[0].split("=", 1)[1]
        assert answer.status_code == 303 and issued != planted
    with httpx.Client(base_url=base, follow_redirects=False) as attacker:
        attacker.cookies.set("hub_session", planted)
        answer = attacker.get("/office/queue")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/office/login")


def test_each_login_gets_a_new_session_id(office):
    base, _ = office
    first, second = login(base), login(base)
    assert first.cookies["hub_session"] != second.cookies["hub_session"]
    first.close()
    second.close()


def test_logout_ends_this_session_and_logout_everywhere_ends_them_all(office):
    base, _ = office
    laptop, phone, desk = login(base), login(base), login(base)
    laptop.post("/office/logout", data={"csrf": csrf_of(laptop)})
    assert laptop.get("/office/queue").status_code == 303
    assert phone.get("/office/queue").status_code == 200
    phone.post("/office/logout", data={"csrf": csrf_of(phone), "everywhere": "true"})
    for client in (phone, desk):
        answer = client.get("/office/queue")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/office/login")
        client.close()
    laptop.close()


def test_pages_carry_a_strict_content_policy_and_every_answer_refuses_framing(office):
    base, _ = office
    client = login(base)
    page = client.get("/office/queue")
    csp = page.headers["content-security-policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "form-action 'self'",
                      "script-src 'self'"):
        assert directive in csp
    assert page.headers["cache-control"] == "no-store"
    for answer in (page, client.get("/api/v1/clues/XS-2026-000001"), client.get("/healthz")):
        tried("header")
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in answer.headers  # plain HTTP: no HSTS
    client.close()


def test_hsts_is_sent_behind_tls(office):
    base, _ = office
    answer = httpx.get(f"{base}/healthz", headers={"X-Forwarded-Proto": "https"})
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
