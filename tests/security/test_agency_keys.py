"""Partner keys over a live server: scopes, expiry, IP allow-lists, and the CLI options."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from hub.agencies.service import KeyPolicy
from hub.db.types import utcnow
from hub.settings import Settings
from tests.security.support import agency_with
from tests.support import factories
from tests.support.cli import run_hub as hub_cli


def post(live, key: str) -> httpx.Response:  # noqa: ANN001
    return httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(),
                      headers={"Authorization": f"Bearer {key}"}, timeout=30)


def test_a_key_without_the_scope_is_refused_naming_it(hub, live):
    _, reader = agency_with(hub, "只读单位", KeyPolicy(scopes="clues:read"))
    _, writer = agency_with(hub, "只写单位", KeyPolicy(scopes="clues:write"))
    refused = post(live, reader)
    assert refused.status_code == 403
    assert "clues:write" in refused.json()["message"] and "推送线索" in refused.json()["message"]
    made = post(live, writer)
    assert made.status_code == 201
    number = made.json()["id"]
    read = httpx.get(f"{live.url}/api/v1/clues/{number}",
                     headers={"Authorization": f"Bearer {writer}"})
    assert read.status_code == 403 and "clues:read" in read.json()["message"]


def test_keys_issued_by_default_carry_every_partner_scope_and_old_ones_keep_theirs(hub, live):
    from sqlalchemy import update

    from hub.db.models import ApiKey

    _, key = agency_with(hub, "默认单位")
    assert post(live, key).status_code == 201
    with hub.uow() as uow:  # a key stored before scopes existed
        uow.session.execute(update(ApiKey).values(scopes="clues:write clues:read"))
        uow.commit()
    assert post(live, key).status_code == 201


def test_an_expired_key_is_refused_saying_it_expired(hub, live):
    _, key = agency_with(hub, "过期单位", KeyPolicy(expires_at=utcnow() - timedelta(minutes=1)))
    refused = post(live, key)
    assert refused.status_code == 401
    assert "已于" in refused.json()["message"] and "过期" in refused.json()["message"]
    _, fresh = agency_with(hub, "未过期单位", KeyPolicy(expires_at=utcnow() + timedelta(days=1)))
    assert post(live, fresh).status_code == 201


def test_a_key_used_from_outside_its_allow_list_is_refused_naming_the_ip(hub, live):
    _, far = agency_with(hub, "外网单位", KeyPolicy(allowed_ips="10.0.0.0/8 192.168.7.0/24"))
    refused = post(live, far)
    assert refused.status_code == 403
    assert "127.0.0.1" in refused.json()["message"]
    _, near = agency_with(hub, "本机单位", KeyPolicy(allowed_ips="10.0.0.0/8 127.0.0.0/8"))
    assert post(live, near).status_code == 201


def test_cli_add_and_rotate_take_scopes_expiry_and_allow_list(hub, settings, live):
    out = hub_cli(settings, "agency", "add", "--name", "郧西县人民检察院", "--channel",
                  "procuratorate", "--scopes", "clues:write,handoffs:read", "--expires", "90d",
                  "--allow-ip", "127.0.0.1", "--allow-ip", "10.42.0.0/16", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["scopes"] == ["clues:write", "handoffs:read"]
    assert data["allowed_ips"] == ["127.0.0.1/32", "10.42.0.0/16"] and data["expires_at"]
    assert post(live, data["api_key"]).status_code == 201

    rotated = hub_cli(settings, "agency", "rotate-key", str(data["id"]), "--expires",
                      "2020-01-01", "--json")
    assert rotated.returncode == 0, rotated.stderr
    refused = post(live, json.loads(rotated.stdout)["api_key"])
    assert refused.status_code == 401 and "2020-01-02 00:00" in refused.json()["message"]

    listed = json.loads(hub_cli(settings, "agency", "list", "--json").stdout)
    keys = listed[0]["keys"]
    assert keys[0]["scopes"] == ["clues:write", "handoffs:read"] and keys[0]["revoked"]


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--scopes", "clues:write,admin:all", "admin:all"),
    ("--allow-ip", "10.0.0.0/33", "10.0.0.0/33"),
    ("--expires", "next tuesday", "next tuesday"),
])
def test_cli_refuses_bad_key_options_in_plain_words(tmp_path, option, value, says):
    # Refused before the database is touched: one backend is enough.
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path}/none.db",
                        keyring_path=tmp_path / "keyring.json")
    out = hub_cli(settings, "agency", "add", "--name", "某单位", "--channel", "court",
                  option, value)
    assert out.returncode == 2 and says in out.stderr
