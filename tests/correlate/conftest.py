"""Clues stored straight in the database (as normalize leaves them), and the correlate stage
run through the real worker."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from hub.container import Hub
from hub.correlate import labelled
from hub.correlate.stage import CorrelateStage
from hub.db.models import Agency, Clue, ClueEvent, RawRecord
from hub.db.types import utcnow
from hub.pipeline import tasks
from hub.pipeline.worker import Worker


@pytest.fixture
def add_clue(hub: Hub) -> Callable[..., int]:
    """`add_clue("S01-1", **overrides)` stores that labelled clue; returns its id."""
    with hub.uow() as uow:
        agency = Agency(name="十堰市12345热线", channel="hotline", region_code="420300")
        uow.session.add(agency)
        uow.session.flush()
        raw = RawRecord(agency_id=agency.id, origin="api", sha256="0" * 64, size=0,
                        body_enc=b"", outcome="accepted")
        uow.session.add(raw)
        uow.commit()
        agency_id, raw_id = agency.id, raw.id
    serial = itertools.count(1)

    def add(labelled_id: str, **overrides: Any) -> int:
        data = {**labelled.clue(labelled_id), **overrides}
        reported = data["reported_at"]
        if isinstance(reported, str):
            reported = datetime.fromisoformat(reported)
        with hub.uow() as uow:
            clue = Clue(agency_id=agency_id, source_ref=f"{labelled_id}#{next(serial)}",
                        raw_record_id=raw_id, received_at=utcnow(), updated_at=utcnow(),
                        status="normalized", channel=data["channel"], reported_at=reported,
                        title=data["title"], content=data["content"],
                        region_code=data["region_code"], subjects=data["subjects"],
                        references=data["references"], urgency="normal")
            uow.session.add(clue)
            uow.commit()
            return clue.id

    return add


@pytest.fixture
def correlate(hub: Hub) -> Callable[..., int]:
    """`correlate(clue_ids)` runs the correlate stage on them through a worker."""
    names = itertools.count(1)

    def run(clue_ids: list[int], stage: CorrelateStage | None = None,
            worker: Worker | None = None) -> int:
        with hub.uow() as uow:
            task_ids = tasks.create(uow.session, "correlate", clue_ids, utcnow())
            uow.commit()
        worker = worker or Worker(hub, name=f"correlate-{next(names)}")
        return worker.process(stage or CorrelateStage(next_stage=None), task_ids)

    return run


@pytest.fixture
def events(hub: Hub) -> Callable[[int], list[tuple[str, str, dict]]]:
    def of(clue_id: int) -> list[tuple[str, str, dict]]:
        with hub.uow(write=False) as uow:
            rows = uow.session.execute(select(ClueEvent.action, ClueEvent.actor, ClueEvent.detail)
                                       .where(ClueEvent.clue_id == clue_id)
                                       .order_by(ClueEvent.id))
            return [tuple(row) for row in rows]

    return of
