"""A live hub with an office reviewer, a sending court, receiving agencies and pending clues."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select

from hub.accounts.service import add_user
from hub.db.models import Clue
from tests.support import factories

PASSWORD = "correct-horse-9"
COMMISSION = "十堰市纪委监委"
BUREAU = "郧西县自然资源和规划局"


@dataclass
class Desk:
    """What a hand-off test works with."""

    url: str
    office: httpx.Client  # logged in as reviewer li, CSRF header set
    court: httpx.Client  # the agency that sent the clues
    commission: httpx.Client  # a receiving agency
    bureau: httpx.Client  # another receiving agency
    hub: object

    def pending_clue(self, **overrides) -> str:
        return self.pending_clues(1, **overrides)[0]

    def pending_clues(self, n: int, **overrides) -> list[str]:
        """Clue numbers sent by the court (one batch), once the pipeline has them in review."""
        sent = self.court.post("/api/v1/clues/batch",
                               json={"clues": [factories.clue(**overrides) for _ in range(n)]})
        assert sent.status_code == 200, sent.text
        numbers = [r["clue"]["id"] for r in sent.json()["results"]]
        ids = [int(number.split("-")[-1]) for number in numbers]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with self.hub.uow(write=False) as uow:
                statuses = set(uow.session.scalars(select(Clue.status).where(Clue.id.in_(ids))))
            if statuses == {"pending_review"}:
                return numbers
            time.sleep(0.05)
        raise AssertionError(f"{numbers} never reached review (statuses {statuses})")

    def user(self, username: str, role: str) -> httpx.Client:
        """Another office user, logged in (argon2 makes each user cost most of a second)."""
        with self.hub.uow() as uow:
            add_user(uow.session, username=username, display_name=username, role=role,
                     password=PASSWORD)
            uow.commit()
        return office_client(self.url, username)

    def decide(self, clue: str, kind: str = "assign", target: str = COMMISSION,
               **fields) -> httpx.Response:
        return self.office.post("/api/v1/office/decisions",
                                json={"clues": [clue], "kind": kind, "target": target, **fields})

    def handoff(self, kind: str = "assign", target: str = COMMISSION, **fields) -> str:
        made = self.decide(self.pending_clue(), kind, target, **fields)
        assert made.status_code == 201, made.text
        return made.json()["decisions"][0]["handoffs"][0]


def office_client(url: str, username: str = "li") -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    opened = client.post("/api/v1/office/session", json={"username": username,
                                                          "password": PASSWORD})
    assert opened.status_code == 200, opened.text
    client.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
    return client


@pytest.fixture
def desk(hub, agencies, live):
    with hub.uow() as uow:
        # A section head: referrals and declines are decided at once (a reviewer's wait
        # for approval, tests/review/test_approvals.py)
        add_user(uow.session, username="li", display_name="李科长", role="section_head",
                 password=PASSWORD)
        uow.commit()
    _, court = agencies.add("十堰市中级人民法院", "court")
    _, commission = agencies.add(COMMISSION, "discipline")
    _, bureau = agencies.add(BUREAU, "other")
    office = office_client(live.url)
    made = Desk(live.url, office, agencies.client(court), agencies.client(commission),
                agencies.client(bureau), hub)
    yield made
    office.close()
