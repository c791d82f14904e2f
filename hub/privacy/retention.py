"""Retention: purge raw bodies and anonymize reporters once a clue's period has passed.

The period is `HUB_RETENTION_DAYS`, or the channel's own in `HUB_RETENTION_CHANNEL_DAYS`.
A clue under a legal hold is left untouched, and so is a raw record any of whose clues is
still within its period or held (a batch body holds several clues). Each purge is one
audit entry. `now` is a parameter so the job can be tested on a chosen day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from hub import audit
from hub.container import Hub
from hub.contract.v1 import Channel
from hub.db.models import Clue, ClueEvent, RawRecord
from hub.db.types import utcnow
from hub.privacy.models import LegalHold
from hub.settings import Settings

ACTOR = "system:retention"


@dataclass
class RetentionReport:
    reporters_anonymized: int = 0
    raw_purged: int = 0
    held_skipped: int = 0

    def summary(self) -> str:
        return (f"已匿名化反映人信息 {self.reporters_anonymized} 条、清除原始记录 {self.raw_purged} 份；"
                f"因法律保留跳过 {self.held_skipped} 条线索")


def period_days(settings: Settings, channel: str) -> int:
    return int(settings.retention_channel_days.get(channel, settings.retention_days))


def _held():
    return select(LegalHold.clue_id).where(LegalHold.released_at.is_(None))


def run_retention(hub: Hub, now: datetime | None = None) -> RetentionReport:
    now = now or utcnow()
    report = RetentionReport()
    for channel in [c.value for c in Channel]:
        cutoff = now - timedelta(days=period_days(hub.settings, channel))
        after = 0
        while True:
            with hub.uow() as uow:
                after, more = _batch(uow.session, hub.settings, channel, cutoff, after, now, report)
                uow.commit()
            if not more:
                break
    with hub.uow() as uow:
        _orphans(uow.session, now - timedelta(days=hub.settings.retention_days), now, report)
        report.held_skipped = _count_held(uow.session, hub.settings, now)
        uow.commit()
    return report


def _batch(session: Session, settings: Settings, channel: str, cutoff: datetime, after: int,
           now: datetime, report: RetentionReport) -> tuple[int, bool]:
    unpurged_raw = select(RawRecord.id).where(RawRecord.purged_at.is_(None))
    clues = list(session.scalars(
        select(Clue).where(
            Clue.channel == channel, Clue.received_at < cutoff, Clue.id > after,
            Clue.id.not_in(_held()),
            or_(Clue.reporter_enc.is_not(None), Clue.reporter_phone_index.is_not(None),
                Clue.reporter_id_index.is_not(None), Clue.raw_record_id.in_(unpurged_raw)))
        .order_by(Clue.id).limit(settings.retention_batch)))
    for clue in clues:
        had_reporter = clue.reporter_enc is not None or clue.reporter_phone_index is not None
        if had_reporter:
            _anonymize(clue)
            report.reporters_anonymized += 1
        raw_done = _purge_raw_if_due(session, settings, clue.raw_record_id, now)
        report.raw_purged += int(raw_done)
        if had_reporter or raw_done:
            session.add(ClueEvent(clue_id=clue.id, at=now, actor="system",
                                  action="retention.purged",
                                  detail={"reporter": had_reporter, "raw": raw_done}))
            audit.record(session, actor=ACTOR, action="retention.purged", target=f"clue:{clue.id}",
                         via="system", at=now,
                         after={"reporter_anonymized": had_reporter, "raw_purged": raw_done,
                                "raw_record": clue.raw_record_id, "channel": channel,
                                "period_days": period_days(settings, channel)})
    return (clues[-1].id if clues else after), len(clues) == settings.retention_batch


def _anonymize(clue: Clue) -> None:
    anonymous = bool(clue.reporter_masked and clue.reporter_masked.get("anonymous"))
    clue.reporter_enc = None
    clue.reporter_phone_index = clue.reporter_id_index = None
    clue.reporter_masked = {"name": None, "phone": None, "id_number": None,
                            "anonymous": anonymous, "purged": True}


def _purge_raw_if_due(session: Session, settings: Settings, raw_id: int, now: datetime) -> bool:
    raw = session.get(RawRecord, raw_id)
    if raw is None or raw.purged_at is not None:
        return False
    siblings = session.execute(select(Clue.id, Clue.channel, Clue.received_at)
                               .where(Clue.raw_record_id == raw_id)).all()
    held = set(session.scalars(_held().where(LegalHold.clue_id.in_([s.id for s in siblings]))))
    for s in siblings:
        if s.id in held or s.received_at >= now - timedelta(days=period_days(settings, s.channel)):
            return False
    _purge(raw, now)
    return True


def _purge(raw: RawRecord, now: datetime) -> None:
    raw.body_enc = b""
    raw.purged_at = now


def _orphans(session: Session, cutoff: datetime, now: datetime, report: RetentionReport) -> None:
    """Raw records that never became a clue (refused bodies), past the default period."""
    rows = list(session.scalars(select(RawRecord).where(
        RawRecord.purged_at.is_(None), RawRecord.received_at < cutoff,
        ~exists().where(Clue.raw_record_id == RawRecord.id))))
    for raw in rows:
        _purge(raw, now)
        report.raw_purged += 1
        audit.record(session, actor=ACTOR, action="retention.purged",
                     target=f"raw_record:{raw.id}", via="system", at=now,
                     after={"raw_purged": True})


def _count_held(session: Session, settings: Settings, now: datetime) -> int:
    n = 0
    for channel, received in session.execute(
            select(Clue.channel, Clue.received_at).where(Clue.id.in_(_held()))):
        n += received < now - timedelta(days=period_days(settings, channel))
    return n


def purged_body(raw: RawRecord) -> bool:
    return raw.purged_at is not None
