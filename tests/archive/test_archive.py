"""立卷归档: a closed matter is filed with everything about it and a signed manifest; its
retention period and secrecy mark are on every export; it is read-only afterwards (a
follow-up's rebound excepted); an export verifies, a tampered one does not; expiry respects
legal holds."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from urllib.parse import unquote

from sqlalchemy import select

from hub.archive import bundle, service
from hub.archive.models import ArchiveFile
from hub.privacy.models import LegalHold
from tests.handoffs.conftest import COMMISSION
from tests.notify.support import cli
from tests.support.fonts import WQY, file_family


def _closed_with_sanctions(desk) -> tuple[str, str]:
    clue = desk.pending_clue()
    made = desk.decide(clue, "assign", COMMISSION)
    number = made.json()["decisions"][0]["handoffs"][0]
    desk.commission.post(f"/api/v1/handoffs/{number}/ack")
    upload = desk.commission.post(f"/api/v1/handoffs/{number}/attachments",
                                  files={"file": ("处分决定.txt", "给予两人政务记过处分".encode(),
                                                  "text/plain")})
    assert upload.status_code == 201, upload.text
    replied = desk.commission.post(f"/api/v1/handoffs/{number}/replies", json={
        "final": True, "text": "已处理", "attachments": [upload.json()["id"]],
        "outcome": {"kind": "sanction", "persons": 2, "text": "两人受到政务处分"}})
    assert replied.status_code == 201, replied.text
    verified = desk.office.post(f"/api/v1/office/handoffs/{number}/actions",
                                json={"action": "verify"})
    assert verified.json()["status"] == "closed", verified.text
    return clue, number


def test_a_closed_matter_is_filed_signed_exported_verified_and_kept_read_only(desk, tmp_path):
    hub = desk.hub
    clue, number = _closed_with_sanctions(desk)
    assert service.build_all(hub) == 1 and service.build_all(hub) == 0
    listed = desk.office.get("/office/archive", params={"q": ""})
    assert listed.status_code == 200 and clue in listed.text and "永久" in listed.text
    with hub.uow(write=False) as uow:
        file = uow.session.scalar(select(ArchiveFile))
    assert (file.state, file.retention, file.secrecy) == ("filed", "permanent", "内部")
    page = desk.office.get(f"/office/archive/{file.number}")
    assert "校验通过" in page.text and "【内部】" in page.text

    exported = desk.office.get(f"/office/archive/{file.number}/export")
    assert exported.status_code == 200
    name = unquote(exported.headers["content-disposition"])
    assert "【内部】" in name and "保管期限永久" in name
    z = zipfile.ZipFile(io.BytesIO(exported.content))
    names = set(z.namelist())
    assert {"封面.txt", "clue.json", "raw/record.json", "raw/body", "handoffs.json",
            "replies.json", "audit.json", "manifest.json", "manifest.sig"} <= names
    assert any(n.startswith(f"attachments/{number}/") and n.endswith("处分决定.txt") for n in names)
    assert any(n.endswith("交办函.docx") for n in names) and any(n.endswith("办结报告.docx")
                                                              for n in names)
    letter = next(n for n in names if n.endswith("交办函.docx"))
    letter_xml = zipfile.ZipFile(io.BytesIO(z.read(letter))).read("word/document.xml").decode()
    assert set(re.findall(r'w:eastAsia="([^"]+)"', letter_xml)) == {file_family(WQY)}
    cover = z.read("封面.txt").decode()
    assert "保管期限：永久" in cover and "密级：内部" in cover
    assert b"handoff.verify" in z.read("audit.json")
    assert bundle.check(exported.content, hub.signing_key.public_raw).ok

    # The command line verifies the export; a tampered copy fails, naming the file.
    good = tmp_path / "good.zip"
    good.write_bytes(exported.content)
    assert cli(hub.settings, "archive", "verify", "--file", str(good)).exit_code == 0
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as out:
        for n in z.namelist():
            out.writestr(n, b"{}" if n == "replies.json" else z.read(n))
    bad = tmp_path / "bad.zip"
    bad.write_bytes(tampered.getvalue())
    refused = cli(hub.settings, "archive", "verify", "--file", str(bad))
    assert refused.exit_code == 1 and "replies.json" in refused.output
    by_number = cli(hub.settings, "archive", "verify", file.number)
    assert by_number.exit_code == 0 and "校验通过" in by_number.output
    shown = cli(hub.settings, "archive", "list", "--find", file.number)
    assert "【内部】保管期限永久" in shown.output

    # Read-only: any change to the filed matter's hand-offs is refused in plain words…
    from hub.archive.service import ArchivedMatter, on_handoff_event
    from hub.handoffs.models import Handoff, HandoffEvent

    with hub.uow() as uow:
        handoff = uow.session.scalar(select(Handoff).where(Handoff.number == number))
        try:
            on_handoff_event(uow.session, handoff, HandoffEvent(
                handoff_id=handoff.id, action="cancel", actor="user:li", via="api",
                at=datetime.now(UTC), detail={}))
        except ArchivedMatter as exc:
            assert exc.status_code == 409 and "已立卷归档" in exc.message
        else:
            raise AssertionError("a change to an archived matter went through")
    # …but 回头看 reopens it: a follow-up check's rebound; the filed file stays as filed.
    followups = desk.office.get("/api/v1/office/followups", params={"view": "scheduled"}).json()
    rebound = desk.office.post(f"/api/v1/office/followups/{followups['followups'][0]['id']}/finding",
                               json={"finding": "rebound", "note": "问题再次出现"})
    assert rebound.status_code == 200, rebound.text
    with hub.uow(write=False) as uow:
        assert uow.session.get(ArchiveFile, file.id).state == "reopened"
        assert service.verify_file(uow.session, hub.cipher, hub.signing_key, file.number).ok


def test_expired_files_are_destroyed_unless_a_legal_hold_keeps_them(desk):
    hub = desk.hub
    _closed_with_sanctions(desk)
    service.build_all(hub)
    with hub.uow() as uow:
        file = uow.session.scalar(select(ArchiveFile))
        file.retention, file.retain_until = "10y", date(2030, 1, 1)
        uow.session.add(LegalHold(clue_id=file.clue_id, reason="诉讼中", set_by="user:li",
                                  set_at=datetime.now(UTC)))
        uow.commit()
    with hub.uow() as uow:
        assert service.destroy_expired(uow.session, date(2031, 1, 1)) == 0
        uow.session.execute(LegalHold.__table__.update().values(
            released_at=datetime.now(UTC)))
        assert service.destroy_expired(uow.session, date(2031, 1, 1)) == 1
        uow.commit()
    with hub.uow(write=False) as uow:
        kept = uow.session.scalar(select(ArchiveFile))
    assert kept.state == "destroyed" and kept.content_enc is None
    assert desk.office.get(f"/office/archive/{kept.number}/export").status_code == 409
