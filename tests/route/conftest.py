"""Clues stored straight in the database (as the normalize stage leaves them) for routing."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from hub.container import Hub
from hub.db.models import Agency, Clue, ClueEvent, RawRecord
from hub.db.types import utcnow
from hub.route.models import RouteProposal, RuleSetVersion

SAMPLES: dict[str, dict[str, object]] = {
    "quota": {"channel": "hotline", "category": "enforcement", "title": "交警大队下达罚款指标",
              "content": "郧西县交警大队每月给中队下达罚款指标。",
              "subjects": [{"name": "郧西县公安局交通警察大队"}]},
    "consumer": {"channel": "hotline", "category": "other", "title": "健身房不退预付卡",
                 "content": "商家关门，要求退款无人理会。", "subjects": []},
    "judgment": {"channel": "court", "category": "judgment_compliance", "title": "拒不履行生效判决",
                 "content": "判决生效后郧西县人民政府仍未履行。",
                 "subjects": [{"name": "郧西县人民政府"}]},
    "nothing": {"channel": "media", "category": "public_service", "title": "网传办事难",
                "content": "网友发帖反映办事难。", "subjects": []},
}


@pytest.fixture
def add_clue(hub: Hub) -> Callable[..., int]:
    """`add_clue("consumer", **fields)` stores a normalized clue like SAMPLES[kind]; its id."""
    with hub.uow() as uow:
        agency = Agency(name="十堰市12345热线", channel="hotline", region_code="420300")
        uow.session.add(agency)
        uow.session.flush()
        raw = RawRecord(agency_id=agency.id, origin="api", sha256="0" * 64, size=0, body_enc=b"",
                        outcome="accepted")
        uow.session.add(raw)
        uow.commit()
        agency_id, raw_id = agency.id, raw.id
    serial = itertools.count(1)

    def add(kind: str = "quota", received_at: datetime | None = None, **fields: object) -> int:
        values = {"status": "normalized", **SAMPLES[kind], **fields}
        at = received_at or utcnow() - timedelta(days=1)
        with hub.uow() as uow:
            clue = Clue(agency_id=agency_id, source_ref=f"T-{next(serial)}", raw_record_id=raw_id,
                        received_at=at, updated_at=at, reported_at=at,
                        urgency="normal", region_code="420322", **values)
            uow.session.add(clue)
            uow.commit()
            return clue.id

    return add


@pytest.fixture
def count_rows(hub: Hub) -> Callable[[], dict[str, int]]:
    """Rows in the tables routing writes, to show that something wrote nothing."""

    def count() -> dict[str, int]:
        with hub.uow(write=False) as uow:
            return {model.__tablename__: uow.session.scalar(select(func.count()).select_from(model))
                    for model in (RuleSetVersion, RouteProposal, ClueEvent)}

    return count
