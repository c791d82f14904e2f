"""Through intake and the normalize stage: subjects come out resolved, found in the text, or
marked for the reviewer, who picks the body; partners still see what they sent."""

from __future__ import annotations

import orjson
from sqlalchemy import select

from hub.agencies.service import add_agency
from hub.db.models import Clue, ClueEvent, Task
from hub.db.types import utcnow
from hub.directory import service
from hub.directory.rematch import rematch_batch
from hub.directory.snapshot import current_index
from hub.errors import Conflict, NotFound
from hub.intake import recorder
from hub.intake.present import clue_json
from hub.intake.service import receive_batch
from hub.normalize.stage import NormalizeStage
from hub.pipeline.worker import Worker
from tests.support import factories


def _push_and_normalize(hub, *clues: dict) -> list[Clue]:
    """Record the clues as the push API does, then run the normalize stage over them."""
    with hub.uow() as uow:
        agency, _ = add_agency(uow.session, name=f"协作单位{factories.clue()['source_ref']}",
                               channel="court", region_code="420300")
        uow.commit()
    received = receive_batch(hub.cipher, agency.id, orjson.dumps({"clues": list(clues)}))
    outcome = recorder.record(hub, [received])[0]
    assert all(item.status == 201 for item in outcome), outcome
    with hub.uow(write=False) as uow:
        task_ids = list(uow.session.scalars(select(Task.id).where(Task.stage == "normalize")))
    stage = NormalizeStage(next_stage=None, prefer_prefix="4203")
    Worker(hub, name="test").process(stage, task_ids)
    refs = [c["source_ref"] for c in clues]
    with hub.uow(write=False) as uow:
        found = {c.source_ref: c for c in uow.session.scalars(
            select(Clue).where(Clue.source_ref.in_(refs)))}
    return [found[ref] for ref in refs]


def test_a_pushed_clue_gets_its_subjects_resolved_and_explained(directory):
    sent = [{"name": "郧西县自然资源和规划局", "credit_code": factories.credit_code()},
            {"name": "市交通局"}, {"name": "县交通局"}, {"name": "十堰市气象局"}]
    clue = _push_and_normalize(directory, factories.clue(subjects=sent))[0]

    assert clue.status == "pending_review" and clue.region_code == "420322"
    first, city, county, unknown = clue.subjects
    assert first["name"] == "郧西县自然资源和规划局" and first["credit_code"] == sent[0]["credit_code"]
    assert first["resolved_name"] == "郧西县自然资源和规划局"
    assert first["resolution"] == {"method": "name", "score": 100.0}
    assert (city["resolved_name"], county["resolved_name"]) == ("十堰市交通运输局", "郧西县交通运输局")
    assert unknown["body_id"] is None and unknown["resolution"]["method"] == "unresolved"
    assert clue.normalization["subjects"] == {
        "methods": ["name", "alias", "alias", "unresolved"], "unresolved": 1}
    # the partner's view keeps the contract's shape: what it sent, nothing the office added
    assert clue_json(clue)["subjects"] == [
        {"name": s["name"], "credit_code": s.get("credit_code"), "region_code": None} for s in sent]


def test_a_clue_without_subjects_gets_the_body_its_text_names(directory):
    clue = _push_and_normalize(directory, factories.clue(
        subjects=[], title="反映郧西县交通运输局执法人员乱罚款",
        content="郧西县交通运输局执法人员在上津镇路段对过往货车罚款不开票。"))[0]
    [found] = clue.subjects
    assert found["resolved_name"] == "郧西县交通运输局" and found["origin"] == "text"
    assert found["resolution"]["method"] == "text"
    assert clue_json(clue)["subjects"] == []


def test_normalizing_again_gives_the_same_subjects(directory):
    clue = _push_and_normalize(directory, factories.clue(subjects=[], title="郧西县交警大队罚款"))[0]
    stage = NormalizeStage(next_stage=None, prefer_prefix="4203")
    with directory.uow(write=False) as uow:
        again = stage.compute(stage.load(uow.session, [clue.id])[clue.id])
    assert again.subjects == clue.subjects


def test_the_reviewer_picks_the_body_of_an_unresolved_subject_and_it_stays(directory):
    clue = _push_and_normalize(directory, factories.clue(subjects=[{"name": "县交通局"}],
                                                         region_code="420300"))[0]
    assert clue.subjects[0]["resolution"]["method"] == "unresolved"
    with directory.uow(write=False) as uow:
        picks = service.search(uow.session, "交通局", "420323")
    assert picks[0]["name"] == "竹山县交通运输局"

    with directory.uow() as uow:
        subject = service.set_subject(uow.session, clue.id, 0, picks[0]["id"], "reviewer:li",
                                      now=utcnow())
        uow.commit()
    assert subject["resolution"] == {"method": "manual", "score": 100.0, "by": "reviewer:li"}
    with directory.uow(write=False) as uow:
        stored = uow.session.get(Clue, clue.id)
        event = uow.session.scalars(select(ClueEvent).where(
            ClueEvent.clue_id == clue.id, ClueEvent.action == "subject_set")).one()
        stage = NormalizeStage(next_stage=None, prefer_prefix="4203")
        again = stage.compute(stage.load(uow.session, [clue.id])[clue.id])
    assert stored.subjects[0]["resolved_name"] == "竹山县交通运输局"
    assert event.actor == "reviewer:li" and event.detail["previous"]["method"] == "unresolved"
    assert again.subjects == stored.subjects  # a replay keeps the reviewer's pick


def test_picking_refuses_what_does_not_exist(directory):
    clue = _push_and_normalize(directory, factories.clue())[0]
    with directory.uow() as uow:
        for args, error in (((clue.id, 5, 1), NotFound), ((clue.id, 0, 999999), NotFound),
                            ((999999, 0, 1), NotFound)):
            try:
                service.set_subject(uow.session, *args, "reviewer", now=utcnow())
            except error as exc:
                assert "没有" in exc.message
            else:
                raise AssertionError(args)
        body = service.get(uow.session, 1)
        body.active = False
        uow.session.flush()
        try:
            service.set_subject(uow.session, clue.id, 0, 1, "reviewer", now=utcnow())
        except Conflict as exc:
            assert "已停用" in exc.message
        else:
            raise AssertionError("an inactive body was picked")


def test_without_a_directory_subjects_are_kept_as_sent(hub):
    clue = _push_and_normalize(hub, factories.clue(subjects=[{"name": "市交通局"}]))[0]
    assert clue.subjects == [{"name": "市交通局", "credit_code": None, "region_code": None}]
    assert clue.normalization["subjects"] == {"skipped": "directory_empty"}


def test_the_snapshot_is_rebuilt_only_when_the_directory_changes(directory):
    with directory.uow(write=False) as uow:
        first = current_index(uow.session)
        assert current_index(uow.session) is first
    with directory.uow() as uow:
        service.get(uow.session, 1).updated_at = utcnow()
        uow.commit()
    with directory.uow(write=False) as uow:
        assert current_index(uow.session) is not first


def test_clues_normalized_before_the_directory_are_matched_again_later(hub):
    early = _push_and_normalize(hub, factories.clue(subjects=[{"name": "市交通局"}]))[0]
    with hub.uow() as uow:
        service.ensure_seeded(uow.session, now=utcnow())
        uow.commit()
    last, total = 0, 0
    while last is not None:
        with hub.uow() as uow:
            last, changed = rematch_batch(uow.session, current_index(uow.session), after_id=last,
                                          now=utcnow(), batch=1)
            uow.commit()
        total += changed
    assert total == 1
    with hub.uow(write=False) as uow:
        stored = uow.session.get(Clue, early.id)
        actions = list(uow.session.scalars(select(ClueEvent.action).where(
            ClueEvent.clue_id == early.id)))
    assert stored.subjects[0]["resolved_name"] == "十堰市交通运输局"
    assert actions == ["normalized", "subjects_rematched"]
