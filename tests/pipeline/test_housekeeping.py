"""Housekeeping: done tasks and empty connector runs do not pile up for ever."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hub.collect.jobs import purge_empty_runs
from hub.collect.models import ConnectorRun
from hub.db.models import Task
from hub.db.types import utcnow
from hub.pipeline.sweeper import purge_done_tasks


def test_old_done_tasks_are_purged_and_unfinished_or_failed_ones_stay(hub):
    now = utcnow()
    old, recent = now - timedelta(days=8), now - timedelta(days=1)
    rows = {1: ("done", old), 2: ("done", recent), 3: ("failed", old), 4: ("pending", None),
            5: ("running", None)}
    with hub.uow() as uow:
        uow.session.add_all([Task(stage="normalize", ref_id=ref, state=state, finished_at=at,
                                  created_at=old, available_at=old)
                             for ref, (state, at) in rows.items()])
        uow.commit()

    assert purge_done_tasks(hub) == 1
    with hub.uow(write=False) as uow:
        left = sorted(uow.session.scalars(select(Task.ref_id)))
    assert left == [2, 3, 4, 5]


def test_old_empty_runs_are_purged_but_each_connectors_newest_and_runs_that_read_stay(hub):
    old = utcnow() - timedelta(days=8)
    runs = [("hotline", "ok", 0), ("hotline", "ok", 12), ("hotline", "failed", 0),
            ("hotline", "ok", 0), ("hotline", "ok", 0),  # the newest hotline run stays
            ("court", "ok", 0)]  # court's only run, so its newest
    with hub.uow() as uow:
        uow.session.add_all([ConnectorRun(connector=name, status=status, seen=seen,
                                          started_at=old, finished_at=old)
                             for name, status, seen in runs])
        uow.commit()

    assert purge_empty_runs(hub) == 2
    with hub.uow(write=False) as uow:
        left = [(r.connector, r.status, r.seen) for r in
                uow.session.scalars(select(ConnectorRun).order_by(ConnectorRun.id))]
    assert left == [("hotline", "ok", 12), ("hotline", "failed", 0), ("hotline", "ok", 0),
                    ("court", "ok", 0)]
