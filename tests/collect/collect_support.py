"""Helpers for collect tests: what a simulator planted, what the hub stored, waiting for it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from connectors.base import ConnectorSpec
from hub.agencies.service import new_key
from hub.collect.models import ConnectorRun, ConnectorState, DeadLetter
from hub.collect.service import connector_agency, map_record, record_ref
from hub.container import Hub
from hub.db.models import Clue, RawRecord
from hub.intake.service import raw_aad
from hub.settings import Settings, reset_settings_cache


@dataclass(frozen=True)
class Expected:
    """What a pull of these native records must yield, worked out without the hub."""

    seen: int
    new: int
    known: int
    not_clue: int
    dead_lettered: int
    open_dead_letters: int  # distinct malformed records (a repeat reuses its dead letter)
    refs: frozenset[str]


def expected(spec: ConnectorSpec, records: list[dict[str, Any]]) -> Expected:
    kinds: Counter = Counter()
    refs: set[str] = set()
    refused: set[bytes] = set()
    for record in records:
        mapped = map_record(spec, record)
        kinds[mapped.kind] += 1
        if mapped.kind == "clue":
            refs.add(mapped.submission.source_ref)
        elif mapped.kind == "refused":
            refused.add(orjson.dumps(record))
    return Expected(len(records), len(refs), kinds["clue"] - len(refs), kinds["not_clue"],
                    kinds["refused"], len(refused), frozenset(refs))


def scalar(hub: Hub, query: Any) -> Any:
    with hub.uow(write=False) as uow:
        return uow.session.scalar(query)


def count(hub: Hub, model: Any, *where: Any) -> int:
    return scalar(hub, select(func.count()).select_from(model).where(*where))


def state(hub: Hub, name: str) -> ConnectorState:
    with hub.uow(write=False) as uow:
        return uow.session.get(ConnectorState, name)


def runs(hub: Hub, name: str) -> list[ConnectorRun]:
    with hub.uow(write=False) as uow:
        return list(uow.session.scalars(
            select(ConnectorRun).where(ConnectorRun.connector == name).order_by(ConnectorRun.id)))


def dead_letters(hub: Hub, name: str) -> list[DeadLetter]:
    with hub.uow(write=False) as uow:
        return list(uow.session.scalars(
            select(DeadLetter).where(DeadLetter.connector == name).order_by(DeadLetter.id)))


def clue_refs(hub: Hub, agency_id: int) -> Counter:
    with hub.uow(write=False) as uow:
        return Counter(uow.session.scalars(select(Clue.source_ref)
                                           .where(Clue.agency_id == agency_id)))


def raw_natives(hub: Hub, connector: str) -> list[Any]:
    """Every raw record kept for `connector`, decrypted back into its native record."""
    with hub.uow(write=False) as uow:
        raws = uow.session.execute(select(RawRecord.agency_id, RawRecord.body_enc)
                                   .where(RawRecord.connector == connector)
                                   .order_by(RawRecord.id)).all()
    return [orjson.loads(hub.cipher.decrypt(body, raw_aad(agency))) for agency, body in raws]


def native_ids(spec: ConnectorSpec, natives: list[Any]) -> Counter:
    return Counter(record_ref(spec, native) for native in natives)


def wait_for(predicate: Callable[[], bool], seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(0.05)


def pending_review(hub: Hub, agency_id: int) -> int:
    return count(hub, Clue, Clue.agency_id == agency_id, Clue.status == "pending_review")


def connector_key(hub: Hub, spec: ConnectorSpec) -> tuple[int, str]:
    """The connector's agency, and a fresh API key for it (as an administrator issues one)."""
    agency_id = connector_agency(hub, spec)
    with hub.uow() as uow:
        key = new_key(uow.session, agency_id)
        uow.commit()
    return agency_id, key


def cli(settings: Settings, *args: str) -> Result:
    """`hub …` in this process, against the test's database."""
    from hub.cli import main

    env = {"HUB_DATABASE_URL": settings.database_url, "HUB_BROKER_URL": settings.broker_url,
           "HUB_QUEUE_PREFIX": settings.queue_prefix,
           "HUB_KEYRING_PATH": str(settings.keyring_path), "HUB_LOG_LEVEL": "WARNING"}
    reset_settings_cache()
    try:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    finally:
        reset_settings_cache()


class Gate:
    """ASGI wrapper: lets `open_for` requests to /records through, holds later ones until
    `release()`. `holding` is set once a request waits at the gate."""

    def __init__(self, app: Any, open_for: int) -> None:
        self.app = app
        self.left = open_for
        self.holding = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/records":
            if self.left > 0:
                self.left -= 1
            else:
                self.holding.set()
                while not self._released.is_set():
                    await asyncio.sleep(0.02)
        await self.app(scope, receive, send)
