"""“Has this person reported before?” is answered from blind indexes, never from clear text."""

from __future__ import annotations

from sqlalchemy import select, text

from hub.db.models import Clue
from hub.intake.present import parse_clue_no
from hub.privacy.service import earlier_clues
from hub.security.blind import normalized_phone
from tests.privacy.conftest import wait_for_review
from tests.support import factories


def test_same_reporter_counted_across_formats_without_clear_text(hub, agencies):
    _, court = agencies.add("十堰市中级人民法院", "court")
    _, hotline = agencies.add("十堰市12345热线", "hotline")
    idn = factories.id_number()
    sent = [
        (court, {"name": "张三", "phone": "13812345678", "id_number": idn, "anonymous": False}),
        (hotline, {"name": "张三", "phone": "+86 138-1234-5678", "anonymous": False}),
        (hotline, {"phone": "13900000000", "id_number": idn.lower(), "anonymous": True}),
        (court, {"name": "李四", "phone": "13700001111", "anonymous": False}),
    ]
    numbers = [agencies.client(key).post("/api/v1/clues", json=factories.clue(
        channel="hotline" if key == hotline else "court", reporter=reporter)).json()["id"]
        for key, reporter in sent]
    wait_for_review(hub, 4)
    with hub.uow(write=False) as uow:
        clues = [uow.session.get(Clue, parse_clue_no(n)[1]) for n in numbers]
        counts = [earlier_clues(uow.session, c)[0] for c in clues]
        # what is stored beside the clue is an HMAC, not the number
        dump = " ".join(str(v) for v in uow.session.execute(text(
            "SELECT reporter_phone_index, reporter_id_index, reporter_masked FROM clues")).all())
    assert counts == [0, 1, 1, 0]  # the third matches the first by ID number only
    assert "13812345678" not in dump and idn not in dump and "张三" not in dump
    assert len(clues[0].reporter_phone_index) == 64
    assert clues[0].reporter_phone_index == clues[1].reporter_phone_index
    assert clues[0].reporter_id_index == clues[2].reporter_id_index


def test_blind_index_key_is_not_a_master_key(hub):
    ring = hub.cipher._keys.ring()
    assert ring.blind_index_key not in ring.keys.values() and len(ring.blind_index_key) == 32
    a = hub.cipher.blind_index("phone", normalized_phone("138 1234 5678"))
    assert a == hub.cipher.blind_index("phone", "13812345678")
    assert a != hub.cipher.blind_index("id_number", "13812345678")  # purposes never collide


def test_clue_without_reporter_has_no_index(hub, agencies):
    _, court = agencies.add()
    number = agencies.client(court).post("/api/v1/clues", json=factories.clue(
        reporter=None)).json()["id"]
    wait_for_review(hub, 1)
    with hub.uow(write=False) as uow:
        clue = uow.session.scalar(select(Clue).where(Clue.id == parse_clue_no(number)[1]))
        assert clue.reporter_phone_index is None and clue.reporter_id_index is None
        assert earlier_clues(uow.session, clue) == (0, [])
