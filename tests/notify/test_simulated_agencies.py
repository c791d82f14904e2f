"""The simulators on the receiving end behave like agencies, the same way for the same seed."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import date

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy import select

from connectors._sim.agency import ReceivingAgency, attach, behaviour_for, plan_for
from connectors.registry import CONNECTORS
from hub.agencies.service import add_agency
from hub.collect.demo import serve_app
from hub.handoffs.models import Handoff
from hub.notify.signature import signature_headers
from hub.security.signing import SigningKey
from tests.notify.support import make_handoff
from tests.support.live import free_port


def test_every_connector_has_a_receiving_behaviour_with_a_final_outcome():
    for name in CONNECTORS:
        steps = behaviour_for(name).steps
        assert [s.final for s in steps][-1] and sum(s.final for s in steps) == 1
    discipline = behaviour_for("discipline").steps
    assert [(s.kind, s.persons) for s in discipline] == [("case_opened", None), ("sanction", 2)]
    assert behaviour_for("court").steps[-1].kind == "rectified"


def test_a_seed_tells_the_same_story_every_time():
    behaviour = behaviour_for("discipline")
    numbers = [f"JB-2026-{i:06d}" for i in range(1, 101)]
    first = [plan_for(behaviour, 7, n) for n in numbers]
    assert first == [plan_for(behaviour, 7, n) for n in numbers]
    assert first != [plan_for(behaviour, 8, n) for n in numbers]
    assert sum(p.returns for p in first) == 8 and sum(bool(p.late_by) for p in first) == 32
    assert all(3 <= p.late_by <= 8 for p in first if p.late_by)


def _agency(hub, live, behaviour_name: str = "court", **changes) -> tuple[ReceivingAgency, int]:
    with hub.uow() as uow:
        agency, key = add_agency(uow.session, name=f"单位{time.time_ns()}", channel="court",
                                 region_code="420300")
        uow.commit()
    behaviour = dataclasses.replace(behaviour_for(behaviour_name), **changes)
    return ReceivingAgency(agency.name, live.url, key, behaviour, seed=3), agency.id


def test_webhooks_are_checked_against_the_published_key(hub, live):
    agency, _ = _agency(hub, live)
    app = FastAPI()
    attach(app, agency)
    port = free_port()
    server = serve_app("agency", app, port)
    url = f"http://127.0.0.1:{port}/hub/webhook"
    body = json.dumps({"handoff": {"id": "JB-2026-000001", "status": "sent"}}).encode()

    def send(key: SigningKey, content: bytes, stamp: int, delivery: str = "d-1") -> int:
        headers = signature_headers(key, delivery_id=delivery, event="handoff.created",
                                    body=content, timestamp=stamp)
        if key is not hub.signing_key:
            headers["X-Hub-Key-Id"] = hub.signing_key.key_id  # a forger claims the hub's key
        return httpx.post(url, content=content if content == body else body,
                          headers=headers).status_code

    try:
        now = int(time.time())
        assert send(hub.signing_key, body, now) == 200
        assert send(hub.signing_key, body, now) == 200  # the same delivery again: ignored
        assert send(hub.signing_key, body + b" ", now, "d-2") == 401  # body changed after signing
        assert send(hub.signing_key, body, now - 3600, "d-3") == 401  # an old capture replayed
        assert send(SigningKey(Ed25519PrivateKey.generate()), body, now, "d-4") == 401
    finally:
        server.stop()
        agency.close()
    assert (agency.stats.webhooks, agency.stats.duplicates, agency.stats.refused) == (1, 1, 3)
    assert list(agency.known) == ["JB-2026-000001"]


def test_polling_agency_acknowledges_or_returns_as_its_seed_says(hub, live):
    agency, agency_id = _agency(hub, live, return_rate=0.5)
    ids = [make_handoff(hub, agency_id, due_on=date(2026, 10, 20)) for _ in range(6)]
    assert agency.poll() == 6
    done = dict(agency.work(date(2026, 10, 8)))
    with hub.uow(write=False) as uow:
        rows = {h.number: (h.state, h.returned_by) for h in uow.session.scalars(
            select(Handoff).where(Handoff.id.in_(ids)))}
    expected = {n: "return" if plan_for(agency.behaviour, 3, n).returns else "acknowledge"
                for n in rows}
    assert done == expected and "return" in done.values() and "acknowledge" in done.values()
    assert all(rows[n] == (("returned", "receiver") if done[n] == "return"
                           else ("acknowledged", None)) for n in rows)
    # Nothing changed since: a second poll sees nothing new (updated_since), work does nothing
    # more for the returned ones.
    agency.work(date(2026, 10, 9))  # progress replies for the acknowledged
    assert all(n not in dict(agency.log[6:]) for n, what in done.items() if what == "return")
    agency.close()
