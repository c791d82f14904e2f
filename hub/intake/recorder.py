"""Recording received bodies: raw records, new clues and their first tasks, in one commit.

Several requests are recorded together when they arrive together (group commit): SQLite
has one writer and every commit is an fsync, so writing twenty requests in one transaction
costs little more than writing one. Each request still gets its own answer.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub import log
from hub.container import Hub
from hub.db import tasks
from hub.db.models import Clue
from hub.db.tasks import FIRST_STAGE
from hub.db.types import utcnow
from hub.intake import repository
from hub.intake.present import clue_json
from hub.intake.service import ItemOutcome, Received

Key = tuple[int, str]  # (agency_id, source_ref)
# Runs inside the transaction, just before its commit, with the outcomes it will commit
# (connectors advance their cursor here, so a page and its cursor commit together).
BeforeCommit = Callable[[Session, list[list[ItemOutcome]]], None]


def record(hub: Hub, batch: list[Received],
           before_commit: BeforeCommit | None = None) -> list[list[ItemOutcome]]:
    """Record every body of `batch` in one transaction; outcomes per body, per item."""
    write = _record if hub.settings.is_sqlite else _record_in_one_statement
    try:
        return write(hub, batch, before_commit)
    except (IntegrityError, _Raced):
        # Another process recorded one of these source_refs between our read and our
        # insert; the second attempt finds it and answers 200 with it.
        return write(hub, batch, before_commit)


class _Raced(Exception):
    """A clue of the group was committed by another process while our statement ran."""


def _record_in_one_statement(hub: Hub, batch: list[Received],
                             before_commit: BeforeCommit | None = None
                             ) -> list[list[ItemOutcome]]:
    """PostgreSQL: the group's raw records, new clues and tasks in one statement."""
    now = utcnow()
    first: dict[Key, tuple[int, int]] = {}  # key -> (body, item) of its first occurrence
    for b, received in enumerate(batch):
        for i, row in received.rows.items():
            first.setdefault((received.agency_id, row["source_ref"]), (b, i))
    raws = [_raw_values(received, None, now) for received in batch]
    clues = [{**batch[b].rows[i], "received_at": now, "updated_at": now, "body": b}
             for (b, i) in first.values()]
    with hub.uow() as uow:
        written = repository.record_in_one_statement(uow.session, raws, clues, FIRST_STAGE, now)
        created = {(row.agency_id, row.source_ref): row for row in written.created}
        existing = {(row.agency_id, row.source_ref): row for row in written.existing}
        if any(key not in created and key not in existing for key in first):
            raise _Raced
        for received, raw_id in zip(batch, written.raw_ids, strict=True):
            received.raw_record_id = raw_id
        uow.wake(FIRST_STAGE, [row.task_id for row in written.created])
        first_new = {key: at for key, at in first.items() if key in created}
        outcomes = [_outcomes(b, received, existing, created, first_new)
                    for b, received in enumerate(batch)]
        if before_commit is not None:
            before_commit(uow.session, outcomes)
        uow.commit()
    log.event("hub.intake.recorded", bodies=len(batch), new=len(created),
              known=sum(len(r.rows) for r in batch) - len(created),
              refused=sum(len(r.items) - len(r.rows) for r in batch))
    return outcomes


def _record(hub: Hub, batch: list[Received],
            before_commit: BeforeCommit | None = None) -> list[list[ItemOutcome]]:
    now = utcnow()
    keys = [(r.agency_id, row["source_ref"]) for r in batch for row in r.rows.values()]
    with hub.uow() as uow:
        existing = repository.existing_by_keys(uow.session, list(set(keys)))
        first_new: dict[Key, tuple[int, int]] = {}  # key -> (body, item) that creates it
        for b, received in enumerate(batch):
            for i, row in received.rows.items():
                key = (received.agency_id, row["source_ref"])
                if key not in existing:
                    first_new.setdefault(key, (b, i))
        creating = {body for body, _ in first_new.values()}  # bodies that make a new clue
        raw_ids = repository.insert_raws(uow.session, [
            _raw_values(received, b in creating, now) for b, received in enumerate(batch)])
        for received, raw_id in zip(batch, raw_ids, strict=True):
            received.raw_record_id = raw_id
        new_rows = [{**batch[b].rows[i], "raw_record_id": raw_ids[b], "received_at": now,
                     "updated_at": now} for (b, i) in first_new.values()]
        ids = repository.insert_clues(uow.session, new_rows) if new_rows else []
        uow.wake(FIRST_STAGE, tasks.create(uow.session, FIRST_STAGE, ids, now))
        created = {key: Clue(id=clue_id, **row)
                   for key, clue_id, row in zip(first_new, ids, new_rows, strict=True)}
        outcomes = [_outcomes(b, received, existing, created, first_new)
                    for b, received in enumerate(batch)]
        if before_commit is not None:
            before_commit(uow.session, outcomes)
        uow.commit()
    log.event("hub.intake.recorded", bodies=len(batch), new=len(ids),
              known=len(keys) - len(ids), refused=sum(len(r.items) - len(r.rows) for r in batch))
    return outcomes


def _outcomes(b: int, received: Received, existing: dict, created: dict,
              first_new: dict) -> list[ItemOutcome]:
    if received.refused_whole is not None:
        return [ItemOutcome(422, errors=received.refused_whole)]
    out = []
    for i, item in enumerate(received.items):
        if isinstance(item, list):
            out.append(ItemOutcome(422, errors=item))
            continue
        key = (received.agency_id, received.rows[i]["source_ref"])
        if key in created:
            out.append(ItemOutcome(201 if first_new[key] == (b, i) else 200,
                                   clue=clue_json(created[key])))
        else:
            out.append(ItemOutcome(200, clue=clue_json(existing[key])))
    return out


def _raw_values(received: Received, new: bool | None, now) -> dict[str, Any]:  # noqa: ANN001
    """The raw record's row; with `new` None, an outcome that depends on whether the body
    creates a clue is left for the statement to decide (None)."""
    errors = received.refused_whole or [e for item in received.items if isinstance(item, list)
                                        for e in item]
    if received.raw_outcome is not None:
        outcome = received.raw_outcome
    elif received.refused_whole is not None or not received.rows:
        outcome = "rejected"
    elif len(received.rows) < len(received.items):
        outcome = "partial"
    else:
        outcome = None if new is None else "accepted" if new else "duplicate"
    return {
        "agency_id": received.agency_id, "origin": received.origin,
        "connector": received.connector, "received_at": now,
        "sha256": received.raw_sha256, "size": len(received.raw), "body_enc": received.raw_enc,
        "outcome": outcome, "errors": [e.as_dict() for e in errors] or None,
    }


class GroupWriter:
    """Records bodies handed in from many threads, together when they arrive together.

    Group commit: a transaction takes every body queued when it starts. While pushes come in
    together (the last transaction held more than one), it also waits up to `gather_seconds`
    from its first body for more, so that at many concurrent clients one commit answers many
    requests; a lone client (transactions of one) is written at once, with no wait.
    """

    def __init__(self, hub: Hub, max_items: int = 1000,
                 gather_seconds: float | None = None) -> None:
        self.hub = hub
        self.max_items = max_items
        self.gather_seconds = (hub.settings.intake_gather_ms / 1000 if gather_seconds is None
                               else gather_seconds)
        self.requests = 0  # bodies written, and the transactions that wrote them
        self.transactions = 0
        self._queue: queue.SimpleQueue[tuple[Received, Future]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="intake-writer", daemon=True)
        self._thread.start()

    def submit(self, received: Received) -> Future:
        """Queue a body; the future gives its outcomes once committed."""
        future: Future = Future()
        self._queue.put((received, future))
        return future

    def write(self, received: Received) -> list[ItemOutcome]:
        return self.submit(received).result()

    def _loop(self) -> None:
        together = False  # the last transaction held more than one body
        while True:
            group = [self._queue.get()]
            size = max(1, len(group[0][0].items))
            deadline = time.monotonic() + self.gather_seconds if together else 0.0
            while size < self.max_items:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    wait = deadline - time.monotonic()
                    if wait <= 0:
                        break
                    try:
                        group.append(self._queue.get(timeout=wait))
                    except queue.Empty:
                        break
                size += max(1, len(group[-1][0].items))
            together = len(group) > 1
            self._write(group)
            self.requests += len(group)
            self.transactions += 1

    def _write(self, group: list[tuple[Received, Future]]) -> None:
        try:
            results = record(self.hub, [received for received, _ in group])
        except Exception as exc:
            if len(group) == 1:
                group[0][1].set_exception(exc)
                return
            for one in group:  # isolate the body that fails from the others
                self._write([one])
            return
        for (_, future), outcome in zip(group, results, strict=True):
            future.set_result(outcome)
