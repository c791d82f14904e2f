"""Attachment checks (pure): media type from the bytes' magic, safe file names."""

from __future__ import annotations

import re
import unicodedata

ZIP_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/zip": ".zip",
}
OLE_TYPES = {"application/msword": ".doc", "application/vnd.ms-excel": ".xls"}
ALLOWED = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
           "text/plain": ".txt", **ZIP_TYPES, **OLE_TYPES}
ALLOWED_LABEL = "PDF、PNG、JPEG、纯文本、Word（doc/docx）、Excel（xls/xlsx）、ZIP"
_EXTENSIONS = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".txt": "text/plain", ".docx": next(iter(ZIP_TYPES)),
               ".xlsx": list(ZIP_TYPES)[1], ".zip": "application/zip",
               ".doc": "application/msword", ".xls": "application/vnd.ms-excel"}


def sniff(content: bytes) -> str | None:
    """The family the bytes belong to, from their first bytes; None when not allowed."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"PK\x03\x04"):
        return "zip"
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if b"\x00" not in content[:8192]:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def media_type_for(content: bytes, declared: str | None, filename: str) -> str | None:
    """The stored media type: what the bytes are, agreeing with what was declared (or the
    file name's extension); None when the bytes are not an allowed type or contradict it."""
    family = sniff(content)
    claimed = (declared or "").split(";")[0].strip().lower()
    if claimed in ("", "application/octet-stream"):
        claimed = _EXTENSIONS.get(_extension(filename), "")
    if family in ("zip", "ole"):
        table = ZIP_TYPES if family == "zip" else OLE_TYPES
        if claimed in table:
            return claimed
        return "application/zip" if family == "zip" and not claimed else None
    if family is None:
        return None
    if claimed and claimed != family:
        return None
    return family


def _extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else ""


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_filename(name: str | None, media_type: str) -> str:
    """The last path part, without control or reserved characters, at most 120 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    # Control, format (e.g. U+202E, which flips "exe.pdf" on screen) and separator characters.
    name = "".join(c if c.isprintable() else "_" for c in name)
    name = _UNSAFE.sub("_", name).strip(" ._")
    if not name:
        name = "附件" + ALLOWED.get(media_type, "")
    if len(name) > 120:
        ext = _extension(name)[:10]
        name = name[: 120 - len(ext)] + ext
    return name
