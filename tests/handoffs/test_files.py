"""Attachment checks: names made safe, media types taken from the bytes (pure, hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hub.handoffs.files import ALLOWED, media_type_for, safe_filename


@given(st.text(max_size=400), st.sampled_from(sorted(ALLOWED)))
def test_a_safe_filename_is_one_short_name_without_paths_or_control_characters(name, media_type):
    safe = safe_filename(name, media_type)
    assert safe and len(safe) <= 120
    assert not any(c in safe for c in '/\\:*?"<>|') and safe.isprintable()
    assert safe not in (".", "..") and not safe.startswith(".")


@given(st.binary(max_size=64), st.sampled_from([None, "", "application/octet-stream",
                                                *sorted(ALLOWED), "text/html",
                                                "application/x-msdownload"]),
       st.sampled_from(["a.pdf", "a.exe", "报告.docx", "", "x.txt"]))
def test_the_stored_type_is_always_an_allowed_one_agreeing_with_the_bytes(content, declared, name):
    found = media_type_for(content, declared, name)
    assert found is None or found in ALLOWED
    if found == "application/pdf":
        assert content.startswith(b"%PDF-")
    if declared in ("text/html", "application/x-msdownload"):
        assert found is None


def test_known_magic_is_recognised_and_a_disguised_file_refused():
    assert media_type_for(b"%PDF-1.7 ...", "application/pdf", "a.pdf") == "application/pdf"
    assert media_type_for(b"\x89PNG\r\n\x1a\n....", None, "a.png") == "image/png"
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert media_type_for(b"PK\x03\x04....", "application/octet-stream", "报告.docx") == docx
    assert media_type_for(b"MZ\x90\x00", "application/pdf", "a.pdf") is None
    assert media_type_for(b"%PDF-1.7", "image/png", "a.png") is None
    assert safe_filename("../../etc/passwd", "text/plain") == "passwd"
    assert safe_filename("", "application/pdf") == "附件.pdf"
