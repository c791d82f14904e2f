"""Retention purges raw bodies and anonymizes reporters per channel, except under a legal hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub import scheduler
from hub.audit.models import AuditEntry
from hub.audit.service import verify_trail
from hub.db.models import Clue, RawRecord
from hub.db.types import utcnow
from hub.errors import Conflict
from hub.intake.present import parse_clue_no
from hub.privacy import reveal
from hub.privacy.retention import run_retention
from hub.privacy.service import active_hold
from hub.review.service import clue_view
from tests.conftest import make_settings
from tests.privacy.conftest import wait_for_review
from tests.support import factories
from tests.support.cli import run_hub


@pytest.fixture
def settings(backend, tmp_path):
    return make_settings(backend, tmp_path, retention_days=365,
                         retention_channel_days={"hotline": 30})




def _clue(hub, number: str) -> tuple[Clue, RawRecord]:
    with hub.uow(write=False) as uow:
        clue = uow.session.get(Clue, parse_clue_no(number)[1])
        return clue, uow.session.get(RawRecord, clue.raw_record_id)


def _purges(hub) -> int:
    with hub.uow(write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "retention.purged"))


def test_retention_per_channel_with_a_legal_hold(hub, agencies, settings):
    _, court = agencies.add("十堰市中级人民法院", "court")
    _, hotline = agencies.add("十堰市12345热线", "hotline")
    court_no = agencies.client(court).post("/api/v1/clues", json=factories.clue()).json()["id"]
    hot = agencies.client(hotline)
    purged_no, held_no = (hot.post("/api/v1/clues", json=factories.clue(channel="hotline"))
                          .json()["id"] for _ in range(2))
    # one body, two clues of different channels: the body stays until both are due
    batch = agencies.client(court).post("/api/v1/clues/batch", json={"clues": [
        factories.clue(channel="hotline"), factories.clue()]}).json()["results"]
    mixed_hotline, mixed_court = (r["clue"]["id"] for r in batch)
    wait_for_review(hub, 5)
    held = run_hub(settings, "hold", "set", held_no, "--reason", "行政诉讼未结，须保留原始材料")
    assert held.returncode == 0 and "已设置法律保留" in held.stdout, held.stderr

    report = run_retention(hub, now=utcnow() + timedelta(days=40))
    assert (report.reporters_anonymized, report.raw_purged, report.held_skipped) == (2, 1, 1)
    clue, raw = _clue(hub, purged_no)
    assert clue.reporter_enc is None and clue.reporter_phone_index is None
    assert clue.reporter_masked["purged"] and raw.purged_at is not None and raw.body_enc == b""
    with hub.uow(write=False) as uow:
        view = clue_view(uow.session, hub.cipher, clue.id)
        assert view.raw_shown == "（原始记录已按保存期限清除）"
        assert active_hold(uow.session, parse_clue_no(held_no)[1]) is not None
    clue, raw = _clue(hub, held_no)
    assert clue.reporter_enc is not None and raw.purged_at is None  # held: untouched
    clue, raw = _clue(hub, mixed_hotline)
    assert clue.reporter_enc is None and raw.purged_at is None  # its court sibling is not due
    clue, raw = _clue(hub, court_no)
    assert clue.reporter_enc is not None and raw.purged_at is None
    assert _purges(hub) == 2

    again = run_retention(hub, now=utcnow() + timedelta(days=40))
    assert (again.reporters_anonymized, again.raw_purged) == (0, 0)  # nothing twice

    released = run_hub(settings, "hold", "release", held_no)
    assert released.returncode == 0, released.stderr
    late = run_retention(hub, now=utcnow() + timedelta(days=400))
    assert late.reporters_anonymized == 3  # the released one, the court one, the mixed court one
    assert _clue(hub, held_no)[0].reporter_enc is None
    assert _clue(hub, mixed_court)[1].purged_at is not None
    with hub.uow(write=False) as uow:
        assert verify_trail(uow.session, hub.signing_key).ok


def test_an_anonymized_reporter_cannot_be_revealed(hub, agencies):
    _, hotline = agencies.add("十堰市12345热线", "hotline")
    number = agencies.client(hotline).post("/api/v1/clues", json=factories.clue(
        channel="hotline")).json()["id"]
    wait_for_review(hub, 1)
    run_retention(hub, now=utcnow() + timedelta(days=31))
    from hub.accounts.service import OfficePrincipal

    head = OfficePrincipal(1, "wang", "王科长", "section_head", "s", "c")
    with hub.uow() as uow, pytest.raises(Conflict):
        reveal.request_reveal(uow.session, head, parse_clue_no(number)[1], "核实反映情况",
                              reveal.Where(), utcnow())


def test_scheduler_runs_retention_nightly_and_signs_the_head(hub):
    from hub import audit
    from hub.audit.jobs import sign_now
    from hub.audit.models import AuditHead

    jobs = {job.id: job for job in scheduler.jobs(hub)}
    assert jobs["privacy.retention"].trigger == "cron"
    assert jobs["audit.sign_head"].args["seconds"] <= 60  # within a minute of an append
    with hub.uow() as uow:
        audit.record(uow.session, actor="system", action="test")
        uow.commit()
    jobs["audit.sign_head"].func()
    sign_now(hub)  # nothing new: no second head
    with hub.uow(write=False) as uow:
        assert [h.seq for h in uow.session.scalars(select(AuditHead))] == [1]


def test_retention_clears_the_reporter_from_the_words_and_from_carried_hand_off_copies(
        hub, agencies):
    from hub.correlate.models import CorrelateProfile
    from hub.handoffs.models import Handoff
    from tests.notify.support import make_handoff

    _, hotline = agencies.add("十堰市12345热线", "hotline")
    said = factories.clue(channel="hotline", title="张三反映郧西县交警大队按指标罚款",
                          content="来电人张三（电话13812345678）反映郧西县交警大队对货车按指标罚款，"
                                  "每车罚款2000元，请回电0719-8123456。")
    number = agencies.client(hotline).post("/api/v1/clues", json=said).json()["id"]
    wait_for_review(hub, 1)
    clue_id = parse_clue_no(number)[1]
    handoff_id = make_handoff(hub, None)
    with hub.uow() as uow:  # the office handed the reporter's contact data over with it
        handoff = uow.session.get(Handoff, handoff_id)
        handoff.clue_id, handoff.reporter_enc = clue_id, b"carried"
        uow.commit()

    report = run_retention(hub, now=utcnow() + timedelta(days=31))

    assert report.reporters_anonymized == 1
    clue, _ = _clue(hub, number)
    assert clue.title == "[已清除]反映郧西县交警大队按指标罚款"
    assert clue.content == ("来电人[已清除]（电话[已清除]）反映郧西县交警大队对货车按指标罚款，"
                            "每车罚款2000元，请回电[已清除]。")
    with hub.uow(write=False) as uow:
        assert uow.session.get(Handoff, handoff_id).reporter_enc is None
        profile = uow.session.get(CorrelateProfile, clue_id)
        assert "13812345678" not in profile.text and "张三" not in profile.text
        trail = uow.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "retention.purged", AuditEntry.target_id == str(clue_id))).one()
    assert trail.after["text_redactions"] == 4 and trail.after["handoff_copies"] == 1
