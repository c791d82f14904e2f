"""The administrator registers agencies and manages keys from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.support import factories
from tests.support.cli import run_hub as hub_cli
from tests.support.live import LiveHub


def real_hub(settings, *args: str) -> subprocess.CompletedProcess:
    """The installed command in its own process, as an administrator types it."""
    env = {**os.environ, "HUB_DATABASE_URL": settings.database_url,
           "HUB_KEYRING_PATH": str(settings.keyring_path), "HUB_BROKER_URL": settings.broker_url,
           "HUB_QUEUE_PREFIX": settings.queue_prefix}
    return subprocess.run([sys.executable, "-m", "hub", *args], env=env, capture_output=True,
                          text=True, timeout=60)


def test_agency_add_prints_id_and_a_key_that_works(hub, settings):
    out = real_hub(settings, "agency", "add", "--name", "十堰市中级人民法院", "--channel", "court",
                   "--region", "420300", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["name"] == "十堰市中级人民法院" and data["region_code"] == "420300"
    assert isinstance(data["id"], int) and data["api_key"].startswith("hub_")

    with LiveHub(hub) as live:
        import httpx

        headers = {"Authorization": f"Bearer {data['api_key']}"}
        response = httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(), headers=headers)
        assert response.status_code == 201

        key_id = data["api_key"].split("_")[1]
        listed = hub_cli(settings, "agency", "list")
        assert "十堰市中级人民法院" in listed.stdout and key_id in listed.stdout

        rotated = json.loads(hub_cli(settings, "agency", "rotate-key", str(data["id"]), "--json").stdout)
        assert rotated["revoked_key_ids"] == [key_id]
        old = httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(), headers=headers)
        assert old.status_code == 401
        new_headers = {"Authorization": f"Bearer {rotated['api_key']}"}
        assert httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(),
                          headers=new_headers).status_code == 201

        revoked = hub_cli(settings, "agency", "revoke-key", rotated["api_key"].split("_")[1])
        assert revoked.returncode == 0 and "已吊销" in revoked.stdout
        assert httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(),
                          headers=new_headers).status_code == 401


def test_bad_input_on_the_command_line_is_a_plain_error(hub, settings):
    bad_region = hub_cli(settings, "agency", "add", "--name", "某单位", "--channel", "court",
                         "--region", "999999")
    assert bad_region.returncode != 0 and "999999" in bad_region.stderr
    hub_cli(settings, "agency", "add", "--name", "重复单位", "--channel", "court")
    again = hub_cli(settings, "agency", "add", "--name", "重复单位", "--channel", "court")
    assert again.returncode == 1 and "已经登记" in again.stderr
    unknown = hub_cli(settings, "agency", "revoke-key", "nosuchkey")
    assert unknown.returncode == 1 and "没有找到密钥" in unknown.stderr
