"""立卷归档: when a matter closes (all its hand-offs closed) the hub files it.

- a hand-off listener, in the closing transaction, opens a pending archive file (案卷号
  DA-2026-000001) with its retention period and secrecy mark (`rules`);
- from then on the whole matter is read-only: `refuse_if_archived`, registered as a guard of
  hub.db.guards that every service function changing a clue calls (hand-off actions, replies
  and their persons, attachments, notes, owners, decisions, subjects, clusters), refuses with
  409 in Chinese — except the one 回头看 way back in, the new hand-off a follow-up check's
  rebound (问题反弹) makes (the filed file stays as it was; the next close files a new one);
- `build_pending` (the `archive` job, `hub archive build`) writes the file: the clue, its raw
  record, every hand-off with its history, reply, outcome, document and attachment, and the
  audit entries about them, with a manifest of SHA-256 sums signed with the hub's Ed25519 key;
  the zip is kept encrypted;
- `export` gives the zip back, `verify` checks it; `destroy_expired` clears a file whose
  retention period has passed, unless a legal hold is on its matter.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.db import guards
from hub.db.models import Clue, ClueEvent, RawRecord
from hub.db.types import utcnow
from hub.errors import Conflict, Forbidden
from hub.handoffs import repository as handoff_rows
from hub.handoffs import service as handoffs
from hub.handoffs.models import Handoff, HandoffEvent
from hub.handoffs.replies import attachment_content
from hub.intake.present import clue_no
from hub.intake.service import raw_aad
from hub.security.crypto import Cipher
from hub.security.signing import SigningKey
from hub.workdays import shanghai_today

from . import bundle, repository, rules
from .models import ArchiveFile

SEE_ROLES = frozenset({"reviewer", "section_head", "leader", "auditor", "admin"})
STATE_LABELS = {"pending": "待立卷", "filed": "已归档", "reopened": "已归档（事项经回头看重新办理）",
                "cancelled": "未立卷（立卷前已重新打开）", "destroyed": "已到期销毁"}


class ArchivedMatter(Conflict):
    code = "archived"


def require_see(user: OfficePrincipal) -> None:
    if user.role not in SEE_ROLES:
        raise Forbidden("只有办公室人员可以查阅案卷")


def _aad(file_id: int) -> bytes:
    return f"archive-file:{file_id}".encode()


def _rebound_now(session: Session, clue_id: int) -> bool:
    """A follow-up check of this matter found a rebound and is making its new hand-off now."""
    return repository.rebound_pending(session, clue_id)


def refuse_if_archived(session: Session, clue_id: int, what: str) -> None:
    """The guard every change to a clue passes (hub.db.guards): a matter with an open or filed
    archive file is read-only. The one way back in is 回头看: the new hand-off a follow-up
    check's rebound (问题反弹) makes, in the transaction that records the finding."""
    locked = repository.locking(session, clue_id)
    if locked is None or _rebound_now(session, clue_id):
        return
    raise ArchivedMatter(f"该事项已立卷归档（案卷号 {locked.number}），不能再{what}；"
                         f"如需重新办理，请在回头看中记录“问题反弹”重新交办")


guards.add_guard(refuse_if_archived)


def on_handoff_event(session: Session, handoff: Handoff, event: HandoffEvent) -> None:
    """Listener: file the matter when it closes; the rebound's new hand-off reopens the file's
    matter (the filed file stays as it was filed; the next close files a new one)."""
    locked = repository.locking(session, handoff.clue_id)
    if locked is not None:
        refuse_if_archived(session, handoff.clue_id, "办理该事项的移交")
        locked.state = "reopened" if locked.state == "filed" else "cancelled"
        session.add(ClueEvent(clue_id=handoff.clue_id, at=event.at, actor=event.actor,
                              action="archive.reopened", detail={"file": locked.number}))
        return
    if event.action != "close":
        return
    clue = session.get(Clue, handoff.clue_id)
    if clue.status != "closed":
        return
    rows = repository.handoffs_of(session, clue.id)
    outcomes = repository.final_outcomes(session, [h.id for h in rows])
    kinds = {h.kind for h in rows}
    retention = rules.retention_for(outcomes, kinds)
    years = rules.RETENTION_YEARS[retention]
    filed_on = shanghai_today(event.at)
    made = ArchiveFile(number=f"tmp-{clue.id}-{event.id}", clue_id=clue.id, title=clue.title[:200],
                       state="pending", retention=retention,
                       secrecy=rules.secrecy_for(clue.channel, kinds), created_at=event.at,
                       retain_until=(date(filed_on.year + years + 1, 1, 1) if years else None))
    session.add(made)
    session.flush()
    made.number = f"DA-{filed_on.year}-{made.id:06d}"
    session.add(ClueEvent(clue_id=clue.id, at=event.at, actor=event.actor, action="archive.opened",
                          detail={"file": made.number, "retention": retention,
                                  "secrecy": made.secrecy}))


handoffs.add_listener(on_handoff_event)


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS,
                        default=str)


def _row(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns
            if c.key not in skip and not c.key.endswith("_enc")}


def entries_for(session: Session, cipher: Cipher, file: ArchiveFile) -> dict[str, bytes]:
    """Everything the file holds, by path inside the zip."""
    clue = session.get(Clue, file.clue_id)
    number = clue_no(clue.id, clue.received_at)
    out: dict[str, bytes] = {}
    out["封面.txt"] = (f"案卷号：{file.number}\n题名：{file.title}\n线索编号：{number}\n"
                       f"保管期限：{rules.RETENTION_LABELS[file.retention]}\n密级：{file.secrecy}\n"
                       f"立卷日期：{shanghai_today(utcnow()).isoformat()}\n").encode()
    out["clue.json"] = _json({**_row(clue), "number": number,
                              "events": [_row(e) for e in repository.clue_events(session, clue.id)]})
    raw = session.get(RawRecord, clue.raw_record_id) if clue.raw_record_id else None
    if raw is not None:
        out["raw/record.json"] = _json(_row(raw))
        if raw.purged_at is None and raw.body_enc:
            out["raw/body"] = cipher.decrypt(raw.body_enc, raw_aad(raw.agency_id))
    rows = repository.handoffs_of(session, clue.id)
    ids = [h.id for h in rows]
    events = repository.handoff_events(session, ids)
    replies = repository.replies(session, ids)
    out["handoffs.json"] = _json([{**_row(h), "events": [_row(e) for e in events
                                                         if e.handoff_id == h.id]} for h in rows])
    out["replies.json"] = _json([_row(r) for r in replies])
    # the persons outcomes name: masked names, post, rank, kind, measure (never the clear name)
    out["persons.json"] = _json([_row(p) for p in repository.persons(session, ids)])
    for a in handoff_rows.attachments(session, ids):
        handoff = next(h for h in rows if h.id == a.handoff_id)
        out[f"attachments/{handoff.number}/{a.id}-{a.filename}"] = attachment_content(cipher, a)
    for d in repository.documents_of(session, clue.id):
        out[f"documents/{d.filename}"] = d.content
    trail = repository.trail_of(session, clue.id, ids)
    out["audit.json"] = _json([_row(e) for e in trail])
    return out


def build_pending(session: Session, cipher: Cipher, key: SigningKey, file_id: int,
                  now: datetime | None = None) -> ArchiveFile | None:
    """Write one pending file (the caller's transaction; the row is locked first)."""
    file = repository.pending_for_update(session, file_id)
    if file is None:
        return None
    now = now or utcnow()
    entries = entries_for(session, cipher, file)
    header = {"file": file.number, "title": file.title, "clue_id": file.clue_id,
              "retention": rules.RETENTION_LABELS[file.retention], "secrecy": file.secrecy,
              "filed_at": now.isoformat(), "key_id": key.key_id}
    content, manifest, signature = bundle.build(entries, header, key)
    file.content_enc = cipher.encrypt(content, _aad(file.id))
    file.size, file.entries = len(content), len(entries)
    file.manifest_sha256 = hashlib.sha256(manifest).hexdigest()
    file.signature, file.key_id = signature, key.key_id
    file.state, file.filed_at = "filed", now
    audit.record(session, actor="system:archive", action="archive.filed",
                 target=f"clue:{file.clue_id}", at=now,
                 after={"file": file.number, "manifest_sha256": file.manifest_sha256,
                        "retention": file.retention, "secrecy": file.secrecy,
                        "entries": file.entries})
    return file


def build_all(hub: Any) -> int:
    """The `archive` job: write every pending file, one transaction each."""
    made = 0
    with hub.uow(write=False) as uow:
        ids = repository.pending_ids(uow.session)
    for file_id in ids:
        with hub.uow() as uow:
            if build_pending(uow.session, hub.cipher, hub.signing_key, file_id) is not None:
                made += 1
            uow.commit()
    return made


def export(session: Session, cipher: Cipher, number: str, *, actor: str,
           via: str) -> tuple[ArchiveFile, bytes]:
    """The file's zip, as filed (each export is audited)."""
    file = repository.by_number(session, number)
    if file.state == "pending" or file.content_enc is None:
        raise Conflict(f"案卷 {number} {STATE_LABELS[file.state]}，暂无可导出的文件")
    content = cipher.decrypt(file.content_enc, _aad(file.id))
    audit.record(session, actor=actor, action="archive.exported", target=f"clue:{file.clue_id}",
                 via=via, after={"file": number})
    return file, content


def export_name(file: ArchiveFile) -> str:
    """The download's name shows the secrecy mark and retention period (on every export)."""
    return f"【{file.secrecy}】{file.number}（保管期限{rules.RETENTION_LABELS[file.retention]}）.zip"


def verify_file(session: Session, cipher: Cipher, key: SigningKey, number: str) -> bundle.Verdict:
    file = repository.by_number(session, number)
    if file.content_enc is None:
        return bundle.Verdict(False, [f"案卷 {number} {STATE_LABELS[file.state]}"], {})
    verdict = bundle.check(cipher.decrypt(file.content_enc, _aad(file.id)), key.public_raw)
    if verdict.ok and hashlib.sha256(
            _manifest_bytes(cipher, file)).hexdigest() != file.manifest_sha256:
        verdict.ok, verdict.problems = False, ["清单与立卷时登记的 SHA-256 不符"]
    return verdict


def _manifest_bytes(cipher: Cipher, file: ArchiveFile) -> bytes:
    import io
    import zipfile

    content = cipher.decrypt(file.content_enc, _aad(file.id))
    return zipfile.ZipFile(io.BytesIO(content)).read(bundle.MANIFEST)


def destroy_expired(session: Session, today: date, now: datetime | None = None) -> int:
    """Clear files past their retention period; a legal hold on the matter keeps its file."""
    held = repository.held_clue_ids(session)
    made = 0
    for file in repository.expired(session, today, held):
        file.content_enc, file.state = None, "destroyed"
        audit.record(session, actor="system:archive", action="archive.destroyed",
                     target=f"clue:{file.clue_id}", at=now or utcnow(),
                     after={"file": file.number, "retain_until": file.retain_until.isoformat()})
        made += 1
    return made


def view(session: Session, number: str) -> dict[str, Any]:
    file = repository.by_number(session, number)
    clue = session.get(Clue, file.clue_id)
    return {"file": file, "clue_number": clue_no(clue.id, clue.received_at),
            "state_label": STATE_LABELS[file.state],
            "retention_label": rules.RETENTION_LABELS[file.retention]}


def listing(session: Session, text: str | None = None) -> list[dict[str, Any]]:
    rows = repository.search(session, (text or "").strip() or None)
    clues = repository.clues_by_id(session, {r.clue_id for r in rows}) if rows else {}
    return [{"file": r, "clue_number": clue_no(r.clue_id, clues[r.clue_id].received_at),
             "state_label": STATE_LABELS[r.state],
             "retention_label": rules.RETENTION_LABELS[r.retention]} for r in rows]
