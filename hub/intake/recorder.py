"""Recording received bodies: raw records, new clues and their first tasks, in one commit.

Several requests are recorded together when they arrive together (group commit): SQLite
has one writer and every commit is an fsync, so writing twenty requests in one transaction
costs little more than writing one. Each request still gets its own answer.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub import log
from hub.container import Hub
from hub.db import tasks
from hub.db.engine import make_sessionmaker
from hub.db.tasks import FIRST_STAGE
from hub.db.types import utcnow
from hub.db.uow import UnitOfWork
from hub.intake import repository
from hub.intake.present import clue_json, values_json
from hub.intake.service import ItemOutcome, Received

Key = tuple[int, str]  # (agency_id, source_ref)
# Runs inside the transaction, just before its commit, with the outcomes it will commit
# (connectors advance their cursor here, so a page and its cursor commit together).
BeforeCommit = Callable[[Session, list[list[ItemOutcome]]], None]


def record(hub: Hub, batch: list[Received], before_commit: BeforeCommit | None = None,
           autocommit: Callable[[], UnitOfWork] | None = None,
           lean: bool = False) -> list[list[ItemOutcome]]:
    """Record every body of `batch` in one transaction; outcomes per body, per item.

    `lean`: outcomes carry the clue's id, not the clue as the API shows it (a pull answers
    nobody).

    `autocommit` (PostgreSQL, no `before_commit`): units of work whose connection commits
    each statement as it completes. The group is one statement, so it is still one
    transaction, and it takes one round trip instead of three (BEGIN, the statement, COMMIT).
    """
    if hub.settings.is_sqlite:
        write = partial(_record, lean=lean)
    else:
        write = partial(_record_in_one_statement,
                        uow=None if before_commit is not None else autocommit, lean=lean)
    try:
        return write(hub, batch, before_commit)
    except (IntegrityError, _Raced):
        # Another process recorded one of these source_refs between our read and our
        # insert; the second attempt finds it and answers 200 with it.
        return write(hub, batch, before_commit)


class _Raced(Exception):
    """A clue of the group was committed by another process while our statement ran."""


def _record_in_one_statement(hub: Hub, batch: list[Received],
                             before_commit: BeforeCommit | None = None,
                             uow: Callable[[], UnitOfWork] | None = None, lean: bool = False
                             ) -> list[list[ItemOutcome]]:
    """PostgreSQL: the group's raw records, new clues and tasks in one statement.

    A clue another process committed while the statement ran is in neither list the
    statement returns: in a transaction of our own, we roll back and try again; committed
    already (`uow`, autocommit), what we wrote is right as it is (the body's raw record says
    "duplicate", and no clue of ours was made for it), so we read that clue to answer with it.
    """
    now = utcnow()
    first: dict[Key, tuple[int, int]] = {}  # key -> (body, item) of its first occurrence
    for b, received in enumerate(batch):
        for i, row in received.rows.items():
            first.setdefault((received.agency_id, row["source_ref"]), (b, i))
    raws = [_raw_values(received, None, now) for received in batch]
    clues = [{**batch[b].rows[i], "received_at": now, "updated_at": now, "body": b}
             for (b, i) in first.values()]
    autocommit = uow is not None
    with (uow or hub.uow)() as uow:
        written = repository.record_in_one_statement(uow.session, raws, clues, FIRST_STAGE, now)
        created = {(row.agency_id, row.source_ref): row.id for row in written.created}
        existing = {(row.agency_id, row.source_ref): row for row in written.existing}
        raced = [key for key in first if key not in created and key not in existing]
        if raced and not autocommit:
            raise _Raced
        if raced:
            existing.update(repository.existing_by_keys(uow.session, raced))
        for received, raw_id in zip(batch, written.raw_ids, strict=True):
            received.raw_record_id = raw_id
        uow.wake(FIRST_STAGE, [row.task_id for row in written.created])
        first_new = {key: at for key, at in first.items() if key in created}
        answers = {} if lean else _answers(batch, existing, created, first_new, now)
        ids = _ids(existing, created)
        outcomes = [_outcomes(b, received, answers, ids, first_new)
                    for b, received in enumerate(batch)]
        if before_commit is not None:
            before_commit(uow.session, outcomes)
        uow.commit()
    log.event("hub.intake.recorded", bodies=len(batch), new=len(created),
              known=sum(len(r.rows) for r in batch) - len(created),
              refused=sum(len(r.items) - len(r.rows) for r in batch))
    return outcomes


def _record(hub: Hub, batch: list[Received], before_commit: BeforeCommit | None = None,
            lean: bool = False) -> list[list[ItemOutcome]]:
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
        created = dict(zip(first_new, ids, strict=True))
        answers = {} if lean else _answers(batch, existing, created, first_new, now)
        ids = _ids(existing, created)
        outcomes = [_outcomes(b, received, answers, ids, first_new)
                    for b, received in enumerate(batch)]
        if before_commit is not None:
            before_commit(uow.session, outcomes)
        uow.commit()
    log.event("hub.intake.recorded", bodies=len(batch), new=len(ids),
              known=len(keys) - len(ids), refused=sum(len(r.items) - len(r.rows) for r in batch))
    return outcomes


def _answers(batch: list[Received], existing: dict, created: dict[Key, int],
             first_new: dict[Key, tuple[int, int]], now) -> dict[Key, dict]:  # noqa: ANN001
    """Each clue's answer (`ClueOut`), made once however often the group names it: a new clue
    from the values it was recorded with, a known one from its row."""
    answers = {key: clue_json(clue) for key, clue in existing.items()}
    for key, (b, i) in first_new.items():
        answers[key] = values_json(created[key], {**batch[b].rows[i], "received_at": now})
    return answers


def _ids(existing: dict, created: dict[Key, int]) -> dict[Key, int]:
    """The clue id of every key the group names, known before or made now."""
    return {**{key: row.id for key, row in existing.items()}, **created}


def _outcomes(b: int, received: Received, answers: dict[Key, dict], ids: dict[Key, int],
              first_new: dict) -> list[ItemOutcome]:
    """Each item's outcome; without an answer (recorded `lean`), the clue's id alone."""
    if received.refused_whole is not None:
        return [ItemOutcome(422, errors=received.refused_whole)]
    out = []
    for i, item in enumerate(received.items):
        if isinstance(item, list):
            out.append(ItemOutcome(422, errors=item))
            continue
        key = (received.agency_id, received.rows[i]["source_ref"])
        out.append(ItemOutcome(201 if first_new.get(key) == (b, i) else 200,
                               clue=answers.get(key), clue_id=ids[key]))
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
    """Records bodies handed in from many threads and from the event loop, together when they
    arrive together (group commit), on a thread of its own (`intake-writer`).

    Single pushes are gathered on the event loop (`push`): while a group is being written, the
    pushes checked meanwhile wait, and the next group takes them all, so at many concurrent
    clients one commit answers many requests, and the event loop and the writer hand each other
    one group, not each request. A push starts a group at once when nothing else is under way in
    the process (`opened` and not yet queued); otherwise it waits up to `gather_seconds` for the
    pushes being read. Other callers (batches, connectors, the office) `submit` from any thread.
    """

    def __init__(self, hub: Hub, max_items: int = 1000,
                 gather_seconds: float | None = None) -> None:
        self.hub = hub
        self.max_items = max_items
        self.gather_seconds = (hub.settings.intake_gather_ms / 1000 if gather_seconds is None
                               else gather_seconds)
        self.requests = 0  # bodies written, and the transactions that wrote them
        self.transactions = 0
        self._autocommit = None if hub.settings.is_sqlite else partial(
            UnitOfWork, make_sessionmaker(hub.engine.execution_options(
                isolation_level="AUTOCOMMIT")), hub.bus, hub.gate, True)
        # (bodies, future of their outcomes, one: the future gives the first body's alone)
        self._queue: queue.SimpleQueue[tuple[list[Received], Future, bool]] = queue.SimpleQueue()
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Gathered] = \
            weakref.WeakKeyDictionary()
        self._thread = threading.Thread(target=self._loop, name="intake-writer", daemon=True)
        self._thread.start()

    def opened(self) -> None:
        """A push has come in (on the event loop); `push` or `closed` follows."""
        self._gathered().reading += 1

    def closed(self) -> None:
        """A push opened and refused before `push` (its body too large, say)."""
        self._gathered().reading -= 1

    async def push(self, received: Received) -> list[ItemOutcome]:
        """Record a single push with the others gathered on this event loop (after `opened`);
        its outcomes once committed."""
        gathered = self._gathered()
        gathered.reading -= 1
        future = gathered.loop.create_future()
        gathered.waiting.append((received, future))
        if not gathered.sending:
            gathered.sending = True
            if gathered.reading > 0 and self.gather_seconds > 0:  # others are being read
                gathered.timer = gathered.loop.call_later(self.gather_seconds, self._send,
                                                          gathered)
            else:
                gathered.loop.call_soon(self._send, gathered)  # with those checked just now
        elif gathered.timer is not None and gathered.reading <= 0:  # all under way are in
            gathered.timer.cancel()
            gathered.timer = None
            gathered.loop.call_soon(self._send, gathered)
        return await future

    def _gathered(self) -> _Gathered:
        loop = asyncio.get_running_loop()
        gathered = self._loops.get(loop)
        if gathered is None:
            gathered = self._loops[loop] = _Gathered(loop)
        return gathered

    def _send(self, gathered: _Gathered) -> None:
        """Hand every push waiting on the loop to the writer, as one group."""
        gathered.timer = None
        group, gathered.waiting = gathered.waiting, []
        if not group:
            gathered.sending = False
            return
        future: Future = Future()
        self._queue.put(([received for received, _ in group], future, False))
        future.add_done_callback(lambda done: gathered.loop.call_soon_threadsafe(
            self._answer, gathered, group, done))

    def _answer(self, gathered: _Gathered, group: list, done: Future) -> None:
        """On the loop: each push of the group its outcomes; then the next group, if any."""
        for (_, future), result in zip(group, done.result(), strict=True):
            if future.cancelled():
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
        if gathered.waiting:
            self._send(gathered)
        else:
            gathered.sending = False

    def submit(self, received: Received) -> Future:
        """Queue a body from any thread; the future gives its outcomes once committed."""
        future: Future = Future()
        self._queue.put(([received], future, True))
        return future

    def write(self, received: Received) -> list[ItemOutcome]:
        return self.submit(received).result()

    def _loop(self) -> None:
        while True:
            entries = [self._queue.get()]
            size = sum(max(1, len(r.items)) for r in entries[0][0])
            while size < self.max_items:
                try:
                    entries.append(self._queue.get_nowait())
                except queue.Empty:
                    break
                size += sum(max(1, len(r.items)) for r in entries[-1][0])
            bodies = [received for entry in entries for received in entry[0]]
            results = self._write(bodies)
            self.requests += len(bodies)
            self.transactions += 1
            at = 0
            for entry_bodies, future, one in entries:
                mine, at = results[at : at + len(entry_bodies)], at + len(entry_bodies)
                if not one:
                    future.set_result(mine)
                elif isinstance(mine[0], BaseException):
                    future.set_exception(mine[0])
                else:
                    future.set_result(mine[0])

    def _write(self, bodies: list[Received]) -> list[list[ItemOutcome] | BaseException]:
        """Each body's outcomes, or the exception its write raised."""
        try:
            return list(record(self.hub, bodies, autocommit=self._autocommit))
        except Exception as exc:
            if len(bodies) == 1:
                return [exc]
            # isolate the body that fails from the others
            return [result for received in bodies for result in self._write([received])]


class _Gathered:
    """Single pushes gathered on one event loop (`GroupWriter.push`)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.reading = 0  # opened, not yet pushed
        self.waiting: list[tuple[Received, asyncio.Future]] = []
        self.sending = False  # a group of this loop is queued or being written
        self.timer: asyncio.TimerHandle | None = None
