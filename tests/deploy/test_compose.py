"""deploy/compose.yaml: valid Compose, the roles the issue asks for, started in a safe order."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml
from compose_spec import PyCompose

from tests.deploy.support import DEPLOY, docker_compose, env_file, interpolate, runs_in_cli

ENV = env_file(DEPLOY / "env.example")


@pytest.fixture(scope="module")
def compose() -> dict:
    raw = yaml.safe_load((DEPLOY / "compose.yaml").read_text())  # resolves the << merge keys
    resolved = interpolate(raw, ENV)
    spec = PyCompose.from_json(json.dumps(resolved))
    spec.validate()  # every volume, network and secret a service uses is declared
    return spec.to_dict()


def test_the_compose_file_is_accepted_by_the_compose_specification(compose: dict) -> None:
    assert set(compose["services"]) == {"postgres", "rabbitmq", "migrate", "api", "worker",
                                        "scheduler", "nginx"}


def test_docker_compose_config_accepts_it_where_the_client_has_compose() -> None:
    cmd = docker_compose()
    if cmd is None:
        pytest.skip("no `docker compose` plugin on this machine; checked against the spec instead")
    out = subprocess.run([*cmd, "-f", str(DEPLOY / "compose.yaml"), "--env-file",
                          str(DEPLOY / "env.example"), "config", "--quiet"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_a_missing_password_stops_compose_instead_of_starting_without_one() -> None:
    raw = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    with pytest.raises(KeyError, match="HUB_DB_PASSWORD"):
        interpolate(raw, {})


def test_two_of_each_hub_role_and_each_runs_a_real_hub_command(compose: dict) -> None:
    services = compose["services"]
    for role in ("api", "worker", "scheduler"):
        assert services[role]["deploy"]["replicas"] == 2
        assert services[role]["command"][0] == role
        assert runs_in_cli(services[role]["command"]), services[role]["command"]
    assert services["migrate"]["command"] == ["migrate"] and runs_in_cli(["migrate"])


def test_the_migration_runs_once_before_any_hub_process_starts(compose: dict) -> None:
    services = compose["services"]
    migrate = services["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for role in ("api", "worker", "scheduler"):
        after = services[role]["depends_on"]
        assert after["migrate"]["condition"] == "service_completed_successfully"
        assert after["postgres"]["condition"] == "service_healthy"
        assert after["rabbitmq"]["condition"] == "service_healthy"
    assert services["nginx"]["depends_on"]["api"]["condition"] == "service_healthy"


def test_health_checks_use_pg_isready_rabbitmq_ping_and_the_hubs_readyz(compose: dict) -> None:
    services = compose["services"]

    def check(name: str) -> str:
        test = services[name]["healthcheck"]["test"]
        return test if isinstance(test, str) else " ".join(test)

    assert "pg_isready" in check("postgres")
    assert "ping" in check("rabbitmq")
    assert "/readyz" in check("api")
    assert "/healthz" in check("nginx")
    for name, service in services.items():
        assert "healthcheck" in service, name


def test_every_hub_process_shares_the_keyring_and_talks_to_postgres_and_rabbitmq(compose: dict) -> None:
    for role in ("migrate", "api", "worker", "scheduler"):
        service = compose["services"][role]
        env = service["environment"]
        assert env["HUB_DATABASE_URL"].startswith("postgresql+psycopg://hub:")
        assert env["HUB_BROKER_URL"].startswith("amqp://hub:")
        assert env["HUB_KEYRING_PATH"] == "/var/lib/hub/keys/keyring.json"
        assert any(str(v).startswith("hub-keys:/var/lib/hub/keys") for v in service["volumes"])
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]


def test_nginx_publishes_tls_and_the_client_certificate_port_with_hub_conf(compose: dict) -> None:
    nginx = compose["services"]["nginx"]
    published = {str(p.get("target")) if isinstance(p, dict) else str(p).rsplit(":", 1)[-1]
                 for p in nginx["ports"]}
    assert {"443", "8443", "80"} <= published
    mounts = " ".join(str(v) for v in nginx["volumes"])
    assert "hub.conf" in mounts and "certs" in mounts
    conf = (DEPLOY / "nginx" / "hub.conf").read_text()
    assert "ssl_verify_client optional;" in conf and "ssl_verify_client on;" in conf
    assert "listen 443 ssl" in conf and "listen 8443 ssl" in conf  # more in test_nginx.py


def test_the_dockerfile_installs_the_hub_and_runs_it_as_an_unprivileged_user() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["hub"]' in text
    assert "USER hub" in text and "/healthz" in text


def test_every_hub_command_the_operations_manual_names_exists() -> None:
    import re

    from tests.deploy.support import ROOT, cli_commands

    known = cli_commands()
    text = (ROOT / "docs" / "operations.md").read_text()
    named = {m.group(1).strip() for m in re.finditer(r"`hub ((?:[a-z-]+ ?){1,2})", text)}
    assert named
    for command in named:
        first, *rest = command.split()
        assert first in known, command
        if any(path.startswith(first + " ") for path in known) and rest:  # a group: its sub-command too
            assert f"{first} {rest[0]}" in known, command
