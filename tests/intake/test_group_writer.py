"""Single pushes gathered on the event loop: pushes under way together are written by one
transaction, each gets its own answer, a clue named twice is made once, and a body whose
write fails fails alone."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from hub.agencies.service import add_agency
from hub.intake.recorder import GroupWriter
from hub.intake.service import receive_one
from tests.support import factories


def _agency(hub) -> int:
    with hub.uow() as uow:
        agency, _ = add_agency(uow.session, name="十堰市中级人民法院", channel="court",
                               region_code="420300")
        uow.commit()
    return agency.id


async def _push_all(writer: GroupWriter, received: list) -> list:
    for _ in received:
        writer.opened()  # all under way before the first is checked

    async def one(body):
        await asyncio.sleep(0)
        return await writer.push(body)

    return await asyncio.gather(*(one(body) for body in received), return_exceptions=True)


def test_pushes_under_way_together_are_one_transaction_each_answered(hub):
    agency_id = _agency(hub)
    same = factories.clue()
    bodies = [factories.clue() for _ in range(8)] + [same] * 3
    received = [receive_one(hub.cipher, agency_id, orjson.dumps(body)) for body in bodies]
    writer = GroupWriter(hub, gather_seconds=5.0)

    outcomes = asyncio.run(_push_all(writer, received))

    assert writer.transactions == 1 and writer.requests == 11
    assert [o[0].status for o in outcomes[:8]] == [201] * 8
    assert len({o[0].clue["id"] for o in outcomes[:8]}) == 8
    assert sorted(o[0].status for o in outcomes[8:]) == [200, 200, 201]
    assert len({o[0].clue["id"] for o in outcomes[8:]}) == 1


def test_a_body_whose_write_fails_fails_alone(hub):
    agency_id = _agency(hub)
    good = [receive_one(hub.cipher, agency_id, orjson.dumps(factories.clue())) for _ in range(3)]
    bad = receive_one(hub.cipher, 987654, orjson.dumps(factories.clue()))  # no such agency
    writer = GroupWriter(hub, gather_seconds=5.0)

    outcomes = asyncio.run(_push_all(writer, [good[0], bad, *good[1:]]))

    assert isinstance(outcomes[1], Exception)
    assert [o[0].status for i, o in enumerate(outcomes) if i != 1] == [201] * 3


def test_a_lone_push_is_written_at_once(hub):
    agency_id = _agency(hub)
    received = receive_one(hub.cipher, agency_id, orjson.dumps(factories.clue()))
    writer = GroupWriter(hub, gather_seconds=30.0)  # a wait would show

    async def alone():
        writer.opened()
        return await asyncio.wait_for(writer.push(received), 10)

    assert asyncio.run(alone())[0].status == 201


@pytest.mark.parametrize("pushes", [1, 5])
def test_a_submitted_body_and_pushes_share_the_writer(hub, pushes):
    agency_id = _agency(hub)
    writer = GroupWriter(hub)
    pushed = [receive_one(hub.cipher, agency_id, orjson.dumps(factories.clue()))
              for _ in range(pushes)]
    submitted = receive_one(hub.cipher, agency_id, orjson.dumps(factories.clue()))

    async def both():
        future = writer.submit(submitted)
        outcomes = await _push_all(writer, pushed)
        return outcomes, await asyncio.wrap_future(future)

    outcomes, alone = asyncio.run(both())
    assert [o[0].status for o in outcomes] == [201] * pushes and alone[0].status == 201
