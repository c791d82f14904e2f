"""What an attachment really is: its first bytes against the media type it claims, and a
look inside ZIP containers (docx, xlsx, zip) before anything unpacks them.

`check_attachment(data, declared, filename)` answers the media type to store, or raises
InvalidInput naming the field: a type not allowed, bytes that are another type than
declared, a file over the size limit, or a ZIP whose contents would unpack past the limits
(a zip bomb: huge total, extreme compression ratio, too many entries, nested archives).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from hub.errors import FieldError, InvalidInput

ZIP_TYPES = {
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED = {
    "application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain",
    "application/msword", "application/vnd.ms-excel", "application/ofd", *ZIP_TYPES,
}
# Magic bytes -> the media types that may begin with them.
_MAGIC: list[tuple[bytes, set[str]]] = [
    (b"%PDF-", {"application/pdf"}),
    (b"\x89PNG\r\n\x1a\n", {"image/png"}),
    (b"\xff\xd8\xff", {"image/jpeg"}),
    (b"GIF87a", {"image/gif"}), (b"GIF89a", {"image/gif"}),
    (b"PK\x03\x04", ZIP_TYPES | {"application/ofd"}),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", {"application/msword", "application/vnd.ms-excel"}),
]
# Programs are refused whatever they claim to be.
_PROGRAMS = [(b"MZ", "Windows 可执行程序"), (b"\x7fELF", "Linux 可执行程序"), (b"#!", "脚本")]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 100 * 1024 * 1024
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


def check_attachment(data: bytes, declared: str, filename: str = "",
                     limits: Limits = Limits()) -> str:
    declared = declared.split(";")[0].strip().lower()
    if len(data) > limits.max_bytes:
        raise _refuse(f"附件 {len(data)} 字节，超过 {limits.max_bytes // (1024 * 1024)} MiB 的上限",
                      "size")
    if declared not in ALLOWED:
        raise _refuse(f"不接受的附件类型“{declared}”")
    for magic, what in _PROGRAMS:
        if data.startswith(magic):
            raise _refuse(f"附件声明为“{declared}”，内容却是{what}")
    found = sniff(data[:16])
    if declared == "text/plain":
        if found is not None or not _is_text(data):
            raise _refuse("附件声明为纯文本，内容却不是 UTF-8 或 GB18030 文本")
    elif found is None or declared not in found:
        raise _refuse(f"附件声明为“{declared}”，内容与该类型不符（文件头不匹配）")
    if declared in ZIP_TYPES or declared == "application/ofd":
        check_zip(data, limits)
    return declared


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
