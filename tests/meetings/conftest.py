"""A live hub holding the seeded month (October 2026, tests/reports/month.py) and the hand-off
desk (section head 李科长, a court, the commission and a bureau with their API keys)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select, update

from hub.db.models import Agency, Clue
from tests.handoffs.conftest import BUREAU, COMMISSION, desk  # noqa: F401
from tests.reports.month import insert_month


@dataclass
class Month:
    desk: object
    ids: dict[str, int]
    commission_id: int
    bureau_id: int
    court_id: int

    @property
    def csrf(self) -> str:
        return self.desk.office.headers["X-CSRF-Token"]

    def form(self, path: str, **fields) -> object:
        """A page's form posted as the section head (the redirect is not followed)."""
        return self.desk.office.post(path, data={"csrf": self.csrf, **fields})

    def create(self, *agency_ids: int) -> int:
        made = self.desk.office.post("/office/meetings", data={
            "csrf": self.csrf, "period": "2026-10", "agencies": [str(i) for i in agency_ids]})
        assert made.status_code == 303, made.text
        location = made.headers["location"]
        assert "error" not in location, location
        return int(re.match(r"/office/meetings/(\d+)", location).group(1))

    def decided(self, key: str, status: str = "referred") -> None:
        """The month's clues wait in review as seeded; the office had decided this one."""
        with self.desk.hub.uow() as uow:
            uow.session.execute(update(Clue).where(Clue.id == self.ids[key]).values(status=status))
            uow.commit()


@pytest.fixture
def month(desk):  # noqa: F811
    with desk.hub.uow() as uow:
        ids = insert_month(uow.session)
        uow.commit()
        named = dict(uow.session.execute(select(Agency.name, Agency.id)).tuples().all())
    return Month(desk, ids, named[COMMISSION], named[BUREAU], named["十堰市中级人民法院"])
