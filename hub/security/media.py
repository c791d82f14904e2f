"""What an attachment really is: its first bytes against the media type it claims, and a
look inside ZIP containers (docx, xlsx, zip, ofd) before anything unpacks them.

`check_attachment(data, declared, filename)` answers the media type to store, or refuses:
`UnsupportedMediaType` (415) for a type not allowed or bytes of another type than claimed,
`PayloadTooLarge` (413) past the size limit, `InvalidInput` (422) for a ZIP that would unpack
past the limits (a zip bomb: huge total, extreme compression ratio, too many entries, nested
archives). A missing or generic declared type (`application/octet-stream`) is taken from the
file name's extension, else from the bytes when they say it unambiguously.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from hub.errors import FieldError, InvalidInput, PayloadTooLarge, UnsupportedMediaType

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPES = {"application/zip", DOCX, XLSX, "application/ofd"}
# Allowed media type -> the extension a file of that type is given when it has no name.
ALLOWED = {
    "application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
    "text/plain": ".txt", "application/msword": ".doc", "application/vnd.ms-excel": ".xls",
    DOCX: ".docx", XLSX: ".xlsx", "application/zip": ".zip", "application/ofd": ".ofd",
}
ALLOWED_LABEL = "PDF、PNG、JPEG、GIF、OFD、纯文本、Word（doc/docx）、Excel（xls/xlsx）、ZIP"
_BY_EXTENSION = {ext: media_type for media_type, ext in ALLOWED.items()} | {
    ".jpeg": "image/jpeg"}
# Magic bytes -> the media types that may begin with them.
_MAGIC: list[tuple[bytes, set[str]]] = [
    (b"%PDF-", {"application/pdf"}),
    (b"\x89PNG\r\n\x1a\n", {"image/png"}),
    (b"\xff\xd8\xff", {"image/jpeg"}),
    (b"GIF87a", {"image/gif"}), (b"GIF89a", {"image/gif"}),
    (b"PK\x03\x04", ZIP_TYPES),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", {"application/msword", "application/vnd.ms-excel"}),
]
# Programs are refused whatever they claim to be.
_PROGRAMS = [(b"MZ", "Windows 可执行程序"), (b"\x7fELF", "Linux 可执行程序"), (b"#!", "脚本")]
_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * _MIB
    max_unpacked_bytes: int = 100 * _MIB
    max_ratio: float = 100.0
    max_entries: int = 2000


def sniff(head: bytes) -> set[str] | None:
    """The media types these first bytes allow, or None when no signature matches."""
    for magic, types in _MAGIC:
        if head.startswith(magic):
            return types
    return None


def _refuse(msg: str, field: str = "media_type") -> InvalidInput:
    return InvalidInput([FieldError(["attachment", field], msg)], "附件不被接受")


def _unsupported(msg: str) -> UnsupportedMediaType:
    return UnsupportedMediaType([FieldError(["attachment", "media_type"], msg)],
                                f"附件不被接受：{msg}")


def check_attachment(data: bytes, declared: str | None, filename: str = "",
                     limits: Limits = Limits()) -> str:
    """The media type to store for these bytes, or the refusal (see the module's doc)."""
    if len(data) > limits.max_bytes:
        raise PayloadTooLarge(f"附件 {len(data)} 字节，超过上限（{_size(limits.max_bytes)}）")
    for magic, what in _PROGRAMS:
        if data.startswith(magic):
            raise _unsupported(f"附件声明为“{declared or '未声明'}”，内容却是{what}")
    found = sniff(data[:16])
    claimed = _claimed(declared, filename) or _guessed(found, data)
    if claimed not in ALLOWED:
        raise _unsupported(f"不接受的附件类型“{claimed or declared or '未声明'}”；"
                           f"允许的类型：{ALLOWED_LABEL}")
    if claimed == "text/plain":
        if found is not None or not _is_text(data):
            raise _unsupported("附件声明为纯文本，内容却不是 UTF-8 或 GB18030 文本")
    elif found is None or claimed not in found:
        raise _unsupported(f"附件声明为“{claimed}”，内容与该类型不符（文件头不匹配）")
    if claimed in ZIP_TYPES:
        check_zip(data, limits)
    return claimed


def _claimed(declared: str | None, filename: str) -> str:
    """The declared type without parameters; the extension's type when none (or a generic
    one) was declared."""
    claimed = (declared or "").split(";")[0].strip().lower()
    if claimed in ("", "application/octet-stream"):
        dot = filename.rfind(".")
        return _BY_EXTENSION.get(filename[dot:].lower(), "") if dot > 0 else ""
    return claimed


def _guessed(found: set[str] | None, data: bytes) -> str:
    """The type the bytes alone say, when only one fits (any ZIP is a plain zip)."""
    if found is None:
        return "text/plain" if _is_text(data) else ""
    if found == ZIP_TYPES:
        return "application/zip"
    return next(iter(found)) if len(found) == 1 else ""


def _size(limit: int) -> str:
    return f"{limit // _MIB} MiB" if limit >= _MIB else f"{limit} 字节"


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def check_zip(data: bytes, limits: Limits = Limits()) -> None:
    """Reads only the central directory: refuses what would unpack past the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse("压缩包已损坏，无法读取目录") from None
    if len(entries) > limits.max_entries:
        raise _refuse(f"压缩包内有 {len(entries)} 个文件，超过 {limits.max_entries} 个的上限",
                      "size")
    total = sum(e.file_size for e in entries)
    packed = max(1, sum(e.compress_size for e in entries))
    if total > limits.max_unpacked_bytes or total / packed > limits.max_ratio:
        raise _refuse(f"压缩包解压后 {total} 字节（压缩比 {total / packed:.0f}:1），"
                      "疑似压缩炸弹，拒绝接收", "size")
    for entry in entries:
        name = entry.filename.lower()
        if name.endswith((".zip", ".rar", ".7z", ".gz")) or ".." in name.split("/") \
                or name.startswith("/"):
            raise _refuse(f"压缩包内含嵌套压缩包或越出目录的路径“{entry.filename}”")
