"""Many clients push at once, to two hub processes on one database: every push is answered,
a clue sent by several of them at the same moment is recorded once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from hub.container import Hub
from hub.db.models import Clue, RawRecord
from tests.support import factories
from tests.support.live import LiveHub


def test_pushes_arriving_together_are_each_answered_and_a_clue_is_recorded_once(
        agencies, hub, settings):
    _, key = agencies.add()
    other_hub = Hub.from_settings(settings)  # a second API process on the same database
    distinct = [factories.clue() for _ in range(20)]
    same = factories.clue()
    try:
        with LiveHub(other_hub, workers=0, with_scheduler=False) as other:
            urls = [agencies.base_url, other.url]
            jobs = [(urls[i % 2], body) for i, body in enumerate(distinct + [same] * 12)]

            def send(job: tuple[str, dict]) -> httpx.Response:
                url, body = job
                with httpx.Client(base_url=url, timeout=60,
                                  headers={"Authorization": f"Bearer {key}"}) as client:
                    return client.post("/api/v1/clues", json=body)

            # one push to each server first: each builds its route tables at its first request
            answers = [send(job) for job in jobs[:2]]
            with ThreadPoolExecutor(16) as pool:
                answers += list(pool.map(send, jobs[2:]))
    finally:
        other_hub.close()

    assert [a.status_code for a in answers[:20]] == [201] * 20, answers[0].text
    assert len({a.json()["id"] for a in answers[:20]}) == 20
    repeats = answers[20:]
    assert sorted(a.status_code for a in repeats) == [200] * 11 + [201]
    assert {a.json()["id"] for a in repeats} == {repeats[0].json()["id"]}
    assert {a.json()["source_ref"] for a in repeats} == {same["source_ref"]}
    with hub.uow(write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Clue)) == 21
        outcomes = uow.session.scalars(select(RawRecord.outcome)).all()
    assert sorted(outcomes) == ["accepted"] * 21 + ["duplicate"] * 11
