"""What the office and the administrator do lands in the trail: who, what, from where."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from hub.accounts.service import add_user
from hub.audit.models import AuditEntry
from hub.audit.service import verify_trail
from hub.route.service import default_yaml
from tests.support import factories
from tests.support.cli import run_hub

PASSWORD = "correct-horse-9"


def _trail(hub) -> list[AuditEntry]:
    with hub.uow(write=False) as uow:
        return list(uow.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def test_logins_decisions_and_logouts_are_recorded(hub, agencies):
    with hub.uow() as uow:
        add_user(uow.session, username="li", display_name="李科员", role="reviewer",
                 password=PASSWORD)
        uow.commit()
    _, court = agencies.add()
    number = agencies.client(court).post("/api/v1/clues", json=factories.clue()).json()["id"]
    with httpx.Client(base_url=agencies.base_url, timeout=30) as office:
        bad = office.post("/api/v1/office/session", json={"username": "li", "password": "wrong-one"})
        assert bad.status_code == 401
        csrf = office.post("/api/v1/office/session", json={"username": "li",
                                                           "password": PASSWORD}).json()["csrf_token"]
        import time

        for _ in range(100):
            made = office.post("/api/v1/office/decisions", json={"clues": [number], "kind": "accept"},
                               headers={"X-CSRF-Token": csrf})
            if made.status_code == 201:
                break
            time.sleep(0.2)  # the clue is still in the pipeline
        assert made.status_code == 201
    trail = _trail(hub)
    actions = [e.action for e in trail]
    assert actions[:2] == ["login.failed", "login"]
    assert trail[0].after == {"username": "li"} and trail[0].ip == "127.0.0.1"
    decision = next(e for e in trail if e.action == "decision.accept")
    assert (decision.actor_kind, decision.via, decision.target_kind) == ("user", "api", "clue")
    assert decision.before == {"status": "pending_review"}
    assert decision.after["status"] == "accepted"

    run_hub(hub.settings, "user", "logout-everywhere", "li")
    assert _trail(hub)[-1].action == "logout.everywhere"


def test_configuration_changes_are_recorded(hub, settings, tmp_path):
    added = run_hub(settings, "agency", "add", "--name", "十堰市人民检察院", "--channel",
                    "procuratorate", "--json")
    assert added.returncode == 0, added.stderr
    agency_id = __import__("json").loads(added.stdout)["id"]
    rotated = run_hub(settings, "agency", "rotate-key", str(agency_id))
    assert rotated.returncode == 0, rotated.stderr
    rules = tmp_path / "rules.yaml"
    rules.write_text(default_yaml(), encoding="utf-8")
    assert run_hub(settings, "rules", "import", str(rules), "--comment", "测试").returncode == 0
    assert run_hub(settings, "connectors", "set", "hotline", "--interval", "600").returncode == 0
    assert run_hub(settings, "calendar", "set", "2027-01-01", "holiday", "--note", "元旦"
                   ).returncode == 0
    trail = _trail(hub)
    by_action = {e.action: e for e in trail}
    assert {"agency.added", "agency.key_rotated", "rules.saved",
            "connector.configured", "calendar.set"} <= set(by_action)
    assert by_action["agency.added"].after["name"] == "十堰市人民检察院"
    assert by_action["agency.added"].via == "cli" and by_action["agency.added"].actor_kind == "system"
    assert "hub_" not in str(by_action["agency.key_rotated"].after)  # never the secret
    assert by_action["connector.configured"].after["interval_seconds"] == 600
    assert by_action["calendar.set"].target_id == "2027-01-01"
    with hub.uow(write=False) as uow:
        assert verify_trail(uow.session, hub.signing_key).ok
