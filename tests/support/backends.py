"""Where tests run: the embedded default always; PostgreSQL + RabbitMQ when configured.

`HUB_TEST_DATABASE_URL` points at a PostgreSQL server (any database on it: the tests create
and drop their own); `HUB_TEST_BROKER_URL` at a RabbitMQ. `.ci/run` sets both here.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hub.db.migrate import upgrade

PG_URL = os.environ.get("HUB_TEST_DATABASE_URL")
AMQP_URL = os.environ.get("HUB_TEST_BROKER_URL")


@dataclass
class Backend:
    name: str
    database_url: str
    broker_url: str
    queue_prefix: str
    drop: callable  # noqa: UP006 - called at teardown


def backend_names() -> list[str]:
    return ["embedded", "server"] if PG_URL and AMQP_URL else ["embedded"]


_sqlite_template: dict[str, Path] = {}


def sqlite_backend(tmp: Path, broker_url: str = "memory://") -> Backend:
    """A migrated SQLite file, copied from a template migrated once per test process."""
    if "path" not in _sqlite_template:
        template = Path(os.environ.get("TMPDIR", "/tmp")) / f"hub-template-{uuid.uuid4().hex}.db"
        upgrade(f"sqlite:///{template}")
        _sqlite_template["path"] = template
    target = tmp / "hub.db"
    shutil.copy(_sqlite_template["path"], target)
    return Backend("embedded", f"sqlite:///{target}", broker_url, _prefix(), lambda: None)


def _admin_engine():
    return create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")


_pg_template: dict[str, str] = {}


def postgres_backend() -> Backend:
    """A fresh database cloned from a migrated template (CREATE DATABASE ... TEMPLATE)."""
    admin = _admin_engine()
    with admin.connect() as conn:
        if "name" not in _pg_template:
            name = f"hub_tpl_{uuid.uuid4().hex[:10]}"
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            upgrade(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
            _pg_template["name"] = name
        db = f"hub_test_{uuid.uuid4().hex[:10]}"
        conn.execute(text(f'CREATE DATABASE "{db}" TEMPLATE "{_pg_template["name"]}"'))
    admin.dispose()
    url = make_url(PG_URL).set(database=db).render_as_string(hide_password=False)
    return Backend("server", url, AMQP_URL or "memory://", _prefix(), lambda: drop_database(db))


def drop_database(name: str) -> None:
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def drop_templates() -> None:
    if "name" in _pg_template:
        drop_database(_pg_template.pop("name"))
    if "path" in _sqlite_template:
        _sqlite_template.pop("path").unlink(missing_ok=True)


def _prefix() -> str:
    return f"hubtest-{uuid.uuid4().hex[:8]}"


def delete_queues(broker_url: str, prefix: str, stages: list[str]) -> None:
    """Remove a test's queues from a shared RabbitMQ (the embedded queue needs nothing)."""
    if not broker_url.startswith("amqp"):
        return
    from kombu import Connection

    from hub.queue.bus import dead_letter_exchange, dead_letter_queue, exchange, stage_queue

    with Connection(broker_url) as conn:
        channel = conn.channel()
        for stage in stages:
            stage_queue(prefix, stage)(channel).delete()
        dead_letter_queue(prefix)(channel).delete()
        exchange(prefix)(channel).delete()
        dead_letter_exchange(prefix)(channel).delete()


class Vhost:
    """A RabbitMQ virtual host of one test's own, on the shared broker, so that a test that
    drops the broker's connections drops only its own and never another suite's.

    Made and removed through the management HTTP API (port 15672) when the broker has it,
    else with `rabbitmqctl` (add_vhost, set_permissions, close_all_connections -p,
    delete_vhost). `url` is None when neither is usable: the test then runs on the shared
    vhost and drops nothing.
    """

    def __init__(self, broker_url: str) -> None:
        from urllib.parse import quote, urlsplit, urlunsplit

        self.name = f"hubtest-{uuid.uuid4().hex[:10]}"
        parts = urlsplit(broker_url)
        self._user, self._password = parts.username or "guest", parts.password or "guest"
        self._api = f"http://{parts.hostname or '127.0.0.1'}:15672/api"
        self._via = self._made()
        self.url = (urlunsplit(parts._replace(path="/" + quote(self.name, safe="")))
                    if self._via else None)

    def _http(self, method: str, path: str, **kwargs: object):  # noqa: ANN202
        import httpx

        return httpx.request(method, f"{self._api}{path}", auth=(self._user, self._password),
                             timeout=10, **kwargs)

    def _made(self) -> str | None:
        import httpx

        try:
            if self._http("PUT", f"/vhosts/{self.name}").status_code in (201, 204):
                self._http("PUT", f"/permissions/{self.name}/{self._user}",
                           json={"configure": ".*", "write": ".*", "read": ".*"})
                return "http"
        except httpx.HTTPError:
            pass
        if _ctl("add_vhost", self.name) and _ctl("set_permissions", "-p", self.name,
                                                 self._user, ".*", ".*", ".*"):
            return "ctl"
        return None

    def close_connections(self, reason: str) -> None:
        """Close every connection to this vhost (and to no other)."""
        if self._via == "http":
            listed = self._http("GET", f"/vhosts/{self.name}/connections").json()
            for connection in listed:
                self._http("DELETE", f"/connections/{connection['name']}",
                           headers={"X-Reason": reason})
        elif self._via == "ctl":
            _ctl("close_all_connections", "-p", self.name, reason)

    def delete(self) -> None:
        if self._via == "http":
            self._http("DELETE", f"/vhosts/{self.name}")
        elif self._via == "ctl":
            _ctl("delete_vhost", self.name)


def _ctl(*args: str) -> bool:
    import subprocess

    if shutil.which("rabbitmqctl") is None:
        return False
    done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, timeout=60,
                          check=False)
    return done.returncode == 0
