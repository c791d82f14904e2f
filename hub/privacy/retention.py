"""Retention: purge raw bodies, anonymize reporters and erase the names of the persons a
clue's outcomes name (their masked form stays) once a clue's period has passed.

Anonymizing a reporter clears the encrypted reporter, its blind indexes, the copies hand-offs
carried to their receivers, and the reporter's identifiers in the clue's own words (title,
content and what correlation keeps of them: `hub.privacy.redact`).
The period is `HUB_RETENTION_DAYS`, or the channel's own in `HUB_RETENTION_CHANNEL_DAYS`.
A clue under a legal hold is left untouched, and so is a raw record any of whose clues is
still within its period or held (a batch body holds several clues). Each purge is one
audit entry. `now` is a parameter so the job can be tested on a chosen day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from sqlalchemy.orm import Session

from hub import audit
from hub.container import Hub
from hub.contract.v1 import Channel
from hub.correlate.models import CorrelateProfile
from hub.db.models import Clue, ClueEvent, RawRecord
from hub.db.types import utcnow
from hub.intake.service import reporter_aad
from hub.privacy import repository
from hub.privacy.redact import redact
from hub.search.repository import index_clues
from hub.security.crypto import Cipher
from hub.settings import Settings

ACTOR = "system:retention"
TITLE_MAX = Clue.__table__.c.title.type.length  # a redacted title still fits its column


@dataclass
class RetentionReport:
    reporters_anonymized: int = 0
    raw_purged: int = 0
    held_skipped: int = 0
    person_names_erased: int = 0

    def summary(self) -> str:
        return (f"已匿名化反映人信息 {self.reporters_anonymized} 条、清除处理人员姓名 "
                f"{self.person_names_erased} 个、清除原始记录 {self.raw_purged} 份；"
                f"因法律保留跳过 {self.held_skipped} 条线索")


def period_days(settings: Settings, channel: str) -> int:
    return int(settings.retention_channel_days.get(channel, settings.retention_days))


def run_retention(hub: Hub, now: datetime | None = None) -> RetentionReport:
    now = now or utcnow()
    report = RetentionReport()
    for channel in [c.value for c in Channel]:
        cutoff = now - timedelta(days=period_days(hub.settings, channel))
        after = 0
        while True:
            with hub.uow() as uow:
                after, more = _batch(uow.session, hub.settings, hub.cipher, channel, cutoff,
                                     after, now, report)
                uow.commit()
            if not more:
                break
    with hub.uow() as uow:
        _orphans(uow.session, now - timedelta(days=hub.settings.retention_days), now, report)
        report.held_skipped = _count_held(uow.session, hub.settings, now)
        uow.commit()
    return report


def _batch(session: Session, settings: Settings, cipher: Cipher, channel: str,
           cutoff: datetime, after: int, now: datetime,
           report: RetentionReport) -> tuple[int, bool]:
    clues = repository.retention_due(session, channel, cutoff, after, settings.retention_batch)
    for clue in clues:
        had_reporter = (clue.reporter_enc is not None or clue.reporter_phone_index is not None
                        or clue.reporter_id_index is not None)
        redacted = 0
        if had_reporter:
            redacted = _redact_text(session, clue, _reporter(cipher, clue))
            _anonymize(clue)
            report.reporters_anonymized += 1
        handoffs = _forget_carried(session, clue.id)
        persons = repository.erase_person_names(session, clue.id)
        report.person_names_erased += persons
        raw_done = _purge_raw_if_due(session, settings, clue.raw_record_id, now)
        report.raw_purged += int(raw_done)
        if had_reporter or raw_done or handoffs or persons:
            session.add(ClueEvent(clue_id=clue.id, at=now, actor="system",
                                  action="retention.purged",
                                  detail={"reporter": had_reporter, "raw": raw_done,
                                          "text_redactions": redacted,
                                          "handoff_copies": handoffs, "person_names": persons}))
            audit.record(session, actor=ACTOR, action="retention.purged", target=f"clue:{clue.id}",
                         via="system", at=now,
                         after={"reporter_anonymized": had_reporter, "raw_purged": raw_done,
                                "text_redactions": redacted, "handoff_copies": handoffs,
                                "person_names_erased": persons,
                                "raw_record": clue.raw_record_id, "channel": channel,
                                "period_days": period_days(settings, channel)})
    return (clues[-1].id if clues else after), len(clues) == settings.retention_batch


def _reporter(cipher: Cipher, clue: Clue) -> dict:
    if clue.reporter_enc is None:
        return {}
    return orjson.loads(cipher.decrypt(clue.reporter_enc,
                                       reporter_aad(clue.agency_id, clue.source_ref)))


def _redact_text(session: Session, clue: Clue, reporter: dict) -> int:
    """The reporter's identifiers out of the clue's words and correlation's copy of them."""
    known = [reporter.get("name"), reporter.get("phone"), reporter.get("id_number")]
    title, in_title = redact(clue.title, known)
    clue.title = title[:TITLE_MAX]  # a short name's mark is longer than the name
    clue.content, in_content = redact(clue.content, known)
    profile = session.get(CorrelateProfile, clue.id)
    if profile is not None:
        profile.text, _ = redact(profile.text, known)
    session.flush()
    index_clues(session, [clue.id])  # nor may the search index still find the redacted words
    return in_title + in_content


def _forget_carried(session: Session, clue_id: int) -> int:
    """Hand-offs that carried the reporter to their receiver keep no copy; how many did."""
    return repository.forget_carried_reporters(session, clue_id)


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
    siblings = repository.clues_of_raw(session, raw_id)
    held = repository.held_among(session, [s.id for s in siblings])
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
    rows = repository.orphan_raw_records(session, cutoff)
    for raw in rows:
        _purge(raw, now)
        report.raw_purged += 1
        audit.record(session, actor=ACTOR, action="retention.purged",
                     target=f"raw_record:{raw.id}", via="system", at=now,
                     after={"raw_purged": True})


def _count_held(session: Session, settings: Settings, now: datetime) -> int:
    n = 0
    for channel, received in repository.held_clues_received(session):
        n += received < now - timedelta(days=period_days(settings, channel))
    return n


def purged_body(raw: RawRecord) -> bool:
    return raw.purged_at is not None
