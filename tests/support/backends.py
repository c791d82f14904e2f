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
