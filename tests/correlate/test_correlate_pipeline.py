"""The whole path: pushed as partners push, normalized, then correlated (the stage wired after
normalize as the pipeline will have it)."""

from __future__ import annotations

import orjson
from sqlalchemy import select

from hub.agencies.service import add_agency
from hub.correlate import labelled, service
from hub.correlate.models import Cluster
from hub.correlate.stage import CorrelateStage
from hub.db.models import Clue, Task
from hub.intake import recorder
from hub.intake.service import receive_batch
from hub.normalize.stage import NormalizeStage
from hub.pipeline.worker import Worker


def _push(hub, name: str, channel: str, *ids: str) -> None:
    with hub.uow() as uow:
        agency, _ = add_agency(uow.session, name=name, channel=channel, region_code="420300")
        uow.commit()
    clues = []
    for clue_id in ids:
        clue = labelled.clue(clue_id)
        clues.append({"source_ref": clue_id, "channel": clue["channel"],
                      "reported_at": clue["reported_at"], "title": clue["title"],
                      "content": clue["content"], "region_code": clue["region_code"],
                      "subjects": clue["subjects"], "references": clue["references"]})
    received = receive_batch(hub.cipher, agency.id, orjson.dumps({"clues": clues}))
    assert all(item.status == 201 for item in recorder.record(hub, [received])[0])


def _run(hub, stage) -> None:
    with hub.uow(write=False) as uow:
        task_ids = list(uow.session.scalars(select(Task.id).where(Task.stage == stage.name,
                                                                  Task.state == "pending")))
    Worker(hub, name=f"test-{stage.name}").process(stage, task_ids)


def test_pushed_clues_of_one_problem_end_in_one_cluster_after_normalize(hub):
    _push(hub, "十堰市12345热线", "hotline", "S21-1", "S21-3", "S22-1")
    _push(hub, "十堰市网信办", "media", "S21-2")
    _push(hub, "十堰市投诉举报信箱", "mailbox", "S21-4")

    _run(hub, NormalizeStage(next_stage="correlate", prefer_prefix="4203"))
    _run(hub, CorrelateStage(next_stage=None))

    with hub.uow(write=False) as uow:
        statuses = set(uow.session.scalars(select(Clue.status)))
        cluster = uow.session.scalars(select(Cluster)).one()
        other = uow.session.scalar(select(Clue.id).where(Clue.source_ref == "S22-1"))
    assert statuses == {"pending_review"}
    assert (cluster.members, cluster.channels) == (4, 3)  # the tunnel fines, not the hospital
    with hub.uow(write=False) as uow:
        assert service.cluster_of_clue(uow.session, clue_id=other) is None
