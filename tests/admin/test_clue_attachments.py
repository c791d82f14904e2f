"""Clue attachments: a partner uploads the bytes it declared (checked against the declaration),
the office registers a clue by hand with files; files are encrypted at rest, previewed inline
(images, PDF) with the hub's own media type and a sandboxing policy, every download audited."""

from __future__ import annotations

import hashlib
import re

import httpx
from sqlalchemy import select

from hub.agencies.service import add_agency
from hub.audit.models import AuditEntry
from hub.db.models import Clue, RawRecord
from hub.intake.models import ClueAttachment
from tests.admin.conftest import office_client
from tests.support import factories

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
       b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _partner(world, name: str) -> httpx.Client:  # noqa: ANN001
    with world.hub.uow() as uow:
        _, key = add_agency(uow.session, name=name, channel="court", region_code="420300")
        uow.commit()
    return httpx.Client(base_url=world.url, headers={"Authorization": f"Bearer {key}"},
                        timeout=60)


def _declared(name: str, data: bytes, media_type: str) -> dict:
    return {"filename": name, "media_type": media_type,
            "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def test_partner_uploads_what_it_declared(world):
    court = _partner(world, "十堰市张湾区人民法院")
    other = _partner(world, "十堰市茅箭区人民法院")
    clue = court.post("/api/v1/clues", json=factories.clue(attachments=[
        _declared("判决书.pdf", PDF, "application/pdf")])).json()["id"]
    url = f"/api/v1/clues/{clue}/attachments"
    wrong = court.post(url, files={"file": ("判决书.pdf", PDF + b"x", "application/pdf")})
    assert wrong.status_code == 422
    assert "附件“判决书.pdf”与声明不符" in wrong.text and "SHA-256" in wrong.text
    assert f"声明为 {len(PDF)} 字节" in wrong.text
    stranger = court.post(url, files={"file": ("其他.png", PNG, "image/png")})
    assert stranger.status_code == 422 and "与该线索声明的任何附件都不符" in stranger.text
    assert other.post(url, files={"file": ("判决书.pdf", PDF, "application/pdf")}).status_code == 404
    # The sender says HTML; the bytes are a PDF: the hub keeps what the bytes are.
    made = court.post(url, files={"file": ("判决书.pdf", PDF, "text/html")})
    assert made.status_code == 415 and "text/html" in made.text
    made = court.post(url, files={"file": ("判决书.pdf", PDF, "application/octet-stream")})
    assert made.status_code == 201, made.text
    assert made.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert made.json()["media_type"] == "application/pdf"
    again = court.post(url, files={"file": ("判决书.pdf", PDF, "application/pdf")})
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    with world.hub.uow(write=False) as uow:
        stored = uow.session.scalar(select(ClueAttachment).where(
            ClueAttachment.id == made.json()["id"]))
        assert PDF not in stored.content_enc  # encrypted at rest
    nothing = court.post("/api/v1/clues", json=factories.clue()).json()["id"]
    refused = court.post(f"/api/v1/clues/{nothing}/attachments",
                         files={"file": ("a.pdf", PDF, "application/pdf")})
    assert refused.status_code == 422 and "没有声明附件" in refused.text


def test_office_registers_a_letter_with_files(world):
    li, csrf = office_client(world, "li")
    form = li.get("/office/clues/new")
    assert form.status_code == 200 and "立项登记" in form.text
    form_id = re.search(r'name="form_id" value="(\w+)"', form.text).group(1)
    fields = {"csrf": csrf, "form_id": form_id, "channel": "mailbox", "received_via": "letter",
              "reported_at": "2026-12-01T09:30", "title": "来信反映郧西县某局乱罚款",
              "content": "来信人反映郧西县某局对个体户重复罚款。", "urgency": "normal",
              "region_code": "99999", "reporter_name": "李四", "reporter_phone": "13912345678"}
    refused = li.post("/office/clues/new", data=fields,
                      files=[("files", ("来信.pdf", PDF, "application/pdf"))])
    assert refused.status_code == 422
    assert "区划" in refused.text and 'value="来信反映郧西县某局乱罚款"' in refused.text
    assert 'value="13912345678"' in refused.text  # what was typed stays (it is the typist's)
    fields["region_code"] = "420322"
    made = li.post("/office/clues/new", data=fields,
                   files=[("files", ("来信.pdf", PDF, "application/pdf")),
                          ("files", ("照片.png", PNG, "image/png"))])
    assert made.status_code == 303, made.text
    number = re.search(r"/office/clues/(XS-\d{4}-\d+)", made.headers["location"]).group(1)
    twice = li.post("/office/clues/new", data=fields,
                    files=[("files", ("来信.pdf", PDF, "application/pdf"))])
    assert number in twice.headers["location"]  # a double click makes no second clue
    page = li.get(f"/office/clues/{number}")
    assert "来信.pdf" in page.text and "照片.png" in page.text and "139****5678" in page.text
    assert "13912345678" not in page.text
    link = re.search(rf'href="(/office/clues/{number}/attachments/\d+)">来信.pdf', page.text).group(1)
    preview = li.get(link + "?inline=1")
    assert preview.status_code == 200 and preview.content == PDF
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.headers["content-disposition"].startswith("inline")
    assert "sandbox" in preview.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in preview.headers["content-security-policy"]
    assert preview.headers["x-frame-options"] == "SAMEORIGIN"
    download = li.get(link)
    assert download.headers["content-disposition"].startswith("attachment")
    with world.hub.uow(write=False) as uow:
        clue = uow.session.scalar(select(Clue).where(Clue.title == "来信反映郧西县某局乱罚款"))
        raw = uow.session.get(RawRecord, clue.raw_record_id)
        actions = list(uow.session.scalars(select(AuditEntry.action)))
    assert clue.channel == "mailbox" and clue.extra["received_via"] == "letter"
    assert raw.origin == "office" and b"13912345678" not in clue.reporter_enc
    assert clue.reporter_masked["phone"] == "139****5678"
    assert len(clue.attachments) == 2
    assert {"clue.registered", "clue.attachment_viewed", "clue.attachment_downloaded"} <= set(actions)
    audit_user, _ = office_client(world, "audit")
    assert audit_user.get("/office/clues/new").status_code == 403
