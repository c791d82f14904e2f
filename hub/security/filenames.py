"""Attachment names made safe to store and to offer for download.

A partner's `filename` is a label, never a path: `safe_filename` keeps only what can be shown
and written as one file name in one directory, on Linux and on the Windows desktops the
office opens downloads on.
"""

from __future__ import annotations

import re
import unicodedata

from hub.security.names import invisible

MAX_BYTES = 200  # well under the 255 bytes of ext4 and NTFS, room for a numeric suffix
FALLBACK = "附件"
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)
_FORBIDDEN = set('<>:"/\\|?*')


def safe_filename(name: str | None, fallback: str = FALLBACK) -> str:
    """One plain file name: no directories, no `..`, no control or invisible characters,
    no Windows reserved names or forbidden characters, at most MAX_BYTES of UTF-8, and the
    extension kept when the name is shortened."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]  # the last part of any path
    text = "".join(" " if c.isspace() else c for c in text if not _dropped(c))
    text = " ".join(text.split()).strip(" .")  # Windows drops trailing dots and spaces
    text = text.lstrip(".")  # no hidden files, no `..`
    if not text or _WINDOWS_RESERVED.match(text):
        text = f"{fallback}_{text}" if text else fallback
    return _shorten(text)


def _dropped(char: str) -> bool:
    return char in _FORBIDDEN or (invisible(char) and not char.isspace())


def _shorten(text: str) -> str:
    if len(text.encode()) <= MAX_BYTES:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or len(ext.encode()) > 16:
        stem, ext = text, ""
    room = MAX_BYTES - len(ext.encode()) - (1 if ext else 0)
    cut = stem.encode()[:room].decode(errors="ignore").rstrip(" .")
    return f"{cut}.{ext}" if ext else cut
