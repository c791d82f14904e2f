"""deploy/systemd/: units systemd accepts, running real `hub` commands, hardened."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.support import DEPLOY, runs_in_cli

UNITS = DEPLOY / "systemd"
INSTALLED_HUB = "/opt/clue-hub/venv/bin/hub"
SERVICES = ["hub-migrate.service", "hub-api.service", "hub-worker@.service", "hub-scheduler.service"]


def parse(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file's sections and keys (a key may repeat), as systemd reads them."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None and "=" in line, f"{path.name}: {raw!r}"
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_systemd_analyze_verify_accepts_every_unit(tmp_path: Path) -> None:
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed; the parser test below still runs")
    hub = Path(sys.executable).with_name("hub")
    for unit in UNITS.iterdir():
        if unit.suffix in (".service", ".target"):
            (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED_HUB, str(hub)))
    names = [f"./{u}" for u in ("hub-migrate.service", "hub-api.service", "hub-worker@1.service",
                                "hub-scheduler.service", "clue-hub.target")]
    out = subprocess.run(["systemd-analyze", "verify", "--man=no", *names], cwd=tmp_path,
                         capture_output=True, text=True)
    problems = [line for line in (out.stdout + out.stderr).splitlines()
                if "hub" in line and ("Unknown" in line or "ignoring" in line or "not executable" in line
                                      or "Failed" in line)]
    assert out.returncode == 0 and not problems, out.stdout + out.stderr


@pytest.mark.parametrize("name", SERVICES)
def test_each_unit_starts_a_command_the_hub_has(name: str) -> None:
    service = parse(UNITS / name)["Service"]
    (exec_start,) = service["ExecStart"]
    argv = shlex.split(exec_start)
    assert argv[0] == INSTALLED_HUB
    assert runs_in_cli(argv[1:]), argv


@pytest.mark.parametrize("name", SERVICES)
def test_each_unit_runs_unprivileged_and_sandboxed(name: str) -> None:
    service = {k: v[-1] for k, v in parse(UNITS / name)["Service"].items()}
    assert service["User"] == "clue-hub" and service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict" and service["PrivateTmp"] == "yes"
    assert service["CapabilityBoundingSet"] == "" and service["UMask"] == "0077"
    assert service["EnvironmentFile"] == "/etc/clue-hub/hub.env"


def test_the_long_running_units_wait_for_the_migration_and_restart_when_they_die() -> None:
    assert parse(UNITS / "hub-migrate.service")["Service"]["Type"] == ["oneshot"]
    for name in SERVICES[1:]:
        unit = parse(UNITS / name)
        assert "hub-migrate.service" in unit["Unit"]["Requires"][0]
        assert "hub-migrate.service" in unit["Unit"]["After"][0]
        assert unit["Service"]["Restart"] == ["always"]


def test_the_example_environment_points_the_keyring_into_the_state_directory() -> None:
    env = dict(line.split("=", 1) for line in (UNITS / "hub.env.example").read_text().splitlines()
               if line and not line.startswith("#"))
    assert env["HUB_KEYRING_PATH"].startswith("/var/lib/clue-hub/")
    assert env["HUB_ENVIRONMENT"] == "production"


def test_the_background_units_start_as_low_as_the_hub_wants_so_it_never_lowers_itself() -> None:
    """The sandbox forbids setpriority (@resources: the call would kill the process), so the
    worker and scheduler units start at the nice value `hub` would otherwise set itself
    (HUB_BACKGROUND_NICE); the API keeps the default."""
    from hub.settings import Settings

    wanted = Settings.model_fields["background_nice"].default
    for name in ("hub-worker@.service", "hub-scheduler.service"):
        service = parse(UNITS / name)["Service"]
        assert "@resources" in " ".join(service["SystemCallFilter"])
        assert int(service["Nice"][-1]) >= wanted
        assert int(service["CPUWeight"][-1]) < 100
    assert "Nice" not in parse(UNITS / "hub-api.service")["Service"]
